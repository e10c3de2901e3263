"""A brute-force bargaining oracle, written straight from the definitions.

This module is deliberately slow and obvious and imports nothing from ``detente``. Problems are
linear-additive with *integer* data, so that utilities, reservation values and every objective
can be computed exactly (Python integers and :class:`fractions.Fraction`): party ``p`` gives
issue ``i`` the weight ``weights[p][i] / sum(weights[p])`` and value ``v`` of issue ``i`` the
score ``scores[p][i][v] / scale``; its reservation value is ``reservation[p] / denominator(p)``
with ``denominator(p) = sum(weights[p]) * scale``. The project is given the same numbers as
floats; the oracle says what they *mean*.

Definitions used:

* Outcomes: every combination of one value per issue, numbered in C order (first issue most
  significant), as :func:`itertools.product` enumerates them.
* Pareto dominance: ``a`` dominates ``b`` when ``a_i >= b_i`` for every party and ``a_i > b_i``
  for one. The frontier is the set of points no point dominates (identical points do not
  dominate each other).
* Zone of possible agreement: outcomes with ``u_i >= d_i`` for every party ``i``, ``d`` the
  reservation values (the disagreement point).
* Nash (1950), "The bargaining problem", Econometrica 18(2): maximise ``prod (u_i - d_i)``;
  asymmetric version ``prod (u_i - d_i) ** w_i``.
* Kalai & Smorodinsky (1975), Econometrica 43(3): with the ideal point ``I_i = max u_i`` over the
  feasible set, maximise ``min_i (u_i - d_i) / (I_i - d_i)``; on a convex two-party set, the
  maximal point on the segment from ``d`` to ``I``. Parties that cannot gain anything
  (``I_i = d_i``) are left out of the minimum.
* Kalai (1977), Econometrica 45(7): egalitarian, maximise ``min_i (u_i - d_i)``.
* Utilitarian: maximise ``sum_i u_i``.
* Zone gap: the smallest total lowering of reservation values, ``min_o sum_i max(0, d_i -
  u_i(o))``, that makes some outcome acceptable to all.
* Rubinstein (1982), Econometrica 50(1); Ståhl (1972): alternating offers of a unit surplus.
  With a deadline the last proposer takes all, and at each earlier round the proposer offers the
  responder exactly the discounted value of what the responder would get as the next proposer.
  Without a deadline the stationary offers ``x`` (player 1 proposing) and ``y`` (player 2
  proposing) satisfy ``1 - x = delta_2 * y`` and ``1 - y = delta_1 * x``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "ExactProblem",
    "dominates",
    "egalitarian_value",
    "exact_utilities",
    "float_utilities",
    "frontier_violations",
    "kalai_smorodinsky_value",
    "nash_over_hull",
    "nash_product",
    "outcomes",
    "pareto_set",
    "ray_reach",
    "rubinstein_finite",
    "rubinstein_infinite",
    "under_hull",
    "weighted_nash_value",
    "zone_gap_value",
    "zone_set",
]


@dataclass(frozen=True)
class ExactProblem:
    """A linear-additive bargaining problem given by integers (see the module docstring)."""

    sizes: tuple[int, ...]
    weights: tuple[tuple[int, ...], ...]
    scores: tuple[tuple[tuple[int, ...], ...], ...]
    scale: int
    reservation: tuple[int, ...]
    discount: tuple[float, ...]

    @property
    def n_parties(self) -> int:
        return len(self.weights)

    def denominator(self, party: int) -> int:
        return sum(self.weights[party]) * self.scale

    def exact_reservation(self) -> list[Fraction]:
        return [Fraction(r, self.denominator(p)) for p, r in enumerate(self.reservation)]

    def float_weights(self) -> list[list[float]]:
        return [[w / sum(row) for w in row] for row in self.weights]

    def float_scores(self) -> list[list[list[float]]]:
        return [[[s / self.scale for s in issue] for issue in party] for party in self.scores]

    def float_reservation(self) -> list[float]:
        return [float(r) for r in self.exact_reservation()]


def outcomes(sizes: Sequence[int]) -> list[tuple[int, ...]]:
    """Every combination of value indices, first issue most significant."""
    return list(itertools.product(*(range(n) for n in sizes)))


def exact_utilities(problem: ExactProblem) -> list[list[Fraction]]:
    """``u[o][p]``: exact utility of outcome ``o`` for party ``p``."""
    table = []
    for combo in outcomes(problem.sizes):
        row = []
        for p in range(problem.n_parties):
            numerator = 0
            for issue, value in enumerate(combo):
                numerator += problem.weights[p][issue] * problem.scores[p][issue][value]
            row.append(Fraction(numerator, problem.denominator(p)))
        table.append(row)
    return table


def float_utilities(problem: ExactProblem) -> NDArray[np.float64]:
    """The same utilities in floating point, summed issue by issue."""
    weights, scores = problem.float_weights(), problem.float_scores()
    rows = []
    for combo in outcomes(problem.sizes):
        row = []
        for p in range(problem.n_parties):
            total = 0.0
            for issue, value in enumerate(combo):
                total += weights[p][issue] * scores[p][issue][value]
            row.append(total)
        rows.append(row)
    return np.array(rows, dtype=np.float64).reshape(-1, problem.n_parties)


def dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether ``a`` Pareto-dominates ``b``."""
    at_least = all(x >= y for x, y in zip(a, b, strict=True))
    better = any(x > y for x, y in zip(a, b, strict=True))
    return at_least and better


