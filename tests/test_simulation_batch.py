"""The vectorised engine against the plain one: identical traces, field for field.

The differential tests draw random problems (two and three parties, discounting, reservation
values), line-ups from every built-in strategy with random parameters, seeds, deadlines and
first proposers, run them through :func:`simulate_batch` in one batch and through
:func:`simulate` one by one, and compare every field of every trace. The random streams that
replay NumPy's draws are checked against NumPy itself.
"""

from __future__ import annotations

import doctest
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente.simulation.batch
from detente.bargaining import BargainingProblem
from detente.simulation import (
    ACCEPT,
    BUILTIN_STRATEGIES,
    REJECT,
    HardLiner,
    NegotiationState,
    Response,
    Setup,
    SimulationError,
    TimeDependent,
    Trace,
    UnknownStrategyError,
    boulware,
    conceder,
    make_strategy,
    simulate,
)
from detente.simulation.batch import (
    END_CODES,
    NotVectorisedError,
    is_vectorised,
    simulate_batch,
    simulate_batch_summary,
)
from detente.simulation.batch_rng import RandomStreams, Source
from test_simulation_contract import pie, problems

DIFFERENTIAL = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

Spec = tuple[str, dict[str, Any]]


# -- comparing traces ------------------------------------------------------------------------


def assert_same_trace(batch: Trace, plain: Trace, where: str = "") -> None:
    """Every field equal: metadata, the seed, each log array (values, dtype, shape, read-only)
    and the ending (exact floats, Python ints)."""
    for name in ("parties", "strategies", "deadline", "first_proposer", "seed"):
        assert getattr(batch, name) == getattr(plain, name), f"{where}: {name} differs"
    for name in ("proposers", "offers", "responses", "utilities"):
        mine, theirs = getattr(batch.rounds, name), getattr(plain.rounds, name)
        assert mine.dtype == theirs.dtype and mine.shape == theirs.shape, f"{where}: {name}"
        assert np.array_equal(mine, theirs, equal_nan=True), (
            f"{where}: {name} differ:\n{mine}\n{theirs}"
        )
        assert not mine.flags.writeable
    assert batch.ending == plain.ending, f"{where}: {batch.ending} != {plain.ending}"
    for value in (batch.ending.agreement, batch.ending.walked_by):
        assert value is None or type(value) is int
    assert all(type(u) is float for u in batch.ending.utilities)
    assert batch.equals(plain)


# -- random line-ups -------------------------------------------------------------------------

NAMES = sorted(set(BUILTIN_STRATEGIES) - {"rubinstein"})


def specs(two_parties: bool) -> st.SearchStrategy[Spec]:
    """A built-in strategy by name with random parameters."""
    names = [*NAMES, "rubinstein"] if two_parties else NAMES
    return st.one_of(
        st.sampled_from(names).map(lambda name: (name, {})),
        st.floats(0.05, 20.0).map(lambda e: ("time_dependent", {"e": e})),
        st.floats(0.05, 0.95).map(lambda e: ("boulware", {"e": e})),
        st.floats(1.05, 20.0).map(lambda e: ("conceder", {"e": e})),
        st.floats(0.1, 8.0).map(lambda e: ("walk_away_aware", {"e": e})),
        st.tuples(
            st.sampled_from(["relative_tit_for_tat", "absolute_tit_for_tat"]), st.integers(1, 3)
        ).map(lambda pair: (pair[0], {"delay": pair[1]})),
        st.tuples(st.floats(0.0, 1.0), st.none() | st.integers(0, 2**40)).map(
            lambda pair: ("random", {"p_accept": pair[0], "seed": pair[1]})
        ),
    )


def as_given(spec: Spec, form: int) -> object:
    """The spec in one of the forms a line-up accepts: a name, a (name, params) pair, an object."""
    name, params = spec
    if form == 0 and not params:
        return name
    if form == 1:
        return (name, params)
    return make_strategy(name, **params)


def fresh(lineup: Sequence[Spec]) -> list[Any]:
    return [make_strategy(name, **params) for name, params in lineup]


@st.composite
def batches(draw: st.DrawFn, parties: Sequence[int] = (2, 3)) -> dict[str, Any]:
    problem = draw(problems(parties))
    n = len(problem.parties)
    count = draw(st.integers(1, 6))
    lineups = [draw(st.lists(specs(n == 2), min_size=n, max_size=n)) for _ in range(count)]
    forms = [draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)) for _ in range(count)]
    seeds = draw(st.lists(st.integers(0, 2**63), min_size=count, max_size=count))
    deadline = draw(st.none() | st.integers(1, 30))
    first = draw(
        st.none()
        | st.integers(0, n - 1)
        | st.lists(st.integers(0, n - 1), min_size=count, max_size=count)
    )
    return {
        "problem": problem,
        "lineups": lineups,
        "given": [
            [as_given(s, f) for s, f in zip(lineup, form, strict=True)]
            for lineup, form in zip(lineups, forms, strict=True)
        ],
        "seeds": seeds,
        "deadline": deadline,
        "first": first,
        "chunk": draw(st.sampled_from([1, 2, 4096])),
    }


