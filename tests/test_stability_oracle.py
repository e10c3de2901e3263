"""The stability engine against a brute-force oracle, and the oracle against published results.

The oracle (``tests/oracle.py``) is written straight from the definitions of Fang, Hipel &
Kilgour (1993) and Kilgour & Hipel (2005). It is first validated on published conflicts, then
used to check every verdict of :func:`detente.graph_model.stability.analyze_stability` on random
models, on random scenario documents compiled by the loader, and under relabelling.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from detente.graph_model.model import GraphModel, Option, code_of, state_of_code
from oracle import ORACLE_CONCEPTS, Oracle, equilibria, oracle_stability
from strategies import ScenarioCase, graph_models, scenario_documents

Verdicts = Mapping[str, NDArray[np.bool_]]

# -- published cases, built by hand ---------------------------------------------------------


def _bit(state: int, k: int) -> bool:
    return bool((state >> k) & 1)


def _prioritised(statements: Sequence[Callable[[int], bool]], state: int) -> int:
    """Option prioritisation score: statement k of P weighs 2^(P-1-k)."""
    size = len(statements)
    return sum(1 << (size - 1 - k) for k, holds in enumerate(statements) if holds(state))


def _ranked(ranking: str) -> dict[int, int]:
    """Scores from a ranking written best first, ties in brackets: minus the group position."""
    groups: list[list[str]] = []
    tied: list[str] | None = None
    for token in ranking.replace("[", " [ ").replace("]", " ] ").split():
        if token == "[":
            tied = []
        elif token == "]":
            groups.append(tied or [])
            tied = None
        elif tied is not None:
            tied.append(token)
        else:
            groups.append([token])
    return {state_of_code(code): -rank for rank, group in enumerate(groups) for code in group}


def prisoners_dilemma() -> GraphModel:
    """Both prioritise the other's cooperation, then their own defection."""
    states = [0, 1, 2, 3]
    p1 = [lambda s: _bit(s, 1), lambda s: not _bit(s, 0)]
    p2 = [lambda s: _bit(s, 0), lambda s: not _bit(s, 1)]
    payoff = [[_prioritised(p, s) for s in states] for p in (p1, p2)]
    return GraphModel.build(["p1", "p2"], [("c1", "p1"), ("c2", "p2")], states, payoff)


def chicken() -> GraphModel:
    """Options: P1 stands firm, P2 stands firm."""
    p1 = _ranked("YN NN NY YY")
    p2 = _ranked("NY NN YN YY")
    states = sorted(p1)
    payoff = [[p1[s] for s in states], [p2[s] for s in states]]
    return GraphModel.build(["p1", "p2"], [("f1", "p1"), ("f2", "p2")], states, payoff)


def syria_iraq() -> GraphModel:
    """Euphrates 1975: Syria releases water / escalates, Iraq attacks (release + escalate
    infeasible)."""
    options = [("release", "syria"), ("escalate", "syria"), ("attack", "iraq")]
    states = [s for s in range(8) if not (_bit(s, 0) and _bit(s, 1))]

    def taken(release: bool, escalate: bool, attack: bool) -> Callable[[int], bool]:
        return lambda s: (_bit(s, 0), _bit(s, 1), _bit(s, 2)) == (release, escalate, attack)

    syria = [
        taken(False, False, False),
        lambda s: _bit(s, 1),
        lambda s: not _bit(s, 2),
        lambda s: not _bit(s, 0),
    ]
    iraq = [
        taken(True, False, False),
        taken(False, False, True),
        taken(False, True, True),
        taken(False, False, False),
        taken(True, False, True),
    ]
    payoff = [[_prioritised(p, s) for s in states] for p in (syria, iraq)]
    return GraphModel.build(["syria", "iraq"], options, states, payoff)


def elmira() -> GraphModel:
    """Elmira groundwater conflict with the abandon states kept as four tied states."""
    options = [
        Option("modify", "moe", moves="forward"),
        Option("delay", "uniroyal", moves="backward"),
        Option("accept", "uniroyal"),
        Option("abandon", "uniroyal", moves="forward"),
        Option("insist", "lg"),
    ]
    rankings = {
        "moe": "NNYNY NNYNN YNYNN YNYNY NYNNY NYNNN YYNNN YYNNY [NNNYY NNNYN YNNYN YNNYY]",
        "uniroyal": "NYNNN YNYNN YNYNY NYNNY [NNNYN NNNYY YNNYN YNNYY] YYNNN NNYNN NNYNY YYNNY",
        "lg": "NNYNY NNYNN NYNNY NYNNN YNYNY YYNNY YNYNN YYNNN [NNNYY NNNYN YNNYY YNNYN]",
    }
    scores = {party: _ranked(text) for party, text in rankings.items()}
    states = sorted(scores["moe"])
    payoff = [[scores[party][s] for s in states] for party in rankings]
    return GraphModel.build(list(rankings), options, states, payoff)


