"""The Pareto frontier of a set of utility vectors.

A point is on the frontier when no other point is at least as good for every party and strictly
better for one. Identical points do not dominate each other, so all copies of a frontier point
are kept.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["pareto_frontier"]

_BLOCK = 2048
_SMALL = 4096
_CELLS = 2**16


def pareto_frontier(utilities: NDArray[np.float64]) -> NDArray[np.int64]:
    """Indices of the Pareto-optimal rows of ``utilities`` (shape ``(n, parties)``).

    Two parties: one sort, O(n log n) — order by the first party's utility (descending), keep the
    points whose second utility beats every point with a strictly larger first utility.
    More parties: the distinct utility vectors are filtered in order of decreasing sum (a point
    can only be dominated by one with a larger sum), each block against the frontier found so
    far and then within itself.

    Returns the indices sorted by decreasing utility of the first party (then the second...).
    """
    points = np.asarray(utilities, dtype=np.float64)
    if points.ndim != 2 or len(points) == 0:
        return np.zeros(0, dtype=np.int64)
    if points.shape[1] == 1:
        return np.flatnonzero(points[:, 0] == points[:, 0].max()).astype(np.int64)
    survivors = _prefilter(points)
    exact = _two_parties if points.shape[1] == 2 else _many_parties
    kept = survivors[exact(points[survivors])]
    keys = tuple(-points[kept, j] for j in range(points.shape[1] - 1, -1, -1))
    return kept[np.lexsort(keys)].astype(np.int64)


def _prefilter(points: NDArray[np.float64]) -> NDArray[np.int64]:
    """Indices of the points that no point of a strictly better grid cell dominates.

    The first ``k - 1`` utilities are cut into a grid of cells. A point is certainly dominated
    when some cell that is strictly higher on every one of those axes holds a point whose last
    utility is larger than the point's own: then that point beats it on every utility. A
    suffix maximum over the grid answers this for all points at once, O(n + cells), so the exact
    method only sees the few points near the frontier.
    """
    n, k = points.shape
    if n <= _SMALL:
        return np.arange(n, dtype=np.int64)
    side = max(2, round(_CELLS ** (1.0 / (k - 1))))
    cells = np.zeros(n, dtype=np.int64)
    for axis in range(k - 1):
        column = points[:, axis]
        low, high = float(column.min()), float(column.max())
        scale = side / (high - low) if high > low else 0.0
        position = np.minimum(((column - low) * scale).astype(np.int64), side - 1)
        cells = cells * side + position
    best = np.full(side ** (k - 1), -np.inf)
    np.maximum.at(best, cells, points[:, -1])
    grid = best.reshape((side,) * (k - 1))
    for axis in range(k - 1):
        grid = np.flip(np.maximum.accumulate(np.flip(grid, axis), axis=axis), axis)
    # The best last utility over cells strictly higher on every axis: shift the suffix maximum
    # by one cell along each axis.
    padded = np.full((side + 1,) * (k - 1), -np.inf)
    padded[(slice(0, side),) * (k - 1)] = grid
    shifted = padded[(slice(1, side + 1),) * (k - 1)].reshape(-1)
    alive = ~(shifted[cells] > points[:, -1])
    return np.flatnonzero(alive).astype(np.int64)


def _two_parties(points: NDArray[np.float64]) -> NDArray[np.int64]:
    order = np.lexsort((-points[:, 1], -points[:, 0]))
    first, second = points[order, 0], points[order, 1]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = first[1:] != first[:-1]
    group = np.cumsum(new_group) - 1
    starts = np.flatnonzero(new_group)
    group_best = second[starts]  # sorted descending within a group: the first is the best
    running = np.maximum.accumulate(group_best)
    previous = np.concatenate(([-np.inf], running[:-1]))
    keep = (second == group_best[group]) & (second > previous[group])
    return np.asarray(order[keep], dtype=np.int64)


def _many_parties(points: NDArray[np.float64]) -> NDArray[np.int64]:
    distinct, inverse = np.unique(points, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    # A dominator's sum is never smaller (rounding is monotone) but may be *equal* in floating
    # point, so ties in the sum are broken lexicographically, where a dominator also comes first.
    keys = [-distinct[:, j] for j in range(distinct.shape[1] - 1, -1, -1)]
    order = np.lexsort((*keys, -distinct.sum(axis=1)))
    candidates = distinct[order]
    frontier = np.zeros((0, points.shape[1]))
    kept: list[NDArray[np.int64]] = []
    for start in range(0, len(candidates), _BLOCK):
        block = candidates[start : start + _BLOCK]
        alive = np.arange(len(block))
        for lo in range(0, len(frontier), _BLOCK):
            if not len(alive):
                break
            alive = alive[~_dominated_by(block[alive], frontier[lo : lo + _BLOCK])]
        if len(alive):
            # Within the block: earlier (larger-sum) points may dominate later ones; a dominated
            # dominator is itself dominated by a survivor, so filtering all at once is exact.
            survivors = block[alive]
            inside = _dominated_by(survivors, survivors)
            alive = alive[~inside]
            frontier = np.concatenate([frontier, block[alive]])
            kept.append(order[start + alive])
    if not kept:
        return np.zeros(0, dtype=np.int64)
    on_frontier = np.zeros(len(distinct), dtype=bool)
    on_frontier[np.concatenate(kept)] = True
    return np.flatnonzero(on_frontier[inverse]).astype(np.int64)


def _dominated_by(points: NDArray[np.float64], others: NDArray[np.float64]) -> NDArray[np.bool_]:
    """For each of ``points``, whether some row of ``others`` dominates it."""
    at_least = np.all(others[None, :, :] >= points[:, None, :], axis=2)
    better = np.any(others[None, :, :] > points[:, None, :], axis=2)
    return np.asarray(np.any(at_least & better, axis=1))