def first_of(case: Mapping[str, Any], b: int) -> int | None:
    first = case["first"]
    chosen: int | None = first[b] if isinstance(first, list) else first
    return chosen


def check_batch(case: Mapping[str, Any]) -> None:
    problem = case["problem"]
    traces = simulate_batch(
        problem,
        case["given"],
        seeds=case["seeds"],
        deadline=case["deadline"],
        first_proposer=case["first"],
        chunk=case["chunk"],
    )
    summary = simulate_batch_summary(
        problem,
        case["given"],
        seeds=case["seeds"],
        deadline=case["deadline"],
        first_proposer=case["first"],
        chunk=case["chunk"],
    )
    assert len(traces) == len(summary) == len(case["seeds"])
    for b, (lineup, seed) in enumerate(zip(case["lineups"], case["seeds"], strict=True)):
        plain = simulate(
            problem,
            fresh(lineup),
            seed=seed,
            deadline=case["deadline"],
            first_proposer=first_of(case, b),
        )
        assert_same_trace(traces[b], plain, f"negotiation {b} ({lineup}, seed {seed})")
        assert summary.ending(b) == plain.ending
        assert summary.strategies[b] == plain.strategies and summary.seeds[b] == plain.seed


@DIFFERENTIAL
@given(case=batches((2,)))
def test_two_party_batches_give_the_plain_engines_traces(case: dict[str, Any]) -> None:
    check_batch(case)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=batches((3,)))
def test_three_party_batches_give_the_plain_engines_traces(case: dict[str, Any]) -> None:
    check_batch(case)


def discounted_problem() -> BargainingProblem:
    """Two issues with partly opposed interests, discounting and reservation values: every
    ending (agreement, walk-away by either side, deadline) occurs among the pairs below."""
    return BargainingProblem.linear(
        ["us", "them"],
        [("price", [str(v) for v in range(7)]), ("speed", ["slow", "medium", "fast"])],
        weights=[[0.7, 0.3], [0.6, 0.4]],
        scores=[
            [[0.0, 0.1, 0.3, 0.5, 0.6, 0.9, 1.0], [0.0, 0.5, 1.0]],
            [[1.0, 0.8, 0.7, 0.4, 0.3, 0.1, 0.0], [0.2, 1.0, 0.0]],
        ],
        reservation=[0.35, 0.3],
        discount=[0.93, 0.97],
        deadline=16,
    )


@pytest.mark.parametrize("second", sorted(BUILTIN_STRATEGIES))
@pytest.mark.parametrize("first", sorted(BUILTIN_STRATEGIES))
def test_every_pair_of_built_ins_matches_on_fixed_problems(first: str, second: str) -> None:
    for problem in (
        discounted_problem(),
        pie(grid=21, discount=(0.9, 0.95), reservation=(0.1, 0.2)),
    ):
        seeds = list(range(12))
        proposers = [b % 2 for b in seeds]
        traces = simulate_batch(problem, [[first, second]], seeds=seeds, first_proposer=proposers)
        for b in seeds:
            plain = simulate(
                problem,
                [make_strategy(first), make_strategy(second)],
                seed=b,
                first_proposer=proposers[b],
            )
            assert_same_trace(traces[b], plain, f"{first} vs {second}, seed {b}")


def test_the_fixed_problems_cover_every_way_a_negotiation_ends() -> None:
    lineups = [[a, b] for a in sorted(BUILTIN_STRATEGIES) for b in sorted(BUILTIN_STRATEGIES)]
    summary = simulate_batch_summary(discounted_problem(), lineups, seeds=range(len(lineups)))
    assert set(summary.end.tolist()) == {0, 1, 2}
    assert set(summary.walked_by[summary.end == 1].tolist()) == {0, 1}


def test_fresh_entropy_is_recorded_and_replays() -> None:
    problem = discounted_problem()
    traces = simulate_batch(problem, [["random", "random"]], seeds=[None, None])
    assert traces[0].seed != traces[1].seed
    for trace in traces:
        assert isinstance(trace.seed, int)
        again = simulate(
            problem, [make_strategy("random"), make_strategy("random")], seed=trace.seed
        )
        assert_same_trace(trace, again)