PUBLISHED: dict[str, tuple[Callable[[], GraphModel], dict[str, set[str]]]] = {
    "prisoners-dilemma": (
        prisoners_dilemma,
        {"nash": {"NN"}, "gmr": {"NN", "YY"}, "smr": {"NN", "YY"}, "seq": {"NN", "YY"}},
    ),
    "chicken": (
        chicken,
        {
            "nash": {"YN", "NY"},
            "gmr": {"NN", "YN", "NY"},
            "smr": {"NN", "YN", "NY"},
            "seq": {"YN", "NY"},
        },
    ),
    "syria-iraq-1975": (
        syria_iraq,
        {"nash": {"NYY"}, "gmr": {"NNN", "NYY"}, "smr": {"NYY"}, "seq": {"NYY"}},
    ),
    "elmira": (
        elmira,
        {
            "nash": {"NNNYN", "NNNYY", "NYNNY", "YNNYN", "YNNYY", "YNYNY"},
            "seq": {"NNNYN", "NNNYY", "NYNNY", "YNNYN", "YNNYY", "YNYNY"},
            "gmr": {"NNNYN", "NNNYY", "NYNNY", "YNNYN", "YNNYY", "YNYNY", "NYNNN", "YNYNN"},
            "smr": {"NNNYN", "NNNYY", "NYNNY", "YNNYN", "YNNYY", "YNYNY", "NYNNN", "YNYNN"},
        },
    ),
}


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_oracle_reproduces_published_equilibria(name: str) -> None:
    build, expected = PUBLISHED[name]
    model = build()
    verdicts = oracle_stability(model)
    assert set(verdicts) == set(ORACLE_CONCEPTS)
    for concept in ORACLE_CONCEPTS:
        assert verdicts[concept].shape == (len(model.parties), model.n_states)
        found = equilibria(model, verdicts[concept])
        assert len(found) == len(expected[concept]), (concept, found)
        assert set(found) == expected[concept], concept


def test_elmira_has_twelve_states() -> None:
    assert elmira().n_states == 12


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_engine_reproduces_published_equilibria(name: str) -> None:
    from detente.graph_model.stability import analyze_stability

    build, expected = PUBLISHED[name]
    result = analyze_stability(build())
    for concept in ORACLE_CONCEPTS:
        assert set(result.equilibria(concept)) == expected[concept], concept


# -- the oracle's group moves follow the literal definition ---------------------------------


def _three_party_chain() -> GraphModel:
    """Party j owns options a and c, party k owns b, party i owns d; only the states on the path
    NNN -j-> YNN -k-> YYN -j-> YYY (d untaken) and the same with d taken are feasible."""
    a, b, c, d = 1, 2, 4, 8  # option bits, in option order a, b, c, d
    path = [0, a, a | b, a | b | c]
    states = path + [s | d for s in path]
    payoff = np.zeros((3, len(states)), dtype=np.int64)
    return GraphModel.build(
        ["i", "j", "k"],
        [("a", "j"), ("b", "k"), ("c", "j"), ("d", "i")],
        states,
        payoff,
    )


def test_oracle_group_moves_allow_a_member_to_move_again_after_another() -> None:
    model = _three_party_chain()
    oracle = Oracle(model)
    reached = oracle.group((1, 2), 0, improving=False)
    codes = {code_of(s, model.n_options) for s in reached}
    # YYYN needs j, then k, then j again. Going back from YYNN would need j after k's arrival
    # there, but j may only add c; so NNNN is not reached.
    assert codes == {"YNNN", "YYNN", "YYYN"}
    # From the top, j withdraws c, k withdraws b, j withdraws a; k can then go nowhere, and
    # YYYN is not reached again because only j can re-add c and j moved into YYNN last.
    back = oracle.group((1, 2), state_of_code("YYYN"), improving=False)
    assert {code_of(s, model.n_options) for s in back} == {"YYNN", "YNNN", "NNNN"}
    # YYYN is not one move from NNNN for either member: the sequence above is needed.
    assert state_of_code("YYYN") not in oracle.unilateral(1, 0) | oracle.unilateral(2, 0)


def test_oracle_unilateral_moves_respect_irreversibility() -> None:
    options = [
        Option("f", "p", moves="forward"),
        Option("b", "p", moves="backward"),
        Option("x", "q"),
    ]
    model = GraphModel.build(["p", "q"], options, range(8), np.zeros((2, 8)))
    oracle = Oracle(model)
    reach = {
        code: {code_of(s, 3) for s in oracle.unilateral(0, state_of_code(code))}
        for code in ("NNN", "YYN", "NYN", "YNN")
    }
    # f may only be taken, b only withdrawn.
    assert reach["NNN"] == {"YNN"}
    assert reach["YYN"] == {"YNN"}
    assert reach["NYN"] == {"YYN", "NNN", "YNN"}
    assert reach["YNN"] == set()


# -- differential: engine against oracle ----------------------------------------------------


