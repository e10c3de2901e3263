"""The workbench JSON API against its contract (docs/reference/workbench-api.md).

Every endpoint is exercised with good and bad input. Answers are checked against the Python
API and, for the graph of states and moves, against a brute force written here straight from
the definitions (a move by party p changes only p's options, reaches a feasible state and
respects each option's irreversibility). Runs execute in real worker processes; the slow ones
are started together once per module (``batch``) and the tests read their results.

An autouse check fails any test during which the server answered with a status of 500 or more.
"""

from __future__ import annotations

import csv
import html
import io
import json
import multiprocessing
import os
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from itertools import product
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")
pytest.importorskip("httpx")
pytest.importorskip("multipart")

import yaml
from fastapi.testclient import TestClient

from detente import __version__
from detente.bargaining import solve_bargaining
from detente.bargaining.export import bargaining_document
from detente.catalogue import catalogue_ids, catalogue_path
from detente.graph_model.explain import describe, explain_state
from detente.graph_model.stability import analyze_stability
from detente.scenario import load_scenario
from detente.scenario.loader import Scenario, load_scenario_text
from detente.simulation import simulate
from detente.simulation.export import simulation_document
from detente.simulation.strategies.registry import strategy_from_spec
from detente.whatif.inverse import inverse_analysis
from detente.whatif.robustness import robustness
from detente.whatif.smallest_change import smallest_change
from detente.workbench.app import create_app
from detente.workbench.store import Workspace

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HANOI_PATH = EXAMPLES / "hanoi-2019.yaml"
HANOI_TEXT = HANOI_PATH.read_text(encoding="utf-8")
PD_TEXT = (EXAMPLES / "prisoners-dilemma.yaml").read_text(encoding="utf-8")
UNCERTAINTY = yaml.safe_load((EXAMPLES / "uncertainty" / "hanoi-2019.yaml").read_text("utf-8"))
CONCEPTS = ("nash", "gmr", "smr", "seq")
FINISHED = {"done", "failed", "cancelled"}
ONE_MIB = 1 << 20  # the contract's upload and text limit
INTERACTIVE_LIMIT = 65_536  # the contract's interactive limit, in states
NORTH_OFFER = "civilian_relief and yongbyon and not dismantle_all and not resume_tests"
LONG_ROBUSTNESS = {"samples": 100_000, "seed": 1, "uncertainty": UNCERTAINTY}


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the example changed: {old!r} is not in it exactly once"
    return text.replace(old, new)


# North Korea wanting to dismantle everything: the equilibria of the edited model differ.
HANOI_EDITED = _edit(
    HANOI_TEXT,
    "      - expr: not dismantle_all\n        because: >-\n          Trust was too low",
    "      - expr: dismantle_all\n        because: >-\n          Trust was too low",
)
# The option "pressure" given to a party that does not exist.
PRESSURE_PARTY = "      party: us\n      label: Raise pressure\n"
HANOI_BAD_PARTY = _edit(
    HANOI_TEXT, PRESSURE_PARTY, "      party: nobody\n      label: Raise pressure\n"
)

TRADE_TEXT = """\
format: detente/1
title: Two-issue trade
parties:
  - {id: buyer, name: Buyer}
  - {id: seller, name: Seller}
bargaining:
  issues:
    - id: price
      values: [low, mid, high]
    - id: delivery
      values: [slow, fast]
  preferences:
    buyer:
      weights: {price: 0.7, delivery: 0.3}
      scores:
        price: {low: 1.0, mid: 0.5, high: 0.0}
        delivery: {slow: 0.0, fast: 1.0}
      reservation: 0.3
      discount: 0.95
    seller:
      weights: {price: 0.6, delivery: 0.4}
      scores:
        price: {low: 0.0, mid: 0.6, high: 1.0}
        delivery: {slow: 1.0, fast: 0.2}
      reservation: 0.3
      discount: 0.9
  deadline: 12
"""

THREE_PARTY_TEXT = """\
format: detente/1
title: Three-way split
parties:
  - {id: a, name: Alpha}
  - {id: b, name: Beta}
  - {id: c, name: Gamma}
bargaining:
  issues:
    - id: share
      values: [low, high]
    - id: term
      values: [short, long]
  preferences:
    a:
      weights: {share: 0.5, term: 0.5}
      scores:
        share: {low: 0.0, high: 1.0}
        term: {short: 1.0, long: 0.0}
      reservation: 0.2
    b:
      weights: {share: 0.5, term: 0.5}
      scores:
        share: {low: 1.0, high: 0.0}
        term: {short: 0.0, long: 1.0}
      reservation: 0.2
    c:
      weights: {share: 1.0}
      scores:
        share: {low: 0.5, high: 0.7}
      reservation: 0.1
"""

# 17 free options: 2**17 = 131,072 feasible states, beyond the interactive limit.
BIG_TEXT = (
    "format: detente/1\ntitle: Seventeen options\nparties:\n"
    "  - {id: a, name: Alpha}\n  - {id: b, name: Beta}\ngraph_model:\n  options:\n"
    + "".join(f"    - {{id: o{k}, party: {'ab'[k % 2]}}}\n" for k in range(17))
    + "  preferences:\n    a: [o1, o3]\n    b: [o0, o2]\n"
)


# --- no answer of 500 or more ------------------------------------------------------------------

_RESPONSES: list[tuple[str, str, int]] = []
_checked = [0]


class RecordingClient(TestClient):
    """A TestClient remembering every response's status (server exceptions still raise)."""

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        _RESPONSES.append((method, str(url), response.status_code))
        return response


def assert_no_server_errors(responses: list[tuple[str, str, int]]) -> None:
    errors = [r for r in responses if r[2] >= 500]
    assert not errors, f"the server answered with 5xx: {errors}"


@pytest.fixture(autouse=True)
def _never_a_server_error() -> Iterator[None]:
    yield
    start, _checked[0] = _checked[0], len(_RESPONSES)
    assert_no_server_errors(_RESPONSES[start:])


def test_the_server_error_check_can_fail() -> None:
    assert_no_server_errors([("GET", "/api/health", 200), ("GET", "/x", 404)])
    with pytest.raises(AssertionError, match="5xx"):
        assert_no_server_errors([("GET", "/api/health", 200), ("POST", "/x", 500)])


# --- helpers -----------------------------------------------------------------------------------


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/ws.db"


