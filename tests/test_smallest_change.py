"""The smallest change that opens a deal, checked against the forward analysis and brute force.

Graph model: every answer is re-checked by writing the changed scenario, compiling it with the
scenario loader and running the forward stability engine; minimality is checked by enumerating
every ordering of the varying parties' statements (or ranking levels) and its swap distance
(the number of inversions; Kendall 1938), which covers every swap sequence. Bargaining: the
changed scenario is solved again and the zone must open; minimality is checked on grids.
"""

from __future__ import annotations

import copy
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from detente import analyze_stability, load_scenario, load_scenario_data, solve_bargaining
from detente.bargaining import BargainingProblem, zone_gap
from detente.errors import DetenteError, ExpressionError, NotFoundError
from detente.expressions import parse_expression
from detente.graph_model.model import GraphModel, code_of
from detente.graph_model.stability import CONCEPTS
from detente.whatif.bargaining_change import bargaining_change, changed_bargaining_scenario
from detente.whatif.smallest_change import (
    NoChangeError,
    SmallestChange,
    changed_scenario,
    smallest_change,
)
from strategies import MOVES, expressions, render

ROOT = Path(__file__).resolve().parents[1]
HANOI = ROOT / "examples" / "hanoi-2019.yaml"
OFFER = "civilian_relief and yongbyon and not dismantle_all and not resume_tests"


def hanoi_code(model: GraphModel, *taken: str) -> str:
    """The Hanoi state code with exactly ``taken`` options taken (built from option ids, so
    reordering options in the file breaks no test)."""
    state = sum(1 << k for k, option in enumerate(model.options) if option.id in taken)
    return code_of(state, model.n_options)


# -- brute force over orderings --------------------------------------------------------------


def inversions(order: Sequence[int]) -> int:
    """Fewest adjacent swaps turning the identity into ``order``."""
    return sum(1 for a, b in itertools.combinations(order, 2) if a > b)


def reordered(document: Mapping[str, Any], orders: Mapping[str, Sequence[int]]) -> dict[str, Any]:
    """A copy of a scenario document with some parties' statements or ranking levels permuted."""
    data = copy.deepcopy(dict(document))
    preferences = data["graph_model"]["preferences"]
    for party, order in orders.items():
        spec = preferences[party]
        if isinstance(spec, list):
            preferences[party] = [spec[k] for k in order]
        else:
            spec["ranking"] = [spec["ranking"][k] for k in order]
    return data


def items(document: Mapping[str, Any], party: str) -> int:
    spec = document["graph_model"]["preferences"][party]
    return len(spec) if isinstance(spec, list) else len(spec["ranking"])


def brute_force(
    document: Mapping[str, Any],
    parties: Sequence[str],
    costs: Mapping[str, float] | None = None,
) -> dict[str, list[tuple[float, frozenset[str]]]]:
    """For every concept, (cost, equilibria) of every joint ordering of ``parties``, each
    compiled by the scenario loader and analysed by the forward engine."""
    per_party = [list(itertools.permutations(range(items(document, p)))) for p in parties]
    table: dict[str, list[tuple[float, frozenset[str]]]] = {c: [] for c in CONCEPTS}
    for joint in itertools.product(*per_party):
        orders = dict(zip(parties, joint, strict=True))
        cost = sum((costs or {}).get(p, 1.0) * inversions(o) for p, o in orders.items())
        model = load_scenario_data(reordered(document, orders)).graph_model
        assert model is not None
        result = analyze_stability(model)
        for concept in CONCEPTS:
            table[concept].append((cost, frozenset(result.equilibria(concept))))
    return table


def cheapest(table: list[tuple[float, frozenset[str]]], targets: set[str]) -> float:
    return min((cost for cost, eq in table if eq & targets), default=math.inf)


def verify(document: Mapping[str, Any], change: SmallestChange, targets: set[str]) -> None:
    """The written scenario compiles, and a target is an equilibrium of it under the concept."""
    scenario = load_scenario_data(document)
    again = load_scenario_data(changed_scenario(scenario, change))
    assert again.graph_model is not None
    equilibria = set(analyze_stability(again.graph_model).equilibria(change.concept))
    assert set(change.states) == equilibria & targets != set()
    assert set(change.equilibria) == equilibria
    assert change.cost == sum(swap.cost for swap in change.swaps)
    orders = {record.party: list(record.before) for record in change.changes}
    for swap in change.swaps:  # replaying the swaps, as described, gives the new preferences
        order = orders[swap.party]
        k = next(k for k in range(len(order) - 1) if order[k : k + 2] == [swap.upper, swap.lower])
        order[k], order[k + 1] = order[k + 1], order[k]
    assert orders == {record.party: list(record.after) for record in change.changes}


