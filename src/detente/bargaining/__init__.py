"""Bargaining analysis: outcome spaces, utilities, walk-away values and classic solutions."""

from detente.bargaining.analysis import SOLUTIONS, BargainingResult, Solution, solve_bargaining
from detente.bargaining.frontier import pareto_frontier
from detente.bargaining.problem import BargainingProblem, Issue, UtilityTerm
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

__all__ = [
    "SOLUTIONS",
    "BargainingProblem",
    "BargainingResult",
    "Issue",
    "RubinsteinSplit",
    "Solution",
    "UtilityTerm",
    "ZoneGap",
    "bargaining_powers",
    "continuous_solution",
    "egalitarian_solution",
    "kalai_smorodinsky_solution",
    "nash_bargaining_solution",
    "pareto_frontier",
    "rubinstein_split",
    "solve_bargaining",
    "utilitarian_solution",
    "zone",
    "zone_gap",
]
