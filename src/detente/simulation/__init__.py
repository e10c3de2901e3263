"""Negotiation simulation: the alternating-offers protocol, strategies and the plain engine.

Analysis (:mod:`detente.bargaining`) says which deals exist; simulation shows how strategies get
there, or walk away, round by round. :func:`simulate` runs one negotiation and returns a
:class:`Trace`; the protocol and its payoff convention are in
:mod:`detente.simulation.protocol`.

A strategy is any object with a ``name`` and three methods (see :class:`Strategy`), so writing
one takes a few lines. This one asks for its best outcome and accepts anything worth 0.6:

>>> from detente.bargaining import BargainingProblem
>>> from detente.simulation import ACCEPT, REJECT, conceder, describe, simulate
>>> class Greedy:
...     name = "greedy"
...     def reset(self, setup):
...         pass  # nothing to remember between negotiations
...     def offer(self, state):
...         return state.setup.ladder.best  # its own best outcome
...     def respond(self, state, offer):
...         return ACCEPT if state.utilities[offer] >= 0.6 else REJECT
>>> shares = [x / 10 for x in range(11)]
>>> pie = BargainingProblem.linear(
...     ["a", "b"], [("share_of_a", [str(x) for x in shares])], weights=[[1.0], [1.0]],
...     scores=[[shares], [[1 - x for x in shares]]], reservation=[0, 0], deadline=10)
>>> trace = simulate(pie, [Greedy(), conceder()], seed=1)
>>> trace.end.value, pie.outcome(trace.agreement)
('agreement', {'share_of_a': '0.6'})
>>> print("\\n".join(describe(trace)))
round 0: a offers #10 (a 1.00, b 0.00); b rejects
round 1: b offers #6 (a 0.60, b 0.40); a accepts
agreement on #6 in round 1; final utilities: a 0.600, b 0.400
"""

from detente.simulation.batch import (
    BatchSummary,
    NotVectorisedError,
    is_vectorised,
    simulate_batch,
    simulate_batch_summary,
)
from detente.simulation.engine import party_generators, simulate
from detente.simulation.errors import (
    SimulationError,
    StrategyBehaviourError,
    StrategyParameterError,
    UnknownStrategyError,
)
from detente.simulation.knowledge import PublicKnowledge, UtilityLadder
from detente.simulation.protocol import (
    ACCEPT,
    NOT_ASKED,
    REJECT,
    WALK,
    NegotiationState,
    Response,
    Rules,
    Setup,
    Strategy,
    discounted,
)
from detente.simulation.strategies import (
    BUILTIN_STRATEGIES,
    AbsoluteTitForTat,
    HardLiner,
    NashSeeking,
    RandomOffers,
    RelativeTitForTat,
    Rubinstein,
    TimeDependent,
    WalkAwayAware,
    boulware,
    conceder,
    linear,
    make_strategy,
    strategy_parameters,
    target_utility,
)
from detente.simulation.tournament import run_tournament
from detente.simulation.trace import End, Ending, RoundLog, Trace, describe

__all__ = [
    "ACCEPT",
    "BUILTIN_STRATEGIES",
    "NOT_ASKED",
    "REJECT",
    "WALK",
    "AbsoluteTitForTat",
    "BatchSummary",
    "End",
    "Ending",
    "HardLiner",
    "NashSeeking",
    "NegotiationState",
    "NotVectorisedError",
    "PublicKnowledge",
    "RandomOffers",
    "RelativeTitForTat",
    "Response",
    "RoundLog",
    "Rubinstein",
    "Rules",
    "Setup",
    "SimulationError",
    "Strategy",
    "StrategyBehaviourError",
    "StrategyParameterError",
    "TimeDependent",
    "Trace",
    "UnknownStrategyError",
    "UtilityLadder",
    "WalkAwayAware",
    "boulware",
    "conceder",
    "describe",
    "discounted",
    "is_vectorised",
    "linear",
    "make_strategy",
    "party_generators",
    "run_tournament",
    "simulate",
    "simulate_batch",
    "simulate_batch_summary",
    "strategy_parameters",
    "target_utility",
]
