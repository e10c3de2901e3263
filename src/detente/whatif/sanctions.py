"""Moves, sanctions and stability tests around one target state, for many preferences at once.

The forward engine (:mod:`detente.graph_model.stability`) judges every state under one set of
preferences. Inverse analysis needs the opposite: one state judged under many preferences. The
moves of the model do not depend on preferences, so they are built once, as a dense boolean
matrix per party (``moves[k][x, y]``: party ``k`` can move from ``x`` to ``y`` in one step,
respecting irreversible options); inverse analysis is limited to models small enough for that.

Whatever the concept, stability of the target ``t`` for party ``i`` compares states only with
``t`` (Fang, Hipel & Kilgour 1993, Definitions 4.1-4.4; written ``⪯_i`` for "not preferred to"):

* Nash: every ``s1`` in ``R_i(t)`` has ``s1 ⪯_i t``;
* GMR: each such ``s1`` with ``s1 ≻_i t`` has a sanction ``s2`` in ``R_{N-i}(s1)``, ``s2 ⪯_i t``;
* SMR: as GMR, with every ``s3`` in ``R_i(s2)`` also ``⪯_i t``;
* SEQ: as GMR, with ``s2`` in ``R_{N-i}^+(s1)``, which depends on the *other* parties'
  preferences.

So a verdict is a function of the set of states ranked no higher than ``t`` (the *lower set*),
plus, for SEQ, the others' preferences. :class:`StabilityCheck` evaluates it on a batch of lower
sets. Group moves follow legal sequences (no party twice in a row); since two consecutive moves
of one party amount to one move, the reachable set is the closure of the members' moves
(see :mod:`detente.graph_model.reach`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.errors import ModelTooLargeError
from detente.graph_model.model import GraphModel

__all__ = ["MAX_STATES", "MoveGraph", "StabilityCheck", "stability_check"]

#: Inverse analysis keeps an n×n move matrix per party: models are limited to this many states.
MAX_STATES = 2048

Bools = NDArray[np.bool_]


def _closure(start: Bools, step: Bools) -> Bools:
    """States reached from each row of ``start`` by any number of further ``step`` moves.

    ``start`` has shape (..., m, n), ``step`` (..., n, n); both may carry a batch axis.
    """
    reached = start
    while True:
        grown = reached | (reached @ step)
        if np.array_equal(grown, reached):
            return reached
        reached = grown


@dataclass(frozen=True, eq=False)
class MoveGraph:
    """Every party's unilateral moves between the feasible states of a model."""

    model: GraphModel
    moves: tuple[Bools, ...]
    _reach: dict[tuple[int, int], Bools] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, model: GraphModel) -> MoveGraph:
        """Build the move matrices (``ModelTooLargeError`` beyond :data:`MAX_STATES`)."""
        n = model.n_states
        if n > MAX_STATES:
            raise ModelTooLargeError(
                f"inverse analysis handles models with at most {MAX_STATES:,} feasible states; "
                f"this one has {n:,}: remove options or add infeasibility rules"
            )
        states = model.states
        matrices = []
        for party in range(len(model.parties)):
            bits = [int(k) for k in np.flatnonzero(model.owner == party)]
            matrix = np.zeros((n, n), dtype=bool)
            for subset in range(1, 1 << len(bits)):
                flip = 0
                allowed = np.ones(n, dtype=bool)
                for position, bit in enumerate(bits):
                    if not (subset >> position) & 1:
                        continue
                    flip |= 1 << bit
                    taken = ((states >> bit) & 1).astype(bool)
                    direction = model.options[bit].moves
                    if direction == "forward":  # never withdrawn: only N -> Y
                        allowed &= ~taken
                    elif direction == "backward":  # never retaken: only Y -> N
                        allowed &= taken
                targets = states ^ np.int64(flip)
                where = np.minimum(np.searchsorted(states, targets), n - 1)
                allowed &= states[where] == targets
                matrix[np.flatnonzero(allowed), where[allowed]] = True
            matrix.setflags(write=False)
            matrices.append(matrix)
        return cls(model, tuple(matrices))

    def others(self, party: int) -> list[int]:
        return [k for k in range(len(self.moves)) if k != party]

    def group_reach(self, party: int, target: int) -> Bools:
        """``R_{N-i}(s1)`` for every ``s1`` in ``R_i(t)``: shape (moves of ``party``, n)."""
        key = (party, target)
        if key not in self._reach:
            union = np.logical_or.reduce([self.moves[k] for k in self.others(party)])
            starts = self.moves[party][target]
            self._reach[key] = _closure(union[starts], union)
        return self._reach[key]

    def improving_reach(
        self, party: int, target: int, levels: Sequence[NDArray[np.int64]]
    ) -> Bools:
        """``R_{N-i}^+(s1)`` for every ``s1`` in ``R_i(t)``, under the others' levels.

        ``levels[k]`` has shape (batch or 1, n); the result (batch or 1, moves, n).
        """
        union: Bools | None = None
        for k in self.others(party):
            level = levels[k]
            better = level[:, None, :] > level[:, :, None]  # better[b, x, y]: y beats x for k
            step = self.moves[k][None, :, :] & better
            union = step if union is None else union | step
        if union is None:
            raise ValueError("sequential stability needs at least two parties")
        starts = self.moves[party][target]
        return _closure(union[:, starts, :], union)