def codes_matching(document: Mapping[str, Any], target: str) -> set[str]:
    model = load_scenario_data(document).graph_model
    assert model is not None
    return {c for c in model.codes() if all(t in "-" + x for t, x in zip(target, c, strict=True))}


# -- graph model: random small conflicts --------------------------------------------------------


@st.composite
def small_conflicts(draw: st.DrawFn) -> dict[str, Any]:
    """2-3 parties over 3-4 options; each party has three statements, or (sometimes) a ranking
    of the feasible states in at most four levels; few enough orderings to enumerate jointly."""
    n_parties = draw(st.integers(2, 3))
    n_options = draw(st.integers(3, 4))
    owners = list(range(n_parties)) + draw(
        st.lists(
            st.integers(0, n_parties - 1),
            min_size=n_options - n_parties,
            max_size=n_options - n_parties,
        )
    )
    names = [f"o{k}" for k in range(n_options)]
    options = [
        {"id": names[k], "party": f"d{owners[k]}", "moves": draw(st.sampled_from(MOVES))}
        for k in range(n_options)
    ]
    preferences: dict[str, Any] = {}
    for party in range(n_parties):
        if draw(st.integers(0, 3)) == 0:
            levels = draw(
                st.lists(st.integers(0, 3), min_size=1 << n_options, max_size=1 << n_options)
            )
            ranking = [
                [code_of(s, n_options) for s in range(1 << n_options) if levels[s] == g]
                for g in sorted(set(levels))
            ]
            preferences[f"d{party}"] = {"ranking": ranking}
        else:
            trees = draw(st.lists(expressions(n_options, max_leaves=3), min_size=3, max_size=3))
            preferences[f"d{party}"] = [render(draw, tree, names) for tree in trees]
    return {
        "format": "detente/1",
        "title": "Small conflict",
        "parties": [{"id": f"d{p}", "name": f"Party {p}"} for p in range(n_parties)],
        "graph_model": {"options": options, "preferences": preferences},
    }


def _enumerable(document: Mapping[str, Any], limit: int = 250) -> list[str]:
    """Parties whose orderings are few enough to enumerate jointly."""
    chosen, total = [], 1
    for party in document["graph_model"]["preferences"]:
        count = math.factorial(items(document, party))
        if total * count <= limit:
            chosen.append(party)
            total *= count
    return chosen


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=small_conflicts(), data=st.data())
def test_random_conflicts_match_brute_force(document: dict[str, Any], data: st.DataObject) -> None:
    """Every concept: the cost found equals the cheapest joint ordering by brute force (so no
    swap sequence costing less works), the change is verified by the forward engine, and a
    target ruled impossible has no ordering at all that works."""
    parties = _enumerable(document)
    scenario = load_scenario_data(document)
    assert scenario.graph_model is not None
    codes = scenario.graph_model.codes()
    unstable = sorted(set(codes) - set(analyze_stability(scenario.graph_model).equilibria("gmr")))
    prefer_unstable: bool = data.draw(st.booleans())
    code = data.draw(st.sampled_from(unstable if unstable and prefer_unstable else codes))
    either = data.draw(st.sets(st.integers(0, len(code) - 1), max_size=1))
    target = "".join("-" if k in either else x for k, x in enumerate(code))
    targets = codes_matching(document, target)
    costs = {p: data.draw(st.sampled_from([1.0, 2.0, 3.0])) for p in parties}
    table = brute_force(document, parties, costs)
    for concept in CONCEPTS:
        expected = cheapest(table[concept], targets)
        try:
            change = smallest_change(
                scenario, target, concept, parties=parties, costs=costs, max_cost=100
            )
        except NoChangeError as error:
            assert error.exhausted, str(error)
            assert expected == math.inf, f"{concept}: brute force found cost {expected}"
            event(f"{concept}: impossible")
            continue
        event(f"{concept}: " + ("no change needed" if change.cost == 0 else "change found"))
        assert change.cost == expected, concept
        verify(document, change, targets)