def pareto_set(points: NDArray[np.float64]) -> set[int]:
    """Indices of the non-dominated rows, by comparing every row with every other: O(n^2)."""
    kept = set()
    for i in range(len(points)):
        at_least = np.all(points >= points[i], axis=1)
        better = np.any(points > points[i], axis=1)
        if not np.any(at_least & better):
            kept.add(i)
    return kept


def _dominated_rows(points: NDArray[np.float64], others: NDArray[np.float64]) -> NDArray[np.bool_]:
    """For each row of ``points``, whether some row of ``others`` dominates it (column by
    column: ``>=`` everywhere and ``>`` somewhere)."""
    at_least = np.ones((len(points), len(others)), dtype=bool)
    better = np.zeros((len(points), len(others)), dtype=bool)
    for j in range(points.shape[1]):
        column, other = points[:, j][:, None], others[:, j][None, :]
        at_least &= other >= column
        better |= other > column
    return np.asarray(np.any(at_least & better, axis=1))


def frontier_violations(
    points: NDArray[np.float64], frontier: Sequence[int], chunk: int = 1024
) -> list[str]:
    """Check a claimed frontier of a large cloud without the O(n^2) comparison of all pairs.

    The claim is right exactly when (a) no point dominates a claimed point and (b) every other
    point is dominated by a claimed point: dominance is a strict partial order on a finite set,
    so a dominated point is dominated by some maximal (non-dominated) point. Returns a
    description of the first few violations found.
    """
    claimed = np.asarray(sorted(set(int(i) for i in frontier)), dtype=np.int64)
    problems: list[str] = []
    if len(claimed) != len(frontier):
        problems.append("the frontier lists an index twice")
    for start in range(0, len(claimed), chunk):
        block = claimed[start : start + chunk]
        beaten = block[_dominated_rows(points[block], points)]
        problems += [f"frontier point {i} is dominated" for i in beaten[:3]]
    others = np.setdiff1d(np.arange(len(points)), claimed)
    for start in range(0, len(others), chunk):
        block = others[start : start + chunk]
        missing = block[~_dominated_rows(points[block], points[claimed])]
        problems += [
            f"point {i} is left out but no frontier point dominates it" for i in missing[:3]
        ]
    return problems


def zone_set(utilities: Sequence[Sequence[Fraction]], reservation: Sequence[Fraction]) -> set[int]:
    """Outcomes every party likes at least as well as walking away."""
    return {
        o
        for o, row in enumerate(utilities)
        if all(u >= d for u, d in zip(row, reservation, strict=True))
    }


