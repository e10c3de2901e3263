"""Time-dependent concession (Faratin, Sierra & Jennings 1998): the contract, the concession
curves against the formula, and matches that read like transcripts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from detente.simulation import (
    REJECT,
    StrategyParameterError,
    TimeDependent,
    boulware,
    conceder,
    describe,
    linear,
    simulate,
    target_utility,
)
from test_simulation_contract import Scripted, StrategyContract, pie


class TestBoulware(StrategyContract):
    make = staticmethod(boulware)


class TestLinear(StrategyContract):
    make = staticmethod(linear)


class TestConceder(StrategyContract):
    make = staticmethod(conceder)


class TestTimeDependentE2(StrategyContract):
    make = staticmethod(lambda: TimeDependent(2.0))


def test_target_utility_at_half_time_matches_hand_computed_values() -> None:
    # 1 - 0.5 ** 5, 1 - 0.5, 1 - 0.5 ** 0.2: a Boulware agent has given up 3% of the range.
    assert target_utility(0.5, 0.2, 1.0, 0.0) == pytest.approx(0.96875)
    assert target_utility(0.5, 1.0, 1.0, 0.0) == pytest.approx(0.5)
    assert target_utility(0.5, 5.0, 1.0, 0.0) == pytest.approx(0.12944943670387588)
    assert target_utility(0.0, 0.2, 0.9, 0.3) == pytest.approx(0.9)
    assert target_utility(1.0, 5.0, 0.9, 0.3) == pytest.approx(0.3)
    assert target_utility(1.7, 1.0, 0.9, 0.3) == pytest.approx(0.3)  # time is clipped


@pytest.mark.parametrize("e", [0.2, 1.0, 5.0])
def test_offers_follow_the_concession_curve(e: float) -> None:
    """Against a party that never accepts, every offer is the grid point just above
    ``u_max - (u_max - r) * (t / (T - 1)) ** (1 / e)``."""
    grid, deadline, reservation = 1001, 21, 0.1
    problem = pie(grid=grid, reservation=(reservation, 0.0), deadline=deadline)
    trace = simulate(problem, [TimeDependent(e), Scripted([0], [REJECT])])
    step = 1.0 / (grid - 1)
    own = trace.rounds.utilities[:, 0]
    for t in range(0, deadline, 2):
        target = 1.0 - (1.0 - reservation) * (t / (deadline - 1)) ** (1.0 / e)
        assert -1e-9 <= own[t] - target < step, (t, own[t], target)
    assert trace.rounds.offers[-1] == round(reservation * (grid - 1))  # all the way to r


def test_boulware_holds_out_longer_than_linear_and_linear_than_conceder() -> None:
    problem = pie(grid=201, deadline=30)
    curves = {
        e: simulate(problem, [TimeDependent(e), Scripted([0], [REJECT])]).rounds.utilities[::2, 0]
        for e in (0.2, 1.0, 5.0)
    }
    assert np.all(curves[0.2] >= curves[1.0]) and np.all(curves[1.0] >= curves[5.0])
    assert curves[0.2].sum() > curves[1.0].sum() > curves[5.0].sum()


def test_boulware_against_conceder_transcript() -> None:
    problem = pie(grid=11, deadline=5)
    trace = simulate(problem, [boulware(), conceder()])
    assert describe(trace) == [
        "round 0: a offers #10 (a 1.00, b 0.00); b rejects",  # b plans to ask 0.3 next
        "round 1: b offers #7 (a 0.70, b 0.30); a rejects",  # a plans to ask 1.0 next
        "round 2: a offers #10 (a 1.00, b 0.00); b rejects",
        "round 3: b offers #9 (a 0.90, b 0.10); a accepts",  # a's last target is its floor
        "agreement on #9 in round 3; final utilities: a 0.900, b 0.100",
    ]


@pytest.mark.parametrize("boulware_first", [True, False])
def test_the_patient_boulware_gets_the_larger_share(boulware_first: bool) -> None:
    problem = pie(grid=101, discount=(1.0, 0.9), deadline=20)
    a, b = (boulware(), conceder()) if boulware_first else (conceder(), boulware())
    trace = simulate(problem, [a, b], first_proposer=0 if boulware_first else 1)
    assert trace.agreed
    boulware_side = 0 if boulware_first else 1
    shares = trace.rounds.utilities[-1]
    assert shares[boulware_side] > 0.5 > shares[1 - boulware_side]


def test_never_accepts_a_deal_worth_less_than_walking_away_under_discounting() -> None:
    # b discounts by half per round and can walk away with 0.4.
    problem = pie(grid=11, discount=(1.0, 0.5), reservation=(0.0, 0.4), deadline=6)
    early = simulate(problem, [Scripted([0]), linear()])  # a offers b the whole pie at once
    assert early.agreed and early.agreement == 0 and early.ending.round == 0
    # The same offer in round 2 is worth 0.5 ** 2 = 0.25 < 0.4 to b: it refuses its best deal.
    late = simulate(problem, [Scripted([10, 0]), linear()])
    assert int(late.rounds.offers[2]) == 0 and int(late.rounds.responses[2, 1]) == REJECT
    assert not late.agreed and late.final_utilities == (0.0, 0.4)


@pytest.mark.parametrize("e", [0, -1, math.nan, math.inf, "fast", True, None])
def test_an_invalid_exponent_is_refused(e: object) -> None:
    with pytest.raises(StrategyParameterError, match="e must be"):
        TimeDependent(e)  # type: ignore[arg-type]


def test_boulware_and_conceder_check_their_side_of_one() -> None:
    with pytest.raises(StrategyParameterError, match="below 1"):
        boulware(1.0)
    with pytest.raises(StrategyParameterError, match="above 1"):
        conceder(0.5)
    assert isinstance(StrategyParameterError("x"), ValueError)
    assert boulware(0.1).name == "boulware(e=0.1)" and boulware().name == "boulware"
