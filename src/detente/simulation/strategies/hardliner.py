"""The hard-liner: asks for its best outcome every time and accepts nothing less."""

from __future__ import annotations

from detente.simulation.knowledge import TOLERANCE
from detente.simulation.protocol import ACCEPT, REJECT, NegotiationState, Response, Setup
from detente.simulation.strategies.common import worth_accepting

__all__ = ["HardLiner"]


class HardLiner:
    """Offer only the best outcome; accept only an offer as good as it.

    The limiting case of Faratin, Sierra & Jennings' (1998) time-dependent family as ``e -> 0``
    (no concession before the deadline), the "hard-headed" baseline of automated-negotiation
    competitions. Two hard-liners with different best outcomes never agree: they reach the
    deadline. Ties for the best outcome go to the lowest outcome index.

    Observes: its own utilities and reservation value. Never walks away; accepts only offers
    worth its reservation value (discounted).
    """

    respects_reservation = True
    name = "hardliner"

    def __repr__(self) -> str:
        return "HardLiner()"

    def reset(self, setup: Setup) -> None:
        """Nothing to remember between rounds."""

    def offer(self, state: NegotiationState) -> int:
        return state.setup.ladder.best

    def respond(self, state: NegotiationState, offer: int) -> Response:
        best = state.setup.ladder.max
        if state.utilities[offer] >= best - TOLERANCE and worth_accepting(state, offer):
            return ACCEPT
        return REJECT
