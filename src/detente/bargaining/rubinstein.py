"""Rubinstein's alternating-offers game: how patience splits a surplus.

Two players alternate proposals for dividing a pie of size 1; player i values a share ``x``
received after ``t`` rounds at ``delta_i ** t * x``. In the unique subgame-perfect equilibrium
of the infinite game the first proposer gets ``(1 - delta_2) / (1 - delta_1 * delta_2)`` and the
offer is accepted at once (Rubinstein 1982, "Perfect equilibrium in a bargaining model",
Econometrica 50(1):97-109). With a deadline of ``T`` rounds the last proposer takes everything
and backward induction gives the first proposer's share (Ståhl 1972).
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.errors import DetenteError

__all__ = ["RubinsteinSplit", "rubinstein_split"]


@dataclass(frozen=True)
class RubinsteinSplit:
    """Equilibrium shares of a unit surplus.

    Attributes
    ----------
    shares
        Share of each of the two players, in the order the discount factors were given.
    first_proposer
        0 or 1: who makes the first offer.
    horizon
        Number of rounds, or ``None`` for the infinite game.
    """

    shares: tuple[float, float]
    first_proposer: int
    horizon: int | None


def rubinstein_split(
    discount: tuple[float, float] | list[float],
    first_proposer: int = 0,
    horizon: int | None = None,
) -> RubinsteinSplit:
    """Subgame-perfect shares for discount factors ``(delta_1, delta_2)``.

    Examples
    --------
    >>> round(rubinstein_split((0.9, 0.9)).shares[0], 6)
    0.526316
    >>> round(rubinstein_split((0.9, 0.9), horizon=3).shares[0], 6)
    0.91
    """
    if len(discount) != 2:
        raise DetenteError("Rubinstein's game has two players: give two discount factors")
    deltas = (float(discount[0]), float(discount[1]))
    for delta in deltas:
        if not 0.0 < delta <= 1.0:
            raise DetenteError(f"a discount factor must be in (0, 1], got {delta}")
    if first_proposer not in (0, 1):
        raise DetenteError("the first proposer must be player 0 or player 1")
    if horizon is not None and horizon < 1:
        raise DetenteError(f"the horizon must be at least one round, got {horizon}")
    proposer, responder = first_proposer, 1 - first_proposer
    if horizon is None:
        if deltas[0] == 1.0 and deltas[1] == 1.0:
            raise DetenteError(
                "with no discounting on either side the infinite game has no unique split; "
                "give a deadline or a discount factor below 1"
            )
        share = (1 - deltas[responder]) / (1 - deltas[0] * deltas[1])
    else:
        # Backward induction: at the last round the proposer takes all; earlier, the proposer
        # offers the responder exactly what the responder would get as next round's proposer.
        share = 1.0
        mover = (first_proposer + horizon - 1) % 2
        for _ in range(horizon - 1):
            mover = 1 - mover
            share = 1 - deltas[1 - mover] * share
    shares = [0.0, 0.0]
    shares[proposer] = share
    shares[responder] = 1 - share
    return RubinsteinSplit((shares[0], shares[1]), first_proposer, horizon)