def nash_product(row: Sequence[Fraction], reservation: Sequence[Fraction]) -> Fraction:
    """``prod (u_i - d_i)`` (Nash 1950)."""
    product = Fraction(1)
    for u, d in zip(row, reservation, strict=True):
        product *= u - d
    return product


def weighted_nash_value(
    row: Sequence[float], reservation: Sequence[float], powers: Sequence[float]
) -> float:
    """``prod (u_i - d_i) ** w_i`` in floating point, with ``0 ** 0 = 1``: a party with no
    bargaining power has no say (an infinitely patient party, ``delta = 1``, takes all it can,
    as in Rubinstein's game with one side not discounting)."""
    value = 1.0
    for u, d, w in zip(row, reservation, powers, strict=True):
        value *= max(u - d, 0.0) ** w
    return value


def kalai_smorodinsky_value(
    row: Sequence[Fraction], reservation: Sequence[Fraction], ideal: Sequence[Fraction]
) -> Fraction | None:
    """``min_i (u_i - d_i) / (I_i - d_i)`` over the parties that can gain (``I_i > d_i``);
    ``None`` when no party can."""
    ratios = [
        (u - d) / (top - d) for u, d, top in zip(row, reservation, ideal, strict=True) if top > d
    ]
    return min(ratios) if ratios else None


def egalitarian_value(row: Sequence[Fraction], reservation: Sequence[Fraction]) -> Fraction:
    """``min_i (u_i - d_i)`` (Kalai 1977)."""
    return min(u - d for u, d in zip(row, reservation, strict=True))


def zone_gap_value(
    utilities: Sequence[Sequence[Fraction]], reservation: Sequence[Fraction]
) -> Fraction:
    """``min_o sum_i max(0, d_i - u_i(o))`` over every outcome."""
    return min(
        sum((max(Fraction(0), d - u) for u, d in zip(row, reservation, strict=True)), Fraction(0))
        for row in utilities
    )


# -- two parties, lotteries allowed ------------------------------------------------------------