# -- graph model: known cases -----------------------------------------------------------------


def prisoners() -> dict[str, Any]:
    return {
        "format": "detente/1",
        "title": "Prisoner's Dilemma",
        "parties": [{"id": "p1", "name": "Prisoner 1"}, {"id": "p2", "name": "Prisoner 2"}],
        "graph_model": {
            "options": [{"id": "c1", "party": "p1"}, {"id": "c2", "party": "p2"}],
            "preferences": {"p1": ["c2", "not c1"], "p2": ["c1", "not c2"]},
        },
    }


def chicken() -> dict[str, Any]:
    """Chicken with explicit rankings (Fang, Hipel & Kilgour 1993): SEQ = {YN, NY}."""
    document = prisoners()
    document["title"] = "Chicken"
    document["parties"] = [{"id": "p1", "name": "Driver 1"}, {"id": "p2", "name": "Driver 2"}]
    document["graph_model"]["preferences"] = {
        "p1": {"ranking": ["YN", "NN", "NY", "YY"]},
        "p2": {"ranking": ["NY", "NN", "YN", "YY"]},
    }
    return document


def test_mutual_cooperation_needs_no_change_under_seq_and_is_impossible_under_nash() -> None:
    scenario = load_scenario_data(prisoners())
    change = smallest_change(scenario, "YY", "seq")
    assert (change.cost, change.swaps, change.states) == (0.0, (), ("YY",))
    with pytest.raises(NoChangeError, match="Prisoner 1 gains by moving from YY to NY") as caught:
        smallest_change(scenario, "YY", "nash")
    assert caught.value.exhausted
    assert cheapest(brute_force(prisoners(), ["p1", "p2"])["nash"], {"YY"}) == math.inf


def test_chicken_mutual_swerve_under_seq_by_swapping_ranking_levels() -> None:
    """Each driver's deviation from NN must stop paying, or be answered by an improving
    sanction: two swaps in all, and brute force over all 24 x 24 rankings finds nothing cheaper."""
    document = chicken()
    change = smallest_change(load_scenario_data(document), "NN", "seq")
    table = brute_force(document, ["p1", "p2"])
    assert change.cost == cheapest(table["seq"], {"NN"})
    assert not any(cost < change.cost and "NN" in eq for cost, eq in table["seq"])
    verify(document, change, {"NN"})
    assert all(swap.kind == "rank" for swap in change.swaps)
    pattern = r"Driver [12]: move rank '[YN]{2}' below '[YN]{2}'"
    assert all(re.fullmatch(pattern, swap.describe()) for swap in change.swaps)


def test_costs_move_the_change_to_the_cheaper_party() -> None:
    document = chicken()
    scenario = load_scenario_data(document)
    for cheap, dear in (("p1", "p2"), ("p2", "p1")):
        change = smallest_change(scenario, "NN", "seq", costs={cheap: 1, dear: 5})
        assert {swap.party for swap in change.swaps} == {cheap}
        costs = {cheap: 1.0, dear: 5.0}
        assert change.cost == cheapest(brute_force(document, ["p1", "p2"], costs)["seq"], {"NN"})


def test_a_bare_graph_model_swaps_levels() -> None:
    model = load_scenario_data(chicken()).graph_model
    assert isinstance(model, GraphModel)
    change = smallest_change(model, "NN", "seq", parties=["p2"])
    assert change.cost == cheapest(brute_force(chicken(), ["p2"])["seq"], {"NN"})
    assert [c.party for c in change.changes] == ["p2"]
    assert "NN" in analyze_stability(change.model, ["seq"]).equilibria("seq")


def test_an_expression_target_takes_the_cheapest_state() -> None:
    document = prisoners()
    change = smallest_change(load_scenario_data(document), "c1 or c2", "gmr")
    targets = {"YN", "NY", "YY"}
    assert change.cost == cheapest(brute_force(document, ["p1", "p2"])["gmr"], targets)
    verify(document, change, targets)


def test_the_written_scenario_keeps_reasons_and_evidence() -> None:
    scenario = load_scenario(HANOI)
    change = smallest_change(scenario, OFFER, "gmr")
    data = changed_scenario(scenario, change)
    moved = [s for s in data["graph_model"]["preferences"]["us"] if s["expr"] == "not resume_tests"]
    assert moved[0]["evidence"] and moved[0]["because"].startswith("Trump was in no hurry")
    assert [s["expr"] for s in data["graph_model"]["preferences"]["us"]] == list(
        change.changes[0].after
    )


