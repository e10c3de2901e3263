"""The walk-away-aware strategy: never below its reservation value, and it leaves when no
acceptable deal is left."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from detente import load_scenario, solve_bargaining
from detente.bargaining import BargainingProblem
from detente.simulation import (
    NOT_ASKED,
    REJECT,
    WALK,
    End,
    HardLiner,
    StrategyParameterError,
    WalkAwayAware,
    boulware,
    simulate,
)
from test_simulation_contract import Scripted, StrategyContract, check_reservation, pie

TOY_SUMMIT = Path(__file__).parent / "fixtures" / "toy-summit.yaml"


class TestWalkAwayAware(StrategyContract):
    make = staticmethod(WalkAwayAware)


class TestWalkAwayAwareBoulware(StrategyContract):
    make = staticmethod(lambda: WalkAwayAware(e=0.2))


@pytest.fixture(scope="module")
def summit() -> BargainingProblem:
    problem = load_scenario(TOY_SUMMIT).bargaining
    assert problem is not None
    return problem


def test_the_toy_summit_has_no_zone_of_agreement(summit: BargainingProblem) -> None:
    assert solve_bargaining(summit).zone_empty


def test_the_impatient_side_walks_out_once_no_deal_can_beat_its_reservation(
    summit: BargainingProblem,
) -> None:
    """North Korea (discount 0.9, reservation 0.55) walks in the first round in which even its
    best deal, discounted, is worth less than 0.55: 0.9 ** t < 0.55."""
    dprk = summit.party_index("dprk")
    best = float(summit.utilities()[:, dprk].max())
    expected = next(t for t in range(50) if 0.9**t * best < 0.55)
    trace = simulate(summit, [WalkAwayAware(), WalkAwayAware()])
    assert trace.end is End.WALK_AWAY
    assert trace.ending.walked_by == dprk and trace.ending.round == expected
    assert trace.final_utilities == pytest.approx((0.5, 0.55))  # both keep their walk-away value
    assert not (trace.rounds.responses == 1).any()  # nobody ever accepted


def test_with_no_impatience_it_walks_at_the_last_round_when_the_zone_is_empty(
    summit: BargainingProblem,
) -> None:
    patient = dataclasses.replace(summit, discount=np.ones(2))
    trace = simulate(patient, [WalkAwayAware(), WalkAwayAware()])
    assert trace.end is End.WALK_AWAY and trace.ending.round == summit.deadline - 1
    check_reservation(trace, patient, [0, 1])


def test_against_a_patient_boulware_it_leaves_rather_than_take_a_late_deal(
    summit: BargainingProblem,
) -> None:
    us, dprk = summit.party_index("us"), summit.party_index("dprk")
    seats = [boulware(), WalkAwayAware()] if us == 0 else [WalkAwayAware(), boulware()]
    trace = simulate(summit, seats)
    assert trace.end is End.WALK_AWAY and trace.ending.walked_by == dprk


def test_two_walk_away_aware_parties_agree_when_the_zone_is_open() -> None:
    problem = pie(grid=101, reservation=(0.3, 0.3), discount=(0.98, 0.98), deadline=20)
    trace = simulate(problem, [WalkAwayAware(), WalkAwayAware()])
    assert trace.agreed
    assert all(u >= 0.3 for u in trace.final_utilities)


def test_it_never_proposes_a_deal_worth_less_than_walking_away() -> None:
    problem = pie(grid=101, reservation=(0.5, 0.0), discount=(0.95, 1.0), deadline=30)
    trace = simulate(problem, [WalkAwayAware(e=5.0), HardLiner()])
    for t in range(0, len(trace.rounds), 2):
        if trace.rounds.offers[t] != WALK:
            assert 0.95**t * trace.rounds.utilities[t, 0] >= 0.5 - 1e-9
    # 0.95 ** t < 0.5 from round 14 on: a must be gone by then.
    assert trace.end is End.WALK_AWAY and trace.ending.round <= math.ceil(math.log(0.5, 0.95))


def test_it_walks_when_answering_in_the_last_round() -> None:
    # a offers b nothing in rounds 0 and 2; b rejects in round 0 (there is still time) and
    # walks in round 2, the last: no acceptable deal can come after it.
    problem = pie(grid=11, reservation=(0.0, 0.3), deadline=3)
    trace = simulate(problem, [Scripted([10], [REJECT]), WalkAwayAware()])
    assert trace.rounds.responses[:, 1].tolist() == [REJECT, NOT_ASKED, WALK]
    assert trace.end is End.WALK_AWAY and trace.ending.walked_by == 1
    assert trace.ending.round == 2 and trace.final_utilities == (0.0, 0.3)


def test_an_invalid_exponent_is_refused() -> None:
    with pytest.raises(StrategyParameterError, match="walk_away_aware: e must be"):
        WalkAwayAware(e=-2)
