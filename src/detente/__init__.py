"""detente: analyse negotiations and strategic conflicts.

The public API in one place::

    from detente import load_scenario, analyze_stability, explain_state

    scenario = load_scenario("examples/prisoners-dilemma.yaml")
    result = analyze_stability(scenario.graph_model)
    result.equilibria("gmr")            # ['NN', 'YY']
"""

from detente.bargaining import BargainingProblem, BargainingResult, solve_bargaining
from detente.errors import DetenteError, ExpressionError, ModelTooLargeError, ScenarioError
from detente.graph_model import CONCEPTS, GraphModel, StabilityResult, analyze_stability
from detente.graph_model.explain import Explanation, explain_state
from detente.scenario import Scenario, load_scenario, load_scenario_data, load_scenario_text

__all__ = [
    "CONCEPTS",
    "BargainingProblem",
    "BargainingResult",
    "DetenteError",
    "Explanation",
    "ExpressionError",
    "GraphModel",
    "ModelTooLargeError",
    "Scenario",
    "ScenarioError",
    "StabilityResult",
    "analyze_stability",
    "explain_state",
    "load_scenario",
    "load_scenario_data",
    "load_scenario_text",
    "solve_bargaining",
]

__version__ = "0.1.0"
