"""Built-in negotiation strategies, each with its source in its docstring.

Every strategy satisfies :class:`detente.simulation.Strategy`; :func:`make_strategy` builds one
by name with its parameters checked.
"""

from detente.simulation.strategies.hardliner import HardLiner
from detente.simulation.strategies.nash_seeking import NashSeeking
from detente.simulation.strategies.random_offers import RandomOffers
from detente.simulation.strategies.registry import (
    BUILTIN_STRATEGIES,
    make_strategy,
    strategy_parameters,
)
from detente.simulation.strategies.rubinstein import Rubinstein
from detente.simulation.strategies.time_dependent import (
    TimeDependent,
    boulware,
    conceder,
    linear,
    target_utility,
)
from detente.simulation.strategies.tit_for_tat import AbsoluteTitForTat, RelativeTitForTat
from detente.simulation.strategies.walk_away import WalkAwayAware

__all__ = [
    "BUILTIN_STRATEGIES",
    "AbsoluteTitForTat",
    "HardLiner",
    "NashSeeking",
    "RandomOffers",
    "RelativeTitForTat",
    "Rubinstein",
    "TimeDependent",
    "WalkAwayAware",
    "boulware",
    "conceder",
    "linear",
    "make_strategy",
    "strategy_parameters",
    "target_utility",
]
