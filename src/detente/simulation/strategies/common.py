"""Small rules shared by the built-in strategies: parameter checks and rational acceptance."""

from __future__ import annotations

import math

import numpy as np

from detente.simulation.errors import StrategyParameterError
from detente.simulation.knowledge import TOLERANCE
from detente.simulation.protocol import NegotiationState

__all__ = [
    "check_fraction",
    "check_positive",
    "check_rounds",
    "own_seed",
    "worth_accepting",
]


def check_positive(value: object, name: str, strategy: str) -> float:
    """``value`` as a finite float above zero, else :class:`StrategyParameterError`."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise StrategyParameterError(f"{strategy}: {name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise StrategyParameterError(
            f"{strategy}: {name} must be a finite number above 0, got {value!r}"
        )
    return number


def check_fraction(value: object, name: str, strategy: str) -> float:
    """``value`` as a float in [0, 1], else :class:`StrategyParameterError`."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise StrategyParameterError(f"{strategy}: {name} must be a number, got {value!r}")
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise StrategyParameterError(f"{strategy}: {name} must be in [0, 1], got {value!r}")
    return number


def check_rounds(value: object, name: str, strategy: str) -> int:
    """``value`` as a whole number of rounds >= 1, else :class:`StrategyParameterError`."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise StrategyParameterError(
            f"{strategy}: {name} must be a whole number of rounds >= 1, got {value!r}"
        )
    return int(value)


def own_seed(seed: object, strategy: str) -> int | None:
    """A strategy's own seed as an integer, so that every reset replays the same stream.

    A :class:`numpy.random.Generator` is drawn from once, here; ``None`` means "use the
    generator the engine hands out", which is derived from the simulation's seed.
    """
    if seed is None:
        return None
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**63))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise StrategyParameterError(
            f"{strategy}: seed must be a non-negative integer, a numpy Generator or None, "
            f"got {seed!r}"
        )
    return int(seed)


def worth_accepting(state: NegotiationState, offer: int) -> bool:
    """True when agreeing on ``offer`` now is worth at least the reservation value:
    ``delta ** t * u(offer) >= r`` (the payoff convention of :mod:`detente.simulation.protocol`).
    """
    return state.worth(offer) >= state.reservation - TOLERANCE
