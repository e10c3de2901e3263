"""The baselines: the hard-liner and the seeded random negotiator."""

from __future__ import annotations

import numpy as np
import pytest

from detente.bargaining import BargainingProblem
from detente.simulation import (
    ACCEPT,
    NOT_ASKED,
    REJECT,
    HardLiner,
    RandomOffers,
    StrategyParameterError,
    conceder,
    describe,
    simulate,
)
from test_simulation_contract import Scripted, StrategyContract, pie


class TestHardLiner(StrategyContract):
    make = staticmethod(HardLiner)


class TestRandom(StrategyContract):
    make = staticmethod(RandomOffers)


class TestRandomWithItsOwnSeed(StrategyContract):
    make = staticmethod(lambda: RandomOffers(0.2, seed=11))


def test_two_hard_liners_reach_the_deadline() -> None:
    trace = simulate(pie(grid=11, reservation=(0.1, 0.2), deadline=6), [HardLiner(), HardLiner()])
    assert describe(trace) == [
        "round 0: a offers #10 (a 1.00, b 0.00); b rejects",
        "round 1: b offers #0 (a 0.00, b 1.00); a rejects",
        "round 2: a offers #10 (a 1.00, b 0.00); b rejects",
        "round 3: b offers #0 (a 0.00, b 1.00); a rejects",
        "round 4: a offers #10 (a 1.00, b 0.00); b rejects",
        "round 5: b offers #0 (a 0.00, b 1.00); a rejects",
        "no agreement by the deadline (6 rounds); final utilities: a 0.100, b 0.200",
    ]


def test_a_conceder_gives_the_hard_liner_everything_at_the_last_round() -> None:
    trace = simulate(pie(grid=11, deadline=6), [conceder(), HardLiner()])
    # The conceder asks 1.0, 0.2, 0.1 of the pie in rounds 0, 2, 4; in round 5, with nothing
    # left to plan for, it takes the hard-liner's unchanged demand.
    assert trace.rounds.offers[0::2].tolist() == [10, 2, 1]
    assert trace.agreed and trace.agreement == 0 and trace.ending.round == 5
    assert trace.final_utilities == (0.0, 1.0)


def test_the_hard_liner_asks_for_its_best_and_accepts_any_outcome_as_good() -> None:
    # Outcomes 0, 3 and 6 are each worth 1 to b; its demand is the lowest index, 0.
    problem = BargainingProblem.linear(
        ["a", "b"],
        [("x", [str(i) for i in range(8)])],
        weights=[[1.0], [1.0]],
        scores=[[[i / 7 for i in range(8)]], [[1, 0, 0, 1, 0, 0, 1, 0]]],
        reservation=[0, 0],
        deadline=6,
    )
    trace = simulate(problem, [Scripted([5, 6], [REJECT]), HardLiner()])
    assert trace.rounds.offers.tolist() == [5, 0, 6]
    assert trace.rounds.responses[:, 1].tolist() == [REJECT, NOT_ASKED, ACCEPT]
    assert trace.agreed and trace.agreement == 6


def test_random_is_reproducible_by_seed_and_varies_across_seeds() -> None:
    problem = pie(grid=1001, deadline=30)
    runs = [simulate(problem, [RandomOffers(0.05), RandomOffers(0.05)], seed=s) for s in range(6)]
    again = simulate(problem, [RandomOffers(0.05), RandomOffers(0.05)], seed=3)
    assert again.equals(runs[3])
    assert len({tuple(r.rounds.offers.tolist()) for r in runs}) == 6


def test_random_with_its_own_seed_ignores_the_simulation_seed() -> None:
    problem = pie(grid=1001, deadline=10)
    one = simulate(problem, [RandomOffers(0.0, seed=5), HardLiner()], seed=1)
    two = simulate(problem, [RandomOffers(0.0, seed=5), HardLiner()], seed=2)
    assert np.array_equal(one.rounds.offers[0::2], two.rounds.offers[0::2])
    generator = np.random.default_rng(9)
    from_generator = RandomOffers(0.0, seed=generator)
    assert from_generator.seed is not None  # drawn once: every reset replays the same stream


def test_random_offers_are_uniform_draws_in_the_documented_order() -> None:
    problem = pie(grid=1001, deadline=5)
    trace = simulate(problem, [RandomOffers(0.0, seed=42), HardLiner()])
    rng = np.random.default_rng(42)
    expected = []
    for _ in range(3):  # a offers in rounds 0, 2, 4 and answers b in rounds 1, 3
        expected.append(int(rng.integers(problem.n_outcomes)))
        rng.random()
    assert trace.rounds.offers[0::2].tolist() == expected


@pytest.mark.parametrize(("p", "agreed"), [(1.0, True), (0.0, False)])
def test_accept_probability_one_and_zero(p: float, agreed: bool) -> None:
    trace = simulate(pie(grid=11, deadline=4), [HardLiner(), RandomOffers(p)], seed=0)
    assert trace.agreed is agreed
    if agreed:
        assert trace.ending.round == 0


@pytest.mark.parametrize("bad", [-0.1, 1.5, "half", None])
def test_an_invalid_accept_probability_is_refused(bad: object) -> None:
    with pytest.raises(StrategyParameterError, match="p_accept"):
        RandomOffers(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-1, 2.5, "seed", True])
def test_an_invalid_seed_is_refused(bad: object) -> None:
    with pytest.raises(StrategyParameterError, match="seed"):
        RandomOffers(seed=bad)  # type: ignore[arg-type]
