"""Relative and absolute tit-for-tat (Faratin, Sierra & Jennings 1998, imitative tactics)."""

from __future__ import annotations

import pytest

from detente.simulation import (
    REJECT,
    AbsoluteTitForTat,
    RelativeTitForTat,
    StrategyParameterError,
    simulate,
)
from test_simulation_contract import Scripted, StrategyContract, pie


class TestRelativeTitForTat(StrategyContract):
    make = staticmethod(RelativeTitForTat)


class TestAbsoluteTitForTat(StrategyContract):
    make = staticmethod(AbsoluteTitForTat)


class TestAbsoluteTitForTatDelay2(StrategyContract):
    make = staticmethod(lambda: AbsoluteTitForTat(delay=2))


def own_offers(tft: object, opponent_offers: list[int], deadline: int = 12) -> list[int]:
    """The tit-for-tat party's offers (party a, proposing first) against a scripted b."""
    trace = simulate(pie(grid=101, deadline=deadline), [tft, Scripted(opponent_offers, [REJECT])])
    return [int(o) for o in trace.rounds.offers[0::2]]


def test_absolute_tit_for_tat_concedes_as_much_as_the_opponent_did() -> None:
    # b gives a 0.20, 0.25, 0.30, 0.35...: five points more each time; a answers in kind,
    # starting once it has seen two of b's offers.
    assert own_offers(AbsoluteTitForTat(), [20, 25, 30, 35, 40]) == [100, 100, 95, 90, 85, 80]


def test_relative_tit_for_tat_concedes_in_proportion() -> None:
    # 0.20 -> 0.25 is a 25% improvement: a's target falls to 1 * 0.20 / 0.25 = 0.80, then
    # 0.80 * 0.25 / 0.30 = 0.667 (offered as the grid point above, 0.67).
    offers = own_offers(RelativeTitForTat(), [20, 25, 30])
    assert offers[:4] == [100, 100, 80, 67]


def test_a_step_back_by_the_opponent_is_answered_with_a_step_back() -> None:
    # b improves by 0.1, then takes it back: a follows down, then up again.
    assert own_offers(AbsoluteTitForTat(), [20, 30, 20], deadline=8) == [100, 100, 90, 100]


def test_delay_imitates_an_older_move() -> None:
    # With delay 2 a copies the move b made one step before the latest one.
    offers = own_offers(AbsoluteTitForTat(delay=2), [20, 30, 30, 30], deadline=10)
    assert offers == [100, 100, 100, 90, 90]


def test_accepts_an_offer_at_least_as_good_as_its_next_own_offer() -> None:
    trace = simulate(pie(grid=101, deadline=10), [AbsoluteTitForTat(), Scripted([20, 90])])
    # After seeing 0.20 then 0.90 its target is 1 - 0.70 = 0.30, so 0.90 is plenty.
    assert trace.agreed and trace.agreement == 90 and trace.ending.round == 3


def test_two_imitators_wait_for_each_other_until_the_deadline() -> None:
    """Neither moves first, so neither ever concedes: imitation needs an initial concession."""
    trace = simulate(pie(grid=101, deadline=12), [RelativeTitForTat(), AbsoluteTitForTat()])
    assert trace.end.value == "deadline"
    assert set(trace.rounds.offers[0::2].tolist()) == {100}
    assert set(trace.rounds.offers[1::2].tolist()) == {0}


def test_the_target_never_drops_below_the_reservation_value() -> None:
    problem = pie(grid=101, reservation=(0.6, 0.0), deadline=14)
    # b's jump from 0.30 to 0.55 would take a's target from 0.70 to 0.45: it stops at 0.60.
    trace = simulate(problem, [AbsoluteTitForTat(), Scripted([0, 30, 55], [REJECT])])
    assert trace.rounds.offers[0::2].tolist() == [100, 100, 70, 60, 60, 60, 60]
    assert not trace.agreed  # and 0.55 is never good enough


@pytest.mark.parametrize("delay", [0, -1, 1.5, "2", True])
def test_an_invalid_delay_is_refused(delay: object) -> None:
    with pytest.raises(StrategyParameterError, match="delay must be a whole number"):
        RelativeTitForTat(delay)  # type: ignore[arg-type]
