"""Reductions over the states a party (or a coalition) can reach, on dense state arrays.

Every kernel here works on *dense* arrays indexed by state number (length ``2**n`` for ``n``
options), with infeasible cells holding a neutral value. No N×N structure is ever built: a
party's unilateral moves from a state form the *fibre* of states that differ from it only in that
party's options, cut down to a *cone* by irreversible options, so an aggregate over the reachable
set is a per-bit sum-over-subsets pass (O(N) per option). Restricting to moves that improve for
the mover (needed by sequential stability) is a sort by the mover's preference within each fibre
followed by a suffix minimum.

Coalition reachability (legal sequences of unilateral moves by members of a group, no member
moving twice in a row; Fang, Hipel & Kilgour 1993, ch. 3) is the fixpoint of these single-party
reductions: two consecutive moves by the same party merge into one move (a party's move relation
is transitive), so the states a legal sequence reaches are exactly those reachable by any sequence
of members' moves, apart from possibly the start state itself, which can never serve as a sanction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from detente.graph_model.model import Direction

IntT = TypeVar("IntT", np.int32, np.int64)

__all__ = [
    "HIGH",
    "LOW",
    "ImprovementPlan",
    "PartyMoves",
    "closure_min",
    "cone_max",
    "cone_min",
    "improving_closure_min",
]

#: Neutral value for minima over int32 preference levels (no state reachable).
HIGH = np.int32(np.iinfo(np.int32).max)
#: Neutral value for maxima over preference levels (levels are >= 0).
LOW = np.int32(-1)

_DECORATION = np.int64(1) << 31


@dataclass(frozen=True)
class PartyMoves:
    """The options one party controls: bit positions and how each may change."""

    bits: tuple[int, ...]
    directions: tuple[Direction, ...]

    @property
    def mask(self) -> int:
        total = 0
        for bit in self.bits:
            total |= 1 << bit
        return total

    def reversed(self) -> PartyMoves:
        """The same options with forward and backward swapped: who could have moved *here*."""
        swap: dict[Direction, Direction] = {
            "forward": "backward",
            "backward": "forward",
            "both": "both",
        }
        return PartyMoves(self.bits, tuple(swap[d] for d in self.directions))

    @property
    def irreversible(self) -> tuple[tuple[int, Direction], ...]:
        return tuple((b, d) for b, d in zip(self.bits, self.directions, strict=True) if d != "both")


def _cone_reduce(
    values: NDArray[IntT],
    moves: PartyMoves,
    feasible: NDArray[np.bool_],
    maximum: bool,
    fill: int | None = None,
) -> NDArray[IntT]:
    """Reduce ``values`` over each state and the states its party can move to.

    Sum-over-subsets, one pass per option: a free option combines both halves; a ``forward``
    option lets the N half see the Y half (it may be taken, never withdrawn); a ``backward``
    option lets the Y half see the N half. Cells that are infeasible on input must already hold
    the neutral value; on output they hold it again.
    """
    ufunc = np.maximum if maximum else np.minimum
    out = values.copy()
    for bit, direction in zip(moves.bits, moves.directions, strict=True):
        view = out.reshape(-1, 2, 1 << bit)
        no, yes = view[:, 0, :], view[:, 1, :]
        if direction == "both":
            ufunc(no, yes, out=no)
            yes[...] = no
        elif direction == "forward":
            ufunc(no, yes, out=no)
        else:
            ufunc(yes, no, out=yes)
    out[~feasible] = (LOW if maximum else HIGH) if fill is None else fill
    return out


def cone_max(
    values: NDArray[np.int32], moves: PartyMoves, feasible: NDArray[np.bool_]
) -> NDArray[np.int32]:
    """For every state, the largest value among it and the states its party reaches in one move."""
    return _cone_reduce(values, moves, feasible, maximum=True)


def cone_min(
    values: NDArray[IntT],
    moves: PartyMoves,
    feasible: NDArray[np.bool_],
    fill: int | None = None,
) -> NDArray[IntT]:
    """For every state, the smallest value among it and the states its party reaches in one move.

    Infeasible cells must hold, and get back, the neutral value ``fill`` (default :data:`HIGH`).
    """
    return _cone_reduce(values, moves, feasible, maximum=False, fill=fill)


def closure_min(
    values: NDArray[np.int32],
    group: Sequence[PartyMoves],
    feasible: NDArray[np.bool_],
) -> NDArray[np.int32]:
    """Smallest value over each state and every state a group reaches by legal move sequences."""
    return _closure(values, [_bind_cone_min(m, feasible) for m in group], feasible)


Step = Callable[[NDArray[np.int32]], NDArray[np.int32]]


def _bind_cone_min(moves: PartyMoves, feasible: NDArray[np.bool_]) -> Step:
    return lambda values: cone_min(values, moves, feasible)


def _fixpoint(values: NDArray[np.int32], steps: Sequence[Step]) -> NDArray[np.int32]:
    """Apply monotone (non-increasing) steps round-robin until a full round changes nothing.

    Each step maps values to the minimum over one party's moves; iterating them until nothing
    changes takes the minimum over every sequence of such moves.
    """
    out = values
    unchanged = 0
    index = 0
    while unchanged < len(steps):
        updated = steps[index % len(steps)](out)
        np.minimum(updated, out, out=updated)
        if np.array_equal(updated, out):
            unchanged += 1
        else:
            unchanged = 1
            out = updated
        index += 1
    return out


@dataclass(frozen=True, eq=False)
class _SortedFibres:
    """Queries (states with one irreversible pattern) and their candidates, sorted."""

    query: NDArray[np.int64]
    query_fibre: NDArray[np.int64]
    positions: NDArray[np.int64]
    candidates: NDArray[np.int64]
    candidate_fibre: NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class ImprovementPlan:
    """Precomputed sort of one party's fibres by that party's preference.

    For each group of states sharing a pattern of the party's irreversible options, candidates
    (states reachable from that pattern) are sorted by fibre, then by the party's preference level,
    so a minimum over "reachable and strictly better for the mover" becomes a suffix minimum read
    at a precomputed position.
    """

    groups: tuple[_SortedFibres, ...]

    @classmethod
    def build(
        cls,
        moves: PartyMoves,
        levels: NDArray[np.int32],
        feasible_states: NDArray[np.int64],
    ) -> ImprovementPlan:
        """Plan for the party owning ``moves`` whose preference levels (dense) are ``levels``."""
        fibre = feasible_states & ~np.int64(moves.mask)
        key = levels[feasible_states].astype(np.int64)
        width = np.int64(int(key.max(initial=0)) + 2)
        irreversible = moves.irreversible
        pattern = np.zeros(len(feasible_states), dtype=np.int64)
        for position, (bit, _) in enumerate(irreversible):
            pattern |= ((feasible_states >> bit) & 1) << position
        groups = []
        for code in range(1 << len(irreversible)):
            query = np.flatnonzero(pattern == code)
            if len(query) == 0:
                continue
            reach = np.ones(len(feasible_states), dtype=bool)
            for position, (_, direction) in enumerate(irreversible):
                mine = (code >> position) & 1
                theirs = (pattern >> position) & 1
                reach &= theirs >= mine if direction == "forward" else theirs <= mine
            candidates = np.flatnonzero(reach)
            combined = fibre[candidates] * width + key[candidates]
            order = np.argsort(combined, kind="stable")
            candidates = candidates[order]
            positions = np.searchsorted(
                combined[order], fibre[query] * width + key[query], side="right"
            )
            groups.append(
                _SortedFibres(
                    query=feasible_states[query],
                    query_fibre=fibre[query],
                    positions=positions.astype(np.int64),
                    candidates=feasible_states[candidates],
                    candidate_fibre=fibre[candidates],
                )
            )
        return cls(groups=tuple(groups))

    def improving_min(self, values: NDArray[np.int32]) -> NDArray[np.int32]:
        """For every state, the smallest value over the party's strict improvements from it."""
        out = np.full_like(values, HIGH)
        for group in self.groups:
            # Tag each candidate with its fibre so a suffix minimum never crosses into another
            # fibre's values without showing it: a value from a later fibre stays >= 2**31.
            decorated = group.candidate_fibre * _DECORATION + values[group.candidates]
            suffix = np.minimum.accumulate(decorated[::-1])[::-1]
            suffix = np.append(suffix, np.iinfo(np.int64).max)
            found = suffix[group.positions] - group.query_fibre * _DECORATION
            found[found >= _DECORATION] = HIGH
            out[group.query] = found
        return out


def improving_closure_min(
    values: NDArray[np.int32],
    plans: Sequence[ImprovementPlan],
    feasible: NDArray[np.bool_],
) -> NDArray[np.int32]:
    """Smallest value over each state and every state a group reaches by improving sequences."""
    return _closure(values, [plan.improving_min for plan in plans], feasible)


def _closure(
    values: NDArray[np.int32], steps: Sequence[Step], feasible: NDArray[np.bool_]
) -> NDArray[np.int32]:
    out = values.copy()
    out[~feasible] = HIGH
    if len(steps) == 1:
        # One party's moves (and its improvements) are transitive: one step is the closure.
        return np.minimum(out, steps[0](out))
    return _fixpoint(out, steps)
