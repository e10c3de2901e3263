"""Figures (matplotlib, installed with the ``plot`` extra). The analysis core never imports this."""

from detente.plots.bargaining import plot_bargaining

__all__ = ["plot_bargaining"]