# -- graph model: Hanoi -----------------------------------------------------------------------


def test_hanoi_offer_one_swap_makes_it_a_gmr_and_smr_equilibrium() -> None:
    scenario = load_scenario(HANOI)
    model = scenario.graph_model
    assert model is not None
    offer = hanoi_code(model, "civilian_relief", "yongbyon")
    for concept in ("gmr", "smr"):
        assert offer not in analyze_stability(model).equilibria(concept)  # so 0 swaps fail
        change = smallest_change(scenario, OFFER, concept)
        assert change.cost == 1 and change.states == (offer,)
        assert change.swaps[0].describe() == (
            "United States: move statement '(civilian_relief or full_relief) implies "
            "dismantle_all' below 'not resume_tests'"
        )
        again = load_scenario_data(changed_scenario(scenario, change)).graph_model
        assert again is not None
        assert offer in analyze_stability(again).equilibria(concept)


def _prefers(statements: Sequence[str], order: Sequence[int], x: int, y: int, ids: Any) -> int:
    """+1 if state x beats y under the statements in ``order`` (lexicographic), -1, or 0."""
    for k in order:
        expression = parse_expression(statements[k])
        at = [
            bool(expression.evaluate({o: bool(s >> i & 1) for i, o in enumerate(ids)}))
            for s in (x, y)
        ]
        if at[0] != at[1]:
            return 1 if at[0] else -1
    return 0


def test_hanoi_offer_can_never_be_a_seq_equilibrium_by_reordering() -> None:
    """No reordering of either side's statements works: the tool proves it and says why. The
    proof is checked from the definition over all 5040 US and 720 North Korean orders: the US
    always gains by withdrawing the relief, and North Korea can never answer with a move it
    prefers; and 25 random joint reorderings are compiled and analysed by the forward engine."""
    scenario = load_scenario(HANOI)
    model, section = scenario.graph_model, scenario.document.graph_model
    assert model is not None and section is not None
    offer_code = hanoi_code(model, "civilian_relief", "yongbyon")
    withdrawn_code = hanoi_code(model, "yongbyon")
    reason = f"United States gains by moving from {offer_code} to {withdrawn_code}"
    with pytest.raises(NoChangeError, match=reason) as caught:
        smallest_change(scenario, OFFER, "seq")
    assert caught.value.exhausted
    ids = [o.id for o in model.options]
    us, dprk = ([s.expr for s in section.preferences[p]] for p in ("us", "dprk"))  # type: ignore[union-attr]
    offer = int(model.states[model.index_of(offer_code)])
    withdrawn = int(model.states[model.index_of(withdrawn_code)])
    assert all(
        _prefers(us, order, withdrawn, offer, ids) == 1
        for order in itertools.permutations(range(len(us)))
    )
    own = sum(1 << k for k, o in enumerate(model.options) if o.party == "dprk")
    yongbyon = 1 << ids.index("yongbyon")  # forward: never undone
    replies = [
        int(s)
        for s in model.states
        if s & ~own == withdrawn & ~own and s != withdrawn and s & yongbyon
    ]
    assert replies and all(
        _prefers(dprk, order, s, withdrawn, ids) <= 0
        for order in itertools.permutations(range(len(dprk)))
        for s in replies
    )
    rng = np.random.default_rng(7)
    document = scenario.document.model_dump(mode="json", exclude_none=True)
    for _ in range(25):
        orders = {
            "us": rng.permutation(len(us)).tolist(),
            "dprk": rng.permutation(len(dprk)).tolist(),
        }
        again = load_scenario_data(reordered(document, orders)).graph_model
        assert again is not None
        assert offer_code not in analyze_stability(again, ["seq"]).equilibria("seq")


# -- graph model: errors and limits ------------------------------------------------------------


