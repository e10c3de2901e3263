"""The graph model for conflict resolution: compiled models, stability analysis, explanations."""

from detente.graph_model.model import GraphModel, Option, Party
from detente.graph_model.stability import CONCEPTS, StabilityResult, analyze_stability

__all__ = ["CONCEPTS", "GraphModel", "Option", "Party", "StabilityResult", "analyze_stability"]
