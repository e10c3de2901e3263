"""Bargaining analysis of a problem: frontier, zone of agreement, solutions, patience.

:func:`solve_bargaining` is the one verb; it returns a frozen :class:`BargainingResult` that
records what was computed and how.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.frontier import pareto_frontier
from detente.bargaining.problem import BargainingProblem
from detente.bargaining.rubinstein import RubinsteinSplit, rubinstein_split
from detente.bargaining.solutions import (
    ZoneGap,
    bargaining_powers,
    continuous_solution,
    egalitarian_solution,
    kalai_smorodinsky_solution,
    nash_bargaining_solution,
    utilitarian_solution,
    zone,
    zone_gap,
)

__all__ = ["SOLUTIONS", "BargainingResult", "Solution", "solve_bargaining"]

#: The solutions computed, in report order.
SOLUTIONS = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian", "time_pressure")
SOLUTION_NAMES = MappingProxyType(
    {
        "nash": "Nash bargaining solution",
        "kalai_smorodinsky": "Kalai–Smorodinsky solution",
        "egalitarian": "egalitarian solution",
        "utilitarian": "utilitarian solution (largest total utility)",
        "time_pressure": "time-pressure solution (asymmetric Nash, powers from patience)",
    }
)

#: How many of the best zone members (by Nash product) a result lists.
ZONE_LISTED = 5


@dataclass(frozen=True)
class Solution:
    """One solution: the outcome chosen and its utilities.

    ``point`` is the solution on the convexified frontier (lotteries or fine division between
    neighbouring outcomes allowed), computed for two parties; ``None`` otherwise.
    """

    name: str
    outcome: int
    values: Mapping[str, str]
    utilities: tuple[float, ...]
    point: tuple[float, ...] | None = None


@dataclass(frozen=True, eq=False)
class BargainingResult:
    """Everything :func:`solve_bargaining` found.

    Attributes
    ----------
    problem
        The analysed problem.
    frontier
        Indices of the Pareto-optimal outcomes (first party's utility decreasing).
    zone_size
        Number of outcomes every party likes at least as well as walking away.
    zone_best
        The best few zone members by Nash product.
    solutions
        Per name in :data:`SOLUTIONS`, the chosen outcome; empty when the zone is empty.
    gap
        When the zone is empty: the smallest total concession of reservation values that
        would open it, and where.
    rubinstein
        For two parties: the subgame-perfect split of a unit surplus given their discount
        factors, the first proposer and the deadline (finite horizon) if any.
    powers
        Bargaining powers used for the time-pressure solution.
    """

    problem: BargainingProblem
    frontier: NDArray[np.int64]
    zone_size: int
    zone_best: tuple[int, ...]
    solutions: Mapping[str, Solution]
    gap: ZoneGap | None
    rubinstein: RubinsteinSplit | None
    powers: tuple[float, ...]
    method: str = "vectorised utilities; sorted Pareto filter; solutions over the zone"

    @property
    def zone_empty(self) -> bool:
        return self.zone_size == 0


def _solution(
    problem: BargainingProblem,
    utilities: NDArray[np.float64],
    name: str,
    outcome: int,
    point: NDArray[np.float64] | None,
) -> Solution:
    return Solution(
        name=name,
        outcome=outcome,
        values=MappingProxyType(problem.outcome(outcome)),
        utilities=tuple(float(u) for u in utilities[outcome]),
        point=None if point is None else tuple(float(x) for x in point),
    )


def solve_bargaining(problem: BargainingProblem) -> BargainingResult:
    """Frontier, zone of possible agreement, classic solutions and Rubinstein's split.

    Solutions are chosen among the zone's Pareto-optimal outcomes with the reservation values as
    the disagreement point.
    """
    utilities = problem.utilities()
    d = np.asarray(problem.reservation)
    frontier = pareto_frontier(utilities)
    inside = zone(utilities, d)
    zone_size = int(inside.sum())
    powers = bargaining_powers(problem.discount)
    solutions: dict[str, Solution] = {}
    gap: ZoneGap | None = None
    zone_best: tuple[int, ...] = ()
    if zone_size:
        candidates = frontier[inside[frontier]]
        points = utilities[candidates]
        pick = {
            "nash": nash_bargaining_solution(points, d),
            "kalai_smorodinsky": kalai_smorodinsky_solution(points, d),
            "egalitarian": egalitarian_solution(points, d),
            "utilitarian": utilitarian_solution(points),
            "time_pressure": nash_bargaining_solution(points, d, powers),
        }
        two = len(problem.parties) == 2
        for name in SOLUTIONS:
            point = None
            if two and name != "utilitarian":
                kind = "nash" if name == "time_pressure" else name
                weights = powers if name == "time_pressure" else None
                point = continuous_solution(utilities[frontier], d, kind, weights)
            solutions[name] = _solution(
                problem, utilities, name, int(candidates[pick[name]]), point
            )
        # The best few zone members are Pareto-optimal ones, ranked by Nash product.
        product = np.prod(np.maximum(points - d, 0.0), axis=1)
        top = np.argsort(-product, kind="stable")[:ZONE_LISTED]
        zone_best = tuple(int(m) for m in candidates[top])
    else:
        gap = zone_gap(utilities[frontier], d)
        gap = ZoneGap(gap.total, gap.concessions, int(frontier[gap.outcome]))
    rubinstein = None
    if len(problem.parties) == 2 and not (np.all(problem.discount == 1.0) and not problem.deadline):
        rubinstein = rubinstein_split(
            (float(problem.discount[0]), float(problem.discount[1])),
            problem.first_proposer,
            problem.deadline,
        )
    return BargainingResult(
        problem=problem,
        frontier=frontier,
        zone_size=zone_size,
        zone_best=zone_best,
        solutions=MappingProxyType(solutions),
        gap=gap,
        rubinstein=rubinstein,
        powers=tuple(float(p) for p in powers),
    )
