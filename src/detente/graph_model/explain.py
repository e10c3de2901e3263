"""Why a state is or is not stable for a party: its improvements and the sanctions against them.

For one (state, party) pair the reasons are found by a small search: the party's unilateral
improvements, and for each the shortest sequence of opponents' moves that leaves the party no
better off than where it started (a sanction), under each concept's rules (Fang, Hipel & Kilgour
1993, ch. 4). A breadth-first search gives the *shortest* such response, which is the one worth
telling a reader; shortest sequences never have a party moving twice in a row, so they are legal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.graph_model.model import GraphModel, code_of
from detente.graph_model.stability import CONCEPT_NAMES, CONCEPTS, StabilityResult

__all__ = ["Explanation", "Improvement", "Move", "Sanction", "UnilateralMoves", "explain_state"]


@dataclass(frozen=True)
class Move:
    """One party's move from one state to another."""

    party: str
    before: str
    after: str
    taken: tuple[str, ...]
    withdrawn: tuple[str, ...]


@dataclass(frozen=True)
class Sanction:
    """A response by the other parties that leaves the improving party no better off."""

    state: str
    level: int
    moves: tuple[Move, ...]


@dataclass(frozen=True)
class Improvement:
    """A unilateral improvement and, per concept, the sanction that blocks it (or ``None``)."""

    move: Move
    level: int
    sanctions: dict[str, Sanction | None]


@dataclass(frozen=True)
class Explanation:
    """The reasons behind the stability verdicts of one state for one party."""

    model: GraphModel
    state: str
    party: str
    level: int
    stable: dict[str, bool]
    improvements: tuple[Improvement, ...]

    def __str__(self) -> str:
        return describe(self)


def _move(model: GraphModel, party: int, before: int, after: int) -> Move:
    changed = [k for k in range(model.n_options) if ((before ^ after) >> k) & 1]
    labels = [model.options[k].label or model.options[k].id for k in changed]
    taken = tuple(label for k, label in zip(changed, labels, strict=True) if (after >> k) & 1)
    withdrawn = tuple(
        label for k, label in zip(changed, labels, strict=True) if not (after >> k) & 1
    )
    n = model.n_options
    return Move(model.parties[party].id, code_of(before, n), code_of(after, n), taken, withdrawn)