@pytest.fixture
def client(database: str) -> Iterator[RecordingClient]:
    with RecordingClient(create_app(database)) as test_client:
        yield test_client


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def refused(response: Any, status: int) -> dict[str, Any]:
    """The error detail of a refusal, after checking its status and shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["detail"], body
    message = body["detail"]["message"]
    assert isinstance(message, str), body
    assert message.strip(), body
    return body["detail"]


def create(client: TestClient, **body: Any) -> dict[str, Any]:
    return ok(client.post("/api/scenarios", json=body), 201)  # type: ignore[no-any-return]


def save(client: TestClient, scenario_id: int, **body: Any) -> dict[str, Any]:
    return ok(client.put(f"/api/scenarios/{scenario_id}", json=body))  # type: ignore[no-any-return]


def start(
    client: TestClient,
    scenario_id: int,
    kind: str,
    params: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind, **extra}
    if params is not None:
        body["params"] = params
    run = ok(client.post(f"/api/scenarios/{scenario_id}/runs", json=body), 202)
    assert run["kind"] == kind
    assert run["scenario_id"] == scenario_id
    assert run["status"] in ("queued", "running")
    assert run["result"] is None
    for key, value in (params or {}).items():
        assert run["params"][key] == value
    return run  # type: ignore[no-any-return]


def wait_for(client: TestClient, run_id: int, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        run = ok(client.get(f"/api/runs/{run_id}"))
        if run["status"] in FINISHED:
            return run  # type: ignore[no-any-return]
        if time.monotonic() > deadline:
            pytest.fail(f"run {run_id} still {run['status']} after {timeout} s")
        time.sleep(0.05)


def versions(client: TestClient, scenario_id: int) -> list[dict[str, Any]]:
    return ok(client.get(f"/api/scenarios/{scenario_id}/versions"))["versions"]  # type: ignore[no-any-return]


def scenario_ids(client: TestClient) -> list[int]:
    return [s["id"] for s in ok(client.get("/api/scenarios"))["scenarios"]]


def line_of(text: str, fragment: str) -> int:
    """1-based number of the line where ``fragment`` starts."""
    return text[: text.index(fragment)].count("\n") + 1


def process_running(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/self/stat").exists():
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        return state not in ("Z", "X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# --- the brute-force oracle of the graph model -------------------------------------------------


@dataclass(frozen=True)
class Oracle:
    """States, payoffs and unilateral moves of a two-party model, found by brute force."""

    codes: tuple[str, ...]
    parties: tuple[str, ...]
    payoff: dict[str, dict[str, int]]  # party -> code -> preference level
    moves: frozenset[tuple[str, str, str]]  # (source, target, party)

    @classmethod
    def of(cls, text: str) -> Oracle:
        scenario = load_scenario_text(text, source="oracle")
        model = scenario.graph_model
        assert model is not None
        data = yaml.safe_load(text)
        options = data["graph_model"]["options"]
        owners = [o["party"] for o in options]
        direction = [o.get("moves", "both") for o in options]
        codes = tuple(model.codes())
        moves = set()
        for source, target in product(codes, codes):
            changed = [k for k, (a, b) in enumerate(zip(source, target, strict=True)) if a != b]
            movers = {owners[k] for k in changed}
            if len(movers) != 1:
                continue  # no change, or several parties' options changed
            legal = all(
                direction[k] == "both"
                or (direction[k] == "forward" and target[k] == "Y")
                or (direction[k] == "backward" and target[k] == "N")
                for k in changed
            )
            if legal:
                moves.add((source, target, movers.pop()))
        parties = tuple(p["id"] for p in data["parties"])
        payoff = {
            p: dict(zip(codes, (int(x) for x in model.payoff[i]), strict=True))
            for i, p in enumerate(parties)
        }
        return cls(codes, parties, payoff, frozenset(moves))

    def targets(self, party: str, code: str) -> set[str]:
        return {t for s, t, p in self.moves if s == code and p == party}

    def improvements(self, party: str, code: str) -> set[str]:
        level = self.payoff[party]
        return {t for t in self.targets(party, code) if level[t] > level[code]}

    def stable(self, concept: str, party: str, code: str) -> bool:
        """Fang, Hipel & Kilgour (1993) for two parties: the opponent answers with one move."""
        (other,) = (p for p in self.parties if p != party)
        mine, theirs = self.payoff[party], self.payoff[other]
        here = mine[code]

        def blocked(s1: str) -> bool:
            for s2 in self.targets(other, s1):
                if mine[s2] > here:
                    continue
                if concept == "seq" and theirs[s2] <= theirs[s1]:
                    continue
                if concept == "smr" and any(mine[s3] > here for s3 in self.targets(party, s2)):
                    continue
                return True
            return False

        improvements = self.improvements(party, code)
        if concept == "nash":
            return not improvements
        return all(blocked(s1) for s1 in improvements)

    def equilibria(self, concept: str) -> list[str]:
        return [c for c in self.codes if all(self.stable(concept, p, c) for p in self.parties)]

    def distances(self, start: str, improving: bool = False) -> dict[str, int]:
        seen = {start: 0}
        queue = deque([start])
        while queue:
            state = queue.popleft()
            for s, t, p in self.moves:
                if s != state or t in seen:
                    continue
                if improving and self.payoff[p][t] <= self.payoff[p][s]:
                    continue
                seen[t] = seen[state] + 1
                queue.append(t)
        return seen

    def within(self, focus: str, radius: int) -> set[str]:
        return {c for c, d in self.distances(focus).items() if d <= radius}


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return Oracle.of(HANOI_TEXT)


@pytest.fixture(scope="module")
def hanoi() -> Scenario:
    return load_scenario(HANOI_PATH)


def test_the_oracle_agrees_with_the_python_api_on_hanoi(oracle: Oracle, hanoi: Scenario) -> None:
    # The oracle itself is checked once against the library, so both can be trusted below.
    result = analyze_stability(hanoi.graph_model)
    for concept in CONCEPTS:
        assert oracle.equilibria(concept) == result.equilibria(concept), concept
    assert len(oracle.moves) > len(oracle.codes)


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
    # This module tests each of these; a new endpoint fails here until it is documented and tested.
    schema = ok(client.get("/openapi.json"))
    found = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert found == CONTRACT


def test_the_front_end_is_served_at_the_root(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text.lower()


# --- creating scenarios ------------------------------------------------------------------------


def test_a_scenario_from_the_library_describes_hanoi(client: TestClient, hanoi: Scenario) -> None:
    scenario = create(client, library="hanoi-2019")
    assert scenario["text"] == HANOI_TEXT
    assert scenario["document"] == json.loads(json.dumps(yaml.safe_load(HANOI_TEXT), default=str))
    assert scenario["title"] == "The Hanoi summit, 27-28 February 2019"
    assert scenario["name"] == scenario["title"]  # no name given
    assert scenario["summary"] == {
        "parties": 2,
        "options": 6,
        "states": hanoi.graph_model.n_states,
        "graph_model": True,
        "bargaining": True,
        "perceptions": True,
    }
    assert ok(client.get(f"/api/scenarios/{scenario['id']}")) == scenario


def test_text_json_text_and_document_make_the_same_scenario(client: TestClient) -> None:
    document = yaml.safe_load(PD_TEXT)
    from_text = create(client, text=PD_TEXT, name="from text")
    from_json = create(client, text=json.dumps(document), name="from json")
    from_document = create(client, document=document)
    assert from_text["name"] == "from text"
    assert from_text["text"] == PD_TEXT
    assert from_json["document"] == from_text["document"] == from_document["document"] == document
    assert yaml.safe_load(from_document["text"]) == document  # saved as YAML
    assert from_document["name"] == document["title"]
    for made in (from_text, from_json, from_document):
        assert made["summary"] == {
            "parties": 2,
            "options": 2,
            "states": 4,
            "graph_model": True,
            "bargaining": False,
            "perceptions": False,
        }
    listed = ok(client.get("/api/scenarios"))["scenarios"]
    assert {s["id"] for s in listed} == {from_text["id"], from_json["id"], from_document["id"]}
    assert listed[0]["id"] == from_document["id"]  # the latest changed first
    assert set(listed[0]) == {"id", "name", "title", "version", "updated"}


def test_a_bargaining_only_scenario_has_no_graph_summary(client: TestClient) -> None:
    scenario = create(client, text=TRADE_TEXT)
    assert scenario["summary"] == {
        "parties": 2,
        "options": 0,
        "states": None,
        "graph_model": False,
        "bargaining": True,
        "perceptions": False,
    }


def test_an_invalid_scenario_is_refused_with_located_problems(client: TestClient) -> None:
    detail = refused(client.post("/api/scenarios", json={"text": HANOI_BAD_PARTY}), 422)
    problems = {p["location"]: p for p in detail["problems"]}
    problem = problems["graph_model.options[2].party"]
    assert "nobody" in problem["message"]
    assert problem["line"] == line_of(HANOI_BAD_PARTY, "      party: nobody")
    assert HANOI_BAD_PARTY.splitlines()[problem["line"] - 1].strip() == "party: nobody"
    assert "nobody" in detail["message"]
    assert scenario_ids(client) == []


@pytest.mark.parametrize(
    ("text", "line"),
    [("format: detente/1\ntitle: a: b\nparties: []\n", 2), ("- a list\n- of items\n", 1)],
    ids=["yaml-syntax", "not-a-mapping"],
)
def test_text_that_is_not_a_scenario_mapping_is_refused(
    client: TestClient, text: str, line: int
) -> None:
    detail = refused(client.post("/api/scenarios", json={"text": text}), 422)
    assert detail["problems"]
    assert detail["problems"][0]["line"] == line
    assert scenario_ids(client) == []


def test_an_empty_scenario_is_refused(client: TestClient) -> None:
    detail = refused(client.post("/api/scenarios", json={"text": "  \n"}), 422)
    assert "empty" in detail["message"]
    assert scenario_ids(client) == []


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"text": 5}, "text"),
        ({"document": ["not", "a", "mapping"]}, "document"),
        ({"text": PD_TEXT, "document": {"format": "detente/1"}}, "exactly one"),
        ({"library": "hanoi-2019", "text": PD_TEXT}, "exactly one"),
        ({}, "exactly one"),
        ({"name": "nothing to make it from"}, "exactly one"),
        ({"library": "hanoi-2019", "colour": "blue"}, "colour"),
        ({"library": "hanoi-2019", "name": ""}, "name"),
        ({"library": "hanoi-2019", "name": "x" * 201}, "name"),
        ({"library": ""}, "library"),
        (["library", "hanoi-2019"], "request"),
    ],
    ids=[
        "text-not-string",
        "document-not-object",
        "text-and-document",
        "library-and-text",
        "nothing",
        "name-only",
        "unknown-field",
        "empty-name",
        "long-name",
        "empty-library",
        "body-not-object",
    ],
)
def test_malformed_create_requests_are_422(client: TestClient, body: Any, names: str) -> None:
    detail = refused(client.post("/api/scenarios", json=body), 422)
    assert names in detail["message"]
    assert scenario_ids(client) == []


def test_text_over_one_mebibyte_is_refused(client: TestClient) -> None:
    response = client.post("/api/scenarios", json={"text": "#" * (ONE_MIB + 1)})
    refused(response, 413 if response.status_code == 413 else 422)
    assert scenario_ids(client) == []


def test_nesting_too_deep_for_the_parser_is_refused_not_500(client: TestClient) -> None:
    depth = 1000
    text = "format: detente/1\ntitle: deep\nparties: " + "[" * depth + "]" * depth + "\n"
    raw = '{"document": {"format": "detente/1", "title": "deep", "parties": '
    raw += "[" * (depth - 100) + "]" * (depth - 100) + "}}"
    headers = {"content-type": "application/json"}
    for response in (
        client.post("/api/scenarios", json={"text": text}),
        client.post("/api/scenarios", content=raw, headers=headers),
        client.post("/api/scenarios/upload", files={"file": ("deep.yaml", text.encode())}),
    ):
        refused(response, 422)
    for response in (
        client.post("/api/validate", json={"text": text}),
        client.post("/api/validate", content=raw, headers=headers),
    ):
        if response.status_code == 200:
            assert response.json()["valid"] is False
        else:
            refused(response, 422)
    assert scenario_ids(client) == []


_BOMB_CHECK = """
import sys, time
from fastapi.testclient import TestClient
from detente.workbench.app import create_app
with TestClient(create_app(sys.argv[1], start_jobs=False)) as client:
    client.get("/api/health")
    began = time.monotonic()
    response = client.post("/api/validate", json={"text": sys.argv[2]})
    print(response.status_code, round(time.monotonic() - began, 3))
