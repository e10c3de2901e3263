"""Status quo analysis: which equilibria the conflict can reach from where it stands, and how.

From the status quo, a breadth-first search over the whole state array finds every state the
parties can reach by sequences of unilateral improvements (each mover gains at every step), and,
separately, by any unilateral moves; it records the shortest path to each, with who moves when
(Li, Kilgour & Hipel 2005, "Status quo analysis in the graph model for conflict resolution",
JORS 56(6):699-707). Equilibria that neither search reaches cannot arise from the status quo.

Each search step handles all frontier states at once: for every state, the best predecessor in
the frontier that a party could have moved from is one min-reduction over that party's
*reversed* moves (:mod:`.reach`), with the predecessor's number packed into the value so the path
can be rebuilt. A shortest path never has a party move twice in a row (two consecutive moves of
one party merge into a shorter path), so every path found is a legal sequence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.graph_model.budget import check_dense_budget
from detente.graph_model.model import GraphModel, code_of
from detente.graph_model.reach import PartyMoves, cone_min
from detente.graph_model.stability import StabilityResult

__all__ = ["Path", "StatusQuoResult", "Step", "reachable_from", "status_quo_analysis"]

_NONE = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Step:
    """One move on a path: who moves, from which state to which."""

    party: str
    before: str
    after: str


Path = tuple[Step, ...]


@dataclass(frozen=True, eq=False)
class Reach:
    """Result of one search from a start state, as dense arrays over state numbers."""

    distance: NDArray[np.int64]
    parent: NDArray[np.int64]
    mover: NDArray[np.int64]


def reachable_from(
    model: GraphModel, start: int, improving: bool, parties: Sequence[int] | None = None
) -> Reach:
    """Breadth-first search from state number ``start`` by unilateral moves of ``parties``
    (default: all), only improvements for the mover when ``improving``.

    Returns dense arrays (index = state number): steps from the start (``-1`` if unreachable),
    the previous state and the mover on a shortest path.
    """
    n = model.n_options
    check_dense_budget(n, len(model.parties))
    size = 1 << n
    feasible = np.zeros(size, dtype=bool)
    feasible[model.states] = True
    if not feasible[start]:
        raise DetenteError(f"start state {code_of(start, n)} is not feasible")
    movers = range(len(model.parties)) if parties is None else parties
    moves = []
    levels = []
    for i in movers:
        bits = tuple(int(b) for b in np.flatnonzero(model.owner == i))
        directions = tuple(model.options[b].moves for b in bits)
        moves.append((i, PartyMoves(bits, directions).reversed()))
        dense = np.zeros(size, dtype=np.int64)
        dense[model.states] = model.payoff[i]
        levels.append(dense)
    distance = np.full(size, -1, dtype=np.int64)
    parent = np.full(size, -1, dtype=np.int64)
    mover = np.full(size, -1, dtype=np.int64)
    distance[start] = 0
    frontier = np.zeros(size, dtype=bool)
    frontier[start] = True
    numbers = np.arange(size, dtype=np.int64)
    step = 0
    while frontier.any():
        step += 1
        reached = np.zeros(size, dtype=bool)
        for (i, reverse), level in zip(moves, levels, strict=True):
            # Pack (predecessor's level for the mover, predecessor) so one minimum finds the
            # predecessor from which the move gains most, and remembers which one it was.
            key: NDArray[np.int64] = np.asarray(
                (level << n) | numbers if improving else numbers, dtype=np.int64
            ).copy()
            key[~frontier] = _NONE
            best = cone_min(key, reverse, feasible, fill=_NONE)
            found = (best != _NONE) & (distance < 0) & ~reached & feasible
            if improving:
                found &= (best >> n) < level
            predecessor = best & ((1 << n) - 1)
            distance[found] = step
            parent[found] = predecessor[found]
            mover[found] = i
            reached |= found
        frontier = reached
    return Reach(distance, parent, mover)


def _path(model: GraphModel, reach: Reach, state: int) -> Path:
    steps = []
    n = model.n_options
    while reach.parent[state] >= 0:
        before = int(reach.parent[state])
        steps.append(
            Step(model.parties[int(reach.mover[state])].id, code_of(before, n), code_of(state, n))
        )
        state = before
    return tuple(reversed(steps))


@dataclass(frozen=True, eq=False)
class StatusQuoResult:
    """Where the conflict can go from its status quo.

    Attributes
    ----------
    status_quo
        Code of the start state.
    by_improvements, by_moves
        Per equilibrium code (of every concept analysed), the shortest path from the status quo
        by unilateral improvements / by any unilateral moves; equilibria absent from a mapping
        are not reachable that way.
    improvement_distance
        Number of improving steps to every feasible state (``-1``: unreachable), aligned with
        ``model.states``.
    """

    result: StabilityResult
    status_quo: str
    by_improvements: Mapping[str, Path]
    by_moves: Mapping[str, Path]
    improvement_distance: NDArray[np.int64]

    def reachable(self, concept: str, improving: bool = True) -> list[str]:
        """Equilibria of ``concept`` reachable from the status quo."""
        paths = self.by_improvements if improving else self.by_moves
        return [code for code in self.result.equilibria(concept) if code in paths]

    def unreachable(self, concept: str) -> list[str]:
        """Equilibria of ``concept`` that no sequence of moves reaches from the status quo."""
        return [code for code in self.result.equilibria(concept) if code not in self.by_moves]


def status_quo_analysis(result: StabilityResult, start: str | None = None) -> StatusQuoResult:
    """Reachability of every equilibrium in ``result`` from the status quo (or ``start``)."""
    model = result.model
    if start is None:
        if model.status_quo is None:
            raise DetenteError(
                "the model has no status quo; give graph_model.status_quo or a start state"
            )
        origin = int(model.states[model.status_quo])
    else:
        origin = int(model.states[model.index_of(start)])
    improving = reachable_from(model, origin, improving=True)
    anything = reachable_from(model, origin, improving=False)
    targets = sorted(
        {code for c in result.concepts for code in result.equilibria(c)}, key=model.index_of
    )
    by_improvements = {}
    by_moves = {}
    for code in targets:
        state = int(model.states[model.index_of(code)])
        if improving.distance[state] >= 0:
            by_improvements[code] = _path(model, improving, state)
        if anything.distance[state] >= 0:
            by_moves[code] = _path(model, anything, state)
    distance = improving.distance[model.states]
    distance.setflags(write=False)
    return StatusQuoResult(
        result=result,
        status_quo=code_of(origin, model.n_options),
        by_improvements=MappingProxyType(by_improvements),
        by_moves=MappingProxyType(by_moves),
        improvement_distance=distance,
    )
