"""The alternating-offers protocol: turns, deadline, discounting, walking away; what a strategy
sees and what it must answer.

**Turns.** Rounds are numbered ``0, 1, ..., T - 1`` where ``T`` is the deadline. In round ``t``
party ``(first_proposer + t) mod n`` proposes one outcome (or walks away); every other party then
answers it, in turn order after the proposer, with accept, reject or walk away. The outcome is
agreed when all of them accept. For two parties this is Rubinstein's (1982) alternating-offers
game cut at ``T`` rounds (Ståhl 1972); for more it is a simplified form of the stacked
alternating offers protocol (Aydoğan, Festen, Hindriks & Jonker 2017, "Alternating offers
protocols for multilateral negotiation", in *Modern Approaches to Agent-based Complex Automated
Negotiation*, Springer, pp. 153-167): the proposal rotates and needs unanimous acceptance, but
instead of answering by counter-offer every other party explicitly accepts or rejects each
offer. Every responder is asked, even after a rejection, so the trace records each party's view
of every offer; a walk-away ends the talks at once.

**Payoffs.** An agreement on outcome ``o`` in round ``t`` is worth ``delta_i ** t * u_i(o)`` to
party ``i`` (exponential discounting, Rubinstein 1982). Walking away and reaching the deadline
without agreement both give party ``i`` its reservation value ``r_i``, *not discounted*: it is
the value of the best alternative to a negotiated agreement (Fisher & Ury 1981), an outside
option that stays open however long the talks last, as in the outside-option model of Binmore,
Shaked & Sutton (1989, QJE 104(4):753-770). Delay therefore erodes only the deal on the table,
so a party under time pressure (small ``delta``) can come to prefer leaving. NegMAS keeps the
reservation value undiscounted too; the Genius platform of the ANAC competitions also offers a
discounted one. With ``r_i = 0``, Rubinstein's disagreement payoff, the two conventions agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Final, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from detente.simulation.knowledge import PublicKnowledge, UtilityLadder

__all__ = [
    "ACCEPT",
    "NOT_ASKED",
    "REJECT",
    "WALK",
    "NegotiationState",
    "Response",
    "Rules",
    "Setup",
    "Strategy",
    "discounted",
]


class Response(IntEnum):
    """A party's answer to an offer. ``WALK`` (-1) is also what a proposer returns to leave."""

    REJECT = 0
    ACCEPT = 1
    WALK = -1


ACCEPT: Final = Response.ACCEPT
REJECT: Final = Response.REJECT
#: Walk away: a response to an offer, or returned by ``offer`` instead of an outcome index.
WALK: Final = Response.WALK
#: Marks, in a trace's response table, the proposer and any party not asked (after a walk-away).
NOT_ASKED: Final = -2


def discounted(utility: float, discount: float, round_: int) -> float:
    """What an agreement of ``utility`` reached in round ``round_`` is worth:
    ``discount ** round_ * utility`` (Rubinstein 1982)."""
    return float(discount**round_ * utility)


@dataclass(frozen=True, slots=True)
class Rules:
    """The rules every party knows: how many parties and outcomes, the deadline, who starts."""

    n_parties: int
    n_outcomes: int
    deadline: int
    first_proposer: int

    def proposer_at(self, round_: int) -> int:
        """The party that proposes in round ``round_``."""
        return (self.first_proposer + round_) % self.n_parties


@dataclass(frozen=True, slots=True)
class Setup:
    """What one party knows when a negotiation starts.

    Attributes
    ----------
    party
        Its index among the problem's parties.
    rules
        Number of parties and outcomes, deadline, first proposer.
    utilities
        Its own utility of every outcome (read-only, shape ``(n_outcomes,)``). Never another's.
    reservation
        Its reservation value: what walking away, or the deadline, gives it.
    discount
        Its discount factor per round.
    ladder
        Its outcomes sorted by its own utility.
    rng
        A generator for this party in this negotiation, derived from the simulation's seed.
    public
        Common knowledge about the problem (see :class:`PublicKnowledge`); read only by
        strategies that say so.
    """

    party: int
    rules: Rules
    utilities: NDArray[np.float64]
    reservation: float
    discount: float
    ladder: UtilityLadder
    rng: np.random.Generator
    public: PublicKnowledge


@dataclass(frozen=True, slots=True)
class NegotiationState:
    """What a party observes when it is asked to offer or to respond.

    ``offers`` and ``proposers`` are the history of earlier rounds (read-only arrays, one entry
    per round before this one); the offer being answered is passed to ``respond`` separately.
    """

    setup: Setup
    round: int
    proposer: int
    offers: NDArray[np.int64]
    proposers: NDArray[np.int64]

    @property
    def party(self) -> int:
        return self.setup.party

    @property
    def utilities(self) -> NDArray[np.float64]:
        return self.setup.utilities

    @property
    def reservation(self) -> float:
        return self.setup.reservation

    @property
    def discount(self) -> float:
        return self.setup.discount

    @property
    def deadline(self) -> int:
        return self.setup.rules.deadline

    @property
    def time(self) -> float:
        """Relative time ``t / (T - 1)``: 0 in the first round, 1 in the last."""
        last = self.setup.rules.deadline - 1
        return self.round / last if last > 0 else 1.0

    def opponent_offers(self) -> NDArray[np.int64]:
        """The outcomes the other parties offered in earlier rounds, oldest first."""
        mine: NDArray[np.int64] = self.offers[self.proposers != self.setup.party]
        return mine

    def worth(self, outcome: int) -> float:
        """What agreeing on ``outcome`` in this round is worth to this party (discounted)."""
        return discounted(float(self.setup.utilities[outcome]), self.setup.discount, self.round)


@runtime_checkable
class Strategy(Protocol):
    """How a party negotiates.

    The engine calls ``reset`` once at the start of every negotiation (forget everything from
    earlier negotiations, precompute from the setup), then ``offer`` in the party's proposing
    rounds and ``respond`` to every other party's offer. ``offer`` returns an outcome index in
    ``0 .. n_outcomes - 1`` or :data:`WALK`; ``respond`` returns :data:`ACCEPT`, :data:`REJECT`
    or :data:`WALK`.

    A strategy observes only the :class:`NegotiationState`: its own utilities, reservation value
    and discount, the round and the deadline, and the history of offers. Keep per-negotiation
    memory small (a few numbers), so that batches of negotiations can run on arrays.
    """

    name: str

    def reset(self, setup: Setup) -> None: ...

    def offer(self, state: NegotiationState) -> int: ...

    def respond(self, state: NegotiationState, offer: int) -> Response: ...
