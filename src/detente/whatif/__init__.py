"""What would it have taken: inverse analysis, the smallest change to a deal, robustness.

- :func:`inverse_analysis`: the preferences under which a chosen state is stable, or an
  equilibrium, under one solution concept: how many orderings work, examples, and the pairwise
  preferences they all share.
- :func:`smallest_change` and :func:`bargaining_change`: the fewest preference swaps, or the
  smallest change of reservation values, weights or scores, that opens a deal.
- :func:`phased_agreement`: a schedule of reciprocal stages that each side prefers to keep
  following at every step, given its trust in the other, or the least trust that allows one.
- :func:`robustness` (in :mod:`detente.whatif.robustness`): how likely each conclusion is when
  preferences are uncertain.
"""

from detente.whatif.bargaining_change import (
    KINDS,
    BargainingChange,
    ValueChange,
    bargaining_change,
    changed_bargaining_scenario,
)
from detente.whatif.inverse import (
    DEFAULT_LIMIT,
    Condition,
    InverseResult,
    StatementCondition,
    inverse_analysis,
)
from detente.whatif.phased import PhasedInputs, PhasedResult, phased_agreement, phased_inputs
from detente.whatif.smallest_change import (
    NoChangeError,
    PreferenceChange,
    SmallestChange,
    Swap,
    changed_scenario,
    smallest_change,
)
from detente.whatif.spaces import Ordering

__all__ = [
    "DEFAULT_LIMIT",
    "KINDS",
    "BargainingChange",
    "Condition",
    "InverseResult",
    "NoChangeError",
    "Ordering",
    "PhasedInputs",
    "PhasedResult",
    "PreferenceChange",
    "SmallestChange",
    "StatementCondition",
    "Swap",
    "ValueChange",
    "bargaining_change",
    "changed_bargaining_scenario",
    "changed_scenario",
    "inverse_analysis",
    "phased_agreement",
    "phased_inputs",
    "smallest_change",
]
