"""What a negotiating party can know: its own utility ladder and the public facts of a problem.

A strategy sees its *own* utilities only (:class:`UtilityLadder` answers "which outcome gives me
about this much?"). :class:`PublicKnowledge` holds what the model treats as common knowledge:
every party's discount factor (as in Rubinstein 1982, where patience is common knowledge) and,
derived from the whole problem, the Pareto frontier and the Nash bargaining solution. Only
strategies whose docstring says so read the frontier or the Nash solution (the Nash-seeking and
subgame-perfect strategies); the others never look at another party's utility.

Everything here is computed once per problem and shared by every negotiation on it, so a
tournament pays for sorting and for the frontier only once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from weakref import WeakKeyDictionary

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.frontier import pareto_frontier
from detente.bargaining.problem import BargainingProblem
from detente.bargaining.solutions import nash_bargaining_solution, zone

__all__ = ["TOLERANCE", "PreparedProblem", "PublicKnowledge", "UtilityLadder", "prepare"]

#: Utilities closer than this count as equal (targets, acceptance thresholds, ties).
TOLERANCE = 1e-9


class UtilityLadder:
    """One party's outcomes sorted by its own utility, lowest first.

    Ties keep the outcome order (a stable sort), so among outcomes of equal utility the one with
    the lowest index always comes first: offers are deterministic without any randomness.
    """

    def __init__(self, utilities: NDArray[np.float64]) -> None:
        self.order: NDArray[np.int64] = np.argsort(utilities, kind="stable").astype(np.int64)
        self.sorted: NDArray[np.float64] = np.ascontiguousarray(utilities[self.order])
        self.order.setflags(write=False)
        self.sorted.setflags(write=False)
        self.max = float(self.sorted[-1])
        self.min = float(self.sorted[0])
        self.best = self.at_least(self.max)

    def at_least(self, target: float) -> int:
        """The outcome whose utility is closest to ``target`` from above (ties: lowest index).

        A target above the best utility gives the best outcome.
        """
        k = int(np.searchsorted(self.sorted, target - TOLERANCE, side="left"))
        if k >= len(self.sorted):
            k = int(np.searchsorted(self.sorted, self.max - TOLERANCE, side="left"))
        return int(self.order[k])


class PublicKnowledge:
    """Facts about a problem that the model treats as known to every party.

    Attributes
    ----------
    discount
        Every party's discount factor per round (common knowledge in Rubinstein's model).
    frontier
        Indices of the Pareto-optimal outcomes (computed on first use).
    frontier_utilities
        Every party's utility of each frontier outcome, shape ``(len(frontier), n_parties)``.
    nash_outcome
        The Nash bargaining outcome over the zone of possible agreement, chosen exactly as
        :func:`detente.bargaining.solve_bargaining` chooses it, or ``None`` when the zone is empty.
    """

    def __init__(self, problem: BargainingProblem) -> None:
        self._problem = problem
        self.discount: NDArray[np.float64] = np.asarray(problem.discount, dtype=np.float64)

    @cached_property
    def frontier(self) -> NDArray[np.int64]:
        indices = pareto_frontier(self._problem.utilities())
        indices.setflags(write=False)
        return indices

    @cached_property
    def frontier_utilities(self) -> NDArray[np.float64]:
        points = np.ascontiguousarray(self._problem.utilities()[self.frontier])
        points.setflags(write=False)
        return points

    @cached_property
    def nash_outcome(self) -> int | None:
        d = np.asarray(self._problem.reservation, dtype=np.float64)
        inside = zone(self.frontier_utilities, d)
        if not inside.any():
            return None
        candidates = self.frontier[inside]
        return int(candidates[nash_bargaining_solution(self.frontier_utilities[inside], d)])


@dataclass(eq=False)
class PreparedProblem:
    """A problem ready for simulation: per-party utility rows, ladders and public knowledge."""

    problem: BargainingProblem
    utilities: NDArray[np.float64] = field(init=False)
    public: PublicKnowledge = field(init=False)
    _ladders: dict[int, UtilityLadder] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        # One contiguous row per party: strategies read their own row many times per round.
        rows = np.ascontiguousarray(self.problem.utilities().T)
        rows.setflags(write=False)
        self.utilities = rows
        self.public = PublicKnowledge(self.problem)

    def ladder(self, party: int) -> UtilityLadder:
        if party not in self._ladders:
            self._ladders[party] = UtilityLadder(self.utilities[party])
        return self._ladders[party]


_PREPARED: WeakKeyDictionary[BargainingProblem, PreparedProblem] = WeakKeyDictionary()


def prepare(problem: BargainingProblem) -> PreparedProblem:
    """The prepared form of ``problem``, built once and reused while the problem is alive.

    Problems are immutable, so caching by identity is safe; the cache holds no strong reference.
    """
    prepared = _PREPARED.get(problem)
    if prepared is None:
        prepared = PreparedProblem(problem)
        _PREPARED[problem] = prepared
    return prepared
