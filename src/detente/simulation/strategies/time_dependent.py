"""Time-dependent concession: Boulware, linear and Conceder tactics.

Faratin, Sierra & Jennings (1998), "Negotiation decision functions for autonomous agents",
Robotics and Autonomous Systems 24(3-4):159-182, time-dependent tactics: an agent's offers
follow a function of time alone. In utility terms, with ``k = 0``, the target at relative time
``t/T`` is

    ``u_max - (u_max - u_min) * (t / T) ** (1 / e)``

(their ``beta`` is our ``e``). With ``e < 1`` the agent holds out until close to the deadline
(*Boulware*), ``e = 1`` concedes at a constant rate (*linear*), ``e > 1`` gives ground early
(*Conceder*).
"""

from __future__ import annotations

from detente.simulation.errors import StrategyParameterError
from detente.simulation.knowledge import TOLERANCE
from detente.simulation.protocol import ACCEPT, REJECT, NegotiationState, Response, Setup
from detente.simulation.strategies.common import check_positive, worth_accepting

__all__ = ["TimeDependent", "boulware", "conceder", "linear", "target_utility"]


def target_utility(time: float, e: float, u_max: float, u_min: float) -> float:
    """Faratin et al.'s (1998) time-dependent target ``u_max - (u_max - u_min) * time ** (1/e)``
    for relative time ``time`` in [0, 1] (clipped)."""
    clipped = min(max(time, 0.0), 1.0)
    return float(u_max - (u_max - u_min) * clipped ** (1.0 / e))


class TimeDependent:
    """Concede over time along Faratin et al.'s (1998) curve with exponent ``e``.

        Relative time is ``t / (T - 1)`` for round ``t`` and deadline ``T``, so the last round is
        time 1 and the target has come down all the way to ``u_min``: the party's reservation value
        (clipped into the range of its utilities). With a one-round deadline the only round is the
    last, so it offers its floor at once. In its proposing rounds the strategy offers the
        outcome whose own utility is closest to the target from above, ties to the lowest outcome
        index. It accepts an offer that is at least as good for it as the outcome it would propose
        in the next round ("AC_next", Baarslag, Hindriks & Jonker 2014, "Effective acceptance
        conditions in real-time automated negotiation", Decision Support Systems 60:68-77), and
        only when the offer, discounted to the current round, is worth its reservation value.
        It never walks away. Faratin's tactics ignore discounting, so its own offers may be worth
        less than walking away late in talks under heavy discounting: see :class:`WalkAwayAware`.

        Observes: its own utilities and reservation value, the round and the deadline.

        Parameters
        ----------
        e
            Concession exponent, above 0: below 1 Boulware, 1 linear, above 1 Conceder.
        name
            Name shown in traces; by default ``time_dependent(e=...)``.
    """

    respects_reservation = True

    def __init__(self, e: float = 1.0, *, name: str | None = None) -> None:
        self.e = check_positive(e, "e", "time_dependent")
        self.name = name or f"time_dependent(e={self.e:g})"
        self._floor = 0.0

    def __repr__(self) -> str:
        return f"TimeDependent(e={self.e!r}, name={self.name!r})"

    def reset(self, setup: Setup) -> None:
        ladder = setup.ladder
        self._floor = min(max(setup.reservation, ladder.min), ladder.max)

    def target(self, state: NegotiationState, time: float) -> float:
        """The utility this strategy aims for at relative time ``time``."""
        return target_utility(time, self.e, state.setup.ladder.max, self._floor)

    def offer(self, state: NegotiationState) -> int:
        return state.setup.ladder.at_least(self.target(state, state.time))

    def respond(self, state: NegotiationState, offer: int) -> Response:
        last = state.deadline - 1
        next_time = (state.round + 1) / last if last > 0 else 1.0
        planned = state.setup.ladder.at_least(self.target(state, next_time))
        good_enough = state.utilities[offer] >= state.utilities[planned] - TOLERANCE
        return ACCEPT if good_enough and worth_accepting(state, offer) else REJECT


def boulware(e: float = 0.2) -> TimeDependent:
    """Boulware: holds firm and concedes near the deadline (``0 < e < 1``; default 0.2)."""
    value = check_positive(e, "e", "boulware")
    if value >= 1:
        raise StrategyParameterError(
            f"boulware: e must be below 1 (a Boulware agent concedes late), got {e!r}; "
            "use linear (e = 1) or conceder (e > 1)"
        )
    return TimeDependent(value, name="boulware" if value == 0.2 else f"boulware(e={value:g})")


def linear() -> TimeDependent:
    """Linear concession (``e = 1``)."""
    return TimeDependent(1.0, name="linear")


def conceder(e: float = 5.0) -> TimeDependent:
    """Conceder: gives ground early (``e > 1``; default 5)."""
    value = check_positive(e, "e", "conceder")
    if value <= 1:
        raise StrategyParameterError(
            f"conceder: e must be above 1 (a Conceder concedes early), got {e!r}; "
            "use linear (e = 1) or boulware (e < 1)"
        )
    return TimeDependent(value, name="conceder" if value == 5.0 else f"conceder(e={value:g})")
