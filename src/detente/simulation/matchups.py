"""Which strategy pairs would have agreed, and on what: a small round-robin for reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detente.bargaining.problem import BargainingProblem
from detente.simulation.engine import simulate
from detente.simulation.strategies import make_strategy
from detente.simulation.trace import Trace

__all__ = ["DEFAULT_LINEUP", "Matchup", "matchups"]

#: Deterministic strategies a report plays against each other.
DEFAULT_LINEUP = ("boulware", "linear", "conceder", "walk_away_aware", "nash_seeking", "hardliner")
#: Rounds used when the scenario sets no deadline.
DEFAULT_ROUNDS = 20


@dataclass(frozen=True)
class Matchup:
    """One negotiation of the round-robin: who played whom and how it ended."""

    first: str
    second: str
    trace: Trace


def matchups(
    problem: BargainingProblem,
    lineup: Sequence[str] = DEFAULT_LINEUP,
    *,
    deadline: int | None = None,
    seed: int = 0,
) -> tuple[Matchup, ...]:
    """Every ordered pair of ``lineup`` strategies (the first plays the problem's first party)
    in one negotiation each; two-party problems only."""
    rounds = deadline or problem.deadline or DEFAULT_ROUNDS
    results = []
    for first in lineup:
        for second in lineup:
            strategies = [make_strategy(first), make_strategy(second)]
            trace = simulate(problem, strategies, seed=seed, deadline=rounds)
            results.append(Matchup(first, second, trace))
    return tuple(results)
