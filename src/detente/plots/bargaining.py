"""The bargaining picture: outcomes, Pareto frontier, walk-away lines and solutions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.bargaining.analysis import SOLUTION_NAMES, BargainingResult
from detente.errors import DetenteError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "draw_outcome_space",
    "finish_axes",
    "plot_bargaining",
    "plot_path",
    "save_bargaining_plot",
    "save_figure",
]

#: Outcomes drawn at most; larger clouds are subsampled (deterministically) for the picture.
MAX_POINTS = 200_000
_MARKERS = {
    "nash": "*",
    "kalai_smorodinsky": "D",
    "egalitarian": "s",
    "utilitarian": "^",
    "time_pressure": "P",
}


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise DetenteError("plotting needs matplotlib: pip install 'detente[plot]'") from None
    return plt


def plot_bargaining(result: BargainingResult, first: int = 0, second: int = 1) -> Figure:
    """A figure of the utility space of two parties (by index): every outcome, the frontier,
    each party's reservation value, the zone of agreement and the solutions."""
    plt = _pyplot()
    problem = result.problem
    utilities = problem.utilities()
    names = [p.name for p in problem.parties]
    figure, axes = plt.subplots(figsize=(7, 6), layout="constrained")
    draw_outcome_space(axes, result, first, second)
    d = problem.reservation
    axes.fill_between(
        [d[first], 1.0],
        d[second],
        1.0,
        color="tab:green",
        alpha=0.07,
        label=f"acceptable to all ({result.zone_size} outcomes)",
    )
    for name, solution in result.solutions.items():
        u = solution.utilities
        axes.scatter(
            [u[first]],
            [u[second]],
            s=110,
            marker=_MARKERS.get(name, "o"),
            zorder=5,
            label=SOLUTION_NAMES[name].split(" (")[0],
        )
    if result.gap is not None:
        u = utilities[result.gap.outcome]
        axes.scatter(
            [u[first]],
            [u[second]],
            s=110,
            marker="X",
            color="black",
            zorder=5,
            label=f"closest to a deal (gap {result.gap.total:.3f})",
        )
    finish_axes(axes, names[first], names[second], problem.title)
    drawn: Figure = figure
    return drawn


def draw_outcome_space(axes: Any, result: BargainingResult, first: int, second: int) -> None:
    """Every outcome (subsampled past :data:`MAX_POINTS`), the Pareto-optimal ones and each
    party's walk-away line, in the utility plane of two parties."""
    problem = result.problem
    utilities = problem.utilities()
    names = [p.name for p in problem.parties]
    cloud = utilities[:: max(1, len(utilities) // MAX_POINTS)]
    axes.scatter(
        cloud[:, first], cloud[:, second], s=6, color="0.75", label="outcomes", rasterized=True
    )
    frontier = utilities[result.frontier]
    order = np.argsort(frontier[:, first])
    axes.plot(
        frontier[order, first],
        frontier[order, second],
        ":o",
        color="tab:blue",
        markersize=4,
        linewidth=0.8,
        label="Pareto-optimal outcomes",
    )
    d = problem.reservation
    axes.axvline(
        d[first],
        color="tab:red",
        linestyle="--",
        linewidth=1,
        label=f"{names[first]} walks away below",
    )
    axes.axhline(
        d[second],
        color="tab:orange",
        linestyle="--",
        linewidth=1,
        label=f"{names[second]} walks away below",
    )


def finish_axes(axes: Any, x_party: str, y_party: str, title: str) -> None:
    """Labels, unit square, title, legend and grid of a utility-plane figure."""
    axes.set_xlabel(f"utility of {x_party}")
    axes.set_ylabel(f"utility of {y_party}")
    axes.set_xlim(-0.02, 1.02)
    axes.set_ylim(-0.02, 1.02)
    axes.set_title(title)
    axes.legend(loc="lower left", fontsize=8, framealpha=0.9)
    axes.grid(alpha=0.3)


def plot_path(path: str | Path) -> Path:
    """``path`` if it names a figure format matplotlib writes here, else a clear error (checked
    before any drawing)."""
    target = Path(path)
    if target.suffix.lower() not in {".svg", ".png", ".pdf"}:
        raise DetenteError(f"cannot draw {target.name!r}: use a .svg, .png or .pdf file name")
    return target


def save_figure(figure: Any, target: Path) -> Path:
    """Write ``figure`` to ``target`` and close it."""
    try:
        figure.savefig(target, dpi=150)
    except OSError as error:
        raise DetenteError(f"cannot write {target}: {error.strerror}") from None
    finally:
        _pyplot().close(figure)
    return target


def save_bargaining_plot(result: BargainingResult, path: str | Path) -> Path:
    """Draw :func:`plot_bargaining` into ``path`` (``.svg``, ``.png`` or ``.pdf``)."""
    target = plot_path(path)
    return save_figure(plot_bargaining(result), target)
