"""Imitative tactics: relative and absolute tit-for-tat.

Faratin, Sierra & Jennings (1998), "Negotiation decision functions for autonomous agents",
Robotics and Autonomous Systems 24(3-4):159-182, behaviour-dependent (imitative) tactics: an
agent reproduces the behaviour its opponent showed ``delta >= 1`` steps earlier. *Relative*
tit-for-tat concedes in proportion to the opponent's last concession, *absolute* tit-for-tat by
the same amount.

Faratin et al. define the tactics issue by issue on issue values. Here they act on the agent's
own utility, the only scale it can see: if the opponent's last two offers (``delta`` steps
back) were worth ``old`` and then ``new`` to the agent, its target utility becomes

- relative: ``target * old / new`` (unchanged when ``new`` is 0),
- absolute: ``target - (new - old)``,

clipped between the agent's reservation value and its best utility. A step back by the
opponent (``new < old``) raises the target again: tit for tat. The first target is the best
utility; offers are the outcome closest to the target from above, ties to the lowest index.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.simulation.knowledge import TOLERANCE
from detente.simulation.protocol import ACCEPT, REJECT, NegotiationState, Response, Setup
from detente.simulation.strategies.common import check_rounds, worth_accepting

__all__ = ["AbsoluteTitForTat", "RelativeTitForTat"]


class _Imitative:
    """Shared machinery: a target utility that follows the opponent's concessions.

    Memory per negotiation: the current target and how many opponent offers it has used.
    With more than two parties "the opponent" is all other parties' offers, in order.
    """

    respects_reservation = True
    kind = ""

    def __init__(self, delay: int = 1) -> None:
        self.delay = check_rounds(delay, "delay", f"{self.kind}_tit_for_tat")
        self.name = f"{self.kind}_tit_for_tat"
        if self.delay != 1:
            self.name += f"(delay={self.delay})"
        self._target = 1.0
        self._floor = 0.0
        self._used = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(delay={self.delay})"

    def imitate(self, target: float, old: float, new: float) -> float:
        raise NotImplementedError

    def reset(self, setup: Setup) -> None:
        ladder = setup.ladder
        self._target = ladder.max
        self._floor = min(max(setup.reservation, ladder.min), ladder.max)
        self._used = 0

    def _follow(self, state: NegotiationState, seen: NDArray[np.int64]) -> float:
        """The target after imitating the concession visible in ``seen`` (opponent offers)."""
        if len(seen) <= self.delay:
            return self._target
        old = float(state.utilities[seen[-self.delay - 1]])
        new = float(state.utilities[seen[-self.delay]])
        moved = self.imitate(self._target, old, new)
        return min(max(moved, self._floor), state.setup.ladder.max)

    def offer(self, state: NegotiationState) -> int:
        seen = state.opponent_offers()
        if len(seen) > self._used:  # imitate each new opponent move once
            self._target = self._follow(state, seen)
            self._used = len(seen)
        return state.setup.ladder.at_least(self._target)

    def respond(self, state: NegotiationState, offer: int) -> Response:
        # AC_next: compare with what it would offer after imitating this very offer.
        seen = np.append(state.opponent_offers(), offer)
        planned = state.setup.ladder.at_least(self._follow(state, seen))
        good_enough = state.utilities[offer] >= state.utilities[planned] - TOLERANCE
        return ACCEPT if good_enough and worth_accepting(state, offer) else REJECT


class RelativeTitForTat(_Imitative):
    """Relative tit-for-tat (Faratin et al. 1998): concede in proportion.

    Observes: its own utilities and reservation value, the other parties' offers.
    Never walks away; accepts only offers worth its reservation value (discounted).

    Parameters
    ----------
    delay
        How many opponent steps back to imitate (Faratin's ``delta``), at least 1.
    """

    kind = "relative"

    def imitate(self, target: float, old: float, new: float) -> float:
        return target * old / new if new > 0 else target


class AbsoluteTitForTat(_Imitative):
    """Absolute tit-for-tat (Faratin et al. 1998): concede the same amount.

    Observes: its own utilities and reservation value, the other parties' offers.
    Never walks away; accepts only offers worth its reservation value (discounted).

    Parameters
    ----------
    delay
        How many opponent steps back to imitate (Faratin's ``delta``), at least 1.
    """

    kind = "absolute"

    def imitate(self, target: float, old: float, new: float) -> float:
        return target - (new - old)