def test_a_single_outcome_problem_draws_nothing_for_the_only_offer() -> None:
    problem = BargainingProblem.linear(
        ["a", "b"],
        [("only", ["x"])],
        weights=[[1.0], [1.0]],
        scores=[[[0.5]], [[0.5]]],
        reservation=[0.9, 0.0],
        deadline=6,
    )
    lineup = [("random", {"p_accept": 0.2}), ("random", {"p_accept": 0.3})]
    traces = simulate_batch(problem, [lineup], seeds=range(30))
    for b, trace in enumerate(traces):
        assert_same_trace(trace, simulate(problem, fresh(lineup), seed=b))


def test_chunks_do_not_change_the_results() -> None:
    problem = discounted_problem()
    lineups = [[a, "relative_tit_for_tat"] for a in ("random", "conceder", "absolute_tit_for_tat")]
    lineups = lineups * 7
    whole = simulate_batch(problem, lineups, seeds=range(21))
    pieces = simulate_batch(problem, lineups, seeds=range(21), chunk=4)
    for a, b in zip(whole, pieces, strict=True):
        assert_same_trace(a, b)


# -- the summary -----------------------------------------------------------------------------


def test_the_summary_holds_each_traces_ending() -> None:
    problem = discounted_problem()
    lineups = [
        [a, b]
        for a in ("boulware", "walk_away_aware", "random")
        for b in ("conceder", "hardliner", "nash_seeking")
    ]
    traces = simulate_batch(problem, lineups, seeds=range(9))
    summary = simulate_batch_summary(problem, lineups, seeds=range(9))
    assert summary.parties == ("us", "them")
    for b, trace in enumerate(traces):
        assert summary.ending(b) == trace.ending
        assert END_CODES[int(summary.end[b])] is trace.end
        assert bool(summary.agreed[b]) == trace.agreed
        assert tuple(summary.utilities[b]) == trace.final_utilities
    assert not summary.end.flags.writeable and not summary.utilities.flags.writeable


# -- what is vectorised, what is refused -----------------------------------------------------


class Stubborn:
    """A user-defined strategy: asks for outcome 0, rejects everything."""

    name = "stubborn"

    def reset(self, setup: Setup) -> None:
        pass

    def offer(self, state: NegotiationState) -> int:
        return 0

    def respond(self, state: NegotiationState, offer: int) -> Response:
        return ACCEPT if state.round > 3 else REJECT


class LateBoulware(TimeDependent):
    """A subclass of a built-in: the engine cannot know what it changed."""


def test_every_built_in_is_vectorised_and_user_strategies_are_not() -> None:
    assert all(is_vectorised(name) for name in BUILTIN_STRATEGIES)
    assert is_vectorised(("boulware", {"e": 0.1})) and is_vectorised(HardLiner())
    assert not is_vectorised(Stubborn()) and not is_vectorised(LateBoulware(0.3))


@pytest.mark.parametrize(
    ("lineup", "reason"),
    [
        ([Stubborn(), "conceder"], r"seat 0: stubborn \(Stubborn\) is not a built-in strategy"),
        (["hardliner", LateBoulware(0.3)], "seat 1: .* subclass of a built-in"),
    ],
)
def test_a_strategy_that_cannot_be_vectorised_is_refused(lineup: list[Any], reason: str) -> None:
    with pytest.raises(NotVectorisedError, match=f"negotiation 1 cannot run .*{reason}.*fallback"):
        simulate_batch(discounted_problem(), [["boulware", "conceder"], lineup], seeds=[0, 1])


def test_one_stateful_object_in_two_seats_is_refused_or_played_plainly() -> None:
    problem = discounted_problem()
    shared = boulware()
    with pytest.raises(NotVectorisedError, match="seats 0 and 1 share one boulware object"):
        simulate_batch(problem, [[shared, shared]], seeds=[0])
    traces = simulate_batch(problem, [[shared, shared]], seeds=[0], fallback="plain")
    assert_same_trace(traces[0], simulate(problem, [shared, shared], seed=0))
    # A strategy without memory can sit in both seats.
    hard = HardLiner()
    traces = simulate_batch(problem, [[hard, hard]], seeds=[0])
    assert_same_trace(traces[0], simulate(problem, [HardLiner(), HardLiner()], seed=0))


