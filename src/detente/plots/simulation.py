"""Offers over time against the Pareto frontier."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from detente.bargaining.analysis import BargainingResult
from detente.errors import DetenteError
from detente.plots.bargaining import MAX_POINTS, _pyplot
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
    cloud = utilities[:: max(1, len(utilities) // MAX_POINTS)]
    axes.scatter(cloud[:, 0], cloud[:, 1], s=5, color="0.8", rasterized=True)
    frontier = utilities[result.frontier]
    order = np.argsort(frontier[:, 0])
    axes.plot(
        frontier[order, 0],
        frontier[order, 1],
        ":",
        color="0.4",
        linewidth=0.8,
        label="Pareto-optimal outcomes",
    )
    axes.axvline(problem.reservation[0], color="0.5", linestyle="--", linewidth=0.8)
    axes.axhline(problem.reservation[1], color="0.5", linestyle="--", linewidth=0.8)
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
    axes.set_xlabel(f"utility of {names[0]}")
    axes.set_ylabel(f"utility of {names[1]}")
    axes.set_xlim(-0.02, 1.02)
    axes.set_ylim(-0.02, 1.02)
    axes.set_title(f"{problem.title}: {trace.end.value} (round {trace.ending.round})")
    axes.legend(loc="lower left", fontsize=8)
    axes.grid(alpha=0.3)
    drawn: Figure = figure
    return drawn


def save_negotiation_plot(result: BargainingResult, trace: Trace, path: str | Path) -> Path:
    """Draw :func:`plot_negotiation` into ``path`` (``.svg``, ``.png`` or ``.pdf``)."""
    target = Path(path)
    if target.suffix.lower() not in {".svg", ".png", ".pdf"}:
        raise DetenteError(f"cannot draw {target.name!r}: use a .svg, .png or .pdf file name")
    figure = plot_negotiation(result, trace)
    try:
        figure.savefig(target, dpi=150)
    except OSError as error:
        raise DetenteError(f"cannot write {target}: {error.strerror}") from None
    finally:
        _pyplot().close(figure)
    return target