@dataclass(frozen=True, eq=False)
class StabilityCheck:
    """Stability of the target for one party as a test on lower sets.

    Attributes
    ----------
    concept
        ``nash``, ``gmr``, ``smr`` or ``seq``.
    target
        Index of the target state.
    moves
        Indices of the party's unilateral moves from the target, ``R_i(t)``.
    sanctions
        Shape (batch or 1, len(moves), n): the states the others can reach from each move (all
        false for Nash).
    escapes
        For SMR, the party's own move matrix (n, n): its counter-moves from a sanction.
    """

    concept: str
    target: int
    moves: NDArray[np.int64]
    sanctions: Bools
    escapes: Bools | None = None

    def stable(self, below: Bools) -> Bools:
        """Verdicts for a batch of lower sets, ``below[b, x]``: ``x ⪯_i t`` (``t`` included)."""
        improving = ~below[:, self.moves]
        if self.concept == "nash":
            return np.asarray(~improving.any(axis=1))
        targets = below
        if self.escapes is not None:
            # A sanction s2 counts only if every counter-move of the party from s2 is no better.
            targets = below & ~((~below) @ self.escapes.T)
        blocked = (self.sanctions & targets[:, None, :]).any(axis=2)
        return np.asarray((~improving | blocked).all(axis=1))

    def relevant(self) -> NDArray[np.int64]:
        """The states, other than the target, whose side of the target can change a verdict."""
        used = np.zeros(self.sanctions.shape[-1], dtype=bool)
        used[self.moves] = True
        sanction_states = self.sanctions.any(axis=(0, 1))
        used |= sanction_states
        if self.escapes is not None:
            used |= self.escapes[sanction_states].any(axis=0)
        used[self.target] = False
        return np.flatnonzero(used)

    def hitting_sets(self) -> list[NDArray[np.int64]] | None:
        """For Nash, GMR and SEQ with fixed sanctions: per move ``s1``, the set
        ``{s1} ∪ sanctions(s1)`` of which at least one state must lie below the target.
        ``None`` for SMR or batch-dependent sanctions."""
        if self.escapes is not None or self.sanctions.shape[0] != 1:
            return None
        sets = []
        for row, s1 in enumerate(self.moves):
            members = self.sanctions[0, row].copy()
            members[s1] = True
            members[self.target] = False
            sets.append(np.flatnonzero(members))
        return sets


def stability_check(
    graph: MoveGraph,
    concept: str,
    party: int,
    target: int,
    levels: Sequence[NDArray[np.int64]],
) -> StabilityCheck:
    """The test for ``party`` at ``target``; ``levels`` (per party, shape (batch or 1, n)) is used
    only by SEQ, for the other parties' improvements."""
    moves = np.flatnonzero(graph.moves[party][target]).astype(np.int64)
    n = graph.model.n_states
    if concept == "nash":
        return StabilityCheck(concept, target, moves, np.zeros((1, len(moves), n), dtype=bool))
    if concept == "seq":
        sanctions = graph.improving_reach(party, target, levels)
        return StabilityCheck(concept, target, moves, sanctions)
    sanctions = graph.group_reach(party, target)[None, :, :]
    escapes = graph.moves[party] if concept == "smr" else None
    return StabilityCheck(concept, target, moves, sanctions, escapes)
