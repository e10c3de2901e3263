"""Explanations agree with the verdicts they explain, and their sanctions are real."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from hypothesis import given, settings

from detente import GraphModel, analyze_stability, explain_state, load_scenario
from detente.catalogue import catalogue_path
from detente.graph_model.explain import Explanation, Move, describe
from strategies import graph_models


def _level(model: GraphModel, party: str, code: str) -> int:
    return int(model.payoff[model.party_index(party), model.index_of(code)])


def _check_move_is_legal(model: GraphModel, move: Move) -> None:
    """The move changes only the mover's options, lands on a feasible state, and respects
    irreversibility."""
    owner = model.party_index(move.party)
    for k, (before, after) in enumerate(zip(move.before, move.after, strict=True)):
        if before == after:
            continue
        assert int(model.owner[k]) == owner, f"{move} changes another party's option {k}"
        direction = model.options[k].moves
        assert not (direction == "forward" and after == "N"), move
        assert not (direction == "backward" and after == "Y"), move
    model.index_of(move.after)
    assert move.before != move.after


def _check(explanation: Explanation) -> None:
    model = explanation.model
    party, level = explanation.party, explanation.level
    for concept, stable in explanation.stable.items():
        if concept == "nash":
            assert stable == (not explanation.improvements)
            continue
        blocked = all(item.sanctions[concept] is not None for item in explanation.improvements)
        assert stable == blocked, (concept, str(explanation))
    for item in explanation.improvements:
        _check_move_is_legal(model, item.move)
        assert item.level > level
        for concept, sanction in item.sanctions.items():
            if sanction is None:
                continue
            assert sanction.level <= level
            assert sanction.moves[0].before == item.move.after
            assert sanction.moves[-1].after == sanction.state
            movers = [m.party for m in sanction.moves]
            assert party not in movers
            assert all(a != b for a, b in pairwise(movers))
            for move in sanction.moves:
                _check_move_is_legal(model, move)
                if concept == "seq":
                    assert _level(model, move.party, move.after) > _level(
                        model, move.party, move.before
                    )


@settings(max_examples=60, deadline=None)
@given(graph_models(max_options=7))
def test_explanations_match_verdicts_on_random_models(model: GraphModel) -> None:
    result = analyze_stability(model)
    rng = np.random.default_rng(0)
    for index in rng.choice(model.n_states, size=min(6, model.n_states), replace=False):
        for party in model.parties:
            _check(explain_state(result, model.code(int(index)), party.id))


def test_elmira_explanation_names_the_sanction() -> None:
    model = load_scenario(catalogue_path("elmira")).graph_model
    assert model is not None
    result = analyze_stability(model)
    for index in range(model.n_states):
        for party in model.parties:
            _check(explain_state(result, model.code(index), party.id))
    # At the status quo (Uniroyal delays) the local government gains by insisting; the ministry
    # can answer by modifying the control order, which the local government likes less (GMR),
    # but that answer hurts the ministry itself, so it is no sequential sanction.
    explanation = explain_state(result, "NYNNN", "lg")
    (insist,) = explanation.improvements
    assert insist.move.after == "NYNNY"
    gmr = insist.sanctions["gmr"]
    assert gmr is not None and gmr.state == "YYNNY" and gmr.moves[0].party == "moe"
    assert insist.sanctions["seq"] is None
    assert explanation.stable == {"nash": False, "gmr": True, "smr": True, "seq": False}
    assert "SEQ: not blocked" in str(explanation)


def test_stable_state_without_improvements_says_so() -> None:
    model = GraphModel.build(
        ["a", "b"], [("x", "a"), ("y", "b")], [0, 1, 2, 3], [[3, 0, 0, 0], [3, 0, 0, 0]]
    )
    text = str(explain_state(analyze_stability(model), "NN", "a"))
    assert "no unilateral improvement" in text


def test_long_explanations_list_the_best_improvements_first() -> None:
    options = [("a0", "a"), ("a1", "a"), ("a2", "a"), ("a3", "a"), ("b0", "b")]
    states = list(range(32))
    model = GraphModel.build(["a", "b"], options, states, [states, [0] * 32])
    explanation = explain_state(analyze_stability(model), "NNNNN", "a")
    assert len(explanation.improvements) == 15
    levels = [item.level for item in explanation.improvements]
    assert levels == sorted(levels, reverse=True)
    text = describe(explanation, limit=3)
    assert text.count("\n- ") == 3
    assert "... and 12 more improvements" in text
