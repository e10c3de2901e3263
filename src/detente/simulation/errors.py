"""Errors raised while setting up or running a negotiation simulation.

Each error derives from :class:`detente.errors.DetenteError` and from the builtin exception it
most resembles, so callers that only know Python's exceptions can still catch them.
"""

from __future__ import annotations

from detente.errors import DetenteError, NotFoundError

__all__ = [
    "SimulationError",
    "StrategyBehaviourError",
    "StrategyParameterError",
    "UnknownStrategyError",
]


class SimulationError(DetenteError, ValueError):
    """A simulation was asked for with arguments that cannot work (too few strategies for the
    parties, no deadline, a first proposer that is not a party)."""


class StrategyParameterError(SimulationError):
    """A strategy was given a parameter it does not have, or a value outside its range."""


class UnknownStrategyError(NotFoundError):
    """No built-in strategy has the name asked for; the message lists the names there are."""


class StrategyBehaviourError(DetenteError, RuntimeError):
    """A strategy broke the protocol during a negotiation: it offered an outcome that does not
    exist or answered an offer with something other than accept, reject or walk away."""
