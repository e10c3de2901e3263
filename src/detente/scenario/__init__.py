"""Scenario files (format ``detente/1``): reading, validating and compiling them."""

from detente.scenario.loader import Scenario, load_scenario, load_scenario_data, load_scenario_text
from detente.scenario.schema import FORMAT, ScenarioDocument

__all__ = [
    "FORMAT",
    "Scenario",
    "ScenarioDocument",
    "load_scenario",
    "load_scenario_data",
    "load_scenario_text",
]
