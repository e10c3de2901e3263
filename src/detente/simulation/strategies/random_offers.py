"""The random negotiator: a seeded baseline that offers and accepts at random."""

from __future__ import annotations

import numpy as np

from detente.simulation.protocol import ACCEPT, REJECT, NegotiationState, Response, Setup
from detente.simulation.strategies.common import check_fraction, own_seed

__all__ = ["RandomOffers"]


class RandomOffers:
    """Offer a uniformly random outcome; accept each offer with probability ``p_accept``.

    The zero-intelligence baseline used in automated-negotiation tournaments (as in Gode &
    Sunder's 1993 zero-intelligence traders, JPE 101(1):119-137). It does *not* respect its
    reservation value and never walks away.

    Random draws, in order, so that a batched engine can replay them: each ``offer`` draws
    ``rng.integers(n_outcomes)``; each ``respond`` draws ``rng.random()`` and accepts when the
    draw is below ``p_accept``.

    Observes: the number of outcomes only.

    Parameters
    ----------
    p_accept
        Probability of accepting any offer, in [0, 1].
    seed
        The strategy's own seed (an integer or a generator drawn from once). ``None`` uses the
        generator the engine derives from the simulation's seed.
    """

    respects_reservation = False
    name = "random"

    def __init__(self, p_accept: float = 0.5, *, seed: int | np.random.Generator | None = None):
        self.p_accept = check_fraction(p_accept, "p_accept", "random")
        self.seed = own_seed(seed, "random")
        self._rng: np.random.Generator = np.random.default_rng(self.seed)

    def __repr__(self) -> str:
        return f"RandomOffers(p_accept={self.p_accept!r}, seed={self.seed!r})"

    def reset(self, setup: Setup) -> None:
        self._rng = setup.rng if self.seed is None else np.random.default_rng(self.seed)

    def offer(self, state: NegotiationState) -> int:
        return int(self._rng.integers(state.setup.rules.n_outcomes))

    def respond(self, state: NegotiationState, offer: int) -> Response:
        return ACCEPT if self._rng.random() < self.p_accept else REJECT
