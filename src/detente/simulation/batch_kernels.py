"""The vectorised strategies: one kernel per (party, kind of strategy) and batch chunk.

A kernel plays one party's strategy in many negotiations at once. It owns the rows of the
chunk where that party plays a strategy of its kind, keeps their per-negotiation memory in
arrays (the tit-for-tat target and the utilities of the opponents' offers so far, the random
streams' positions) and answers, for the rows still negotiating in round ``t``, what they offer
or how they answer an offer. Every formula mirrors the plain strategy's method line by line
(same operations, same order, same tie rules), so the results are identical, not just close.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.simulation.batch_rng import RandomStreams
from detente.simulation.batch_tables import RoundTable, SeatView, ladder_at_least
from detente.simulation.knowledge import TOLERANCE
from detente.simulation.protocol import ACCEPT, REJECT, WALK

__all__ = ["ImitativeKernel", "Kernel", "RandomKernel", "SeatArrays", "TableKernel"]

_ACCEPT, _REJECT, _WALK = np.int8(ACCEPT), np.int8(REJECT), np.int8(WALK)


@dataclass(frozen=True, eq=False)
class SeatArrays:
    """One party's numbers as arrays, shared by its kernels in every chunk of a batch."""

    view: SeatView
    utilities: NDArray[np.float64]
    powers: NDArray[np.float64]  # discount ** t for t in 0..deadline - 1, as Python computes it
    threshold: float  # reservation - TOLERANCE: the worth test's bound

    @classmethod
    def build(cls, view: SeatView) -> SeatArrays:
        return cls(
            view=view,
            utilities=view.utilities,
            powers=np.asarray(
                [view.discount**t for t in range(view.rules.deadline)], dtype=np.float64
            ),
            threshold=view.reservation - TOLERANCE,
        )

    def at_least(self, targets: NDArray[np.float64]) -> NDArray[np.int64]:
        """:meth:`UtilityLadder.at_least` for many targets."""
        return ladder_at_least(self.view.ladder, targets)

    def worth(self, utilities: NDArray[np.float64], round_: int) -> NDArray[np.bool_]:
        """``worth_accepting``: ``delta ** t * u >= r - tolerance`` for many utilities."""
        ok: NDArray[np.bool_] = self.powers[round_] * utilities >= self.threshold
        return ok


class Kernel:
    """A party's strategy in the rows ``rows`` of a chunk; ``live`` lists local row numbers
    still negotiating (kept up to date by the engine)."""

    def __init__(self, seat: SeatArrays, rows: NDArray[np.int64]) -> None:
        self.seat = seat
        self.party = seat.view.party
        self.rows = rows
        self.live = np.arange(len(rows), dtype=np.int64)

    def offer(self, local: NDArray[np.int64], round_: int) -> NDArray[np.int64]:
        raise NotImplementedError

    def respond(
        self, local: NDArray[np.int64], offers: NDArray[np.int64], round_: int
    ) -> NDArray[np.int8]:
        raise NotImplementedError


class TableKernel(Kernel):
    """Strategies whose play depends on the round alone (see :mod:`.batch_tables`); several
    tables (different parameters) share a kernel, each row pointing at its own column."""

    def __init__(
        self,
        seat: SeatArrays,
        rows: NDArray[np.int64],
        tables: Sequence[RoundTable],
        columns: NDArray[np.int64],
    ) -> None:
        super().__init__(seat, rows)
        self.offers = np.stack([t.offers for t in tables], axis=1)
        self.accept_min = np.stack([t.accept_min for t in tables], axis=1)
        walks = np.stack([t.walks for t in tables], axis=1)
        on_reject = np.stack([t.walks_on_reject for t in tables], axis=1)
        self.on_pass = np.where(walks, _WALK, _ACCEPT).astype(np.int8)
        self.on_fail = np.where(walks | on_reject, _WALK, _REJECT).astype(np.int8)
        self.single = len(tables) == 1
        self.columns = columns

    def offer(self, local: NDArray[np.int64], round_: int) -> NDArray[np.int64]:
        if self.single:
            return np.full(len(local), self.offers[round_, 0], dtype=np.int64)
        chosen: NDArray[np.int64] = self.offers[round_, self.columns[local]]
        return chosen

    def respond(
        self, local: NDArray[np.int64], offers: NDArray[np.int64], round_: int
    ) -> NDArray[np.int8]:
        seat = self.seat
        values = seat.utilities[offers]
        if self.single:
            ok = (values >= self.accept_min[round_, 0]) & seat.worth(values, round_)
            single: NDArray[np.int8] = np.where(
                ok, self.on_pass[round_, 0], self.on_fail[round_, 0]
            ).astype(np.int8)
            return single
        column = self.columns[local]
        ok = (values >= self.accept_min[round_, column]) & seat.worth(values, round_)
        answers: NDArray[np.int8] = np.where(
            ok, self.on_pass[round_, column], self.on_fail[round_, column]
        )
        return answers


