"""Known results of bargaining theory, each checked against its published value.

Sources (the list in ALGORITHMS.md §2): Nash (1950), "The bargaining problem", Econometrica
18(2):155-162; Kalai & Smorodinsky (1975), "Other solutions to Nash's bargaining problem",
Econometrica 43(3):513-518; Kalai (1977), "Proportional solutions to bargaining situations",
Econometrica 45(7):1623-1630; Rubinstein (1982), "Perfect equilibrium in a bargaining model",
Econometrica 50(1):97-109; Ståhl (1972), *Bargaining Theory* (finite horizon); Binmore,
Rubinstein & Wolinsky (1986), "The Nash bargaining solution in economic modelling", RAND J.
Econ. 17(2):176-188; Fearon (1995), "Rationalist explanations for war", International
Organization 49(3):379-414.

Continuous frontiers are sampled finely; the continuous solutions (lotteries between
neighbouring outcomes allowed) must then reach the closed forms, and the discrete solutions must
be within one grid step of them.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray

from detente import load_scenario_text
from detente.bargaining import (
    BargainingProblem,
    bargaining_powers,
    continuous_solution,
    egalitarian_solution,
    kalai_smorodinsky_solution,
    nash_bargaining_solution,
    rubinstein_split,
    solve_bargaining,
)

#: Samples of a continuous frontier. The continuous solutions interpolate linearly between
#: samples, so on a curved frontier KS and egalitarian points are off by O(step^2) (1e-11 here)
#: and the Nash point by O(step) along the frontier (its product by O(step^2)).
SAMPLES = 100_000


def frontier(
    curve: Callable[[NDArray[np.float64]], NDArray[np.float64]], top: float = 1.0
) -> tuple[NDArray[np.float64], float]:
    """Points ``(x, curve(x))`` for ``x`` from 0 to ``top``, and the grid step."""
    x = np.linspace(0.0, top, SAMPLES + 1)
    return np.column_stack([x, curve(x)]), top / SAMPLES


def linear(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1.0 - x


def parabola(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1.0 - x**2


# -- Nash (1950) -------------------------------------------------------------------------------


def test_nash_on_a_linear_frontier() -> None:
    # ALGORITHMS.md §2 (Nash 1950): u1 + u2 = 1, d = (0.2, 0.1): equal gains 0.35 -> (0.55, 0.45).
    points, step = frontier(linear)
    d = (0.2, 0.1)
    np.testing.assert_allclose(continuous_solution(points, d, "nash"), (0.55, 0.45), atol=1e-9)
    inside = points[np.all(points >= d, axis=1)]
    chosen = inside[nash_bargaining_solution(inside, d)]
    assert np.all(np.abs(chosen - (0.55, 0.45)) <= step + 1e-12)


def test_nash_on_a_curved_frontier() -> None:
    # ALGORITHMS.md §2 (Nash 1950): u2 = 1 - u1^2, d = 0: maximise u1 (1 - u1^2), so
    # 1 - 3 u1^2 = 0: (1/sqrt 3, 2/3), Nash product 2 / (3 sqrt 3).
    points, step = frontier(parabola)
    expected = np.array([1 / math.sqrt(3), 2 / 3])
    best = 2 / (3 * math.sqrt(3))
    point = continuous_solution(points, (0.0, 0.0), "nash")
    assert point[0] * point[1] == pytest.approx(best, abs=1e-9)
    assert abs(point[0] - expected[0]) <= step
    assert point[1] == pytest.approx(1 - point[0] ** 2, abs=step**2)  # on the sampled curve
    chosen = points[nash_bargaining_solution(points, (0.0, 0.0))]
    assert abs(chosen[0] - expected[0]) <= step
    assert chosen[0] * chosen[1] == pytest.approx(best, abs=1e-9)


# -- Kalai & Smorodinsky (1975) ------------------------------------------------------------------


def test_kalai_smorodinsky_differs_from_nash_when_one_side_is_capped() -> None:
    # ALGORITHMS.md §2 (Kalai & Smorodinsky 1975): S = {u1 + u2 <= 1, u1 <= 0.8}, d = 0. The
    # ideal point is (0.8, 1); the segment to it, u2 = 1.25 u1, meets u1 + u2 = 1 at (4/9, 5/9).
    # Nash ignores the cap (it does not bind at the optimum): (0.5, 0.5).
    points, step = frontier(linear, top=0.8)
    points = np.vstack([points, [0.8, 0.0]])  # the capped side: the set drops at u1 = 0.8
    d = (0.0, 0.0)
    ks = continuous_solution(points, d, "kalai_smorodinsky")
    np.testing.assert_allclose(ks, (4 / 9, 5 / 9), atol=1e-9)
    np.testing.assert_allclose(continuous_solution(points, d, "nash"), (0.5, 0.5), atol=1e-9)
    chosen = points[kalai_smorodinsky_solution(points, d)]
    assert np.all(np.abs(chosen - (4 / 9, 5 / 9)) <= step)
    np.testing.assert_allclose(points[nash_bargaining_solution(points, d)], (0.5, 0.5), atol=1e-12)


def test_kalai_smorodinsky_on_a_curved_frontier() -> None:
    # ALGORITHMS.md §2 (Kalai & Smorodinsky 1975): u2 = 1 - u1^2, d = 0, ideal (1, 1): the
    # diagonal u1 = u2 meets the curve where u^2 + u - 1 = 0, u = (sqrt 5 - 1) / 2.
    points, step = frontier(parabola)
    golden = (math.sqrt(5) - 1) / 2
    ks = continuous_solution(points, (0.0, 0.0), "kalai_smorodinsky")
    np.testing.assert_allclose(ks, (golden, golden), atol=1e-9)
    chosen = points[kalai_smorodinsky_solution(points, (0.0, 0.0))]
    assert np.all(np.abs(chosen - golden) <= 2 * step)  # u2 moves up to 2 u1 step per step


# -- Kalai (1977) ------------------------------------------------------------------------------


def test_egalitarian_differs_from_nash_and_kalai_smorodinsky() -> None:
    # ALGORITHMS.md §2 (Kalai 1977): S = {u1 / 2 + u2 <= 1}, u1 up to 2, d = 0. Equal gains:
    # u / 2 + u = 1, (2/3, 2/3). Nash maximises u1 (1 - u1 / 2): (1, 0.5); the ideal point is
    # (2, 1), so KS is on u2 = u1 / 2: also (1, 0.5).
    points, step = frontier(lambda x: 1.0 - x / 2, top=2.0)
    d = (0.0, 0.0)
    np.testing.assert_allclose(
        continuous_solution(points, d, "egalitarian"), (2 / 3, 2 / 3), atol=1e-9
    )
    for kind in ("nash", "kalai_smorodinsky"):
        np.testing.assert_allclose(continuous_solution(points, d, kind), (1.0, 0.5), atol=1e-9)
    chosen = points[egalitarian_solution(points, d)]
    assert np.all(np.abs(chosen - 2 / 3) <= step)
    for solve in (nash_bargaining_solution, kalai_smorodinsky_solution):
        assert np.all(np.abs(points[solve(points, d)] - (1.0, 0.5)) <= step)


# -- Rubinstein (1982), Ståhl (1972) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("deltas", "printed"),
    [((0.9, 0.9), 0.526316), ((0.9, 0.8), 0.714286), ((0.8, 0.9), 0.357143), ((0.5, 0.5), 2 / 3)],
)
def test_rubinstein_infinite_horizon(deltas: tuple[float, float], printed: float) -> None:
    # ALGORITHMS.md §2 (Rubinstein 1982): the first proposer gets (1 - d2) / (1 - d1 d2).
    split = rubinstein_split(deltas)
    formula = (1 - deltas[1]) / (1 - deltas[0] * deltas[1])
    assert split.shares[0] == pytest.approx(formula, abs=1e-12)
    assert split.shares[0] == pytest.approx(printed, abs=1e-6)
    assert split.shares[1] == pytest.approx(1 - formula, abs=1e-12)
    assert split.horizon is None and split.first_proposer == 0
    # The same game with player 2 proposing first: player 2 gets (1 - d1) / (1 - d1 d2).
    mirrored = rubinstein_split(deltas, first_proposer=1)
    assert mirrored.shares[1] == pytest.approx(
        (1 - deltas[0]) / (1 - deltas[0] * deltas[1]), abs=1e-12
    )


@pytest.mark.parametrize(
    ("horizon", "printed"), [(1, 1.0), (2, 0.1), (3, 0.91), (4, 0.181), (5, 0.8371)]
)
def test_rubinstein_finite_horizon(horizon: int, printed: float) -> None:
    # ALGORITHMS.md §2 (Ståhl 1972; Rubinstein 1982): common delta 0.9, the last proposer takes
    # everything; the first proposer's share for T = 1..5.
    split = rubinstein_split((0.9, 0.9), horizon=horizon)
    assert split.shares == pytest.approx((printed, 1 - printed), abs=1e-12)
    assert split.horizon == horizon
    switched = rubinstein_split((0.9, 0.9), first_proposer=1, horizon=horizon)
    assert switched.shares == pytest.approx((1 - printed, printed), abs=1e-12)
    assert switched.first_proposer == 1


def test_the_more_patient_side_gets_more() -> None:
    # ALGORITHMS.md §2: with delta_1 > delta_2 player 1 gets more than half even when player 2
    # proposes first, and the split moves towards whoever is more patient.
    assert rubinstein_split((0.95, 0.6), first_proposer=1).shares[0] > 0.5
    shares = [rubinstein_split((d, 0.9)).shares[0] for d in (0.5, 0.7, 0.9, 0.95, 0.99)]
    assert shares == sorted(shares)


@pytest.mark.parametrize(("rate_1", "rate_2"), [(1.0, 1.0), (1.0, 3.0), (0.2, 5.0)])
def test_time_pressure_powers_are_the_limit_of_alternating_offers(
    rate_1: float, rate_2: float
) -> None:
    # Binmore, Rubinstein & Wolinsky (1986): with delta_i = exp(-r_i * dt) and dt -> 0, the
    # first proposer's Rubinstein share tends to r_2 / (r_1 + r_2), the asymmetric Nash
    # solution with power proportional to 1 / r_i = dt / (-ln delta_i).
    dt = 1e-7
    deltas = (math.exp(-rate_1 * dt), math.exp(-rate_2 * dt))
    powers = bargaining_powers(deltas)
    assert powers == pytest.approx([rate_2 / (rate_1 + rate_2), rate_1 / (rate_1 + rate_2)])
    assert rubinstein_split(deltas).shares[0] == pytest.approx(powers[0], abs=1e-5)
    # On the unit split u1 + u2 = 1 with d = 0, the asymmetric Nash point is the powers.
    points, _ = frontier(linear)
    point = continuous_solution(points, (0.0, 0.0), "nash", powers)
    np.testing.assert_allclose(point, powers, atol=1e-9)


# -- Fearon (1995) -----------------------------------------------------------------------------

WIN_PROBABILITY, COST_A, COST_B = 0.6, 0.1, 0.15


def test_fearon_bargaining_range_is_the_zone_of_agreement() -> None:
    # ALGORITHMS.md §2 (Fearon 1995, section "War as a bargaining failure"): A wins a war with
    # probability p at cost c_A, B pays c_B. War is worth p - c_A to A and 1 - p - c_B to B,
    # so every share x to A with p - c_A <= x <= p + c_B beats war for both: [0.50, 0.75].
    war_a = WIN_PROBABILITY - COST_A
    war_b = 1 - WIN_PROBABILITY - COST_B
    text = f"""\
        format: detente/1
        title: Fearon's bargaining range
        parties:
          - id: a
          - id: b
        bargaining:
          issues:
            - id: share
              label: Share of the disputed good going to A
              range: {{min: 0, max: 1, step: 0.0025}}
          preferences:
            a:
              weights: {{share: 1}}
              scores: {{share: {{0: 0.0, 1: 1.0}}}}
              reservation: {war_a!r}
            b:
              weights: {{share: 1}}
              scores: {{share: {{0: 1.0, 1: 0.0}}}}
              reservation: {war_b!r}
        """
    problem = load_scenario_text(textwrap.dedent(text)).bargaining
    assert problem is not None
    shares = np.array([float(v) for v in problem.issues[0].values])
    assert len(shares) == 401 and shares[0] == 0.0 and shares[-1] == 1.0
    np.testing.assert_allclose(problem.utilities(), np.column_stack([shares, 1 - shares]))
    result = solve_bargaining(problem)
    in_range = (shares >= 0.5 - 1e-9) & (shares <= 0.75 + 1e-9)
    assert result.zone_size == int(in_range.sum()) == 101
    zone_shares = {
        float(problem.outcome(o)["share"]) for o in range(problem.n_outcomes) if in_range[o]
    }
    assert min(zone_shares) == pytest.approx(0.5) and max(zone_shares) == pytest.approx(0.75)
    for name in ("nash", "kalai_smorodinsky", "egalitarian", "time_pressure"):
        assert 0.5 <= float(result.solutions[name].values["share"]) <= 0.75
    # Nash: split the surplus of 0.25 over war equally, x = 0.5 + 0.125.
    assert float(result.solutions["nash"].values["share"]) == pytest.approx(0.625)


def test_fearon_range_is_empty_when_war_is_cheap_and_both_are_optimistic() -> None:
    # Fearon (1995), mutual optimism: A believes it wins with probability 0.7, B believes A
    # wins with only 0.5. With costs 0.1 and 0.05 the expected war values 0.6 and 0.45 add up
    # to more than the whole good, so no split beats war; the gap is 0.6 + 0.45 - 1 = 0.05.
    problem = BargainingProblem.linear(
        ["a", "b"],
        [("share", [f"{k / 20:g}" for k in range(21)])],
        [[1.0], [1.0]],
        [[[k / 20 for k in range(21)]], [[1 - k / 20 for k in range(21)]]],
        [0.7 - 0.1, 0.5 - 0.05],
    )
    result = solve_bargaining(problem)
    assert result.zone_empty and result.solutions == {}
    assert result.gap is not None
    assert result.gap.total == pytest.approx(0.05, abs=1e-12)


# -- a scenario worked by hand ------------------------------------------------------------------

SCENARIO = """\
format: detente/1
title: Two issues, worked by hand
parties:
  - id: us
  - id: them
