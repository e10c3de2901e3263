"""Subgame-perfect play reproduces Rubinstein's split on a split-the-pie problem."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.bargaining import BargainingProblem, rubinstein_split
from detente.simulation import HardLiner, RandomOffers, Rubinstein, SimulationError, simulate
from test_simulation_contract import StrategyContract, pie


class TestRubinstein(StrategyContract):
    make = staticmethod(Rubinstein)
    parties = (2,)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    deltas=st.tuples(st.floats(0.3, 1.0), st.floats(0.3, 1.0)),
    grid=st.integers(11, 401),
    deadline=st.integers(1, 40),
    first=st.integers(0, 1),
)
def test_agreement_in_round_zero_on_the_finite_horizon_split(
    deltas: tuple[float, float], grid: int, deadline: int, first: int
) -> None:
    problem = pie(grid=grid, discount=deltas, deadline=deadline)
    trace = simulate(problem, [Rubinstein(), Rubinstein()], first_proposer=first)
    exact = rubinstein_split(deltas, first_proposer=first, horizon=deadline).shares
    step = 1.0 / (grid - 1)
    assert trace.agreed and trace.ending.round == 0
    got = trace.final_utilities
    # The proposer rounds its own share down to the grid so that the responder gets enough.
    assert exact[first] - step - 1e-9 <= got[first] <= exact[first] + 1e-9
    assert got[0] + got[1] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("deltas", "share"),
    [((0.9, 0.9), 0.526316), ((0.9, 0.8), 0.714286), ((0.8, 0.9), 0.357143), ((0.5, 0.5), 2 / 3)],
)
def test_a_long_deadline_reproduces_the_infinite_game(
    deltas: tuple[float, float], share: float
) -> None:
    """Published values of (1 - delta_2) / (1 - delta_1 delta_2); 300 rounds is as good as
    forever here (0.9 ** 300 is about 2e-14)."""
    grid = 10001
    trace = simulate(pie(grid=grid, discount=deltas, deadline=300), [Rubinstein(), Rubinstein()])
    assert trace.agreed and trace.ending.round == 0
    assert share - 1.0 / (grid - 1) - 1e-6 <= trace.final_utilities[0] <= share + 1e-6


def test_the_more_patient_side_gets_more() -> None:
    patient_first = simulate(pie(grid=1001, discount=(0.95, 0.6)), [Rubinstein(), Rubinstein()])
    patient_second = simulate(pie(grid=1001, discount=(0.6, 0.95)), [Rubinstein(), Rubinstein()])
    assert patient_first.final_utilities[0] > 0.5 > patient_second.final_utilities[0]


def test_with_a_one_round_deadline_the_proposer_takes_everything() -> None:
    trace = simulate(pie(grid=11, discount=(0.9, 0.9), deadline=1), [Rubinstein(), Rubinstein()])
    assert trace.agreement == 10 and trace.final_utilities == (1.0, 0.0)


def test_as_responder_it_accepts_its_equilibrium_share_and_no_less() -> None:
    # b (discount 0.5) is owed 0.5 * its share as next proposer; a random a offers at random.
    problem = pie(grid=101, discount=(0.5, 0.5), deadline=10)
    for seed in range(20):
        trace = simulate(problem, [RandomOffers(0.0), Rubinstein()], seed=seed)
        for t in range(0, len(trace.rounds), 2):
            owed = rubinstein_split((0.5, 0.5), first_proposer=0, horizon=10 - t).shares[1]
            accepted = trace.rounds.responses[t, 1] == 1
            assert accepted == (trace.rounds.utilities[t, 1] >= owed - 1e-9)


def test_against_a_hard_liner_it_still_asks_for_its_share() -> None:
    trace = simulate(pie(grid=101, discount=(0.9, 0.9), deadline=4), [Rubinstein(), HardLiner()])
    # In the last round (b proposes) b takes all, which is what subgame-perfect a accepts.
    assert trace.agreed and trace.ending.round == 3 and trace.final_utilities[0] == 0.0


def test_three_parties_are_refused() -> None:
    problem = BargainingProblem.linear(
        ["a", "b", "c"],
        [("x", ["0", "1"])],
        weights=[[1.0], [1.0], [1.0]],
        scores=[[[0, 1]], [[1, 0]], [[1, 0]]],
        reservation=[0, 0, 0],
        deadline=5,
    )
    with pytest.raises(SimulationError, match="two-party"):
        simulate(problem, [Rubinstein(), Rubinstein(), Rubinstein()])
