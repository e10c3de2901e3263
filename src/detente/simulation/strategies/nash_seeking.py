"""The Nash-seeking negotiator: proposes the Nash bargaining outcome and holds to it."""

from __future__ import annotations

from detente.simulation.knowledge import TOLERANCE
from detente.simulation.protocol import (
    ACCEPT,
    REJECT,
    WALK,
    NegotiationState,
    Response,
    Setup,
)
from detente.simulation.strategies.common import worth_accepting

__all__ = ["NashSeeking"]


class NashSeeking:
    """Propose the Nash bargaining solution; accept anything at least as good for itself.

    The Nash (1950) solution maximises the product of the parties' gains over their reservation
    values among the outcomes all of them prefer to walking away. Computing it needs every
    party's utilities and reservation value, so this strategy assumes the *whole problem is
    common knowledge*: it reads ``setup.public.nash_outcome`` (the same outcome
    :func:`detente.bargaining.solve_bargaining` reports). No other information is used.

    It accepts an offer worth at least as much to it as the Nash outcome (and worth its
    reservation value after discounting). It walks away when the zone of possible agreement is
    empty (no Nash outcome: the disagreement point is the solution) and once discounting has
    made the Nash outcome worth less than its reservation value.

    Observes: its own utilities, reservation value and discount; the public Nash outcome.
    """

    respects_reservation = True
    name = "nash_seeking"

    def __init__(self) -> None:
        self._target: int | None = None

    def __repr__(self) -> str:
        return "NashSeeking()"

    def reset(self, setup: Setup) -> None:
        self._target = setup.public.nash_outcome

    def _gone(self, state: NegotiationState) -> bool:
        return self._target is None or not worth_accepting(state, self._target)

    def offer(self, state: NegotiationState) -> int:
        if self._target is None or self._gone(state):
            return WALK
        return self._target

    def respond(self, state: NegotiationState, offer: int) -> Response:
        if self._target is None or self._gone(state):
            return WALK
        at_least_nash = state.utilities[offer] >= state.utilities[self._target] - TOLERANCE
        return ACCEPT if at_least_nash and worth_accepting(state, offer) else REJECT
