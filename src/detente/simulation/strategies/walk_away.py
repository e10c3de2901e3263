"""A strategy that knows when to leave: concede over time, never below what walking away
is worth, and walk out once no acceptable deal can still be reached."""

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
from detente.simulation.strategies.common import check_positive, worth_accepting
from detente.simulation.strategies.time_dependent import target_utility

__all__ = ["WalkAwayAware"]


class WalkAwayAware:
    """Time-dependent concession with a discount-aware floor and an explicit walk-away.

    An agreement in round ``t`` is worth ``delta ** t * u`` while walking away is worth the
    reservation value ``r`` at any time (see :mod:`detente.simulation.protocol`), so a deal is
    acceptable in round ``t`` only if ``u >= r / delta ** t``. The strategy concedes along
    Faratin, Sierra & Jennings' (1998) curve with exponent ``e`` from its best utility down to
    that floor, and accepts an offer when it is acceptable and at least as good as its own next
    offer (AC_next, Baarslag, Hindriks & Jonker 2014). It walks away

    - in any round where even its best outcome is no longer acceptable
      (``delta ** t * u_max < r``): impatience has closed its side of the zone, and
    - when answering in the last round an offer it cannot accept: no deal remains reachable
      before the deadline, so it leaves explicitly rather than letting the clock run out.

    Both exits give it ``r``, exactly what staying would give; walking says so in the trace.
    It never accepts an offer worth less than its reservation value.

    Observes: its own utilities, reservation value and discount, the round and the deadline.

    Parameters
    ----------
    e
        Concession exponent, above 0 (below 1 Boulware, 1 linear, above 1 Conceder).
    """

    respects_reservation = True

    def __init__(self, e: float = 1.0) -> None:
        self.e = check_positive(e, "e", "walk_away_aware")
        self.name = "walk_away_aware" if self.e == 1.0 else f"walk_away_aware(e={self.e:g})"

    def __repr__(self) -> str:
        return f"WalkAwayAware(e={self.e!r})"

    def reset(self, setup: Setup) -> None:
        """Nothing to remember between rounds."""

    @staticmethod
    def _floor(state: NegotiationState, round_: int) -> float:
        """The lowest undiscounted utility worth accepting in round ``round_``."""
        return state.reservation / state.discount**round_

    def _hopeless(self, state: NegotiationState, round_: int) -> bool:
        return state.setup.ladder.max < self._floor(state, round_) - TOLERANCE

    def _planned(self, state: NegotiationState, round_: int) -> int:
        ladder = state.setup.ladder
        last = state.deadline - 1
        time = round_ / last if last > 0 else 1.0
        floor = min(max(self._floor(state, round_), ladder.min), ladder.max)
        return ladder.at_least(target_utility(time, self.e, ladder.max, floor))

    def offer(self, state: NegotiationState) -> int:
        if self._hopeless(state, state.round):
            return WALK
        return self._planned(state, state.round)

    def respond(self, state: NegotiationState, offer: int) -> Response:
        if self._hopeless(state, state.round):
            return WALK
        if worth_accepting(state, offer):
            next_round = min(state.round + 1, state.deadline - 1)
            planned = self._planned(state, next_round)
            if state.utilities[offer] >= state.utilities[planned] - TOLERANCE:
                return ACCEPT
        if state.round == state.deadline - 1 or self._hopeless(state, state.round + 1):
            return WALK
        return REJECT