def test_bad_requests_get_clear_errors() -> None:
    scenario = load_scenario_data(prisoners())
    with pytest.raises(NotFoundError, match="unknown party 'p3'"):
        smallest_change(scenario, "YY", parties=["p3"])
    with pytest.raises(NotFoundError, match="unknown party 'x'"):
        smallest_change(scenario, "YY", costs={"x": 1})
    with pytest.raises(DetenteError, match="must be positive"):
        smallest_change(scenario, "YY", costs={"p1": 0})
    with pytest.raises(NotFoundError, match="matches no feasible state"):
        smallest_change(scenario, "c1 and not c1")
    with pytest.raises(ExpressionError, match="unknown option 'c3'"):
        smallest_change(scenario, "c3")
    with pytest.raises(DetenteError, match="unknown concept"):
        smallest_change(scenario, "YY", "cseq")
    with pytest.raises(DetenteError, match="no party may change"):
        smallest_change(scenario, "YY", parties=[])


def test_limits_stop_the_search_with_a_message() -> None:
    document = chicken()
    scenario = load_scenario_data(document)
    with pytest.raises(NoChangeError, match="costing at most 0") as caught:
        smallest_change(scenario, "NN", "seq", max_cost=0)
    assert not caught.value.exhausted
    with pytest.raises(NoChangeError, match="after checking 1 changed models"):
        smallest_change(scenario, "NN", "seq", max_models=1)


# -- bargaining -------------------------------------------------------------------------------


def test_hanoi_smallest_reservation_change_equals_the_zone_gap() -> None:
    scenario = load_scenario(HANOI)
    assert scenario.bargaining is not None
    result = solve_bargaining(scenario.bargaining)
    assert result.zone_empty and result.gap is not None
    change = bargaining_change(scenario, "reservation")
    assert change.cost == result.gap.total
    assert change.outcome == result.gap.outcome
    reopened = load_scenario_data(changed_bargaining_scenario(scenario, change))
    assert reopened.bargaining is not None
    assert solve_bargaining(reopened.bargaining).zone_size > 0


@pytest.mark.parametrize("kind", ["reservation", "weights", "scores"])
@pytest.mark.parametrize("party", [None, "us", "dprk"])
def test_hanoi_every_kind_of_change_opens_the_zone(kind: str, party: str | None) -> None:
    scenario = load_scenario(HANOI)
    parties = None if party is None else [party]
    change = bargaining_change(scenario, kind, parties=parties)
    assert change.cost > 0 and {c.party for c in change.changes} <= set(parties or ["us", "dprk"])
    reopened = load_scenario_data(changed_bargaining_scenario(scenario, change))
    assert reopened.bargaining is not None
    utilities = reopened.bargaining.utilities()[change.outcome]
    assert np.all(utilities >= reopened.bargaining.reservation - 1e-9)
    assert solve_bargaining(reopened.bargaining).zone_size > 0


def test_a_chosen_deal_becomes_acceptable() -> None:
    scenario = load_scenario(HANOI)
    deal = {"denuclearization": "yongbyon", "sanctions_relief": "civilian"}
    for kind in ("reservation", "weights", "scores"):
        change = bargaining_change(scenario, kind, outcome=deal)
        assert {k: change.values[k] for k in deal} == deal
        reopened = load_scenario_data(changed_bargaining_scenario(scenario, change)).bargaining
        assert reopened is not None
        assert np.all(reopened.utilities()[change.outcome] >= reopened.reservation - 1e-9)


def linear(weights: Any, scores: Any, reservation: Sequence[float]) -> BargainingProblem:
    return BargainingProblem.linear(
        ["a", "b"],
        [("x", ["0", "1", "2"]), ("y", ["0", "1"]), ("z", ["0", "1"])],
        weights,
        scores,
        reservation,
    )


UNIT = st.integers(0, 20).map(lambda v: v / 20)


@st.composite
def problems(draw: st.DrawFn) -> BargainingProblem:
    """Two parties, three linear issues (3 x 2 x 2 outcomes), scores and reservations on a
    1/20 grid, weights any positive integers normalised."""
    weights = []
    for _ in range(2):
        raw = draw(st.lists(st.integers(0, 20), min_size=3, max_size=3).filter(any))
        weights.append([x / sum(raw) for x in raw])
    scores = [[draw(st.lists(UNIT, min_size=n, max_size=n)) for n in (3, 2, 2)] for _ in "ab"]
    return linear(weights, scores, draw(st.lists(UNIT, min_size=2, max_size=2)))


