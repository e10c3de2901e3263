"""The graph of states and moves: who can move where, which moves gain, where things rest."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np

from detente.graph_model.explain import UnilateralMoves
from detente.graph_model.model import GraphModel
from detente.graph_model.stability import StabilityResult
from detente.plots.bargaining import _pyplot

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MAX_STATES", "plot_state_graph", "shown_states"]

#: Models with more feasible states are drawn as the neighbourhood of the status quo and of
#: the equilibria.
MAX_STATES = 64
_COLOURS = ["tab:blue", "tab:red", "tab:green", "tab:purple", "tab:brown", "tab:olive"]


def shown_states(result: StabilityResult, concept: str = "seq") -> np.ndarray:
    """Indices of the states to draw: all of them for small models; otherwise the status quo,
    the equilibria and their one-move neighbours, up to :data:`MAX_STATES`."""
    model = result.model
    if model.n_states <= MAX_STATES:
        return np.arange(model.n_states)
    core = list(np.flatnonzero(result.equilibrium_mask(concept))[: MAX_STATES // 4])
    if model.status_quo is not None:
        core.insert(0, model.status_quo)
    search = UnilateralMoves(model)
    chosen = dict.fromkeys(int(i) for i in core)
    for index in list(chosen):
        for party in range(len(model.parties)):
            for target in search.moves(party, int(model.states[index])).tolist():
                if len(chosen) >= MAX_STATES:
                    break
                chosen.setdefault(int(np.searchsorted(model.states, target)), None)
    return np.array(sorted(chosen), dtype=np.int64)


def plot_state_graph(result: StabilityResult, concept: str = "seq") -> Figure:
    """States on a grid (across: the first party's options; down: the others'), every
    unilateral improvement as an arrow in the mover's colour, equilibria under ``concept``
    ringed, the status quo starred."""
    plt = _pyplot()
    model = result.model
    indices = shown_states(result, concept)
    states = model.states[indices]
    first = np.flatnonzero(model.owner == 0)
    mask_first = int(sum(1 << int(b) for b in first))
    columns = {v: i for i, v in enumerate(sorted(set((states & mask_first).tolist())))}
    rows = {v: i for i, v in enumerate(sorted(set((states & ~mask_first).tolist())))}
    position = {int(s): (columns[int(s) & mask_first], rows[int(s) & ~mask_first]) for s in states}
    width = max(7.0, 1.5 * len(columns) + 4.0)
    height = max(4.5, 0.85 * len(rows) + 2.5)
    figure, axes = plt.subplots(figsize=(min(width, 18), min(height, 16)), layout="constrained")
    search = UnilateralMoves(model)
    shown = set(int(s) for s in states)
    for party in range(len(model.parties)):
        colour = _COLOURS[party % len(_COLOURS)]
        for state in states.tolist():
            targets = search.moves(party, state)
            if not len(targets):
                continue
            gains = search.level(party, targets) > search.level(party, np.array([state]))[0]
            for target, gain in zip(targets.tolist(), gains.tolist(), strict=True):
                if target not in shown:
                    continue
                (x0, y0), (x1, y1) = position[state], position[target]
                if gain:
                    axes.annotate(
                        "",
                        xy=(x1, y1),
                        xytext=(x0, y0),
                        arrowprops={
                            "arrowstyle": "->",
                            "color": colour,
                            "lw": 1.1,
                            "alpha": 0.8,
                            "shrinkA": 14,
                            "shrinkB": 14,
                            "connectionstyle": "arc3,rad=0.12",
                        },
                    )
        axes.plot([], [], color=colour, label=f"{model.parties[party].name} gains by moving")
    stable = result.equilibrium_mask(concept)
    for index, state in zip(indices.tolist(), states.tolist(), strict=True):
        x, y = position[state]
        ring = "black" if stable[index] else "0.7"
        axes.scatter(
            [x],
            [y],
            s=900,
            facecolor="white",
            edgecolor=ring,
            linewidth=2.5 if stable[index] else 1,
            zorder=3,
        )
        axes.text(
            x,
            y,
            model.code(index),
            ha="center",
            va="center",
            fontsize=7,
            zorder=4,
            family="monospace",
        )
        if model.status_quo == index:
            axes.scatter(
                [x + 0.28], [y + 0.28], marker="*", s=160, color="gold", edgecolor="black", zorder=5
            )
    axes.scatter(
        [],
        [],
        s=120,
        facecolor="white",
        edgecolor="black",
        linewidth=2.5,
        label=f"equilibrium ({concept.upper()})",
    )
    axes.scatter([], [], marker="*", s=120, color="gold", edgecolor="black", label="status quo")
    axes.set_xticks(range(len(columns)))
    axes.set_xticklabels([_options(model, v, 0) for v in columns], rotation=20, fontsize=7)
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels([_options(model, v, None) for v in rows], fontsize=7)
    axes.set_xlim(-0.7, len(columns) - 0.3)
    axes.set_ylim(-0.7, len(rows) - 0.3)
    axes.invert_yaxis()
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    axes.set_xlabel(f"options taken by {model.parties[0].name}")
    axes.set_ylabel("options taken by the others")
    axes.set_title(
        f"{model.title}: states and improving moves"
        + (
            ""
            if len(indices) == model.n_states
            else f" (neighbourhood: {len(indices)} of {model.n_states:,} states)"
        )
    )
    drawn: Figure = figure
    return drawn


def _options(model: GraphModel, value: int, party: int | None) -> str:
    labels = [
        o.label or o.id
        for k, o in enumerate(model.options)
        if (value >> k) & 1 and (party is None or int(model.owner[k]) == party)
    ]
    text = " + ".join(labels) if labels else "(none)"
    return textwrap.fill(text, 34)