def test_the_plain_fallback_runs_the_refused_negotiations_in_place() -> None:
    problem = discounted_problem()
    lineups: list[list[Any]] = [
        ["boulware", "conceder"],
        [Stubborn(), "conceder"],
        ["random", Stubborn()],
    ]
    traces = simulate_batch(problem, lineups, seeds=[5, 6, 7], fallback="plain")
    summary = simulate_batch_summary(problem, lineups, seeds=[5, 6, 7], fallback="plain")
    expected = [
        simulate(problem, [boulware(), conceder()], seed=5),
        simulate(problem, [Stubborn(), conceder()], seed=6),
        simulate(problem, [make_strategy("random"), Stubborn()], seed=7),
    ]
    for b, plain in enumerate(expected):
        assert_same_trace(traces[b], plain)
        assert summary.ending(b) == plain.ending


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lineups": [["boulware"]]}, "1 strategy given for 2 parties"),
        ({"lineups": ["boulware"]}, "each line-up must be a list of 2 strategies"),
        ({"lineups": []}, "non-empty list of line-ups"),
        ({"lineups": [["boulware", "conceder"]] * 2, "seeds": [1, 2, 3]}, "2 line-ups for 3"),
        ({"seeds": [-1]}, "non-negative integers"),
        ({"seeds": [1.5]}, "non-negative integers"),
        ({"seeds": [np.random.default_rng(0)]}, "rng.integers"),
        ({"seeds": np.array([3, -2])}, "non-negative"),
        ({"seeds": 5}, "one per negotiation"),
        ({"first_proposer": 2}, "party index 0..1, got 2"),
        ({"first_proposer": [0, 1]}, "2 values for 1 negotiations"),
        ({"deadline": 0}, "whole number of rounds >= 1"),
        ({"fallback": "sometimes"}, "fallback must be"),
    ],
)
def test_bad_requests_get_clear_errors(kwargs: dict[str, Any], message: str) -> None:
    request: dict[str, Any] = {"lineups": [["boulware", "conceder"]], "seeds": [0]}
    request.update(kwargs)
    lineups = request.pop("lineups")
    with pytest.raises(SimulationError, match=message):
        simulate_batch(discounted_problem(), lineups, **request)


def test_unknown_names_bad_parameters_and_missing_deadlines_are_refused() -> None:
    problem = discounted_problem()
    with pytest.raises(UnknownStrategyError, match="did you mean boulware"):
        simulate_batch(problem, [["bulware", "conceder"]], seeds=[0])
    with pytest.raises(SimulationError, match="boulware: e must be below 1"):
        simulate_batch(problem, [[("boulware", {"e": 2}), "conceder"]], seeds=[0])
    no_deadline = pie(grid=5, deadline=None)
    with pytest.raises(SimulationError, match="no deadline"):
        simulate_batch(no_deadline, [["boulware", "conceder"]], seeds=[0])
    three = BargainingProblem.linear(
        ["a", "b", "c"],
        [("x", ["0", "1"])],
        weights=[[1.0]] * 3,
        scores=[[[0.0, 1.0]]] * 3,
        reservation=[0, 0, 0],
        deadline=3,
    )
    with pytest.raises(SimulationError, match="two-party alternating-offers game"):
        simulate_batch(three, [["rubinstein", "linear", "linear"]], seeds=[0])


# -- the random streams ----------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    seeds=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=4),
    shared=st.lists(st.booleans(), min_size=4, max_size=4),
    n=st.sampled_from([1, 2, 3, 10, 1000, 10**6, 3 * 10**9, 2**31 + 1, 2**32 - 1]),
    steps=st.lists(
        st.tuples(st.booleans(), st.lists(st.booleans(), min_size=4, max_size=4)), max_size=40
    ),
    width=st.integers(1, 6),
)
def test_the_streams_replay_numpys_draws(
    seeds: list[int],
    shared: list[bool],
    n: int,
    steps: list[tuple[bool, list[bool]]],
    width: int,
) -> None:
    """Mixed ``integers(n)`` and ``random()`` calls on chosen rows, against NumPy's own
    generators; large ``n`` makes Lemire's rejection step frequent, a small ``width`` makes
    streams run out of words and be extended."""
    sources: list[Source] = []
    generators = []
    for row, seed in enumerate(seeds):
        if shared[row]:
            sources.append(seed)
            generators.append(np.random.default_rng(seed))
        else:
            child = np.random.SeedSequence(seed, spawn_key=(row,))
            sources.append(np.random.PCG64(child))
            generators.append(
                np.random.default_rng(np.random.SeedSequence(seed).spawn(row + 1)[row])
            )
    streams = RandomStreams(sources, width)
    assert len(streams) == len(seeds)
    got: list[Any]
    want: list[Any]
    for integers, chosen in steps:
        rows = np.flatnonzero(np.asarray(chosen[: len(seeds)], dtype=bool)).astype(np.int64)
        if integers:
            got = streams.integers(rows, n).tolist()
            want = [int(generators[r].integers(n)) for r in rows.tolist()]
        else:
            got = streams.random(rows).tolist()
            want = [generators[r].random() for r in rows.tolist()]
        assert got == want


def test_the_streams_refuse_more_outcomes_than_32_bits_hold() -> None:
    streams = RandomStreams([1], 4)
    with pytest.raises(SimulationError, match="plain engine"):
        streams.integers(np.zeros(1, dtype=np.int64), 2**32)


def test_the_module_examples_run() -> None:
    result = doctest.testmod(detente.simulation.batch, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
