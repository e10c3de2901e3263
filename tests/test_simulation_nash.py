"""The Nash-seeking strategy: proposes the Nash bargaining outcome, reads nothing else public."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente import load_scenario, solve_bargaining
from detente.bargaining import BargainingProblem
from detente.simulation import (
    ACCEPT,
    REJECT,
    WALK,
    End,
    HardLiner,
    NashSeeking,
    RandomOffers,
    simulate,
)
from test_simulation_contract import Scripted, StrategyContract, pie, problems

TOY_SUMMIT = Path(__file__).parent / "fixtures" / "toy-summit.yaml"


class TestNashSeeking(StrategyContract):
    make = staticmethod(NashSeeking)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems())
def test_two_nash_seekers_agree_at_once_on_the_nash_solution(problem: BargainingProblem) -> None:
    result = solve_bargaining(problem)
    trace = simulate(problem, [NashSeeking() for _ in problem.parties])
    if result.zone_empty:
        assert trace.end is End.WALK_AWAY and trace.ending.round == 0
    else:
        assert trace.agreed and trace.ending.round == 0
        assert trace.agreement == result.solutions["nash"].outcome


def test_it_walks_away_when_the_zone_is_empty() -> None:
    problem = load_scenario(TOY_SUMMIT).bargaining
    assert problem is not None
    trace = simulate(problem, [NashSeeking(), HardLiner()])
    assert trace.rounds.offers.tolist() == [WALK]
    assert trace.end is End.WALK_AWAY and trace.ending.walked_by == 0


def test_it_accepts_what_is_at_least_as_good_as_nash_and_refuses_less() -> None:
    # Splitting a pie with reservation values 0.2 and 0.0: gains are x - 0.2 and 1 - x, whose
    # product peaks at x = 0.6. b holds out for 0.4; a more generous offer is taken.
    problem = pie(grid=11, reservation=(0.2, 0.0), deadline=6)
    trace = simulate(problem, [Scripted([7, 5]), NashSeeking()])
    assert trace.rounds.offers.tolist() == [7, 6, 5]  # b's own proposal is the Nash split
    assert trace.rounds.responses[:, 1].tolist()[0::2] == [REJECT, ACCEPT]
    assert trace.agreement == 5


def test_it_leaves_once_discounting_makes_the_nash_deal_worse_than_walking_away() -> None:
    # For b the Nash outcome is worth 0.4, discounted by 0.5 a round, against a reservation of
    # 0.1: 0.4 * 0.5 ** 2 = 0.1 still holds in round 2, 0.05 in round 3 does not.
    problem = pie(grid=11, reservation=(0.2, 0.1), discount=(1.0, 0.5), deadline=8)
    nash = solve_bargaining(problem).solutions["nash"].outcome
    worth = problem.utilities()[nash, 1]
    expected = next(t for t in range(8) if worth * 0.5**t < 0.1)
    trace = simulate(problem, [HardLiner(), NashSeeking()])
    assert trace.end is End.WALK_AWAY and trace.ending.walked_by == 1
    assert trace.ending.round == expected


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10))
def test_it_never_accepts_less_than_the_nash_outcome_gives_it(seed: int) -> None:
    problem = pie(grid=21, reservation=(0.1, 0.3), deadline=12)
    trace = simulate(problem, [RandomOffers(0.0), NashSeeking()], seed=seed)
    nash = solve_bargaining(problem).solutions["nash"].outcome
    floor = problem.utilities()[nash, 1]
    accepted = trace.rounds.offers[trace.rounds.responses[:, 1] == ACCEPT]
    assert all(problem.utilities()[o, 1] >= floor - 1e-12 for o in accepted)