"""


def test_a_yaml_alias_bomb_is_answered_at_once(database: str) -> None:
    # About 400 bytes whose aliases expand to 10**8 strings ("billion laughs"): the server must
    # not walk the expansion. Checked in a subprocess, killed when it takes too long.
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 10)}]" for k in range(1, 8)]
    bomb = "\n".join(lines) + "\n"
    assert len(bomb) < 1000
    try:
        finished = subprocess.run(
            [sys.executable, "-c", _BOMB_CHECK, database, bomb],
            capture_output=True,
            text=True,
            timeout=6,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("POST /api/validate of a 400-byte YAML alias bomb took more than 6 s")
    status, seconds = finished.stdout.split()
    assert status in ("200", "422"), finished.stderr
    assert float(seconds) < 2.0


def test_a_windows_file_with_bom_and_crlf_uploads(client: TestClient) -> None:
    data = ("\ufeff" + PD_TEXT.replace("\n", "\r\n")).encode("utf-8")
    scenario = ok(client.post("/api/scenarios/upload", files={"file": ("pd.yaml", data)}), 201)
    assert scenario["title"] == "Prisoner's Dilemma"
    assert scenario["summary"]["states"] == 4


def test_names_outside_latin1_export_as_attachments(client: TestClient) -> None:
    # The name is free text; the download's file name must still make a valid header.
    made = create(client, library="prisoners-dilemma", name="北朝鮮 talks")
    assert made["name"] == "北朝鮮 talks"
    response = client.get(f"/api/scenarios/{made['id']}/export")
    assert response.status_code == 200
    assert response.text == PD_TEXT
    assert response.headers["content-disposition"].startswith("attachment;")
    run = wait_for(client, start(client, made["id"], "inverse", {"state": "NN"})["id"])
    response = client.get(f"/api/runs/{run['id']}/export?format=csv")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"", b"null", b'{"text": "unterminated'],
    ids=["bad", "empty", "null", "cut"],
)
def test_bodies_that_are_not_json_objects_are_422(client: TestClient, raw: bytes) -> None:
    headers = {"content-type": "application/json"}
    refused(client.post("/api/scenarios", content=raw, headers=headers), 422)
    refused(client.post("/api/validate", content=raw, headers=headers), 422)
    assert scenario_ids(client) == []


# --- uploads -----------------------------------------------------------------------------------


def test_an_upload_becomes_a_scenario_named_after_the_file(client: TestClient) -> None:
    files = {"file": ("dilemma.yaml", PD_TEXT.encode(), "application/yaml")}
    scenario = ok(client.post("/api/scenarios/upload", files=files), 201)
    assert scenario["name"] == "dilemma"
    assert scenario["text"] == PD_TEXT
    assert scenario["title"] == "Prisoner's Dilemma"
    assert versions(client, scenario["id"])[0]["message"] == "uploaded"


def test_the_upload_limit_is_inclusive(database: str) -> None:
    data = PD_TEXT.encode()
    with RecordingClient(create_app(database, upload_limit=len(data))) as client:
        made = ok(client.post("/api/scenarios/upload", files={"file": ("pd.yaml", data)}), 201)
        bigger = data + b"\n"
        detail = refused(
            client.post("/api/scenarios/upload", files={"file": ("pd.yaml", bigger)}), 413
        )
        assert f"{len(data):,}" in detail["message"]
        assert scenario_ids(client) == [made["id"]]


def test_an_upload_beyond_one_mebibyte_is_413_by_default(client: TestClient) -> None:
    padding = b"#" * ONE_MIB  # a YAML comment: valid, but too big
    files = {"file": ("big.yaml", PD_TEXT.encode() + padding)}
    refused(client.post("/api/scenarios/upload", files=files), 413)
    assert scenario_ids(client) == []


def test_an_upload_that_is_not_utf8_is_422(client: TestClient) -> None:
    data = PD_TEXT.replace("Two suspects", "Deux détenus").encode("latin-1")
    detail = refused(client.post("/api/scenarios/upload", files={"file": ("pd.yaml", data)}), 422)
    assert "UTF-8" in detail["message"]
    assert scenario_ids(client) == []


def test_an_invalid_upload_has_problems_with_lines(client: TestClient) -> None:
    files = {"file": ("bad.yaml", HANOI_BAD_PARTY.encode())}
    detail = refused(client.post("/api/scenarios/upload", files=files), 422)
    lines = {p["location"]: p["line"] for p in detail["problems"]}
    assert lines["graph_model.options[2].party"] == line_of(HANOI_BAD_PARTY, "      party: nobody")
    assert scenario_ids(client) == []


def test_an_upload_without_a_file_is_422(client: TestClient) -> None:
    assert "file" in refused(client.post("/api/scenarios/upload"), 422)["message"]
    refused(client.post("/api/scenarios/upload", data={"file": "not a file"}), 422)
    refused(client.post("/api/scenarios/upload", files={"other": ("x.yaml", b"a: 1")}), 422)
    assert scenario_ids(client) == []


# --- unknown ids ---------------------------------------------------------------------------------

UNKNOWN = 987_654


@pytest.fixture
def one_of_each(batch: Batch) -> tuple[int, int]:
    """A real scenario and a finished run, so unknown ids sit next to real ones."""
    return batch.pd, done(batch, "report")["id"]


def _requests_naming(scenario: int | str, run: int | str, number: int | str) -> list[Any]:
    return [
        ("get", f"/api/scenarios/{scenario}", None),
        ("put", f"/api/scenarios/{scenario}", {"text": PD_TEXT}),
        ("delete", f"/api/scenarios/{scenario}", None),
        ("get", f"/api/scenarios/{scenario}/versions", None),
        ("get", f"/api/scenarios/{scenario}/versions/{number}", None),
        ("get", f"/api/scenarios/{scenario}/export", None),
        ("get", f"/api/scenarios/{scenario}/analysis", None),
        ("get", f"/api/scenarios/{scenario}/graph", None),
        ("get", f"/api/scenarios/{scenario}/explain?state=NN", None),
        ("get", f"/api/scenarios/{scenario}/bargaining", None),
        ("post", f"/api/scenarios/{scenario}/runs", {"kind": "report"}),
        ("get", f"/api/runs?scenario_id={scenario}", None),
        ("get", f"/api/runs/{run}", None),
        ("post", f"/api/runs/{run}/cancel", None),
        ("get", f"/api/runs/{run}/export", None),
    ]


def test_unknown_ids_are_404(batch: Batch, one_of_each: tuple[int, int]) -> None:
    scenario, run = one_of_each
    client = batch.client
    for method, path, body in _requests_naming(UNKNOWN, UNKNOWN, 1):
        detail = refused(client.request(method, path, json=body), 404)
        assert str(UNKNOWN) in detail["message"], path
    # Versions that do not exist, of a scenario that does.
    for number in (2, UNKNOWN):
        refused(client.get(f"/api/scenarios/{scenario}/versions/{number}"), 404)
        refused(client.get(f"/api/scenarios/{scenario}/export?version={number}"), 404)
    for number in (0, -1):  # numbers start at 1: malformed rather than unknown, either will do
        for path in (f"versions/{number}", f"export?version={number}"):
            response = client.get(f"/api/scenarios/{scenario}/{path}")
            refused(response, 404 if response.status_code == 404 else 422)
    for view in ("analysis", "graph", "bargaining"):
        refused(client.get(f"/api/scenarios/{scenario}/{view}?version=2"), 404)
    refused(client.get(f"/api/scenarios/{scenario}/explain?state=NN&version=2"), 404)
    refused(
        client.post(f"/api/scenarios/{scenario}/runs", json={"kind": "report", "version": 2}), 404
    )
    # Nothing was touched by all that.
    assert versions(client, scenario)[0]["number"] == 1
    assert ok(client.get(f"/api/runs/{run}"))["status"] == "done"


@pytest.mark.parametrize("value", ["abc", "1.5", "%20"], ids=["word", "fraction", "blank"])
def test_ids_that_are_not_integers_are_422(
    batch: Batch, one_of_each: tuple[int, int], value: str
) -> None:
    scenario, run = one_of_each
    client = batch.client
    for method, path, body in _requests_naming(value, value, value):
        refused(client.request(method, path, json=body), 422)
    refused(client.get(f"/api/scenarios/{scenario}/analysis?version={value}"), 422)
    assert ok(client.get(f"/api/runs/{run}"))["status"] == "done"


def test_ids_beyond_any_database_integer_are_refused_not_500(
    batch: Batch, one_of_each: tuple[int, int]
) -> None:
    scenario, _run = one_of_each
    client = batch.client
    huge = 2**70
    for method, path, body in _requests_naming(huge, huge, huge):
        response = client.request(method, path, json=body)
        assert response.status_code in (404, 422), (method, path, response.status_code)
    for query in ("analysis?version=", "graph?version=", "export?version="):
        response = client.get(f"/api/scenarios/{scenario}/{query}{huge}")
        assert response.status_code in (404, 422), (query, response.status_code)
    for body in ({"kind": "report", "version": huge}, {"kind": "report", "version": -1}):
        response = client.post(f"/api/scenarios/{scenario}/runs", json=body)
        assert response.status_code in (404, 422), (body, response.status_code)
    response = client.put(
        f"/api/scenarios/{scenario}", json={"text": PD_TEXT, "base_version": huge}
    )
    assert response.status_code in (409, 422), response.status_code
    assert len(versions(client, scenario)) == 1


# --- versions ----------------------------------------------------------------------------------


def test_saving_appends_versions_and_keeps_the_old_ones_verbatim(client: TestClient) -> None:
    first = create(client, library="hanoi-2019")
    sid = first["id"]
    second = save(client, sid, text=HANOI_EDITED, message="North Korea gives up everything")
    assert (second["version"], second["latest"]) == (2, 2)
    assert second["text"] == HANOI_EDITED
    assert second["created"] == first["created"]
    assert second["updated"] >= first["updated"]
    third_text = HANOI_EDITED.replace("title: The Hanoi summit", "title: Hanoi, edited")
    third = save(client, sid, text=third_text, base_version=2)
    assert (third["version"], third["title"]) == (3, "Hanoi, edited, 27-28 February 2019")

    listed = versions(client, sid)
    assert [v["number"] for v in listed] == [3, 2, 1]
    assert [v["title"] for v in listed] == [third["title"], first["title"], first["title"]]
    assert listed[1]["message"] == "North Korea gives up everything"
    assert listed[0]["message"] == ""
    for number, text in ((1, HANOI_TEXT), (2, HANOI_EDITED), (3, third_text)):
        old = ok(client.get(f"/api/scenarios/{sid}/versions/{number}"))
        assert (old["version"], old["latest"], old["text"]) == (number, 3, text)
        assert old["document"] == json.loads(json.dumps(yaml.safe_load(text), default=str))
    latest = ok(client.get(f"/api/scenarios/{sid}"))
    assert (latest["version"], latest["text"]) == (3, third_text)
    summary = ok(client.get("/api/scenarios"))["scenarios"][0]
    assert (summary["id"], summary["version"], summary["title"]) == (sid, 3, third["title"])


def test_saving_a_document_stores_its_yaml(client: TestClient) -> None:
    sid = create(client, library="prisoners-dilemma")["id"]
    document = yaml.safe_load(PD_TEXT)
    document["title"] = "Prisoner's Dilemma, as data"
    saved = save(client, sid, document=document, message="from the form")
    assert saved["document"] == document
    assert yaml.safe_load(saved["text"]) == document
    assert saved["title"] == "Prisoner's Dilemma, as data"
    assert ok(client.get(f"/api/scenarios/{sid}/versions/1"))["text"] == PD_TEXT


def test_saving_can_rename(client: TestClient) -> None:
    sid = create(client, library="prisoners-dilemma", name="first name")["id"]
    renamed = save(client, sid, text=PD_TEXT, name="second name")
    assert renamed["name"] == "second name"
    assert ok(client.get(f"/api/scenarios/{sid}"))["name"] == "second name"
    refused(client.put(f"/api/scenarios/{sid}", json={"text": PD_TEXT, "name": ""}), 422)
    assert ok(client.get(f"/api/scenarios/{sid}"))["name"] == "second name"


@pytest.mark.parametrize(
    "body",
    [
        {"text": HANOI_BAD_PARTY},
        {"text": ""},
        {"text": "title: [unclosed"},
        {"document": {"format": "detente/1", "title": "no parties"}},
        {"text": PD_TEXT, "document": yaml.safe_load(PD_TEXT)},
        {},
        {"text": PD_TEXT, "colour": "blue"},
        {"text": PD_TEXT, "base_version": 0},
        {"text": PD_TEXT, "base_version": "one"},
        {"text": PD_TEXT, "message": "m" * 501},
        {"library": "prisoners-dilemma"},
    ],
    ids=[
        "bad-party",
        "empty",
        "yaml-syntax",
        "document-without-parties",
        "text-and-document",
        "nothing",
        "unknown-field",
        "base-version-zero",
        "base-version-word",
        "long-message",
        "library-on-save",
    ],
)
def test_an_invalid_save_saves_nothing(client: TestClient, body: dict[str, Any]) -> None:
    before = create(client, library="hanoi-2019")
    sid = before["id"]
    detail = refused(client.put(f"/api/scenarios/{sid}", json=body), 422)
    if body.get("text") == HANOI_BAD_PARTY:
        assert any(p["line"] for p in detail["problems"])
    assert [v["number"] for v in versions(client, sid)] == [1]
    after = ok(client.get(f"/api/scenarios/{sid}"))
    assert after["text"] == HANOI_TEXT
    assert after["updated"] == before["updated"]


def test_a_save_from_a_stale_version_is_409_and_saves_nothing(client: TestClient) -> None:
    sid = create(client, library="hanoi-2019")["id"]
    save(client, sid, text=HANOI_EDITED, base_version=1)  # the current version: accepted
    detail = refused(
        client.put(f"/api/scenarios/{sid}", json={"text": PD_TEXT, "base_version": 1}), 409
    )
    assert "2" in detail["message"]
    refused(client.put(f"/api/scenarios/{sid}", json={"text": PD_TEXT, "base_version": 3}), 409)
    assert [v["number"] for v in versions(client, sid)] == [2, 1]
    assert ok(client.get(f"/api/scenarios/{sid}"))["text"] == HANOI_EDITED
    saved = save(client, sid, text=PD_TEXT, base_version=2)
    assert saved["version"] == 3


def test_export_gives_the_saved_text_of_each_version(client: TestClient) -> None:
    sid = create(client, library="hanoi-2019", name="Hanoi: 2019 / summit")["id"]
    save(client, sid, text=HANOI_EDITED)
    for query, text in (
        ("", HANOI_EDITED),
        ("?version=2", HANOI_EDITED),
        ("?version=1", HANOI_TEXT),
    ):
        response = client.get(f"/api/scenarios/{sid}/export{query}")
        assert response.status_code == 200
        assert response.text == text
        assert response.headers["content-type"].startswith("application/yaml")
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment;")
        filename = disposition.split("filename=")[1].split(";")[0].strip('"')
        assert filename.endswith(".yaml")
        assert "/" not in filename
        assert " " not in filename
    refused(client.get(f"/api/scenarios/{sid}/export?version=3"), 404)
    refused(client.get(f"/api/scenarios/{sid}/export?version=one"), 422)


def test_validate_reports_problems_and_saves_nothing(client: TestClient) -> None:
    assert ok(client.post("/api/validate", json={"text": HANOI_TEXT})) == {
        "valid": True,
        "problems": [],
    }
    assert ok(client.post("/api/validate", json={"document": yaml.safe_load(PD_TEXT)}))["valid"]
    answer = ok(client.post("/api/validate", json={"text": HANOI_BAD_PARTY}))
    assert answer["valid"] is False
    problem = next(p for p in answer["problems"] if p["location"] == "graph_model.options[2].party")
    assert problem["line"] == line_of(HANOI_BAD_PARTY, "      party: nobody")
    assert set(problem) == {"location", "message", "hint", "line"}
    empty = ok(client.post("/api/validate", json={"text": ""}))
    assert empty["valid"] is False
    assert empty["problems"]
    refused(client.post("/api/validate", json={"text": PD_TEXT, "document": {}}), 422)
    refused(client.post("/api/validate", json={}), 422)
    refused(client.post("/api/validate", json={"text": PD_TEXT, "name": "x"}), 422)
    assert scenario_ids(client) == []


# --- delete ------------------------------------------------------------------------------------


def test_delete_takes_the_versions_and_runs_with_it(client: TestClient) -> None:
    keep = create(client, library="prisoners-dilemma", name="keep")
    gone = create(client, library="hanoi-2019", name="gone")
    save(client, gone["id"], text=HANOI_EDITED)
    finished = wait_for(client, start(client, gone["id"], "inverse", {"state": "NNNNNN"})["id"])
    assert finished["status"] == "done"
    active = start(client, gone["id"], "robustness", LONG_ROBUSTNESS)
    kept_run = wait_for(client, start(client, keep["id"], "inverse", {"state": "NN"})["id"])
    assert kept_run["status"] == "done"

    response = client.delete(f"/api/scenarios/{gone['id']}")
    assert response.status_code == 204
    assert response.content == b""

    sid = gone["id"]
    for path in (
        f"/api/scenarios/{sid}",
        f"/api/scenarios/{sid}/versions",
        f"/api/scenarios/{sid}/versions/1",
        f"/api/scenarios/{sid}/versions/2",
        f"/api/scenarios/{sid}/export",
        f"/api/scenarios/{sid}/analysis",
        f"/api/runs?scenario_id={sid}",
        f"/api/runs/{finished['id']}",
        f"/api/runs/{finished['id']}/export",
        f"/api/runs/{active['id']}",
    ):
        refused(client.get(path), 404)
    refused(client.post(f"/api/runs/{active['id']}/cancel"), 404)
    refused(client.delete(f"/api/scenarios/{sid}"), 404)
    assert scenario_ids(client) == [keep["id"]]
    assert [r["id"] for r in ok(client.get("/api/runs"))["runs"]] == [kept_run["id"]]
    assert ok(client.get(f"/api/scenarios/{keep['id']}"))["text"] == PD_TEXT
    assert ok(client.get(f"/api/runs/{kept_run['id']}"))["status"] == "done"


def test_the_ids_of_deleted_scenarios_and_runs_are_not_reused(client: TestClient) -> None:
    # A stale tab or poller holding a deleted id must get 404, not someone else's scenario: a
    # save without base_version would otherwise land in the wrong scenario.
    keep = create(client, library="prisoners-dilemma")["id"]
    gone = create(client, library="hanoi-2019")["id"]
    run = wait_for(client, start(client, gone, "inverse", {"state": "NNNNNN"})["id"])
    assert client.delete(f"/api/scenarios/{gone}").status_code == 204
    fresh = create(client, library="chicken")["id"]
    fresh_run = start(client, keep, "inverse", {"state": "NN"})["id"]
    assert fresh != gone
    assert fresh_run != run["id"]
    refused(client.get(f"/api/scenarios/{gone}"), 404)
    refused(client.put(f"/api/scenarios/{gone}", json={"text": PD_TEXT}), 404)
    refused(client.get(f"/api/runs/{run['id']}"), 404)
    wait_for(client, fresh_run)


# --- interactive analysis ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hanoi_view(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, int]]:
    """A workbench holding the Hanoi example, for the views that change nothing."""
    url = f"sqlite:///{tmp_path_factory.mktemp('views')}/ws.db"
    with RecordingClient(create_app(url, start_jobs=False)) as client:
        yield client, create(client, library="hanoi-2019")["id"]


def test_analysis_equilibria_match_the_python_api_and_the_oracle(
    hanoi_view: tuple[TestClient, int], hanoi: Scenario, oracle: Oracle
) -> None:
    client, hanoi_id = hanoi_view
    answer = ok(client.get(f"/api/scenarios/{hanoi_id}/analysis"))
    analysis = answer["analysis"]
    result = analyze_stability(hanoi.graph_model)
    assert analysis["concepts"] == list(CONCEPTS)
    for concept in CONCEPTS:
        assert analysis["equilibria"][concept] == result.equilibria(concept), concept
        assert analysis["equilibria"][concept] == oracle.equilibria(concept), concept
    assert [s["code"] for s in analysis["states"]] == list(oracle.codes)
    for state in analysis["states"]:
        code = state["code"]
        assert state["payoff"] == {p: oracle.payoff[p][code] for p in oracle.parties}
        for concept in CONCEPTS:
            stable = [p for p in oracle.parties if oracle.stable(concept, p, code)]
            assert state["stable"][concept] == stable, (code, concept)
        assert state["equilibrium"] == [c for c in CONCEPTS if code in oracle.equilibria(c)]


def test_analysis_names_labels_parties_paths_and_perceptions(
    hanoi_view: tuple[TestClient, int], hanoi: Scenario, oracle: Oracle
) -> None:
    client, hanoi_id = hanoi_view
    answer = ok(client.get(f"/api/scenarios/{hanoi_id}/analysis"))
    data = yaml.safe_load(HANOI_TEXT)
    options = data["graph_model"]["options"]
    assert answer["labels"] == {o["id"]: o["label"] for o in options}
    assert answer["party_names"] == {p["id"]: p["name"] for p in data["parties"]}

    verdict = answer["verdict"]
    assert set(verdict) >= {"headline", "equilibria", "proposals", "expectations", "status_quo"}
    assert isinstance(verdict["headline"], str)
    assert verdict["headline"]
    assert verdict["equilibria"]
    assert all(
        isinstance(s, str) and s for key in verdict if key != "headline" for s in verdict[key]
    )

    status = answer["status_quo"]
    assert status["state"] == data["graph_model"]["status_quo"] == "NNNNNN"
    equilibria = {c for concept in CONCEPTS for c in oracle.equilibria(concept)}
    distance = oracle.distances("NNNNNN")
    assert set(status["paths"]) == {c for c in equilibria if c in distance}
    assert status["unreachable"] == sorted(c for c in equilibria if c not in distance)
    for code, path in status["paths"].items():
        assert len(path) == distance[code], code  # shortest
        where = "NNNNNN"
        for step in path:
            assert step["before"] == where
            assert (step["before"], step["after"], step["party"]) in oracle.moves
            where = step["after"]
        assert where == code

    perceived = {p["party"]: p for p in answer["perceptions"]}
    assert set(perceived) == set(hanoi.perceptions) == {"us", "dprk"}
    for party, game in hanoi.perceptions.items():
        result = analyze_stability(game)
        entry = perceived[party]
        assert entry["name"] == answer["party_names"][party]
        assert entry["equilibria"] == {c: result.equilibria(c) for c in CONCEPTS}
        assert entry["misperceives"] is not bool((game.payoff == hanoi.graph_model.payoff).all())


def test_the_complete_graph_is_every_state_and_exactly_the_unilateral_moves(
    hanoi_view: tuple[TestClient, int], oracle: Oracle
) -> None:
    client, hanoi_id = hanoi_view
    graph = ok(client.get(f"/api/scenarios/{hanoi_id}/graph"))
    assert graph["complete"] is True
    assert graph["focus"] is None
    assert graph["total"] == len(oracle.codes)
    assert graph["parties"] == list(oracle.parties)
    assert [n["code"] for n in graph["nodes"]] == list(oracle.codes)
    for node in graph["nodes"]:
        code = node["code"]
        assert node["payoff"] == {p: oracle.payoff[p][code] for p in oracle.parties}
        assert node["equilibrium"] == [c for c in CONCEPTS if code in oracle.equilibria(c)]
        assert node["status_quo"] is (code == "NNNNNN")
    edges = [(e["source"], e["target"], e["party"]) for e in graph["edges"]]
    assert len(edges) == len(set(edges))
    assert set(edges) == oracle.moves
    for edge in graph["edges"]:
        level = oracle.payoff[edge["party"]]
        assert edge["improvement"] is (level[edge["target"]] > level[edge["source"]])
    # Dismantling is irreversible: no edge undoes it.
    assert not [e for e in edges if e[0][3] == "Y" and e[1][3] == "N"]
    assert any(e[0][3] == "N" and e[1][3] == "Y" for e in edges)


@pytest.mark.parametrize(
    ("focus", "radius"),
    [("NNNNNN", 1), ("NNNNNN", 2), ("YNNYNN", 1), ("NNNYYN", 2), ("NNYNNY", 3), ("NNNNNN", 4)],
)
def test_a_neighbourhood_is_the_states_within_radius_moves(
    hanoi_view: tuple[TestClient, int], oracle: Oracle, focus: str, radius: int
) -> None:
    client, hanoi_id = hanoi_view
    graph = ok(
        client.get(f"/api/scenarios/{hanoi_id}/graph", params={"focus": focus, "radius": radius})
    )
    assert graph["complete"] is False
    assert graph["focus"] == focus
    assert graph["total"] == len(oracle.codes)
    nodes = {n["code"] for n in graph["nodes"]}
    assert nodes == oracle.within(focus, radius)
    edges = {(e["source"], e["target"], e["party"]) for e in graph["edges"]}
    assert edges == {m for m in oracle.moves if m[0] in nodes and m[1] in nodes}


def test_a_graph_over_the_limit_centres_on_the_status_quo(
    hanoi_view: tuple[TestClient, int], oracle: Oracle
) -> None:
    client, hanoi_id = hanoi_view
    near = oracle.within("NNNNNN", 1)
    graph = ok(
        client.get(f"/api/scenarios/{hanoi_id}/graph", params={"limit": len(oracle.codes) - 1})
    )
    assert graph["complete"] is False
    assert graph["focus"] == "NNNNNN"
    assert {n["code"] for n in graph["nodes"]} == near
    small = ok(client.get(f"/api/scenarios/{hanoi_id}/graph", params={"limit": 3, "radius": 2}))
    codes = {n["code"] for n in small["nodes"]}
    assert len(codes) == 3
    assert "NNNNNN" in codes
    assert codes <= oracle.within("NNNNNN", 2)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("focus=YYNNNN", 404),  # relief of both kinds: infeasible
        ("focus=NNNNNNN", 404),  # seven letters
        ("focus=nnnnnn", 404),
        ("focus=NNNXNN", 404),
        ("focus=" + "N" * 65, 422),
        ("radius=0", 422),
        ("radius=5", 422),
        ("radius=two", 422),
        ("limit=0", 422),
        ("limit=2001", 422),
        ("version=0", 422),
    ],
)
def test_bad_graph_queries_are_refused(
    hanoi_view: tuple[TestClient, int], query: str, status: int
) -> None:
    client, hanoi_id = hanoi_view
    refused(client.get(f"/api/scenarios/{hanoi_id}/graph?{query}"), status)


def test_explanations_match_explain_state_and_the_oracle(
    hanoi_view: tuple[TestClient, int], hanoi: Scenario, oracle: Oracle
) -> None:
    client, hanoi_id = hanoi_view
    result = analyze_stability(hanoi.graph_model)
    for code in oracle.codes:
        answer = ok(client.get(f"/api/scenarios/{hanoi_id}/explain", params={"state": code}))
        assert answer["state"] == code
        assert isinstance(answer["description"], str)
        assert answer["description"]
        assert [p["party"] for p in answer["parties"]] == list(oracle.parties)
        for entry in answer["parties"]:
            party = entry["party"]
            expected = explain_state(result, code, party)
            assert entry["level"] == expected.level == oracle.payoff[party][code]
            assert entry["stable"] == {c: oracle.stable(c, party, code) for c in CONCEPTS}
            assert entry["stable"] == expected.stable
            assert entry["text"] == describe(expected)
            improvements = entry["improvements"]
            assert {i["move"]["after"] for i in improvements} == oracle.improvements(party, code)
            for item in improvements:
                move = item["move"]
                assert (move["party"], move["before"]) == (party, code)
                assert item["level"] == oracle.payoff[party][move["after"]]
                for concept, sanction in item["sanctions"].items():
                    if sanction is not None:
                        assert sanction["level"] <= entry["level"], (code, party, concept)
            assert improvements == json.loads(
                json.dumps(
                    [
                        {
                            "move": asdict(i.move),
                            "level": i.level,
                            "sanctions": {
                                c: None if s is None else asdict(s) for c, s in i.sanctions.items()
                            },
                        }
                        for i in expected.improvements
                    ]
                )
            )


def test_an_explanation_for_one_party(hanoi_view: tuple[TestClient, int], oracle: Oracle) -> None:
    client, hanoi_id = hanoi_view
    answer = ok(
        client.get(f"/api/scenarios/{hanoi_id}/explain", params={"state": "YNNYNN", "party": "us"})
    )
    assert [p["party"] for p in answer["parties"]] == ["us"]
    assert answer["parties"][0]["name"] == "United States"
    # The North's offer is not stable for the US: lifting relief again improves.
    assert {i["move"]["after"] for i in answer["parties"][0]["improvements"]} == (
        oracle.improvements("us", "YNNYNN")
    )
    assert oracle.improvements("us", "YNNYNN")


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("state=YYNNNN", 404),
        ("state=NNNNNNN", 404),
        ("state=NNN", 404),
        ("state=nnnnnn", 404),
        ("state=NNYNYN%20", 404),
        ("state=NNNNNN&party=cn", 404),
        ("state=NNNNNN&party=", 404),
        ("state=", 422),
        ("", 422),
        ("state=" + "Y" * 65, 422),
        ("state=NNNNNN&version=0", 422),
    ],
)
def test_bad_explain_queries_are_refused(
    hanoi_view: tuple[TestClient, int], query: str, status: int
) -> None:
    client, hanoi_id = hanoi_view
    detail = refused(client.get(f"/api/scenarios/{hanoi_id}/explain?{query}"), status)
    if status == 404 and "party" in query:
        assert "us" in detail["message"]  # names the known parties


def test_bargaining_cloud_and_frontier(hanoi_view: tuple[TestClient, int], hanoi: Scenario) -> None:
    client, hanoi_id = hanoi_view
    answer = ok(client.get(f"/api/scenarios/{hanoi_id}/bargaining"))
    problem = hanoi.bargaining
    utilities = problem.utilities()
    issues = yaml.safe_load(HANOI_TEXT)["bargaining"]["issues"]
    outcomes = 1
    for issue in issues:
        outcomes *= len(issue["values"])
    assert len(answer["cloud"]) == outcomes == 54  # all of them: fewer than 5,000
    assert sorted(map(tuple, answer["cloud"])) == sorted(
        (round(float(a), 6), round(float(b), 6)) for a, b in utilities
    )
    points = [tuple(p) for p in answer["cloud"]]
    undominated = {
        p for p in points if not any(q[0] >= p[0] and q[1] >= p[1] and q != p for q in points)
    }
    frontier = [tuple(p) for p in answer["frontier_points"]]
    assert set(frontier) == undominated
    assert [p[0] for p in frontier] == sorted(p[0] for p in frontier)
    result = solve_bargaining(problem)
    assert len(frontier) == len(result.frontier)
    assert answer["bargaining"] == json.loads(json.dumps(bargaining_document(result)))
    assert answer["sentences"]
    assert all(isinstance(s, str) and s for s in answer["sentences"])


def test_bargaining_of_three_parties_has_no_plane_to_plot(client: TestClient) -> None:
    sid = create(client, text=THREE_PARTY_TEXT)["id"]
    answer = ok(client.get(f"/api/scenarios/{sid}/bargaining"))
    assert answer["cloud"] == []
    assert answer["frontier_points"] == []
    assert answer["bargaining"]["parties"] == ["a", "b", "c"]


def test_views_of_a_scenario_without_a_graph_model_are_422(client: TestClient) -> None:
    sid = create(client, text=TRADE_TEXT)["id"]
    for path in ("analysis", "graph", "explain?state=N"):
        detail = refused(client.get(f"/api/scenarios/{sid}/{path}"), 422)
        assert "graph" in detail["message"], path
    answer = ok(client.get(f"/api/scenarios/{sid}/bargaining"))
    assert len(answer["cloud"]) == 6


def test_bargaining_of_a_scenario_without_it_is_422(client: TestClient) -> None:
    sid = create(client, library="prisoners-dilemma")["id"]
    assert "bargaining" in refused(client.get(f"/api/scenarios/{sid}/bargaining"), 422)["message"]
    assert ok(client.get(f"/api/scenarios/{sid}/analysis"))["analysis"]["equilibria"]


def test_models_beyond_the_interactive_limit_are_422_with_a_message(client: TestClient) -> None:
    # views.INTERACTIVE_STATES cannot be monkeypatched: graph_model() and stability() take the
    # limit as a default argument, bound when the module is imported. Hence a real big model.
    big = create(client, text=BIG_TEXT)
    assert big["summary"]["states"] == 2**17 > INTERACTIVE_LIMIT
    for path in ("analysis", "graph", "graph?focus=" + "N" * 17, "explain?state=" + "N" * 17):
        detail = refused(client.get(f"/api/scenarios/{big['id']}/{path}"), 422)
        assert "131,072" in detail["message"], path
        assert "65,536" in detail["message"], path
        assert "run" in detail["message"], path  # points to a background run


def test_the_version_query_analyses_that_version(client: TestClient) -> None:
    sid = create(client, library="hanoi-2019")["id"]
    save(client, sid, text=HANOI_EDITED)
    before = Oracle.of(HANOI_TEXT)
    after = Oracle.of(HANOI_EDITED)
    assert before.equilibria("nash") != after.equilibria("nash")
    for query, oracle in (("", after), ("?version=2", after), ("?version=1", before)):
        analysis = ok(client.get(f"/api/scenarios/{sid}/analysis{query}"))["analysis"]
        for concept in CONCEPTS:
            assert analysis["equilibria"][concept] == oracle.equilibria(concept), (query, concept)
        graph = ok(client.get(f"/api/scenarios/{sid}/graph{query}"))
        assert {n["code"] for n in graph["nodes"] if "nash" in n["equilibrium"]} == set(
            oracle.equilibria("nash")
        )


# --- runs ----------------------------------------------------------------------------------------


@dataclass
class Batch:
    client: TestClient
    hanoi: int
    pd: int
    edited: int
    runs: dict[str, dict[str, Any]]


PLAN: dict[str, tuple[str, dict[str, Any]]] = {
    "analysis": ("hanoi", {"kind": "analysis"}),
    "simulation": (
        "hanoi",
        {
            "kind": "simulation",
            "params": {"a": "boulware", "b": "conceder", "deadline": 30, "seed": 7, "repeats": 3},
        },
    ),
    "robustness": (
        "hanoi",
        {"kind": "robustness", "params": {"samples": 40, "seed": 11, "uncertainty": UNCERTAINTY}},
    ),
    "inverse": ("hanoi", {"kind": "inverse", "params": {"state": "YNNYNN", "concept": "gmr"}}),
    "change": ("hanoi", {"kind": "change", "params": {"state": NORTH_OFFER, "concept": "gmr"}}),
    "report": ("hanoi", {"kind": "report"}),
    "edited_v1": (
        "edited",
        {"kind": "analysis", "params": {"concepts": ["nash", "seq"]}, "version": 1},
    ),
}

# Runs that cannot work: refused when asked for, before any worker starts.
CANNOT_WORK: dict[str, tuple[str, dict[str, Any]]] = {
    "no_deadline": ("hanoi", {"kind": "simulation", "params": {"repeats": 2}}),
    "no_uncertainty": ("hanoi", {"kind": "robustness", "params": {"samples": 5}}),
    "no_bargaining": ("pd", {"kind": "simulation", "params": {"deadline": 5}}),
    "unknown_strategy": ("hanoi", {"kind": "simulation", "params": {"a": "nosuch", "deadline": 5}}),
    "bad_uncertainty": (
        "hanoi",
        {"kind": "robustness", "params": {"uncertainty": {"graph_model": {"swappable": 3}}}},
    ),
    "unknown_party": (
        "hanoi",
        {"kind": "inverse", "params": {"state": "NNNNNN", "parties": ["nosuch"]}},
    ),
    "bad_target": ("hanoi", {"kind": "change", "params": {"state": "and and"}}),
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Batch]:
    """Every kind of run, started together on one workbench, waited for once."""
    url = f"sqlite:///{tmp_path_factory.mktemp('runs')}/ws.db"
    with RecordingClient(create_app(url, workers=3)) as client:
        ids = {
            "hanoi": create(client, library="hanoi-2019")["id"],
            "pd": create(client, library="prisoners-dilemma")["id"],
            "edited": create(client, library="hanoi-2019", name="edited")["id"],
        }
        save(client, ids["edited"], text=HANOI_EDITED)
        started = {}
        for name, (target, body) in PLAN.items():
            body = dict(body)
            started[name] = start(client, ids[target], body.pop("kind"), **body)
        runs = {name: wait_for(client, run["id"]) for name, run in started.items()}
        yield Batch(client, ids["hanoi"], ids["pd"], ids["edited"], runs)


def done(batch: Batch, name: str) -> dict[str, Any]:
    run = batch.runs[name]
    assert run["status"] == "done", run
    assert run["error"] is None
    return run


def test_an_analysis_run_gives_the_interactive_analysis(batch: Batch, hanoi: Scenario) -> None:
    run = done(batch, "analysis")
    result = analyze_stability(hanoi.graph_model)
    analysis = run["result"]["analysis"]
    assert analysis["concepts"] == list(CONCEPTS)
    assert analysis["equilibria"] == {c: result.equilibria(c) for c in CONCEPTS}
    interactive = ok(batch.client.get(f"/api/scenarios/{batch.hanoi}/analysis"))
    assert run["result"]["analysis"] == interactive["analysis"]
    assert run["result"]["verdict"] == interactive["verdict"]


def test_a_run_works_on_the_version_and_concepts_it_names(batch: Batch) -> None:
    run = done(batch, "edited_v1")
    latest = ok(batch.client.get(f"/api/scenarios/{batch.edited}"))
    assert (run["version"], latest["version"]) == (1, 2)
    old, new = Oracle.of(HANOI_TEXT), Oracle.of(HANOI_EDITED)
    assert old.equilibria("nash") != new.equilibria("nash")  # so the version shows
    analysis = run["result"]["analysis"]
    assert analysis["concepts"] == ["nash", "seq"]
    assert analysis["equilibria"] == {c: old.equilibria(c) for c in ("nash", "seq")}
    assert all(set(s["stable"]) == {"nash", "seq"} for s in analysis["states"])
    assert all(set(s["equilibrium"]) <= {"nash", "seq"} for s in analysis["states"])


def test_a_simulation_run_replays_simulate_with_the_same_seed(
    batch: Batch, hanoi: Scenario
) -> None:
    run = done(batch, "simulation")
    result = run["result"]
    problem = hanoi.bargaining
    strategies = [strategy_from_spec("boulware"), strategy_from_spec("conceder")]
    trace = simulate(problem, strategies, seed=7, deadline=30)
    expected = json.loads(json.dumps(simulation_document(problem, trace)))
    assert result["simulation"] == expected
    assert result["simulation"]["seed"] == 7
    assert result["repeats"] == 3
    assert len(result["rounds"]) == 3
    assert result["rounds"][0] == trace.ending.round
    assert 0 <= result["agreements"] <= 3
    assert set(result["mean_utilities"]) == {"us", "dprk"}
    if result["agreements"] == 0:  # every repeat ends at the reservation values
        assert list(result["mean_utilities"].values()) == pytest.approx(
            [float(r) for r in problem.reservation]
        )
    assert run["progress"] == {"done": 3, "total": 3}


def test_a_robustness_run_matches_the_python_api(batch: Batch, hanoi: Scenario) -> None:
    run = done(batch, "robustness")
    result = run["result"]
    expected = json.loads(
        json.dumps(robustness(hanoi, UNCERTAINTY, samples=40, seed=11).to_dict(), default=str)
    )
    assert result["samples"] == 40
    assert result["seed"] == 11
    assert result["graph_model"] == expected["graph_model"]
    assert result["bargaining"] == expected["bargaining"]
    assert result["summary"][0].startswith("40 sampled scenarios, seed 11")
    assert run["progress"] == {"done": 40, "total": 40}


def test_an_inverse_run_counts_like_the_python_api(batch: Batch, hanoi: Scenario) -> None:
    result = done(batch, "inverse")["result"]
    expected = inverse_analysis(hanoi.graph_model, "YNNYNN", "gmr", None, samples=5)
    assert (result["count"], result["total"]) == (expected.count, expected.total)
    assert 0 < result["count"] < result["total"]
    assert result["fraction"] == pytest.approx(result["count"] / result["total"])
    assert result["summary"] == expected.summary()
    assert "YNNYNN" in result["summary"]
    assert isinstance(result["conditions"], list)


def test_a_change_run_finds_the_smallest_change(batch: Batch, hanoi: Scenario) -> None:
    result = done(batch, "change")["result"]
    expected = smallest_change(hanoi, NORTH_OFFER, "gmr")
    # The North's offer (YNNYNN) is not a GMR equilibrium as modelled, so a change costs.
    assert "YNNYNN" not in analyze_stability(hanoi.graph_model).equilibria("gmr")
    assert result["found"] is True
    assert result["cost"] == expected.cost > 0
    assert result["swaps"] == [s.describe() for s in expected.swaps]
    assert result["swaps"]
    assert result["summary"] == expected.describe().splitlines()


def test_a_report_run_gives_sentences_and_an_html_report(batch: Batch) -> None:
    run = done(batch, "report")
    sentences = run["result"]["sentences"]
    assert sentences
    assert all(isinstance(s, str) and s for s in sentences)
    interactive = ok(batch.client.get(f"/api/scenarios/{batch.hanoi}/analysis"))["verdict"]
    assert sentences[0] == interactive["headline"]
    page = batch.client.get(f"/api/runs/{run['id']}/export?format=html")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert html.escape("The Hanoi summit, 27-28 February 2019") in page.text


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("no_deadline", "deadline"),
        ("no_uncertainty", "uncertainty"),
        ("no_bargaining", "bargaining"),
        ("unknown_strategy", "nosuch"),
        ("bad_uncertainty", "swappable"),
        ("unknown_party", "nosuch"),
        ("bad_target", "and"),
    ],
)
def test_runs_that_cannot_work_are_refused_before_they_start(
    batch: Batch, name: str, words: str
) -> None:
    target, body = CANNOT_WORK[name]
    scenario = {"hanoi": batch.hanoi, "pd": batch.pd}[target]
    before = batch.client.get("/api/runs").json()["runs"]
    response = batch.client.post(f"/api/scenarios/{scenario}/runs", json=body)
    assert response.status_code in (404, 422), response.text
    message = refused(response, response.status_code)["message"]
    assert words in message
    assert "internal error" not in message
    assert batch.client.get("/api/runs").json()["runs"] == before


def test_finished_runs_have_their_times_and_progress(batch: Batch) -> None:
    for name, run in batch.runs.items():
        if run["status"] != "done":
            continue
        assert run["created"] <= run["started"] <= run["finished"], name
        progress = run["progress"]
        assert progress is not None, name
        assert progress["done"] == progress["total"] > 0, name


def test_runs_are_listed_per_scenario_newest_first_without_results(batch: Batch) -> None:
    client = batch.client
    everything = ok(client.get("/api/runs"))["runs"]
    assert [r["id"] for r in everything] == sorted(
        (r["id"] for r in batch.runs.values()), reverse=True
    )
    assert all(r["result"] is None for r in everything)
    for scenario, target in ((batch.hanoi, "hanoi"), (batch.pd, "pd"), (batch.edited, "edited")):
        listed = ok(client.get("/api/runs", params={"scenario_id": scenario}))["runs"]
        expected = [batch.runs[name]["id"] for name, (t, _) in PLAN.items() if t == target]
        assert [r["id"] for r in listed] == sorted(expected, reverse=True)
        assert all(r["scenario_id"] == scenario for r in listed)
    run = batch.runs["analysis"]
    summary = next(r for r in everything if r["id"] == run["id"])
    assert summary == {**run, "result": None}


def _attachment(response: Any, suffix: str, media: str) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.rstrip('"').endswith(f".{suffix}")
    return response.text  # type: ignore[no-any-return]


def test_an_analysis_run_exports_as_json_csv_and_html(batch: Batch, oracle: Oracle) -> None:
    run = done(batch, "analysis")
    base = f"/api/runs/{run['id']}/export"
    exported = json.loads(_attachment(batch.client.get(base), "json", "application/json"))
    assert exported["kind"] == "analysis"
    assert exported["id"] == run["id"]
    assert exported["result"] == run["result"]
    assert exported == json.loads(
        _attachment(batch.client.get(base + "?format=json"), "json", "application/json")
    )

    rows = list(
        csv.reader(
            io.StringIO(_attachment(batch.client.get(base + "?format=csv"), "csv", "text/csv"))
        )
    )
    header = rows[0]
    assert header[:3] == ["state", "payoff_us", "payoff_dprk"]
    assert [f"equilibrium_{c}" for c in CONCEPTS] == header[-4:]
    assert len(rows) - 1 == len(oracle.codes)
    for row in rows[1:]:
        code = row[0]
        values = dict(zip(header, row, strict=True))
        assert int(values["payoff_us"]) == oracle.payoff["us"][code]
        for concept in CONCEPTS:
            assert values[f"equilibrium_{concept}"] == str(int(code in oracle.equilibria(concept)))
            for party in oracle.parties:
                stable = oracle.stable(concept, party, code)
                assert values[f"stable_{concept}_{party}"] == str(int(stable))

    page = _attachment(batch.client.get(base + "?format=html"), "html", "text/html")
    assert html.escape("The Hanoi summit, 27-28 February 2019") in page
    assert "NNNYYN" in page  # an equilibrium of the report


def test_other_runs_export_their_main_table(batch: Batch) -> None:
    client = batch.client
    simulation = done(batch, "simulation")
    rows = list(
        csv.reader(io.StringIO(client.get(f"/api/runs/{simulation['id']}/export?format=csv").text))
    )
    assert rows[0] == ["round", "proposer", "walked", "offer", "utility_us", "utility_dprk"]
    assert len(rows) - 1 == len(simulation["result"]["simulation"]["rounds"])

    robust = done(batch, "robustness")
    rows = list(
        csv.reader(io.StringIO(client.get(f"/api/runs/{robust['id']}/export?format=csv").text))
    )
    assert rows[0] == ["state", *(f"p_equilibrium_{c}" for c in CONCEPTS)]
    assert len(rows) - 1 == len(robust["result"]["graph_model"]["states"])
    assert all(0.0 <= float(p) <= 1.0 for row in rows[1:] for p in row[1:])

    for name in ("inverse", "change", "simulation", "robustness"):
        run = done(batch, name)
        exported = json.loads(client.get(f"/api/runs/{run['id']}/export?format=json").text)
        assert exported["result"] == run["result"]
        page = _attachment(
            client.get(f"/api/runs/{run['id']}/export?format=html"), "html", "text/html"
        )
        assert html.escape("The Hanoi summit, 27-28 February 2019") in page
        assert name in page


@pytest.mark.parametrize("fmt", ["pdf", "JSON", "", "xlsx"])
def test_an_unknown_export_format_is_422(batch: Batch, fmt: str) -> None:
    run = done(batch, "report")
    detail = refused(batch.client.get(f"/api/runs/{run['id']}/export?format={fmt}"), 422)
    assert "format" in detail["message"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"kind": "sculpture"}, 422, "kind"),
        ({"kind": "analysis", "params": {"colour": 1}}, 422, "colour"),
        ({"kind": "analysis", "params": {"concepts": ["foo"]}}, 422, "concepts"),
        ({"kind": "analysis", "params": {"concepts": []}}, 422, "concepts"),
        ({"kind": "analysis", "params": ["nash"]}, 422, "params"),
        ({"kind": "analysis", "colour": 1}, 422, "colour"),
        ({"params": {}}, 422, "kind"),
        ({"kind": "simulation", "params": {"repeats": 0}}, 422, "repeats"),
        ({"kind": "simulation", "params": {"repeats": 1001}}, 422, "repeats"),
        ({"kind": "simulation", "params": {"deadline": 0}}, 422, "deadline"),
        ({"kind": "simulation", "params": {"seed": -1}}, 422, "seed"),
        ({"kind": "simulation", "params": {"a": ""}}, 422, "a"),
        ({"kind": "robustness", "params": {"samples": 0}}, 422, "samples"),
        ({"kind": "robustness", "params": {"samples": 100_001}}, 422, "samples"),
        ({"kind": "robustness", "params": {"samples": "many"}}, 422, "samples"),
        ({"kind": "inverse", "params": {}}, 422, "state"),
        ({"kind": "inverse", "params": {"state": "YNNYNN", "concept": "pareto"}}, 422, "concept"),
        ({"kind": "inverse", "params": {"state": "YYNNNN"}}, 404, "YYNNNN"),
        ({"kind": "inverse", "params": {"state": "NNN"}}, 404, "NNN"),
        ({"kind": "change", "params": {}}, 422, "state"),
        ({"kind": "report", "params": {"pages": 3}}, 422, "pages"),
        ({"kind": "report", "version": 0}, 422, "version"),
        ({"kind": "report", "version": 9}, 404, "9"),
    ],
)
def test_bad_run_requests_are_refused_and_start_nothing(
    batch: Batch, body: dict[str, Any], status: int, words: str
) -> None:
    client = batch.client
    before = ok(client.get("/api/runs"))["runs"]
    detail = refused(client.post(f"/api/scenarios/{batch.hanoi}/runs", json=body), status)
    assert words in detail["message"]
    assert ok(client.get("/api/runs"))["runs"] == before


def test_cancelling_runs(database: str) -> None:
    with RecordingClient(create_app(database, workers=1)) as client:
        sid = create(client, library="hanoi-2019")["id"]
        before = {p.pid for p in multiprocessing.active_children()}
        long = start(client, sid, "robustness", LONG_ROBUSTNESS)
        queued = start(client, sid, "inverse", {"state": "NNNNNN"})
        waiting = start(client, sid, "analysis")
        deadline = time.monotonic() + 30
        while True:
            run = ok(client.get(f"/api/runs/{long['id']}"))
            if run["status"] == "running" and run["progress"] and run["progress"]["done"] > 0:
                break
            assert run["status"] in ("queued", "running"), run
            assert time.monotonic() < deadline, "the long run never made progress"
            time.sleep(0.05)
        assert run["progress"]["total"] == LONG_ROBUSTNESS["samples"]
        workers = [p for p in multiprocessing.active_children() if p.pid not in before]
        assert len(workers) == 1
        pid = workers[0].pid
        assert process_running(pid)

        # One worker: the others wait, and a queued run cannot export yet.
        assert ok(client.get(f"/api/runs/{queued['id']}"))["status"] == "queued"
        refused(client.get(f"/api/runs/{queued['id']}/export"), 409)
        refused(client.get(f"/api/runs/{long['id']}/export"), 409)

        # A queued run is cancelled without ever starting.
        cancelled = ok(client.post(f"/api/runs/{waiting['id']}/cancel"))
        assert cancelled["status"] == "cancelled"
        assert cancelled["started"] is None

        # The running one: its process stops, it stays cancelled, it does not export.
        stopped = ok(client.post(f"/api/runs/{long['id']}/cancel"))
        assert stopped["status"] == "cancelled"
        assert stopped["finished"] is not None
        deadline = time.monotonic() + 10
        while process_running(pid):
            assert time.monotonic() < deadline, f"worker {pid} still runs after the cancel"
            time.sleep(0.05)

        # The worker is free again: the queued inverse run goes to the end.
        answered = wait_for(client, queued["id"])
        assert answered["status"] == "done", answered
        for run_id in (long["id"], waiting["id"]):
            run = ok(client.get(f"/api/runs/{run_id}"))
            assert run["status"] == "cancelled"
            assert run["result"] is None
            refused(client.get(f"/api/runs/{run_id}/export"), 409)
        assert ok(client.get(f"/api/runs/{waiting['id']}"))["started"] is None
        progress = ok(client.get(f"/api/runs/{long['id']}"))["progress"]
        assert progress["done"] < progress["total"]

        # Cancelling what is finished changes nothing.
        for run_id in (queued["id"], long["id"]):
            before_cancel = ok(client.get(f"/api/runs/{run_id}"))
            assert ok(client.post(f"/api/runs/{run_id}/cancel")) == before_cancel
        assert ok(client.get(f"/api/runs/{queued['id']}"))["result"] == answered["result"]


# --- persistence and concurrent clients ----------------------------------------------------------


def _snapshot(client: TestClient) -> dict[str, Any]:
    scenarios = ok(client.get("/api/scenarios"))["scenarios"]
    return {
        "scenarios": scenarios,
        "versions": {
            s["id"]: [
                ok(client.get(f"/api/scenarios/{s['id']}/versions/{v['number']}"))
                for v in versions(client, s["id"])
            ]
            for s in scenarios
        },
    }


def test_everything_survives_a_restart(database: str) -> None:
    with RecordingClient(create_app(database)) as client:
        hanoi_sid = create(client, library="hanoi-2019", name="hanoi")["id"]
        save(client, hanoi_sid, text=HANOI_EDITED, message="second")
        save(client, hanoi_sid, document=yaml.safe_load(HANOI_TEXT), message="third")
        pd_sid = create(client, library="prisoners-dilemma")["id"]
        run = wait_for(client, start(client, pd_sid, "inverse", {"state": "NN"})["id"])
        assert run["status"] == "done"
        exported = client.get(f"/api/runs/{run['id']}/export?format=csv").text
        before = _snapshot(client)
        interrupted = start(client, hanoi_sid, "robustness", LONG_ROBUSTNESS)

    with RecordingClient(create_app(database)) as client:
        assert _snapshot(client) == before
        assert [v["number"] for v in versions(client, hanoi_sid)] == [3, 2, 1]
        assert ok(client.get(f"/api/scenarios/{hanoi_sid}/versions/2"))["text"] == HANOI_EDITED
        assert ok(client.get(f"/api/runs/{run['id']}")) == run
        assert client.get(f"/api/runs/{run['id']}/export?format=csv").text == exported
        # A run stopped with the server is over, not waiting forever.
        stopped = ok(client.get(f"/api/runs/{interrupted['id']}"))
        assert stopped["status"] in ("cancelled", "failed")
        assert stopped["finished"] is not None
        # The workspace goes on where it was.
        assert save(client, hanoi_sid, text=PD_TEXT)["version"] == 4
        assert create(client, library="chicken")["id"] > pd_sid


def test_runs_left_unfinished_by_a_stopped_server_come_back_failed(database: str) -> None:
    workspace = Workspace(database)
    record = workspace.create_scenario("pd", "Prisoner's Dilemma", PD_TEXT, "created")
    running = workspace.create_run(record.id, 1, "analysis", {"concepts": None})
    workspace.update_run(running.id, status="running", done=1, total=3)
    queued = workspace.create_run(record.id, 1, "report", {})
    finished = workspace.create_run(record.id, 1, "report", {})
    workspace.update_run(finished.id, status="running")
    workspace.update_run(finished.id, status="done", result={"sentences": ["kept"]})
    workspace.close()

    with RecordingClient(create_app(database)) as client:
        for run_id in (running.id, queued.id):
            run = ok(client.get(f"/api/runs/{run_id}"))
            assert run["status"] == "failed"
            assert isinstance(run["error"], str)
            assert "again" in run["error"]  # tells what to do
            assert run["finished"] is not None
            refused(client.get(f"/api/runs/{run_id}/export"), 409)
        assert ok(client.get(f"/api/runs/{running.id}"))["progress"] == {"done": 1, "total": 3}
        kept = ok(client.get(f"/api/runs/{finished.id}"))
        assert kept["status"] == "done"
        assert kept["result"] == {"sentences": ["kept"]}
        # The scenario is intact and a new run of it works.
        assert ok(client.get(f"/api/scenarios/{record.id}"))["text"] == PD_TEXT
        again = wait_for(client, start(client, record.id, "analysis")["id"])
        assert again["status"] == "done"


def test_two_clients_editing_two_scenarios_do_not_interfere(database: str) -> None:
    first_app, second_app = create_app(database), create_app(database, start_jobs=False)
    with RecordingClient(first_app) as one, RecordingClient(second_app) as two:
        a = create(one, library="prisoners-dilemma", name="a")["id"]
        b = create(two, text=TRADE_TEXT, name="b")["id"]
        texts: dict[int, list[str]] = {a: [PD_TEXT], b: [TRADE_TEXT]}
        for step in range(1, 4):
            a_text = PD_TEXT.replace("title: Prisoner's Dilemma", f"title: PD edit {step}")
            b_text = TRADE_TEXT.replace("title: Two-issue trade", f"title: Trade edit {step}")
            assert save(one, a, text=a_text, base_version=step)["version"] == step + 1
            assert save(two, b, text=b_text, base_version=step)["version"] == step + 1
            texts[a].append(a_text)
            texts[b].append(b_text)
            # Each sees the other's work at once.
            assert ok(two.get(f"/api/scenarios/{a}"))["text"] == a_text
            assert ok(one.get(f"/api/scenarios/{b}"))["text"] == b_text
        for client in (one, two):
            for sid, saved in texts.items():
                listed = versions(client, sid)
                assert [v["number"] for v in listed] == [4, 3, 2, 1]
                for number, text in enumerate(saved, start=1):
                    got = ok(client.get(f"/api/scenarios/{sid}/versions/{number}"))
                    assert got["text"] == text

        # The same again with both saving at the very same time, from two threads.
        def edit(client: TestClient, sid: int, base: str, title: str) -> None:
            for step in range(5, 11):
                text = base.replace(f"title: {title}", f"title: {title} {step}")
                assert save(client, sid, text=text)["version"] == step
                texts[sid].append(text)

        with ThreadPoolExecutor(2) as pool:
            edits = [
                pool.submit(edit, one, a, PD_TEXT, "Prisoner's Dilemma"),
                pool.submit(edit, two, b, TRADE_TEXT, "Two-issue trade"),
            ]
            for future in edits:
                future.result(timeout=30)  # re-raises what failed in the thread
        for sid, saved in texts.items():
            assert [v["number"] for v in versions(one, sid)] == list(range(10, 0, -1))
            for number in (5, 7, 10):
                got = ok(two.get(f"/api/scenarios/{sid}/versions/{number}"))
                assert got["text"] == saved[number - 1]
        # Both save scenario a from version 10: the second is told to reload.
        save(one, a, text=PD_TEXT, base_version=10)
        refused(two.put(f"/api/scenarios/{a}", json={"text": HANOI_TEXT, "base_version": 10}), 409)
        assert ok(one.get(f"/api/scenarios/{a}"))["text"] == PD_TEXT
        assert len(versions(two, a)) == 11
        assert len(versions(two, b)) == 10
