"""A brute-force stability oracle for the graph model, written straight from the definitions.

This module is deliberately slow and obvious. It shares no code with the stability engine
(``detente.graph_model.stability``): it reads only the
:class:`~detente.graph_model.model.GraphModel` data record, and every set it uses is built by
enumerating states one by one. It exists so that the fast engine can be checked against it on
random conflicts.

Definitions (Fang, Hipel & Kilgour 1993, *Interactive Decision Making: The Graph Model for
Conflict Resolution*, ch. 3-4; Kilgour & Hipel 2005, "The graph model for conflict resolution:
past, present, and future", Group Decision and Negotiation 14(6):441-460, section 3):

* ``R_i(s)``: the feasible states DM ``i`` reaches from ``s`` in one move by changing a non-empty
  subset of its own options, every other option unchanged. A ``forward`` option is never
  withdrawn (Y to N) and a ``backward`` option is never taken again (N to Y). ``s`` itself is
  not in ``R_i(s)``.
* ``R_i^+(s)``: the states of ``R_i(s)`` that ``i`` strictly prefers to ``s``.
* ``R_H(s)`` for a group ``H``: the states reached by a *legal sequence* of unilateral moves by
  members of ``H``, where a member may move any number of times but never twice in a row.
  ``R_H^+(s)`` is the same using only unilateral improvements (improvements for the mover).
* Nash: ``R_i^+(s)`` is empty. GMR: each ``s1`` in ``R_i^+(s)`` has some ``s2`` in
  ``R_{N-i}(s1)`` not preferred by ``i`` to ``s``. SMR: as GMR, and additionally every ``s3`` in
  ``R_i(s2)`` is not preferred by ``i`` to ``s``. SEQ: as GMR with ``s2`` in ``R_{N-i}^+(s1)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from detente.graph_model.model import GraphModel

__all__ = ["ORACLE_CONCEPTS", "Oracle", "equilibria", "oracle_stability"]

ORACLE_CONCEPTS: tuple[str, ...] = ("nash", "gmr", "smr", "seq")


def _subsets(items: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    """Every non-empty subset of ``items``."""
    for size in range(1, len(items) + 1):
        yield from combinations(items, size)


class Oracle:
    """Reachability and stability of one model, computed by enumeration with memoisation.

    Every set is a Python ``frozenset`` of state *numbers* (not indices), so nothing here depends
    on how the engine lays out its arrays.
    """

    def __init__(self, model: GraphModel) -> None:
        self.model = model
        self.n_parties = len(model.parties)
        self.feasible: frozenset[int] = frozenset(int(s) for s in model.states)
        party_position = {party.id: i for i, party in enumerate(model.parties)}
        owned: list[list[int]] = [[] for _ in model.parties]
        for k, option in enumerate(model.options):
            owned[party_position[option.party]].append(k)
        self.owned: tuple[tuple[int, ...], ...] = tuple(tuple(ks) for ks in owned)
        self.moves: tuple[str, ...] = tuple(option.moves for option in model.options)
        # payoff[i][state number] = preference level of that state for party i.
        self.payoff: tuple[dict[int, int], ...] = tuple(
            {int(s): int(level) for s, level in zip(model.states, row, strict=True)}
            for row in model.payoff
        )
        self._unilateral: dict[tuple[int, int], frozenset[int]] = {}
        self._group: dict[tuple[tuple[int, ...], int, bool], frozenset[int]] = {}

    # -- moves -------------------------------------------------------------------------------

    def _change_allowed(self, state: int, option: int) -> bool:
        """Whether flipping ``option`` in ``state`` respects its irreversibility."""
        taken = (state >> option) & 1 == 1
        if taken:
            return self.moves[option] != "forward"  # withdrawing Y -> N
        return self.moves[option] != "backward"  # taking N -> Y

    def unilateral(self, party: int, state: int) -> frozenset[int]:
        """``R_i(s)``: one move by ``party`` changing any non-empty subset of its options."""
        key = (party, state)
        if key not in self._unilateral:
            reached: set[int] = set()
            for subset in _subsets(self.owned[party]):
                if not all(self._change_allowed(state, k) for k in subset):
                    continue
                target = state
                for k in subset:
                    target ^= 1 << k
                if target in self.feasible and target != state:
                    reached.add(target)
            self._unilateral[key] = frozenset(reached)
        return self._unilateral[key]

    def improvements(self, party: int, state: int) -> frozenset[int]:
        """``R_i^+(s)``: the unilateral moves that ``party`` strictly prefers to ``state``."""
        here = self.payoff[party][state]
        return frozenset(t for t in self.unilateral(party, state) if self.payoff[party][t] > here)

    def group(self, members: tuple[int, ...], state: int, improving: bool) -> frozenset[int]:
        """``R_H(s)`` (or ``R_H^+(s)`` when ``improving``) by search over (state, last mover).

        A pair ``(x, last)`` means "the sequence so far ends at ``x`` and ``last`` moved last"
        (``None`` before the first move). From it any member other than ``last`` may make one
        unilateral move (an improvement for itself when ``improving``). The result is every state
        that ends some sequence of at least one move.
        """
        key = (members, state, improving)
        if key not in self._group:
            start: tuple[int, int | None] = (state, None)
            seen: set[tuple[int, int | None]] = {start}
            frontier: list[tuple[int, int | None]] = [start]
            while frontier:
                x, last = frontier.pop()
                for j in members:
                    if j == last:
                        continue
                    step = self.improvements(j, x) if improving else self.unilateral(j, x)
                    for y in step:
                        pair: tuple[int, int | None] = (y, j)
                        if pair not in seen:
                            seen.add(pair)
                            frontier.append(pair)
            self._group[key] = frozenset(y for y, last in seen if last is not None)
        return self._group[key]

    def opponents(self, party: int) -> tuple[int, ...]:
        """``N - i``: every party except ``party``."""
        return tuple(j for j in range(self.n_parties) if j != party)

    # -- stability ---------------------------------------------------------------------------

    def nash(self, party: int, state: int) -> bool:
        """Nash stability: ``R_i^+(s)`` is empty."""
        return not self.improvements(party, state)

    def gmr(self, party: int, state: int) -> bool:
        """General metarationality: every improvement can be answered by some opponent sequence
        ending at a state ``party`` does not prefer to ``state``."""
        here = self.payoff[party][state]
        others = self.opponents(party)
        for s1 in self.improvements(party, state):
            sanctions = self.group(others, s1, improving=False)
            if not any(self.payoff[party][s2] <= here for s2 in sanctions):
                return False
        return True

    def smr(self, party: int, state: int) -> bool:
        """Symmetric metarationality: as GMR, and no counter-move of ``party`` from the sanction
        ``s2`` reaches a state it prefers to ``state``."""
        here = self.payoff[party][state]
        others = self.opponents(party)
        for s1 in self.improvements(party, state):
            sanctions = self.group(others, s1, improving=False)
            if not any(
                self.payoff[party][s2] <= here
                and all(self.payoff[party][s3] <= here for s3 in self.unilateral(party, s2))
                for s2 in sanctions
            ):
                return False
        return True

    def seq(self, party: int, state: int) -> bool:
        """Sequential stability: as GMR, but opponents sanction only with moves that improve
        their own position (``R_{N-i}^+``)."""
        here = self.payoff[party][state]
        others = self.opponents(party)
        for s1 in self.improvements(party, state):
            sanctions = self.group(others, s1, improving=True)
            if not any(self.payoff[party][s2] <= here for s2 in sanctions):
                return False
        return True

    def stable(self, concept: str) -> NDArray[np.bool_]:
        """Verdicts of ``concept`` as a bool array (parties, states) aligned with the model."""
        check = {"nash": self.nash, "gmr": self.gmr, "smr": self.smr, "seq": self.seq}[concept]
        states = [int(s) for s in self.model.states]
        return np.array(
            [[check(i, s) for s in states] for i in range(self.n_parties)], dtype=np.bool_
        ).reshape(self.n_parties, len(states))


def oracle_stability(model: GraphModel) -> dict[str, NDArray[np.bool_]]:
    """Stability verdicts of every concept, by brute force.

    Parameters
    ----------
    model
        Any graph model with at least two parties.

    Returns
    -------
    dict
        ``{"nash", "gmr", "smr", "seq"}`` to bool arrays of shape
        ``(len(model.parties), len(model.states))``, aligned with ``model.states``.
    """
    oracle = Oracle(model)
    return {concept: oracle.stable(concept) for concept in ORACLE_CONCEPTS}


def equilibria(model: GraphModel, stable: NDArray[np.bool_]) -> list[str]:
    """Codes of the states stable for every party, ascending state number."""
    return [model.code(k) for k in range(model.n_states) if bool(stable[:, k].all())]
