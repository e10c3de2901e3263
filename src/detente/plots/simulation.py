"""Offers over time against the Pareto frontier."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from detente.bargaining.analysis import BargainingResult
from detente.plots.bargaining import (
    _pyplot,
    draw_outcome_space,
    finish_axes,
    plot_path,
    save_figure,
)
from detente.simulation.protocol import WALK
from detente.simulation.trace import Trace

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_negotiation", "save_negotiation_plot"]

_COLOURS = ["tab:blue", "tab:red", "tab:green", "tab:purple"]


def plot_negotiation(result: BargainingResult, trace: Trace) -> Figure:
    """Each party's offers in the utility space of the first two parties, numbered by round,
    over the outcome cloud, the frontier and the walk-away lines; the agreement is starred."""
    plt = _pyplot()
    problem = result.problem
    utilities = problem.utilities()
    names = [p.name for p in problem.parties]
    figure, axes = plt.subplots(figsize=(7, 6), layout="constrained")
    draw_outcome_space(axes, result, 0, 1)
    log = trace.rounds
    for party in range(len(trace.parties)):
        rows = [
            t
            for t in range(len(log))
            if int(log.proposers[t]) == party and int(log.offers[t]) != WALK
        ]
        if not rows:
            continue
        points = utilities[log.offers[rows]]
        colour = _COLOURS[party % len(_COLOURS)]
        axes.plot(
            points[:, 0],
            points[:, 1],
            "-o",
            color=colour,
            markersize=4,
            linewidth=1,
            alpha=0.8,
            label=f"offers by {names[party]} ({trace.strategies[party]})",
        )
        for t, (x, y) in zip(rows, points[:, :2].tolist(), strict=True):
            axes.annotate(str(t), (x, y), fontsize=6, xytext=(3, 3), textcoords="offset points")
    if trace.agreement is not None:
        u = utilities[trace.agreement]
        axes.scatter(
            [u[0]],
            [u[1]],
            marker="*",
            s=250,
            color="gold",
            edgecolor="black",
            zorder=5,
            label=f"agreement (round {trace.ending.round})",
        )
    finish_axes(
        axes, names[0], names[1], f"{problem.title}: {trace.end.value} (round {trace.ending.round})"
    )
    drawn: Figure = figure
    return drawn


def save_negotiation_plot(result: BargainingResult, trace: Trace, path: str | Path) -> Path:
    """Draw :func:`plot_negotiation` into ``path`` (``.svg``, ``.png`` or ``.pdf``)."""
    target = plot_path(path)
    return save_figure(plot_negotiation(result, trace), target)