bargaining:
  issues:
    - id: x
      values: [a, b, c]
    - id: y
      values: [a, b, c]
  preferences:
    us:
      weights: {x: 0.5, y: 0.5}
      scores:
        x: {a: 0, b: 0.25, c: 1}
        y: {a: 0, b: 0.25, c: 0.5}
      reservation: 0.25
      discount: 0.8
    them:
      weights: {x: 0.75, y: 0.25}
      scores:
        x: {a: 1, b: 0.5, c: 0.25}
        y: {a: 1, b: 0.5, c: 0.25}
      reservation: 0
      discount: 0.9
  deadline: 3
  first_proposer: them
"""

# Outcome (x, y) is number 3 * x + y. us = 0.5 x-score + 0.5 y-score;
# them = 0.75 x-score + 0.25 y-score.
HAND_UTILITIES = [
    (0.0, 1.0),  # 0 (a, a)
    (0.125, 0.875),  # 1 (a, b)
    (0.25, 0.8125),  # 2 (a, c)
    (0.125, 0.625),  # 3 (b, a)
    (0.25, 0.5),  # 4 (b, b)
    (0.375, 0.4375),  # 5 (b, c)
    (0.5, 0.4375),  # 6 (c, a)
    (0.625, 0.3125),  # 7 (c, b)
    (0.75, 0.25),  # 8 (c, c)
]


def _scenario(*edits: tuple[str, str]) -> BargainingProblem:
    """The hand-worked scenario, with ``(old, new)`` text replacements applied in order."""
    text = SCENARIO
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    problem = load_scenario_text(text).bargaining
    assert problem is not None
    return problem


def test_hand_worked_scenario() -> None:
    problem = _scenario()
    np.testing.assert_allclose(problem.utilities(), HAND_UTILITIES, atol=1e-15)
    result = solve_bargaining(problem)
    # Dominated: 3 by 1, 4 by 2, 5 by 6. The rest, by decreasing utility for us:
    assert result.frontier.tolist() == [8, 7, 6, 2, 1, 0]
    # Zone: us >= 0.25 (outcomes 2, 4-8), them >= 0 (all).
    assert result.zone_size == 6 and not result.zone_empty and result.gap is None
    # Pareto-optimal zone members 8, 7, 6, 2; gains over d = (0.25, 0):
    #   8: (0.5, 0.25)  Nash 0.125     KS min(1, 4/13) = 0.308  egal 0.25   total 1.0
    #   7: (0.375, 0.3125)  0.1171875  min(0.75, 5/13) = 0.385       0.3125       0.9375
    #   6: (0.25, 0.4375)   0.109375   min(0.5, 7/13) = 0.5          0.25         0.9375
    #   2: (0, 0.8125)      0          0                             0            1.0625
    # (ideal point (0.75, 0.8125), so the spans are 0.5 and 0.8125 = 13/16).
    chosen = {name: s.outcome for name, s in result.solutions.items()}
    assert chosen == {
        "nash": 8,
        "kalai_smorodinsky": 6,
        "egalitarian": 7,
        "utilitarian": 2,
        "time_pressure": 6,
    }
    assert dict(result.solutions["kalai_smorodinsky"].values) == {"x": "c", "y": "a"}
    assert result.solutions["egalitarian"].utilities == (0.625, 0.3125)
    assert result.zone_best == (8, 7, 6, 2)
    # Lotteries: the convexified frontier within the zone is the segment from (0.25, 0.8125)
    # to (0.75, 0.25), u2 = 13/16 - 9/8 g with g = u1 - 1/4 the gain of us. Nash: maximise
    # g (13/16 - 9/8 g): g = 13/36, (11/18, 13/32). KS: the segment from d to the ideal point
    # (0.75, 0.8125) meets it at (6/11, 169/352). Egalitarian: g = 13/16 - 9/8 g, g = 13/34.
    points = {name: s.point for name, s in result.solutions.items()}
    assert points["nash"] == pytest.approx((11 / 18, 13 / 32), abs=1e-12)
    assert points["kalai_smorodinsky"] == pytest.approx((6 / 11, 169 / 352), abs=1e-12)
    assert points["egalitarian"] == pytest.approx((1 / 4 + 13 / 34, 13 / 34), abs=1e-12)
    assert points["utilitarian"] is None
    # Time pressure (Binmore, Rubinstein & Wolinsky 1986): powers proportional to
    # 1 / (-ln delta); them (0.9) is more patient than us (0.8).
    weight_us, weight_them = 1 / -math.log(0.8), 1 / -math.log(0.9)
    powers = (weight_us / (weight_us + weight_them), weight_them / (weight_us + weight_them))
    assert result.powers == pytest.approx(powers, rel=1e-12)
    # Weighted Nash on the segment: maximise w1 ln g + w2 ln(13/16 - 9/8 g): g = w1 13/18.
    gain = powers[0] * 13 / 18
    assert points["time_pressure"] == pytest.approx((0.25 + gain, 13 / 16 - 9 / 8 * gain))
    # Deadline 3, them first: them takes all in round 3; in round 2 us must offer them 0.9 and
    # keeps 0.1; in round 1 them offers us 0.8 * 0.1 = 0.08.
    assert result.rubinstein is not None
    assert result.rubinstein.shares == pytest.approx((0.08, 0.92), abs=1e-12)
    assert result.rubinstein.first_proposer == 1 and result.rubinstein.horizon == 3


def test_hand_worked_scenario_the_more_patient_side_gets_more() -> None:
    patient_them = solve_bargaining(_scenario()).solutions
    swap = (("discount: 0.8", "discount: 0.x"), ("discount: 0.9", "discount: 0.8"))
    patient_us = solve_bargaining(_scenario(*swap, ("discount: 0.x", "discount: 0.9"))).solutions
    nash = patient_them["nash"].utilities
    # them more patient: them gets more than at the (symmetric) Nash solution, and vice versa.
    assert patient_them["time_pressure"].utilities[1] > nash[1]
    assert patient_us["time_pressure"].utilities[0] >= nash[0]
    assert patient_us["time_pressure"].outcome == 8
    assert patient_us["time_pressure"].point[0] > patient_them["time_pressure"].point[0]


def test_a_party_that_does_not_discount_has_all_the_power() -> None:
    # bargaining_powers: delta = 1 is infinitely patient (Binmore, Rubinstein & Wolinsky 1986,
    # the limit r -> 0), so the time-pressure solution is that party's best outcome in the
    # zone, as in Rubinstein's game where the side that does not discount takes everything.
    # (discount defaults to 1 in a scenario, so this is what a file that gives only one side's
    # discount gets.) An earlier version let a powerless party veto outcomes that left it at
    # its reservation value and gave the whole surplus to the impatient side.
    problem = BargainingProblem.linear(
        ["us", "them"],
        [("split", ["us_all", "half", "them_all"])],
        [[1.0], [1.0]],
        [[[1.0, 0.5, 0.0]], [[0.0, 0.5, 1.0]]],
        [0.0, 0.0],
        [0.5, 1.0],
    )
    result = solve_bargaining(problem)
    assert result.powers == (0.0, 1.0)
    assert result.solutions["time_pressure"].values["split"] == "them_all"
    assert result.solutions["time_pressure"].point == pytest.approx((0.0, 1.0))
    assert rubinstein_split((0.5, 1.0)).shares == pytest.approx((0.0, 1.0))


def test_hand_worked_scenario_with_an_empty_zone() -> None:
    # Reservations us 0.65, them 0.35: us needs 8 (0.75, but them gets 0.25 < 0.35); nothing
    # else gives us 0.65. Total shortfall per Pareto-optimal outcome: 8: 0 + 0.1 = 0.1;
    # 7: 0.025 + 0.0375 = 0.0625; 6: 0.15 + 0 = 0.15; 2: 0.4; 1: 0.525; 0: 0.65.
    problem = _scenario(
        ("reservation: 0.25", "reservation: 0.65"), ("reservation: 0\n", "reservation: 0.35\n")
    )
    result = solve_bargaining(problem)
    assert result.zone_size == 0 and result.zone_empty
    assert dict(result.solutions) == {} and result.zone_best == ()
    assert result.gap is not None
    assert result.gap.total == pytest.approx(0.0625, abs=1e-12)
    assert result.gap.outcome == 7
    assert result.gap.concessions == pytest.approx((0.025, 0.0375), abs=1e-12)


def test_range_values_keep_their_digits() -> None:
    # A range issue's values are shown as numbers and read back for interpolation; large
    # numbers must not collapse to one name (an earlier version printed 1000001 as 1e+06).
    text = (
        SCENARIO.replace(
            "      values: [a, b, c]\n  preferences",
            "      range: {min: 1000000, max: 1000003, step: 1}\n  preferences",
        )
        .replace("        y: {a: 0, b: 0.25, c: 0.5}", "        y: {1000000: 0, 1000003: 1}")
        .replace("        y: {a: 1, b: 0.5, c: 0.25}", "        y: {1000000: 1, 1000003: 0}")
    )
    problem = load_scenario_text(text).bargaining
    assert problem is not None
    assert problem.issues[1].values == ("1000000", "1000001", "1000002", "1000003")
    us = problem.utilities()[:4, 0]  # x = a: 0.5 * y-score
    np.testing.assert_allclose(us, [0, 1 / 6, 1 / 3, 0.5], atol=1e-12)