@settings(max_examples=80, deadline=None)
@given(problem=problems(), costs=st.tuples(st.sampled_from([1, 2]), st.sampled_from([1, 3])))
def test_reservation_change_is_the_weighted_zone_gap(
    problem: BargainingProblem, costs: Any
) -> None:
    """Closed form = zone gap with unit costs; no grid of reservation cuts does better."""
    utilities, d = problem.utilities(), np.asarray(problem.reservation)
    change = bargaining_change(problem, "reservation", costs={"a": costs[0], "b": costs[1]})
    if costs == (1, 1) and not solve_bargaining(problem).zone_size:
        assert change.cost == zone_gap(utilities, d).total
    cuts = np.linspace(0, 1, 201)
    cut_a, cut_b = np.meshgrid(cuts, cuts, indexing="ij")
    opens = np.zeros(cut_a.shape, dtype=bool)
    for u in utilities:
        opens |= (u[0] >= d[0] - cut_a - 1e-9) & (u[1] >= d[1] - cut_b - 1e-9)
    grid_best = float((costs[0] * cut_a + costs[1] * cut_b)[opens].min())
    assert change.cost <= grid_best + 1e-9
    assert grid_best <= change.cost + (costs[0] + costs[1]) / 200 + 1e-9
    lowered = d - np.asarray(change.reservation)
    assert np.all(lowered >= 0) and change.cost == pytest.approx(lowered @ np.array(costs))
    assert np.all(
        change.problem.utilities()[change.outcome] >= np.subtract(change.reservation, 1e-9)
    )


def _vertices(equalities: list[tuple[np.ndarray, float]], dimension: int) -> list[np.ndarray]:
    """Every point where ``dimension`` of the given hyperplanes ``a . x = b`` meet."""
    points = []
    for chosen in itertools.combinations(equalities, dimension):
        a = np.array([row for row, _ in chosen])
        if abs(np.linalg.det(a)) > 1e-12:
            points.append(np.linalg.solve(a, np.array([b for _, b in chosen])))
    return points


def exact_weight_change(scores: np.ndarray, weights: np.ndarray, need: float) -> float:
    """min |w' - w|_1 over w' >= 0, sum w' = 1, scores . w' >= need, for three terms.

    The objective is convex and linear between the planes w'_k = w_k, so its minimum over the
    feasible polygon lies where two of the lines w'_k = 0, w'_k = w_k, scores . w' = need meet
    inside the plane sum w' = 1: enumerating those points is exact."""
    unit = np.eye(3)
    lines = [(unit[k], 0.0) for k in range(3)] + [(unit[k], weights[k]) for k in range(3)]
    lines.append((scores, need))
    best = math.inf
    for first, second in itertools.combinations(lines, 2):
        for x in _vertices([(np.ones(3), 1.0), first, second], 3):
            if np.all(x >= -1e-12) and scores @ x >= need - 1e-12:
                best = min(best, float(np.abs(x - weights).sum()))
    return best


def exact_score_change(used: np.ndarray, weights: np.ndarray, need: float) -> float:
    """min sum e over 0 <= e <= 1 - used, weights . e >= need: at a vertex of three planes."""
    unit = np.eye(3)
    planes = [(unit[k], 0.0) for k in range(3)] + [(unit[k], 1 - used[k]) for k in range(3)]
    planes.append((weights, need))
    feasible = [
        x
        for x in _vertices(planes, 3)
        if np.all(x >= -1e-12) and np.all(x <= 1 - used + 1e-12) and weights @ x >= need - 1e-12
    ]
    return min((float(x.sum()) for x in feasible), default=math.inf)


def _used_scores(problem: BargainingProblem, party: int) -> np.ndarray:
    index = np.unravel_index(np.arange(problem.n_outcomes), problem.shape)
    return np.stack([t.table[index[k]] for k, t in enumerate(problem.terms[party])], axis=1)


