"""The workbench API's interactive views: analysis, graph, explanations and bargaining.

Answers are checked against the Python API and against the brute-force ``Oracle`` of the
graph model (api_support), itself first checked against the library on Hanoi.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict

import pytest
import yaml

from detente.bargaining import solve_bargaining
from detente.bargaining.export import bargaining_document
from detente.graph_model.explain import describe, explain_state
from detente.graph_model.stability import analyze_stability
from detente.scenario.loader import Scenario

from .api_support import (
    CONCEPTS,
    HANOI_EDITED,
    HANOI_TEXT,
    INTERACTIVE_LIMIT,
    TRADE_TEXT,
    Oracle,
    RecordingClient,
    TestClient,
    create,
    create_app,
    ok,
    refused,
    save,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


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


def test_the_oracle_agrees_with_the_python_api_on_hanoi(oracle: Oracle, hanoi: Scenario) -> None:
    # The oracle itself is checked once against the library, so both can be trusted below.
    result = analyze_stability(hanoi.graph_model)
    for concept in CONCEPTS:
        assert oracle.equilibria(concept) == result.equilibria(concept), concept
    assert len(oracle.moves) > len(oracle.codes)


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
