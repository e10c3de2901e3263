"""The record of one negotiation, round by round, as arrays.

A :class:`Trace` is immutable: its arrays are read-only, so traces can be shared, cached and
compared. Arrays rather than lists of records keep traces cheap to build in batches and to
stream into tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
from numpy.typing import NDArray

from detente.simulation.protocol import ACCEPT, NOT_ASKED, REJECT, WALK

__all__ = ["End", "Ending", "RoundLog", "Trace", "describe"]


class End(Enum):
    """How a negotiation ended."""

    AGREEMENT = "agreement"
    WALK_AWAY = "walk_away"
    DEADLINE = "deadline"


def _frozen(array: NDArray[np.generic]) -> None:
    array.setflags(write=False)


@dataclass(frozen=True, eq=False)
class RoundLog:
    """What happened in each round that was played (``n`` rounds).

    Attributes
    ----------
    proposers
        Who proposed in each round, shape ``(n,)``.
    offers
        The outcome offered, or ``WALK`` (-1) when the proposer walked away, shape ``(n,)``.
    responses
        Each party's answer, shape ``(n, n_parties)``: ``ACCEPT`` (1), ``REJECT`` (0), ``WALK``
        (-1), or ``NOT_ASKED`` (-2) for the proposer and for parties not asked after a walk-away.
    utilities
        Each party's undiscounted utility of the offer, shape ``(n, n_parties)``; NaN when the
        proposer walked away.
    """

    proposers: NDArray[np.int64]
    offers: NDArray[np.int64]
    responses: NDArray[np.int8]
    utilities: NDArray[np.float64]

    def __post_init__(self) -> None:
        for array in (self.proposers, self.offers, self.responses, self.utilities):
            _frozen(array)

    def __len__(self) -> int:
        return len(self.offers)


@dataclass(frozen=True)
class Ending:
    """How and when a negotiation ended, and what each party got.

    Attributes
    ----------
    end
        Agreement, walk-away or deadline.
    round
        The round of the agreement or walk-away; the deadline when time ran out.
    agreement
        The agreed outcome, or ``None``.
    walked_by
        The party that walked away, or ``None``.
    utilities
        Each party's final utility: ``delta_i ** round * u_i(agreement)`` after an agreement,
        the reservation value otherwise.
    """

    end: End
    round: int
    agreement: int | None
    walked_by: int | None
    utilities: tuple[float, ...]


@dataclass(frozen=True, eq=False)
class Trace:
    """The full record of one negotiation.

    Attributes
    ----------
    parties
        Party ids, in the problem's order.
    strategies
        The name of each party's strategy.
    deadline
        The deadline in rounds.
    first_proposer
        The party that proposed in round 0.
    seed
        The entropy the parties' random generators were derived from (replaying with it gives
        the same trace), or ``None`` when the caller passed a generator.
    rounds
        The round-by-round log.
    ending
        How it ended and the final utilities.
    """

    parties: tuple[str, ...]
    strategies: tuple[str, ...]
    deadline: int
    first_proposer: int
    seed: int | None
    rounds: RoundLog
    ending: Ending

    @property
    def end(self) -> End:
        return self.ending.end

    @property
    def agreement(self) -> int | None:
        return self.ending.agreement

    @property
    def agreed(self) -> bool:
        return self.ending.end is End.AGREEMENT

    @property
    def final_utilities(self) -> tuple[float, ...]:
        return self.ending.utilities

    def equals(self, other: Trace) -> bool:
        """True when both traces record the same negotiation, element by element.

        The recorded seed is not compared: deterministic strategies play the same negotiation
        whatever the seed.
        """
        mine, theirs = self.rounds, other.rounds
        return (
            self.parties == other.parties
            and self.strategies == other.strategies
            and self.deadline == other.deadline
            and self.first_proposer == other.first_proposer
            and self.ending == other.ending
            and np.array_equal(mine.proposers, theirs.proposers)
            and np.array_equal(mine.offers, theirs.offers)
            and np.array_equal(mine.responses, theirs.responses)
            and np.array_equal(mine.utilities, theirs.utilities, equal_nan=True)
        )


_VERBS = {int(ACCEPT): "accepts", int(REJECT): "rejects", int(WALK): "walks away"}


def describe(trace: Trace) -> list[str]:
    """The trace as lines of text, one per round plus the ending.

    Examples
    --------
    ``round 0: us offers #7 (us 0.60, dprk 0.50); dprk rejects``
    """
    lines = []
    log = trace.rounds
    for t in range(len(log)):
        proposer = trace.parties[int(log.proposers[t])]
        if int(log.offers[t]) == WALK:
            lines.append(f"round {t}: {proposer} walks away")
            continue
        values = ", ".join(
            f"{party} {u:.2f}" for party, u in zip(trace.parties, log.utilities[t], strict=True)
        )
        answers = [
            f"{trace.parties[i]} {_VERBS[int(r)]}"
            for i, r in enumerate(log.responses[t])
            if int(r) != NOT_ASKED
        ]
        lines.append(
            f"round {t}: {proposer} offers #{int(log.offers[t])} ({values}); " + ", ".join(answers)
        )
    ending = trace.ending
    finals = ", ".join(
        f"{party} {u:.3f}" for party, u in zip(trace.parties, ending.utilities, strict=True)
    )
    if ending.end is End.AGREEMENT:
        head = f"agreement on #{ending.agreement} in round {ending.round}"
    elif ending.end is End.WALK_AWAY:
        who = "a party" if ending.walked_by is None else trace.parties[ending.walked_by]
        head = f"{who} walked away in round {ending.round}"
    else:
        head = f"no agreement by the deadline ({ending.round} rounds)"
    lines.append(f"{head}; final utilities: {finals}")
    return lines