def describe(model: GraphModel) -> str:
    """Everything needed to rebuild a failing model by hand."""
    lines = [
        "parties: " + ", ".join(p.id for p in model.parties),
        "options: " + ", ".join(f"{o.id}({o.party},{o.moves})" for o in model.options),
        "states and payoffs:",
    ]
    for k, code in enumerate(model.codes()):
        lines.append(f"  {code} {int(model.states[k])}: {[int(v) for v in model.payoff[:, k]]}")
    return "\n".join(lines)


def assert_same_verdicts(model: GraphModel, engine: Verdicts, oracle: Verdicts) -> None:
    """Whole-array comparison, reporting the first disagreement and the model."""
    for concept in ORACLE_CONCEPTS:
        assert concept in engine, f"engine returned no verdicts for {concept!r}"
        got = np.asarray(engine[concept])
        want = oracle[concept]
        assert got.shape == want.shape, (concept, got.shape, want.shape)
        if not np.array_equal(got, want):
            party, index = (int(v) for v in np.argwhere(got != want)[0])
            pytest.fail(
                f"{concept}: party {model.parties[party].id} at state {model.code(index)}: "
                f"engine says {bool(got[party, index])}, oracle says {bool(want[party, index])}\n"
                + describe(model)
            )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph_models())
def test_engine_agrees_with_oracle(model: GraphModel) -> None:
    from detente.graph_model.stability import analyze_stability

    result = analyze_stability(model)
    assert_same_verdicts(model, result.stable, oracle_stability(model))


# -- differential through the scenario loader -----------------------------------------------


def _dense_rank(values: Sequence[int]) -> NDArray[np.int64]:
    _, inverse = np.unique(np.asarray(values), return_inverse=True)
    return inverse.ravel().astype(np.int64)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_documents())
def test_loader_compiles_documents_and_engine_agrees_with_oracle(case: ScenarioCase) -> None:
    from detente.graph_model.stability import analyze_stability
    from detente.scenario import load_scenario_data

    model = load_scenario_data(case.document).graph_model
    assert model is not None
    assert tuple(p.id for p in model.parties) == case.party_ids
    assert tuple(o.id for o in model.options) == case.option_ids
    assert tuple(o.moves for o in model.options) == case.moves
    assert model.states.tolist() == list(case.feasible)
    for i, party in enumerate(case.party_ids):
        expected = _dense_rank([case.scores[party][s] for s in case.feasible])
        assert model.payoff[i].tolist() == expected.tolist(), (party, case.kind[party])
    if case.status_quo is None:
        assert model.status_quo is None
    else:
        assert model.status_quo is not None
        assert int(model.states[model.status_quo]) == case.status_quo

    result = analyze_stability(model)
    assert_same_verdicts(model, result.stable, oracle_stability(model))


# -- invariance under relabelling -----------------------------------------------------------


def relabelled(
    model: GraphModel, option_order: Sequence[int], party_order: Sequence[int]
) -> tuple[GraphModel, Callable[[int], int]]:
    """The same conflict with options and parties renamed and reordered.

    New option ``q`` is old option ``option_order[q]``; new party ``r`` is old party
    ``party_order[r]``. Returns the new model and the map from old to new state numbers.
    """
    new_party = {model.parties[old].id: f"renamed_{r}" for r, old in enumerate(party_order)}
    options = [
        Option(f"choice_{q}", new_party[model.options[old].party], "", model.options[old].moves)
        for q, old in enumerate(option_order)
    ]

    def new_state(state: int) -> int:
        return sum(((state >> old) & 1) << q for q, old in enumerate(option_order))

    states = [new_state(int(s)) for s in model.states]
    payoff = np.asarray(model.payoff)[list(party_order)]
    parties = [new_party[model.parties[old].id] for old in party_order]
    return GraphModel.build(parties, options, states, payoff), new_state


@st.composite
def relabellings(draw: st.DrawFn) -> tuple[GraphModel, list[int], list[int]]:
    model = draw(graph_models())
    option_order = draw(st.permutations(range(model.n_options)))
    party_order = draw(st.permutations(range(len(model.parties))))
    return model, list(option_order), list(party_order)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(relabellings())
def test_relabelling_options_and_parties_changes_no_verdict(
    drawn: tuple[GraphModel, list[int], list[int]],
) -> None:
    from detente.graph_model.stability import analyze_stability

    model, option_order, party_order = drawn
    other, new_state = relabelled(model, option_order, party_order)
    before = analyze_stability(model).stable
    after = analyze_stability(other).stable
    columns = np.searchsorted(other.states, [new_state(int(s)) for s in model.states])
    rows = np.argsort(party_order)  # rows[old party] = its new position
    for concept in ORACLE_CONCEPTS:
        mapped = np.asarray(after[concept])[rows][:, columns]
        assert np.array_equal(mapped, np.asarray(before[concept])), (
            f"{concept} changed under options {option_order}, parties {party_order}\n"
            + describe(model)
        )