class ImitativeKernel(Kernel):
    """Relative or absolute tit-for-tat (:mod:`detente.simulation.strategies.tit_for_tat`).

    Memory per row: the target utility and the party's own utility of every offer the other
    parties made, in order (the strategy's ``opponent_offers``).
    """

    def __init__(
        self,
        seat: SeatArrays,
        rows: NDArray[np.int64],
        relative: bool,
        delays: NDArray[np.int64],
    ) -> None:
        super().__init__(seat, rows)
        ladder = seat.view.ladder
        self.relative = relative
        self.delays = delays
        self.ceiling = ladder.max
        self.floor = min(max(seat.view.reservation, ladder.min), ladder.max)
        self.target = np.full(len(rows), ladder.max, dtype=np.float64)
        self.seen = np.zeros((len(rows), seat.view.rules.deadline), dtype=np.float64)
        self.count = np.zeros(len(rows), dtype=np.int64)

    def _follow(self, local: NDArray[np.int64]) -> NDArray[np.float64]:
        """The target after imitating the move ``delay`` steps back in the offers seen."""
        target = self.target[local]
        count, delay = self.count[local], self.delays[local]
        moves = np.flatnonzero(count > delay)
        if moves.size == 0:
            return target
        at = local[moves]
        old = self.seen[at, count[moves] - delay[moves] - 1]
        new = self.seen[at, count[moves] - delay[moves]]
        base = target[moves]
        if self.relative:
            moved = base.copy()
            np.divide(base * old, new, out=moved, where=new > 0)
        else:
            moved = base - (new - old)
        target[moves] = np.minimum(np.maximum(moved, self.floor), self.ceiling)
        return target

    def offer(self, local: NDArray[np.int64], round_: int) -> NDArray[np.int64]:
        target = self._follow(local)
        self.target[local] = target
        return self.seat.at_least(target)

    def respond(
        self, local: NDArray[np.int64], offers: NDArray[np.int64], round_: int
    ) -> NDArray[np.int8]:
        seat = self.seat
        values = seat.utilities[offers]
        # The offer joins the opponent offers seen: the strategy appends it before answering,
        # and it stays in the history for its next own offer.
        self.seen[local, self.count[local]] = values
        self.count[local] += 1
        planned = seat.at_least(self._follow(local))
        ok = (values >= seat.utilities[planned] - TOLERANCE) & seat.worth(values, round_)
        answers: NDArray[np.int8] = np.where(ok, _ACCEPT, _REJECT)
        return answers


class RandomKernel(Kernel):
    """The random negotiator (:class:`~detente.simulation.RandomOffers`): one draw per round
    from each row's stream, ``integers(n_outcomes)`` to offer, ``random()`` to answer."""

    def __init__(
        self,
        seat: SeatArrays,
        rows: NDArray[np.int64],
        streams: RandomStreams,
        p_accept: NDArray[np.float64],
    ) -> None:
        super().__init__(seat, rows)
        self.streams = streams
        self.p_accept = p_accept
        self.n_outcomes = seat.view.rules.n_outcomes

    def offer(self, local: NDArray[np.int64], round_: int) -> NDArray[np.int64]:
        return self.streams.integers(local, self.n_outcomes)

    def respond(
        self, local: NDArray[np.int64], offers: NDArray[np.int64], round_: int
    ) -> NDArray[np.int8]:
        draws = self.streams.random(local)
        answers: NDArray[np.int8] = np.where(draws < self.p_accept[local], _ACCEPT, _REJECT)
        return answers
