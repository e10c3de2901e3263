"""The workbench API's background runs: results, lists, exports, refusals and unknown ids.

Runs execute in real worker processes; every kind is started together once for this module
(``batch``) and the tests read their results. The tests of unknown and malformed ids use the
same workbench, so that unknown ids sit next to real ones.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from detente.graph_model.stability import analyze_stability
from detente.scenario.loader import Scenario
from detente.simulation import simulate
from detente.simulation.export import simulation_document
from detente.simulation.strategies.registry import strategy_from_spec
from detente.whatif.inverse import inverse_analysis
from detente.whatif.robustness import robustness
from detente.whatif.smallest_change import smallest_change

from .api_support import (
    CONCEPTS,
    HANOI_EDITED,
    HANOI_TEXT,
    NORTH_OFFER,
    PD_TEXT,
    UNCERTAINTY,
    Oracle,
    RecordingClient,
    TestClient,
    create,
    create_app,
    ok,
    refused,
    save,
    start,
    versions,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


# --- the batch of runs ---------------------------------------------------------------------------


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
    "inverse_ranking": (
        "hanoi",
        {"kind": "inverse", "params": {"state": "YNNYNN", "concept": "gmr", "mode": "ranking"}},
    ),
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


# --- results, lists and exports of runs ----------------------------------------------------------


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


@pytest.mark.parametrize("mode", ["statements", "ranking"])
def test_an_inverse_run_counts_like_the_python_api(
    batch: Batch, hanoi: Scenario, mode: str
) -> None:
    # By default the orders of each party's statements vary, as in `detente whatif inverse`.
    result = done(batch, "inverse" if mode == "statements" else "inverse_ranking")["result"]
    statements = hanoi if mode == "statements" else None
    expected = inverse_analysis(
        hanoi.graph_model, "YNNYNN", "gmr", None, mode=mode, statements=statements, samples=5
    )
    assert (result["count"], result["total"]) == (expected.count, expected.total)
    assert 0 < result["count"] < result["total"]
    assert result["fraction"] == pytest.approx(result["count"] / result["total"])
    assert result["summary"] == expected.summary()
    assert "YNNYNN" in result["summary"]
    assert isinstance(result["conditions"], list)
    assert result["format"] == "detente/inverse/1"


def test_inverse_runs_on_explicit_rankings_vary_the_rankings(client: TestClient) -> None:
    # The Prisoner's Dilemma example: p1 has statements, p2 an explicit ranking.
    pd = create(client, library="prisoners-dilemma")["id"]
    run = wait_for(client, start(client, pd, "inverse", {"state": "NN"})["id"])
    assert run["status"] == "done", run
    assert "strict rankings" in run["result"]["variation"]
    refused(
        client.post(
            f"/api/scenarios/{pd}/runs",
            json={"kind": "inverse", "params": {"state": "NN", "mode": "statements"}},
        ),
        422,
    )


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
