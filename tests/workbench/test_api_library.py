"""The workbench API: health, library, strategies, the front page and the list of endpoints.

Also the check, applied to every test of the test_api_* modules, that the server never
answered with 500 or more, and the proof that this check can fail.
"""

from __future__ import annotations

import pytest
import yaml

from detente import __version__
from detente.catalogue import catalogue_ids, catalogue_path
from detente.simulation.strategies.registry import strategy_from_spec

from .api_support import (
    EXAMPLES,
    TestClient,
    assert_no_server_errors,
    create,
    ok,
    refused,
    scenario_ids,
    versions,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


# --- the check of every test: no answer of 500 or more -----------------------------------------


def test_the_server_error_check_can_fail() -> None:
    assert_no_server_errors([("GET", "/api/health", 200), ("GET", "/x", 404)])
    with pytest.raises(AssertionError, match="5xx"):
        assert_no_server_errors([("GET", "/api/health", 200), ("POST", "/x", 500)])


# --- library, health, strategies, the endpoint list --------------------------------------------


def test_health_says_ok_with_the_package_version(client: TestClient) -> None:
    assert ok(client.get("/api/health")) == {"status": "ok", "version": __version__}


def test_library_lists_the_examples_hanoi_first_then_the_catalogue(client: TestClient) -> None:
    entries = ok(client.get("/api/library"))["entries"]
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))
    assert entries[0]["id"] == "hanoi-2019"
    examples = {p.stem for p in EXAMPLES.glob("*.yaml")}
    assert {e["id"] for e in entries if e["kind"] == "example"} == examples
    catalogue = [e["id"] for e in entries if e["kind"] == "catalogue"]
    assert set(catalogue) == set(catalogue_ids()) - examples
    kinds = [e["kind"] for e in entries]
    assert kinds == sorted(kinds, key=["example", "catalogue"].index)  # examples come first
    for entry in entries:
        path = EXAMPLES / f"{entry['id']}.yaml"
        if entry["kind"] == "catalogue":
            path = catalogue_path(entry["id"])
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert entry["title"] == data["title"]
        assert entry["summary"] == data.get("summary")


def test_every_library_entry_opens_as_a_copy_of_its_file(client: TestClient) -> None:
    for entry in ok(client.get("/api/library"))["entries"]:
        path = EXAMPLES / f"{entry['id']}.yaml"
        if entry["kind"] == "catalogue":
            path = catalogue_path(entry["id"])
        scenario = create(client, library=entry["id"])
        assert scenario["text"] == path.read_text(encoding="utf-8")
        assert scenario["title"] == entry["title"]
        assert scenario["version"] == scenario["latest"] == 1
        assert versions(client, scenario["id"])[0]["message"]  # says where it came from


def test_an_unknown_library_entry_is_404_and_saves_nothing(client: TestClient) -> None:
    detail = refused(client.post("/api/scenarios", json={"library": "hanoi-2020"}), 404)
    assert "hanoi-2020" in detail["message"]
    assert scenario_ids(client) == []


def test_strategies_are_the_ones_a_simulation_accepts(client: TestClient) -> None:
    names = ok(client.get("/api/strategies"))["strategies"]
    assert len(names) == len(set(names))
    assert {"boulware", "conceder"} <= set(names)  # the simulation's defaults
    for name in names:
        assert strategy_from_spec(name) is not None


CONTRACT = {
    ("get", "/api/health"),
    ("get", "/api/library"),
    ("get", "/api/strategies"),
    ("get", "/api/scenarios"),
    ("post", "/api/scenarios"),
    ("post", "/api/scenarios/upload"),
    ("get", "/api/scenarios/{scenario_id}"),
    ("put", "/api/scenarios/{scenario_id}"),
    ("delete", "/api/scenarios/{scenario_id}"),
    ("get", "/api/scenarios/{scenario_id}/versions"),
    ("get", "/api/scenarios/{scenario_id}/versions/{number}"),
    ("get", "/api/scenarios/{scenario_id}/export"),
    ("get", "/api/scenarios/{scenario_id}/diff"),
    ("post", "/api/validate"),
    ("get", "/api/scenarios/{scenario_id}/analysis"),
    ("get", "/api/scenarios/{scenario_id}/graph"),
    ("get", "/api/scenarios/{scenario_id}/explain"),
    ("get", "/api/scenarios/{scenario_id}/bargaining"),
    ("post", "/api/scenarios/{scenario_id}/runs"),
    ("get", "/api/runs"),
    ("get", "/api/runs/{run_id}"),
    ("post", "/api/runs/{run_id}/cancel"),
    ("get", "/api/runs/{run_id}/export"),
}


def test_the_openapi_schema_has_exactly_the_documented_endpoints(client: TestClient) -> None:
    # The test_api_* modules test each of these; a new endpoint fails here until it is documented
    # and tested.
    schema = ok(client.get("/openapi.json"))
    found = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert found == CONTRACT


def test_the_front_end_is_served_at_the_root(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text.lower()
