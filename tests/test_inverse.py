"""Inverse graph-model analysis, checked against brute force through the forward engine.

The brute force here shares nothing with ``detente.whatif``: it lists every ordering with
``itertools``, compiles a model for each combination with :meth:`GraphModel.build` and asks
:func:`analyze_stability` whether the target is stable. Counts, shared conditions and samples
of :func:`inverse_analysis` must agree with it, for every concept.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from math import factorial

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.catalogue import load_catalogue
from detente.errors import DetenteError, ModelTooLargeError, NotFoundError
from detente.graph_model.model import GraphModel, Option
from detente.graph_model.stability import CONCEPTS, analyze_stability
from detente.whatif import InverseResult, Ordering, inverse_analysis
from detente.whatif.counting import (
    count_by_closed_form,
    count_by_hitting_sets,
    count_by_lower_sets,
)
from detente.whatif.sanctions import MoveGraph, stability_check
from strategies import graph_models

Row = tuple[int, ...]

# -- brute force -----------------------------------------------------------------------------


def rankings(n: int) -> list[Row]:
    """Payoff rows of every strict ranking of ``n`` states (higher is better)."""
    rows = []
    for order in itertools.permutations(range(n)):
        row = [0] * n
        for position, state in enumerate(order):
            row[state] = n - 1 - position
        rows.append(tuple(row))
    return rows


def reorderings(base: Sequence[int], free: Sequence[int]) -> list[Row]:
    """Rows where the ``free`` states exchange their levels; each distinct row once."""
    rows = set()
    for values in itertools.permutations([base[k] for k in free]):
        row = list(base)
        for k, value in zip(free, values, strict=True):
            row[k] = value
        rows.add(tuple(row))
    return sorted(rows)


def statement_rows(truth: np.ndarray) -> list[Row]:
    """Score rows of every order of the statements (one row per order, repeats kept)."""
    p = len(truth)
    rows = []
    for order in itertools.permutations(range(p)):
        score = sum((1 << (p - 1 - k)) * truth[s].astype(int) for k, s in enumerate(order))
        rows.append(tuple(int(v) for v in score))
    return rows


@dataclass
class BruteForce:
    """Every combination of the varying parties' rows, with the forward engine's verdicts."""

    model: GraphModel
    varying: list[int]
    spaces: list[list[Row]]
    stable: dict[str, list[np.ndarray]]

    @classmethod
    def run(cls, model: GraphModel, varying: list[int], spaces: list[list[Row]]) -> BruteForce:
        stable: dict[str, list[np.ndarray]] = {c: [] for c in CONCEPTS}
        for combo in itertools.product(*spaces):
            payoff = model.payoff.astype(np.int64).copy()
            for party, row in zip(varying, combo, strict=True):
                payoff[party] = row
            built = GraphModel.build(model.parties, model.options, model.states, payoff)
            result = analyze_stability(built)
            for concept in CONCEPTS:
                stable[concept].append(result.stable[concept])
        return cls(model, varying, spaces, stable)

    def counted(self, concept: str, target: int, judged: Sequence[int]) -> list[tuple[Row, ...]]:
        combos = itertools.product(*self.spaces)
        verdicts = self.stable[concept]
        return [
            combo
            for combo, verdict in zip(combos, verdicts, strict=True)
            if all(verdict[j, target] for j in judged)
        ]


def ordering_row(model: GraphModel, ordering: Ordering) -> Row:
    """Preference levels of a reported ordering (ties share a level)."""
    row = [0] * model.n_states
    for rank, group in enumerate(reversed(ordering.ranking)):
        for code in group:
            row[model.index_of(code)] = rank
    return tuple(row)


def same_order(a: Row, b: Row) -> bool:
    n = len(a)
    return all((a[x] > a[y]) == (b[x] > b[y]) for x in range(n) for y in range(n))


def check_against(result: InverseResult, brute: BruteForce, concept: str, target: int) -> None:
    """Count, conditions and samples of ``result`` agree with brute force."""
    model = brute.model
    judged = [model.party_index(p) for p in result.stable_for]
    counted = brute.counted(concept, target, judged)
    assert result.total == len(list(itertools.product(*brute.spaces)))
    assert result.count == len(counted), result.method
    n = model.n_states
    for slot, party in enumerate(brute.varying):
        rows = [combo[slot] for combo in counted]
        reported = {
            (model.index_of(c.better), model.index_of(c.worse))
            for c in result.conditions
            if model.party_index(c.party) == party
        }
        always = {
            (x, y) for x in range(n) for y in range(n) if rows and all(r[x] > r[y] for r in rows)
        }
        given_ = {
            (x, y)
            for x in range(n)
            for y in range(n)
            if all(r[x] > r[y] for r in brute.spaces[slot])
        }
        assert reported <= always  # sound: each condition holds in every counted ordering
        closure = reported | given_
        for _ in range(n):
            closure |= {(x, z) for x, y in closure for y2, z in closure if y == y2}
        assert always <= closure  # complete: with what the space fixes, they imply the rest
        for x, y in reported:  # reduced: none follows from two others through a third state
            assert not any((x, z) in always and (z, y) in always for z in range(n))
    assert len(result.samples) == min(len(counted), 10)
    assert result.complete == (len(counted) <= 10)
    keys = set()
    for sample in result.samples:
        rows = tuple(ordering_row(model, o) for o in sample)
        assert any(
            all(same_order(r, c) for r, c in zip(rows, combo, strict=True)) for combo in counted
        )
        if result.mode == "ranking":
            keys.add(rows)
    if result.mode == "ranking":
        assert len(keys) == len(result.samples)


# -- random small conflicts ------------------------------------------------------------------


@st.composite
def small_models(
    draw: st.DrawFn, max_states: int, max_parties: int = 3, min_parties: int = 2
) -> GraphModel:
    """Random conflicts of at most ``max_states`` feasible states (n! stays enumerable)."""
    model = draw(graph_models(min_parties, max_parties, max_options=4))
    size = draw(st.integers(min(2, model.n_states), min(max_states, model.n_states)))
    keep = sorted(
        draw(
            st.lists(st.integers(0, model.n_states - 1), min_size=size, max_size=size, unique=True)
        )
    )
    return GraphModel.build(
        model.parties, model.options, model.states[keep], model.payoff[:, keep], title="small"
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_models(max_states=6), st.data())
def test_one_party_rankings_match_brute_force(model: GraphModel, data: st.DataObject) -> None:
    party = data.draw(st.integers(0, len(model.parties) - 1))
    target = data.draw(st.integers(0, model.n_states - 1))
    alone = data.draw(st.booleans())
    brute = BruteForce.run(model, [party], [rankings(model.n_states)])
    pid = model.parties[party].id
    stable_for = [pid] if alone else None
    for concept in CONCEPTS:
        for method in ("auto", "enumerate"):
            result = inverse_analysis(
                model, model.code(target), concept, [pid], stable_for=stable_for, method=method
            )
            check_against(result, brute, concept, target)
            assert result.total == factorial(model.n_states)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_models(max_states=4, max_parties=2), st.data())
def test_joint_rankings_match_brute_force(model: GraphModel, data: st.DataObject) -> None:
    target = data.draw(st.integers(0, model.n_states - 1))
    varying = [0, 1]
    brute = BruteForce.run(model, varying, [rankings(model.n_states)] * 2)
    for concept in CONCEPTS:
        result = inverse_analysis(model, model.code(target), concept, seed=3)
        assert result.equilibrium
        check_against(result, brute, concept, target)
        assert result.method.startswith("joint") == (concept == "seq")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(small_models(max_states=8), small_models(max_states=10, min_parties=3)), st.data())
def test_free_states_match_brute_force(model: GraphModel, data: st.DataObject) -> None:
    parties = data.draw(
        st.lists(st.integers(0, len(model.parties) - 1), min_size=1, max_size=2, unique=True)
    )
    free = sorted(data.draw(st.sets(st.integers(0, model.n_states - 1), min_size=1, max_size=4)))
    target = data.draw(st.integers(0, model.n_states - 1))
    spaces = [reorderings([int(v) for v in model.payoff[p]], free) for p in sorted(parties)]
    brute = BruteForce.run(model, sorted(parties), spaces)
    codes = [model.code(k) for k in free]
    ids = [model.parties[p].id for p in parties]
    for concept in CONCEPTS:
        result = inverse_analysis(model, model.code(target), concept, ids, free_states=codes)
        check_against(result, brute, concept, target)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_models(max_states=8), st.data())
def test_statement_orders_match_brute_force(model: GraphModel, data: st.DataObject) -> None:
    parties = sorted(
        data.draw(
            st.lists(st.integers(0, len(model.parties) - 1), min_size=1, max_size=2, unique=True)
        )
    )
    n = model.n_states
    truths = {
        p: np.array(
            data.draw(
                st.lists(st.lists(st.booleans(), min_size=n, max_size=n), min_size=1, max_size=4)
            ),
            dtype=bool,
        )
        for p in parties
    }
    target = data.draw(st.integers(0, n - 1))
    brute = BruteForce.run(model, parties, [statement_rows(truths[p]) for p in parties])
    statements = {model.parties[p].id: truths[p] for p in parties}
    ids = [model.parties[p].id for p in parties]
    for concept in CONCEPTS:
        result = inverse_analysis(
            model, model.code(target), concept, ids, mode="statements", statements=statements
        )
        check_against(result, brute, concept, target)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph_models(max_parties=3, max_options=5), st.data())
def test_counting_methods_agree(model: GraphModel, data: st.DataObject) -> None:
    """On models too large for brute force, the three counts agree where they all apply."""
    graph = MoveGraph.of(model)
    base = [model.payoff[k].astype(np.int64)[None, :] for k in range(len(model.parties))]
    party = data.draw(st.integers(0, len(model.parties) - 1))
    target = data.draw(st.integers(0, model.n_states - 1))
    n = model.n_states
    for concept in ("nash", "gmr", "seq"):
        check = stability_check(graph, concept, party, target, base)
        sets = check.hitting_sets()
        assert sets is not None
        by_sets = count_by_hitting_sets(sets, n)
        if len(check.relevant()) <= 12:
            by_splits = count_by_lower_sets(check, n)
            assert by_splits.count == by_sets.count
            assert (set(by_splits.above), set(by_splits.below)) == (
                set(by_sets.above),
                set(by_sets.below),
            )
        if concept == "nash":
            closed = count_by_closed_form(check, n)
            assert closed.count == by_sets.count == factorial(n) // (len(check.moves) + 1)
            assert set(closed.below) == set(by_sets.below)


def test_sanctions_by_two_opponents_in_turn() -> None:
    """Three parties with one option each: after p0 moves from NNN to YNN, p1 and p2 can reach
    YYY only by moving one after the other, so that sanction needs group moves."""
    model = GraphModel.build(
        ["p0", "p1", "p2"],
        [("a", "p0"), ("b", "p1"), ("c", "p2")],
        range(8),
        # States by number: NNN YNN NYN YYN NNY YNY NYY YYY (option a is bit 0).
        [[3, 7, 2, 6, 1, 5, 0, 4], [0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3, 4, 5, 6, 7]],
    )
    # Strict rankings of p0: NNN is GMR-stable for p0 unless it is the lowest of YNN and its
    # sanctions YYN, YNY and YYY: 8! - 8!/5 = 32,256 of 40,320 rankings (8!/4 short if the
    # two-move sanction YYY were missed).
    gmr = inverse_analysis(model, "NNN", "gmr", ["p0"], stable_for=["p0"])
    assert (gmr.count, gmr.total) == (factorial(8) - factorial(8) // 5, factorial(8))
    free = ["NNN", "YNN", "YYN", "YNY", "YYY"]
    space = reorderings([int(v) for v in model.payoff[0]], [model.index_of(c) for c in free])
    brute = BruteForce.run(model, [0], [space])
    for concept in CONCEPTS:
        result = inverse_analysis(model, "NNN", concept, ["p0"], free_states=free)
        check_against(result, brute, concept, 0)


def test_shared_relations_are_reduced_to_covering_pairs() -> None:
    from detente.whatif.factors import enumerated_pairs

    chain = np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]], dtype=bool)  # 0 > 1 > 2
    assert enumerated_pairs(chain, None) == ((0, 1), (1, 2))
    given_ = np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]], dtype=bool)
    assert enumerated_pairs(chain, given_) == ((1, 2),)


# -- the Prisoner's Dilemma ------------------------------------------------------------------


@pytest.fixture(scope="module")
def dilemma() -> GraphModel:
    model = load_catalogue("prisoners-dilemma").graph_model
    assert model is not None
    return model


# States NN, YN, NY, YY (c1 first). From YY, Prisoner 1's only move is to NY (it defects);
# from NY, Prisoner 2 can defect too, reaching NN; from NN, Prisoner 1 can move to YN.
# Over the 4! = 24 strict rankings of Prisoner 1:
# - Nash: YY above NY, half of them: 12.
# - GMR: YY above NY, or above the sanction NN. It fails only when YY is the lowest of
#   {YY, NY, NN}, a third of the rankings (8): 24 - 8 = 16.
# - SMR: YY above NY (12), or NY > YY with YY above both NN and P1's escape YN from NN:
#   NY first, YY second, then NN and YN in either order (2): 14.
# - SEQ, Prisoner 2 keeping its preferences: Prisoner 2 gains by defecting from NY to NN
#   (level 1 > 0), so the sanction is credible and SEQ = GMR: 16.
@pytest.mark.parametrize(
    ("concept", "expected"), [("nash", 12), ("gmr", 16), ("smr", 14), ("seq", 16)]
)
def test_dilemma_prisoner_one_alone(dilemma: GraphModel, concept: str, expected: int) -> None:
    result = inverse_analysis(dilemma, "YY", concept, ["p1"], stable_for=["p1"])
    assert (result.count, result.total) == (expected, 24)


# Parties vary independently for Nash, GMR and SMR: the equilibrium count is the square.
@pytest.mark.parametrize(("concept", "one"), [("nash", 12), ("gmr", 16), ("smr", 14)])
def test_dilemma_equilibrium_factorises(dilemma: GraphModel, concept: str, one: int) -> None:
    result = inverse_analysis(dilemma, "YY", concept)
    assert (result.count, result.total) == (one * one, 576)
    assert result.method.startswith("factorised")


def test_dilemma_sequential_equilibrium_is_joint(dilemma: GraphModel) -> None:
    result = inverse_analysis(dilemma, "YY", "seq", seed=0)
    brute = BruteForce.run(dilemma, [0, 1], [rankings(4)] * 2)
    check_against(result, brute, "seq", dilemma.index_of("YY"))
    # Not a product: each prisoner's sanction is credible only under the other's preferences.
    assert result.count != 16 * 16
    assert "joint enumeration of all 576" in result.method


def test_dilemma_nash_conditions_in_words(dilemma: GraphModel) -> None:
    result = inverse_analysis(dilemma, "YY", "nash")
    pairs = [(c.party, c.better, c.worse) for c in result.conditions]
    assert pairs == [("p1", "YY", "NY"), ("p2", "YY", "YN")]
    assert str(result.conditions[0]) == (
        "Prisoner 1 must prefer YY (Prisoner 1: Prisoner 1 cooperates (stays silent); "
        "Prisoner 2: Prisoner 2 cooperates (stays silent)) to NY (Prisoner 2: Prisoner 2 "
        "cooperates (stays silent))"
    )
    assert "Every one of them requires:" in result.summary()


def test_dilemma_statement_orders(dilemma: GraphModel) -> None:
    scenario = load_catalogue("prisoners-dilemma")
    # Prisoner 1 orders [c2, not c1] (as published) or [not c1, c2]. Only the published order
    # makes YY GMR-stable: with "not c1" first, P1 ranks NY > NN > YY > YN and P2's
    # defection to NN no longer deters it. Same for Prisoner 2, so 1 of 2 x 2 = 4 orders.
    result = inverse_analysis(dilemma, "YY", "gmr", mode="statements", statements=scenario)
    assert (result.count, result.total, result.complete) == (1, 4, True)
    (sample,) = result.samples
    assert [o.statements for o in sample] == [("c2", "not c1"), ("c1", "not c2")]
    assert [str(c) for c in result.statement_conditions] == [
        "Prisoner 1 must put 'c2' before 'not c1'",
        "Prisoner 2 must put 'c1' before 'not c2'",
    ]
    assert [(c.party, c.better, c.worse) for c in result.conditions] == [
        ("p1", "YY", "NN"),
        ("p2", "YY", "NN"),
    ]
    assert "the status quo" in result.conditions[0].worse_label
    # The published order reproduces the compiled preferences (weights 2^(P-1-k)).
    assert ordering_row(dilemma, sample[0]) == tuple(int(v) for v in dilemma.payoff[0])
    # Whatever the order, Prisoner 1 prefers defecting from YY to NY: never Nash-stable.
    nash = inverse_analysis(
        dilemma, "YY", "nash", ["p1"], stable_for=["p1"], mode="statements", statements=scenario
    )
    assert (nash.count, nash.total, nash.samples) == (0, 2, ())


def test_statements_as_expressions(dilemma: GraphModel) -> None:
    result = inverse_analysis(
        dilemma,
        "YY",
        "gmr",
        ["p1"],
        stable_for=["p1"],
        mode="statements",
        statements={"p1": ["c2", "not c1", "c1 and c2"]},
    )
    brute = BruteForce.run(
        dilemma,
        [0],
        [statement_rows(np.array([[0, 0, 1, 1], [1, 0, 1, 0], [0, 0, 0, 1]], dtype=bool))],
    )
    check_against(result, brute, "gmr", dilemma.index_of("YY"))
    assert result.total == 6


# -- sampling, limits and errors -------------------------------------------------------------


def _wide_model(p1_options: int = 3) -> GraphModel:
    options = [Option(f"a{k}", "p1") for k in range(p1_options)] + [Option("b", "p2")]
    n = 1 << len(options)
    rng = np.random.default_rng(7)
    return GraphModel.build(["p1", "p2"], options, range(n), rng.integers(0, n, size=(2, n)))


@pytest.mark.parametrize("concept", CONCEPTS)
def test_seeded_samples_are_reproducible(concept: str) -> None:
    model = load_catalogue("chicken").graph_model
    assert model is not None
    first = inverse_analysis(model, "NN", concept, samples=5, seed=11)
    again = inverse_analysis(model, "NN", concept, samples=5, seed=11)
    other = inverse_analysis(model, "NN", concept, samples=5, seed=12)
    assert first.count > 5
    assert first.samples == again.samples
    assert first.samples != other.samples
    assert len(set(first.samples)) == 5
    assert (first.seed, first.complete) == (11, False)


def test_nash_counts_large_models_without_listing() -> None:
    model = _wide_model()
    result = inverse_analysis(model, "NNNN", "nash", ["p1"], stable_for=["p1"], seed=1)
    # P1 controls three free options: 7 moves from any state; the target must beat them all.
    assert result.count == factorial(16) // 8
    assert result.total == factorial(16)
    assert len(result.samples) == 10
    assert len(result.conditions) == 7


def test_too_many_orderings_are_refused_before_work() -> None:
    model = _wide_model()
    with pytest.raises(ModelTooLargeError, match=r"16! = 20,922,789,888,000 strict rankings of p1"):
        inverse_analysis(model, "NNNN", "seq")
    with pytest.raises(ModelTooLargeError, match="over the limit of 1,000,000"):
        inverse_analysis(model, "NNNN", "gmr", method="enumerate")


def test_models_beyond_the_state_limit_are_refused() -> None:
    options = [Option(f"a{k}", "p1") for k in range(6)] + [Option(f"b{k}", "p2") for k in range(6)]
    model = GraphModel.build(["p1", "p2"], options, range(1 << 12), np.zeros((2, 1 << 12)))
    with pytest.raises(ModelTooLargeError, match="at most 2,048 feasible states"):
        inverse_analysis(model, "N" * 12, "nash", ["p1"])


def test_limit_is_respected(dilemma: GraphModel) -> None:
    with pytest.raises(ModelTooLargeError, match="576 preference orderings"):
        inverse_analysis(dilemma, "YY", "seq", limit=500)
    assert inverse_analysis(dilemma, "YY", "seq", limit=576).total == 576


def test_bad_input_is_explained(dilemma: GraphModel) -> None:
    with pytest.raises(DetenteError, match="unknown solution concept"):
        inverse_analysis(dilemma, "YY", "pareto")
    with pytest.raises(NotFoundError, match="unknown party 'p3'"):
        inverse_analysis(dilemma, "YY", "gmr", ["p3"])
    with pytest.raises(NotFoundError, match="not a state code"):
        inverse_analysis(dilemma, "YYY", "gmr")
    with pytest.raises(DetenteError, match="needs statements="):
        inverse_analysis(dilemma, "YY", "gmr", mode="statements")
    with pytest.raises(DetenteError, match="free_states applies to mode='ranking'"):
        inverse_analysis(dilemma, "YY", "gmr", mode="statements", statements={}, free_states=["NN"])
    with pytest.raises(DetenteError, match=r"shape \(statements, 4\)"):
        inverse_analysis(
            dilemma, "YY", "gmr", ["p1"], mode="statements", statements={"p1": np.ones((2, 3))}
        )
    with pytest.raises(DetenteError, match="unknown mode"):
        inverse_analysis(dilemma, "YY", "gmr", mode="utility")
    chicken = load_catalogue("chicken")
    assert chicken.graph_model is not None
    with pytest.raises(DetenteError, match="ranks states explicitly"):
        inverse_analysis(chicken.graph_model, "NN", "gmr", mode="statements", statements=chicken)
    with pytest.raises(DetenteError, match="does not match the model"):
        inverse_analysis(dilemma, "YY", "gmr", mode="statements", statements=chicken)


@pytest.mark.parametrize("entry", ["prisoners-dilemma", "chicken", "syria-iraq-1975"])
@pytest.mark.parametrize("concept", ["nash", "gmr", "smr", "seq"])
def test_catalogue_counts_match_enumeration(entry: str, concept: str) -> None:
    """On the published conflicts, every equilibrium's inverse count (all strict rankings of
    one party, the other fixed) equals a brute-force enumeration through the forward engine."""
    from detente.catalogue import load_catalogue

    model = load_catalogue(entry).graph_model
    assert model is not None
    party = model.parties[0].id
    for code in model.codes():
        fast = inverse_analysis(model, code, concept, [party], samples=0)
        slow = inverse_analysis(model, code, concept, [party], samples=0, method="enumerate")
        assert (fast.count, fast.total) == (slow.count, slow.total), (entry, code)
