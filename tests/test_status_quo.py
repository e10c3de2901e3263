"""Status quo analysis against a plain breadth-first search, and on published conflicts."""

from __future__ import annotations

from collections import deque
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente import GraphModel, analyze_stability, load_scenario
from detente.catalogue import catalogue_path
from detente.errors import DetenteError
from detente.graph_model.model import code_of, state_of_code
from detente.graph_model.status_quo import reachable_from, status_quo_analysis
from oracle import Oracle
from strategies import graph_models


def legal_distances(model: GraphModel, start: int, improving: bool) -> dict[int, int]:
    """Steps to each state by legal sequences (no party twice in a row), searched literally over
    (state, last mover) pairs with the oracle's one-move sets."""
    oracle = Oracle(model)
    seen = {(start, -1): 0}
    best = {start: 0}
    queue = deque([(start, -1)])
    while queue:
        state, last = queue.popleft()
        for party in range(len(model.parties)):
            if party == last:
                continue
            targets = (oracle.improvements if improving else oracle.unilateral)(party, state)
            for target in targets:
                if (target, party) not in seen:
                    seen[(target, party)] = seen[(state, last)] + 1
                    best.setdefault(target, seen[(target, party)])
                    queue.append((target, party))
    return best


@settings(max_examples=120, deadline=None)
@given(graph_models(max_options=8), st.data(), st.booleans())
def test_distances_match_a_literal_search(
    model: GraphModel, data: st.DataObject, improving: bool
) -> None:
    start = int(data.draw(st.sampled_from(model.states.tolist())))
    expected = legal_distances(model, start, improving)
    reach = reachable_from(model, start, improving)
    found = {int(s): int(reach.distance[s]) for s in model.states if reach.distance[s] >= 0}
    assert found == expected
    # Every recorded path is a legal sequence of (improving) moves of the right length.
    oracle = Oracle(model)
    for state, steps in found.items():
        walk, movers = [state], []
        while reach.parent[walk[-1]] >= 0:
            movers.append(int(reach.mover[walk[-1]]))
            walk.append(int(reach.parent[walk[-1]]))
        assert walk[-1] == start and len(walk) - 1 == steps
        walk.reverse()
        movers.reverse()
        for mover, before, after in zip(movers, walk, walk[1:], strict=False):
            allowed = oracle.improvements if improving else oracle.unilateral
            assert after in allowed(mover, before)
        assert all(a != b for a, b in pairwise(movers))


def test_elmira_from_the_status_quo() -> None:
    model = load_scenario(catalogue_path("elmira")).graph_model
    assert model is not None
    result = analyze_stability(model)
    analysis = status_quo_analysis(result)
    assert analysis.status_quo == "NYNNN"
    # From Uniroyal's delay only the local government gains by moving (it insists); every
    # equilibrium can be reached by some sequence of moves.
    assert analysis.reachable("nash") == ["NYNNY"]
    (step,) = analysis.by_improvements["NYNNY"]
    assert (step.party, step.before, step.after) == ("lg", "NYNNN", "NYNNY")
    assert analysis.unreachable("gmr") == []
    assert set(analysis.reachable("gmr", improving=False)) == set(result.equilibria("gmr"))


def test_irreversible_options_make_states_unreachable() -> None:
    # Option x can only be taken (forward); y only withdrawn (backward). From YN nobody can get
    # back to N on x or to Y on y, so NN, NY and YY are out of reach.
    model = GraphModel.build(
        ["a", "b"],
        [("x", "a", "forward"), ("y", "b", "backward")],
        [0, 1, 2, 3],
        [[0, 1, 0, 1], [1, 0, 1, 0]],
        status_quo=state_of_code("YN"),
    )
    analysis = status_quo_analysis(analyze_stability(model))
    assert analysis.by_moves.keys() <= {"YN"}
    reach = reachable_from(model, state_of_code("YN"), improving=False)
    assert [code_of(int(s), 2) for s in model.states if reach.distance[s] >= 0] == ["YN"]


def test_status_quo_is_needed() -> None:
    model = GraphModel.build(["a", "b"], [("x", "a"), ("y", "b")], [0, 1], [[0, 1], [1, 0]])
    with pytest.raises(DetenteError, match="no status quo"):
        status_quo_analysis(analyze_stability(model))
