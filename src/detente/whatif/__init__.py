"""What would it have taken: inverse analysis of the graph model.

:func:`inverse_analysis` finds the preferences under which a chosen state is stable, or an
equilibrium, under one solution concept: how many orderings work, examples of them, and the
pairwise preferences they all share.
"""

from detente.whatif.inverse import (
    DEFAULT_LIMIT,
    Condition,
    InverseResult,
    StatementCondition,
    inverse_analysis,
)
from detente.whatif.spaces import Ordering

__all__ = [
    "DEFAULT_LIMIT",
    "Condition",
    "InverseResult",
    "Ordering",
    "StatementCondition",
    "inverse_analysis",
]