def _normals(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """The axes and every non-negative unit normal of a segment between two points.

    The set ``conv(points) - R^2_+`` (lotteries, free disposal) is the intersection of the
    half-planes ``w . x <= max_j w . p_j`` over its edge normals, which are among these.
    """
    edges = (points[None, :, :] - points[:, None, :]).reshape(-1, 2)
    normals = np.stack([-edges[:, 1], edges[:, 0]], axis=1)
    normals = np.where(normals.sum(axis=1, keepdims=True) < 0, -normals, normals)
    length = np.hypot(normals[:, 0], normals[:, 1])
    usable = (length > 0) & np.all(normals >= 0, axis=1)
    normals = normals[usable] / length[usable, None]
    return np.concatenate([np.eye(2), normals])


def under_hull(points: NDArray[np.float64], q: Sequence[float], tolerance: float = 1e-9) -> bool:
    """Whether ``q`` lies in ``conv(points) - R^2_+`` (on or under the convexified frontier)."""
    normals = _normals(points)
    support = (normals @ points.T).max(axis=1)
    return bool(np.all(normals @ np.asarray(q, dtype=np.float64) <= support + tolerance))


def ray_reach(points: NDArray[np.float64], d: Sequence[float], direction: Sequence[float]) -> float:
    """The largest ``s`` with ``d + s * direction`` in ``conv(points) - R^2_+``.

    Each half-plane ``w . x <= h(w)`` with ``w . direction > 0`` caps ``s`` at
    ``(h(w) - w . d) / (w . direction)``; the smallest cap over the edge normals is the answer.
    """
    normals = _normals(points)
    support = (normals @ points.T).max(axis=1)
    origin, heading = np.asarray(d, dtype=np.float64), np.asarray(direction, dtype=np.float64)
    speed = normals @ heading
    moving = speed > 1e-15
    caps = (support[moving] - normals[moving] @ origin) / speed[moving]
    return float(caps.min())


def nash_over_hull(
    points: NDArray[np.float64],
    d: Sequence[float],
    powers: Sequence[float] = (1.0, 1.0),
    iterations: int = 60,
) -> tuple[float, NDArray[np.float64]]:
    """The largest ``prod (x_i - d_i) ** w_i`` over ``conv(points)`` cut at ``x >= d``
    (``0 ** 0 = 1``) and a point reaching it (a supremum when a tiny power makes the product
    jump to 0 on the border); ``(0.0, d)`` when the cut set is empty.

    The maximum of an increasing function over that set lies on a segment between two of the
    points, restricted to its part with ``x >= d``; there the logarithm of the product is
    concave, so a golden-section search on every segment at once finds it.
    """
    origin = np.asarray(d, dtype=np.float64)
    w = np.asarray(powers, dtype=np.float64)
    start = np.repeat(points, len(points), axis=0) - origin  # gains at t = 0
    step = np.tile(points, (len(points), 1)) - np.repeat(points, len(points), axis=0)
    # The part of each segment with every gain >= 0: start + t * step >= 0.
    low, high = np.zeros(len(start)), np.ones(len(start))
    with np.errstate(divide="ignore", invalid="ignore"):
        for axis in range(2):
            bound = -start[:, axis] / step[:, axis]
            rising, falling = step[:, axis] > 0, step[:, axis] < 0
            low = np.where(rising, np.maximum(low, bound), low)
            high = np.where(falling, np.minimum(high, bound), high)
            flat_outside = (step[:, axis] == 0) & (start[:, axis] < 0)
            high = np.where(flat_outside, -1.0, high)
    usable = low <= high
    start, step, low, high = start[usable], step[usable], low[usable], high[usable]
    if not len(start):
        return 0.0, origin

    def log_value(t: NDArray[np.float64]) -> NDArray[np.float64]:
        gains = np.maximum(start + t[:, None] * step, 0.0)
        with np.errstate(divide="ignore"):
            logs = np.log(gains)
        # As in weighted_nash_value, 0 ** 0 = 1: a party without power does not count.
        return np.asarray(np.where(w > 0, logs * np.where(w > 0, w, 1.0), 0.0).sum(axis=1))

    ratio = (math.sqrt(5) - 1) / 2
    a, b = low.copy(), high.copy()
    for _ in range(iterations):
        left = b - ratio * (b - a)
        right = a + ratio * (b - a)
        keep_left = log_value(left) >= log_value(right)
        b = np.where(keep_left, right, b)
        a = np.where(keep_left, a, left)
    best_value, best_point = -math.inf, origin
    for t in (a, low, high):
        values = log_value(t)
        k = int(np.argmax(values))
        if values[k] > best_value:
            best_value, best_point = float(values[k]), origin + start[k] + t[k] * step[k]
    return math.exp(best_value), best_point


# -- alternating offers ------------------------------------------------------------------------


def rubinstein_finite(
    discount: tuple[float, float], first_proposer: int, horizon: int
) -> tuple[float, float]:
    """Subgame-perfect shares with a deadline, by backward induction over the rounds."""
    proposers = [(first_proposer + t) % 2 for t in range(horizon)]
    share = 1.0  # share of the proposer of the last round
    for t in range(horizon - 2, -1, -1):
        responder = 1 - proposers[t]
        # The responder accepts exactly what it would get, one round later, as proposer.
        share = 1.0 - discount[responder] * share
    shares = [0.0, 0.0]
    shares[first_proposer] = share
    shares[1 - first_proposer] = 1.0 - share
    return shares[0], shares[1]


def rubinstein_infinite(discount: tuple[float, float], first_proposer: int) -> tuple[float, float]:
    """Shares from the stationary equations ``1 - x = delta_2 y``, ``1 - y = delta_1 x``."""
    delta_1, delta_2 = discount
    matrix = np.array([[1.0, delta_2], [delta_1, 1.0]])
    x, y = np.linalg.solve(matrix, np.ones(2))
    first = float(x) if first_proposer == 0 else float(y)
    shares = [0.0, 0.0]
    shares[first_proposer] = first
    shares[1 - first_proposer] = 1.0 - first
    return shares[0], shares[1]