class UnilateralMoves:
    """Unilateral moves and preference lookups for one model, on arrays of states."""

    def __init__(self, model: GraphModel):
        self.model = model
        self.bits = [np.flatnonzero(model.owner == i) for i in range(len(model.parties))]

    def level(self, party: int, states: NDArray[np.int64]) -> NDArray[np.int32]:
        index = np.searchsorted(self.model.states, states)
        return np.asarray(self.model.payoff[party][index], dtype=np.int32)

    def moves_from(
        self, party: int, states: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Every one-move pair ``(origin index, target)`` of ``party`` from ``states``.

        Targets are the feasible states that differ from the origin in some of the party's own
        options and respect irreversibility (``R_party``).
        """
        bits = self.bits[party]
        patterns = np.arange(1 << len(bits), dtype=np.int64)
        targets = np.repeat(states[:, None], len(patterns), axis=1)
        keep = np.ones(targets.shape, dtype=bool)
        for position, bit in enumerate(bits.tolist()):
            value = (patterns >> position) & 1
            current = (states[:, None] >> bit) & 1
            targets = (targets & ~np.int64(1 << bit)) | (value[None, :] << bit)
            direction = self.model.options[bit].moves
            if direction == "forward":
                keep &= value[None, :] >= current
            elif direction == "backward":
                keep &= value[None, :] <= current
        keep &= targets != states[:, None]
        origin, column = np.nonzero(keep)
        found = targets[origin, column]
        index = np.minimum(np.searchsorted(self.model.states, found), self.model.n_states - 1)
        feasible = self.model.states[index] == found
        return origin[feasible], found[feasible]

    def moves(self, party: int, state: int) -> NDArray[np.int64]:
        """``R_party(state)`` for one state."""
        return self.moves_from(party, np.array([state], dtype=np.int64))[1]

    def shortest_sanction(
        self,
        start: int,
        movers: list[int],
        improving: bool,
        accept: Callable[[NDArray[np.int64]], NDArray[np.bool_]],
    ) -> list[tuple[int, int]] | None:
        """Shortest legal sequence of ``movers``' moves from ``start`` to an accepted state.

        Breadth first, a whole frontier at a time. Returns the path as (mover, state) steps, or
        ``None`` when no reachable state qualifies.
        """
        visited = {start}
        frontier = np.array([start], dtype=np.int64)
        last = np.array([-1], dtype=np.int64)
        # Per level: reached states, the state each came from, and who moved.
        levels: list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]] = []
        while len(frontier):
            reached, parents, who = [], [], []
            for mover in movers:
                # Nobody moves twice in a row: a second move by the same party reaches nothing
                # its first move could not have reached directly.
                sources = frontier[last != mover]
                origin, targets = self.moves_from(mover, sources)
                if improving and len(targets):
                    better = self.level(mover, targets) > self.level(mover, sources[origin])
                    origin, targets = origin[better], targets[better]
                reached.append(targets)
                parents.append(sources[origin])
                who.append(np.full(len(targets), mover, dtype=np.int64))
            states = np.concatenate(reached)
            fresh = np.array([s not in visited for s in states.tolist()], dtype=bool)
            states, first = np.unique(states[fresh], return_index=True)
            parent = np.concatenate(parents)[fresh][first]
            mover_of = np.concatenate(who)[fresh][first]
            visited.update(states.tolist())
            levels.append((states, parent, mover_of))
            hits = np.flatnonzero(accept(states)) if len(states) else np.array([], dtype=np.int64)
            if len(hits):
                return self._path(levels, int(states[hits[0]]))
            frontier, last = states, mover_of
        return None

    @staticmethod
    def _path(
        levels: list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]], end: int
    ) -> list[tuple[int, int]]:
        steps = []
        state = end
        for states, parents, movers in reversed(levels):
            where = int(np.searchsorted(states, state))
            steps.append((int(movers[where]), state))
            state = int(parents[where])
        return steps[::-1]


def explain_state(result: StabilityResult, code: str, party: str) -> Explanation:
    """Explain the verdicts of ``result`` for state ``code`` and party ``party``.

    Raises
    ------
    NotFoundError
        If the state is not feasible or the party unknown.
    """
    model = result.model
    i = model.party_index(party)
    index = model.index_of(code)
    state = int(model.states[index])
    search = UnilateralMoves(model)
    level = int(model.payoff[i][index])
    others = [j for j in range(len(model.parties)) if j != i]
    improvements = []
    targets = search.moves(i, state)
    for target in targets[search.level(i, targets) > level].tolist():
        sanctions: dict[str, Sanction | None] = {}
        for concept in result.concepts:
            sanctions[concept] = _sanction(search, concept, i, level, target, others)
        improvements.append(
            Improvement(
                _move(model, i, state, target),
                int(search.level(i, np.array([target]))[0]),
                sanctions,
            )
        )
    improvements.sort(key=lambda item: -item.level)
    stable: dict[str, bool] = {c: bool(result.stable[c][i, index]) for c in result.concepts}
    return Explanation(model, code, party, level, stable, tuple(improvements))


def _sanction(
    search: UnilateralMoves, concept: str, i: int, level: int, start: int, others: list[int]
) -> Sanction | None:
    if concept == "nash":
        return None

    def no_better(states: NDArray[np.int64]) -> NDArray[np.bool_]:
        return np.asarray(search.level(i, states) <= level)

    def trapped(states: NDArray[np.int64]) -> NDArray[np.bool_]:
        ok = no_better(states)
        candidates = np.flatnonzero(ok)
        origin, escapes = search.moves_from(i, states[candidates])
        escaped = origin[search.level(i, escapes) > level]
        ok[candidates[escaped]] = False
        return ok

    accept = trapped if concept == "smr" else no_better
    path = search.shortest_sanction(start, others, concept == "seq", accept)
    if path is None:
        return None
    model = search.model
    moves = []
    previous = start
    for mover, state in path:
        moves.append(_move(model, mover, previous, state))
        previous = state
    end = path[-1][1]
    return Sanction(
        code_of(end, model.n_options), int(search.level(i, np.array([end]))[0]), tuple(moves)
    )


def _name(model: GraphModel, party_id: str) -> str:
    return model.parties[model.party_index(party_id)].name


def _describe_move(model: GraphModel, move: Move) -> str:
    parts = []
    if move.taken:
        parts.append("takes " + ", ".join(repr(t) for t in move.taken))
    if move.withdrawn:
        parts.append("withdraws " + ", ".join(repr(w) for w in move.withdrawn))
    return f"{_name(model, move.party)} {' and '.join(parts)} (to {move.after})"


def describe(explanation: Explanation, limit: int = 12) -> str:
    """Plain-language account of an :class:`Explanation`, listing at most ``limit``
    improvements (the most attractive first)."""
    model = explanation.model
    who = _name(model, explanation.party)
    top = int(model.payoff[model.party_index(explanation.party)].max())
    lines = [
        f"State {explanation.state} for {who} (preference level {explanation.level} "
        f"of {top}, higher is better)."
    ]
    verdicts = ", ".join(
        f"{c.upper()} {'stable' if explanation.stable[c] else 'unstable'}"
        for c in CONCEPTS
        if c in explanation.stable
    )
    lines.append(f"Verdicts: {verdicts}.")
    if not explanation.improvements:
        lines.append(
            f"{who} has no unilateral improvement from here: no move it can make "
            "reaches a state it prefers, so the state is stable for it under every "
            "concept."
        )
        return "\n".join(lines)
    count = len(explanation.improvements)
    lines.append(f"{who} has {count} unilateral improvement{'s' if count > 1 else ''}:")
    for item in explanation.improvements[:limit]:
        lines.append(f"- {_describe_move(model, item.move)}, level {item.level}.")
        for concept, sanction in item.sanctions.items():
            if concept == "nash":
                continue
            name = CONCEPT_NAMES[concept]
            if sanction is None:
                lines.append(
                    f"    {concept.upper()}: not blocked; no {_kind(concept)} "
                    f"leaves {who} at level {explanation.level} or below ({name})."
                )
                continue
            steps = "; then ".join(_describe_move(model, m) for m in sanction.moves)
            lines.append(
                f"    {concept.upper()}: blocked; {steps}, which {who} ranks at level "
                f"{sanction.level}, no better than {explanation.state}."
            )
    hidden = count - limit
    if hidden > 0:
        lines.append(
            f"... and {hidden} more improvement{'s' if hidden > 1 else ''} "
            "(all are in the Explanation record of the Python API)."
        )
    return "\n".join(lines)


def _kind(concept: str) -> str:
    return {
        "gmr": "response by the others",
        "smr": "response by the others that also leaves no escape",
        "seq": "response made only of moves that improve for their movers",
    }[concept]
