"""Classic bargaining solutions over a finite set of outcomes, and their continuous limits.

Every function takes the utility vectors of the candidate outcomes (``(n, parties)``) and the
disagreement point ``d`` (the parties' reservation values) and returns an index into the
candidates. Candidates are assumed individually rational (``u >= d``); :func:`zone` finds them.

For two parties the *continuous* versions work on the upper-right boundary of the convex hull of
the candidates, i.e. allowing lotteries (or fine division) between neighbouring outcomes as in
Nash's (1950) setting; they reproduce the textbook closed forms.

Sources: Nash (1950), "The bargaining problem", Econometrica 18(2):155-162; Kalai & Smorodinsky
(1975), Econometrica 43(3):513-518; Kalai (1977), Econometrica 45(7):1623-1630; Binmore,
Rubinstein & Wolinsky (1986), RAND J. Econ. 17(2):176-188 (asymmetric Nash solution as the limit
of alternating offers, bargaining power proportional to 1 / (-ln delta)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "ZoneGap",
    "bargaining_powers",
    "continuous_solution",
    "egalitarian_solution",
    "kalai_smorodinsky_solution",
    "nash_bargaining_solution",
    "upper_hull",
    "utilitarian_solution",
    "zone",
    "zone_gap",
]

#: Utilities closer than this count as equal (reservation comparisons, ties).
TOLERANCE = 1e-9


def zone(utilities: NDArray[np.float64], reservation: ArrayLike) -> NDArray[np.bool_]:
    """The zone of possible agreement: outcomes every party likes at least as well as walking
    away (``u_i >= reservation_i`` for all i)."""
    d = np.asarray(reservation, dtype=np.float64)
    return np.asarray(np.all(utilities >= d - TOLERANCE, axis=1))


def _best(score: NDArray[np.float64], tie: NDArray[np.float64]) -> int:
    """Index of the largest ``score``, ties broken by the largest ``tie``, then lowest index."""
    top = score.max()
    candidates = np.flatnonzero(score >= top - 1e-12 * max(1.0, abs(float(top))))
    return int(candidates[np.argmax(tie[candidates])])


def _gains(utilities: NDArray[np.float64], reservation: ArrayLike) -> NDArray[np.float64]:
    """Gains over the disagreement point, with gains within rounding of zero set to zero."""
    gains = utilities - np.asarray(reservation, dtype=np.float64)
    gains[gains < TOLERANCE] = 0.0
    return gains


def nash_bargaining_solution(
    utilities: NDArray[np.float64], reservation: ArrayLike, powers: ArrayLike | None = None
) -> int:
    """Maximise the (weighted) Nash product ``prod (u_i - d_i) ** w_i`` (Nash 1950).

    With ``powers`` this is the asymmetric Nash solution; ties go to the larger total utility.
    """
    gains = _gains(utilities, reservation)
    k = utilities.shape[1]
    weights = np.ones(k) if powers is None else np.asarray(powers, dtype=np.float64)
    # A party without bargaining power, or one that no candidate lets gain, does not weigh in:
    # otherwise every product is zero and the choice falls to rounding noise.
    counted = (weights > 0) & (gains.max(axis=0) > 0)
    with np.errstate(divide="ignore"):
        log_product = (np.log(gains[:, counted]) * weights[counted]).sum(axis=1)
    return _best(log_product, utilities.sum(axis=1))


def kalai_smorodinsky_solution(utilities: NDArray[np.float64], reservation: ArrayLike) -> int:
    """Largest equal fraction of every party's ideal gain (Kalai & Smorodinsky 1975).

    The ideal point takes each party's best candidate utility; the solution maximises the
    smallest ratio ``(u_i - d_i) / (ideal_i - d_i)``, ties to the larger sum of ratios, which
    on a continuous frontier is the point on the segment from ``d`` to the ideal point.
    """
    gains = _gains(utilities, reservation)
    span = gains.max(axis=0)
    able = span > 0  # a party that no candidate lets gain has no ideal to share in
    if not able.any():
        return _best(utilities.sum(axis=1), np.zeros(len(utilities)))
    ratios = gains[:, able] / span[able]
    return _best(ratios.min(axis=1), ratios.sum(axis=1))


def egalitarian_solution(utilities: NDArray[np.float64], reservation: ArrayLike) -> int:
    """Largest equal gain for every party (Kalai 1977), ties to the larger total gain."""
    gains = utilities - np.asarray(reservation, dtype=np.float64)
    return _best(gains.min(axis=1), gains.sum(axis=1))


def utilitarian_solution(utilities: NDArray[np.float64]) -> int:
    """Largest total utility (welfare), ties to the most equal split."""
    return _best(utilities.sum(axis=1), utilities.min(axis=1))


def bargaining_powers(discount: ArrayLike) -> NDArray[np.float64]:
    """Bargaining powers from discount factors (Binmore, Rubinstein & Wolinsky 1986).

    With ``delta_i = exp(-r_i * dt)`` and offers ever more frequent, alternating offers converge
    to the asymmetric Nash solution with power proportional to ``1 / r_i``. A party that does not
    discount at all (``delta = 1``) is infinitely patient: it gets all the power (shared equally
    among such parties).
    """
    delta = np.asarray(discount, dtype=np.float64)
    patient = delta >= 1.0
    if patient.any():
        return np.asarray(patient / patient.sum(), dtype=np.float64)
    inverse_rate = 1.0 / -np.log(delta)
    return np.asarray(inverse_rate / inverse_rate.sum(), dtype=np.float64)


@dataclass(frozen=True)
class ZoneGap:
    """How far apart the parties are when no agreement beats walking away.

    Attributes
    ----------
    total
        The smallest total lowering of reservation values that makes some outcome acceptable
        to all (0 when the zone is not empty).
    concessions
        Per party, how much its reservation value must come down for that outcome.
    outcome
        Index of the outcome that would open the zone.
    """

    total: float
    concessions: tuple[float, ...]
    outcome: int


def zone_gap(utilities: NDArray[np.float64], reservation: ArrayLike) -> ZoneGap:
    """The outcome needing the smallest total concession of reservation values (L1)."""
    shortfall = np.maximum(np.asarray(reservation, dtype=np.float64) - utilities, 0.0)
    total = shortfall.sum(axis=1)
    best = _best(-total, utilities.sum(axis=1))
    return ZoneGap(float(total[best]), tuple(float(x) for x in shortfall[best]), best)


def upper_hull(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """Vertices of the upper-right boundary of the convex hull of 2-D points, by increasing
    first coordinate (so decreasing second): the Pareto boundary when lotteries are allowed.

    Points that lie on or below the chord between their neighbours are never hull vertices, so
    each pass drops all of them at once; a few vectorised passes usually settle the hull.
    """
    order = np.lexsort((-points[:, 1], points[:, 0]))
    chain = points[order]
    # Keep the highest point for each first coordinate, then the decreasing staircase from the
    # highest second coordinate onwards (the rest is dominated).
    first = np.ones(len(chain), dtype=bool)
    first[1:] = chain[1:, 0] != chain[:-1, 0]
    chain = chain[first]
    chain = chain[int(np.argmax(chain[:, 1])) :]
    while len(chain) > 2:
        before, here, after = chain[:-2], chain[1:-1], chain[2:]
        cross = (here[:, 0] - before[:, 0]) * (after[:, 1] - before[:, 1]) - (
            here[:, 1] - before[:, 1]
        ) * (after[:, 0] - before[:, 0])
        inside = cross >= 0  # on or below the chord from its left to its right neighbour
        if not inside.any():
            break
        keep = np.ones(len(chain), dtype=bool)
        keep[1:-1] = ~inside
        chain = chain[keep]
    return np.asarray(chain, dtype=np.float64)


def _clip(hull: NDArray[np.float64], d: NDArray[np.float64]) -> NDArray[np.float64]:
    """The part of a decreasing boundary polyline with ``u >= d``, with the points where it
    enters (across ``u1 = d1``) and leaves (across ``u2 = d2``) the region added."""
    if len(hull) == 0:
        return hull
    inside = np.all(hull >= d - TOLERANCE, axis=1)
    pieces = []
    # The first utility grows along the polyline: one segment at most crosses u1 = d1 upwards.
    enter = int(np.searchsorted(hull[:, 0], d[0], side="left"))
    if 0 < enter < len(hull) and hull[enter - 1, 0] < d[0] < hull[enter, 0]:
        a, b = hull[enter - 1], hull[enter]
        point = a + (d[0] - a[0]) / (b[0] - a[0]) * (b - a)
        point[0] = d[0]
        if point[1] >= d[1] - TOLERANCE:
            pieces.append(point[None, :])
    pieces.append(hull[inside])
    # The second utility falls: one segment at most crosses u2 = d2 downwards.
    leave = int(np.searchsorted(-hull[:, 1], -d[1], side="right"))
    if 0 < leave < len(hull) and hull[leave - 1, 1] > d[1] > hull[leave, 1]:
        a, b = hull[leave - 1], hull[leave]
        point = a + (d[1] - a[1]) / (b[1] - a[1]) * (b - a)
        point[1] = d[1]
        if point[0] >= d[0] - TOLERANCE:
            pieces.append(point[None, :])
    clipped = np.concatenate(pieces)
    return np.asarray(clipped[np.argsort(clipped[:, 0], kind="stable")], dtype=np.float64)


def continuous_solution(
    points: NDArray[np.float64],
    reservation: ArrayLike,
    kind: str,
    powers: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """A two-party solution on the convexified frontier of ``points``: ``kind`` is ``"nash"``
    (optionally weighted by ``powers``), ``"kalai_smorodinsky"`` or ``"egalitarian"``.

    The bargaining set is the convex hull of the points cut at the reservation values
    (``u >= d``), as in Nash (1950); its upper-right boundary is a polyline on which each
    solution has a closed form per segment. Returns the utility pair.
    """
    d = np.asarray(reservation, dtype=np.float64)
    hull = _clip(upper_hull(points), d)
    if len(hull) == 0:
        raise ValueError("no point of the convexified set is individually rational")
    if len(hull) == 1:
        return np.array(hull[0], dtype=np.float64)
    start, delta = hull[:-1], hull[1:] - hull[:-1]
    if kind == "nash":
        w = np.ones(2) if powers is None else np.asarray(powers, dtype=np.float64)
        a = start - d
        # Stationary point of w1 ln(a1 + t D1) + w2 ln(a2 + t D2) on each segment.
        denominator = (w[0] + w[1]) * delta[:, 0] * delta[:, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = -(w[0] * delta[:, 0] * a[:, 1] + w[1] * delta[:, 1] * a[:, 0]) / denominator
        t = np.clip(np.nan_to_num(t, nan=0.0), 0.0, 1.0)
        candidates = np.concatenate([start + t[:, None] * delta, hull])
        gains = np.maximum(candidates - d, 0.0)
        counted = w > 0  # a party without bargaining power does not weigh in
        with np.errstate(divide="ignore"):
            value = (np.log(gains[:, counted]) * w[counted]).sum(axis=1)
        value[np.any(gains < 0, axis=1)] = -np.inf
        return np.asarray(candidates[int(np.argmax(value))])
    if kind == "kalai_smorodinsky":
        direction = hull.max(axis=0) - d
    elif kind == "egalitarian":
        direction = np.ones(2)
    else:
        raise ValueError(f"unknown continuous solution {kind!r}")
    # Intersect the ray d + s * direction with each segment start + t * delta.
    matrix = np.stack(
        [np.broadcast_to(direction, delta.shape), -delta], axis=2
    )  # (segments, 2, 2): [direction | -delta] @ [s, t] = start - d
    rhs = start - d
    determinant = matrix[:, 0, 0] * matrix[:, 1, 1] - matrix[:, 0, 1] * matrix[:, 1, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        s = (rhs[:, 0] * matrix[:, 1, 1] - matrix[:, 0, 1] * rhs[:, 1]) / determinant
        t = (matrix[:, 0, 0] * rhs[:, 1] - matrix[:, 1, 0] * rhs[:, 0]) / determinant
    valid = np.isfinite(s) & (t >= -1e-12) & (t <= 1 + 1e-12) & (s >= 0)
    if not valid.any():
        return np.asarray(hull[int(np.argmax((hull - d).min(axis=1)))])
    best = int(np.flatnonzero(valid)[np.argmax(s[valid])])
    return np.asarray(d + s[best] * direction)