@settings(max_examples=80, deadline=None)
@given(problem=problems(), kind=st.sampled_from(["weights", "scores"]))
def test_weight_and_score_changes_match_an_exact_vertex_oracle(
    problem: BargainingProblem, kind: str
) -> None:
    """Party b changes; the cheapest over outcomes a accepts must equal the vertex oracle."""
    u, d = problem.utilities(), np.asarray(problem.reservation)
    used = _used_scores(problem, 1)
    weights = np.array([t.weight for t in problem.terms[1]])
    oracle = math.inf
    for o in np.flatnonzero(u[:, 0] >= d[0] - 1e-9):
        if u[o, 1] >= d[1] - 1e-9:
            oracle = 0.0
        elif kind == "weights":
            oracle = min(oracle, exact_weight_change(used[o], weights, d[1]))
        else:
            oracle = min(oracle, exact_score_change(used[o], weights, d[1] - u[o, 1]))
    if math.isinf(oracle):
        with pytest.raises(DetenteError, match=f"no change of {kind} of b"):
            bargaining_change(problem, kind, parties=["b"])
        return
    change = bargaining_change(problem, kind, parties=["b"])
    assert change.cost == pytest.approx(oracle, abs=1e-9)
    after = _used_scores(change.problem, 1)
    new = np.array([t.weight for t in change.problem.terms[1]])
    size = np.abs(new - weights).sum() if kind == "weights" else np.abs(after - used).max(0).sum()
    assert change.cost == pytest.approx(size, abs=1e-12)
    assert np.all(new >= 0) and new.sum() == pytest.approx(1) and np.all(after <= 1)
    assert np.all(change.problem.utilities()[change.outcome] >= d - 1e-9)


def test_weight_change_is_impossible_when_no_term_scores_enough() -> None:
    problem = linear([[1, 0, 0], [1, 0, 0]], [[[0, 0, 0], [0, 0], [0, 0]]] * 2, [0.5, 0.5])
    with pytest.raises(DetenteError, match="no change of weights of a, b"):
        bargaining_change(problem, "weights")


def price_scenario() -> dict[str, Any]:
    return {
        "format": "detente/1",
        "title": "Price",
        "parties": [{"id": "buyer"}, {"id": "seller"}],
        "bargaining": {
            "issues": [{"id": "price", "range": {"min": 0, "max": 100, "step": 10}}],
            "preferences": {
                "buyer": {
                    "weights": {"price": 1},
                    "scores": {"price": {0: 1.0, 100: 0.0}},
                    "reservation": 0.5,
                },
                "seller": {
                    "weights": {"price": 1},
                    "scores": {"price": {0: 0.0, 100: 1.0}},
                    "reservation": 0.8,
                },
            },
        },
    }


def test_range_issue_scores_are_written_as_pinned_points() -> None:
    """Raising the seller's score of price 50 adds points at 40, 50 and 60: no other price's
    utility moves, and the deal at 50 becomes acceptable."""
    data = price_scenario()
    scenario = load_scenario_data(data)
    assert scenario.bargaining is not None
    change = bargaining_change(scenario, "scores", outcome={"price": "50"}, parties=["seller"])
    assert change.cost == pytest.approx(0.3)
    (record,) = change.changes
    assert record.label == "score of price = 50" and record.after == pytest.approx(0.8)
    again = load_scenario_data(changed_bargaining_scenario(scenario, change)).bargaining
    assert again is not None
    moved = again.utilities()[:, 1] - scenario.bargaining.utilities()[:, 1]
    assert np.flatnonzero(np.abs(moved) > 1e-12).tolist() == [5]


def test_sections_that_are_missing_are_named() -> None:
    bargaining_only = load_scenario_data(price_scenario())
    with pytest.raises(DetenteError, match="no graph_model section"):
        smallest_change(bargaining_only, "Y")
    with pytest.raises(DetenteError, match="no bargaining section"):
        bargaining_change(load_scenario_data(prisoners()))


def test_bargaining_bad_requests_get_clear_errors() -> None:
    scenario = load_scenario(HANOI)
    with pytest.raises(NotFoundError, match="unknown party 'kr'"):
        bargaining_change(scenario, parties=["kr"])
    with pytest.raises(NotFoundError, match="unknown issue 'aid'"):
        bargaining_change(scenario, outcome={"aid": "none"})
    with pytest.raises(NotFoundError, match="'half' is not a value of 'sanctions_relief'"):
        bargaining_change(scenario, outcome={"sanctions_relief": "half"})
    with pytest.raises(DetenteError, match="unknown kind"):
        bargaining_change(scenario, "discount")
    with pytest.raises(DetenteError, match="must be positive"):
        bargaining_change(scenario, costs={"us": -1})
    big_deal = {
        "denuclearization": "full",
        "sanctions_relief": "full",
        "sequencing": "all_at_once",
        "verification": "none",
    }
    with pytest.raises(DetenteError, match="no change of reservation of us"):
        bargaining_change(scenario, outcome=big_deal, parties=["us"])
