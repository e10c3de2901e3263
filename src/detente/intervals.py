"""Confidence intervals shared by the robustness estimates and the tournament summaries."""

from __future__ import annotations

import math

__all__ = ["Z95", "wilson_interval"]

Z95 = 1.959963984540054
"""The two-sided 95% quantile of the standard normal distribution."""


def wilson_interval(count: int, total: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for a binomial proportion ``count / total`` (Wilson 1927).

    Unlike the Wald interval it stays inside [0, 1] and keeps close to its nominal coverage for
    proportions near 0 or 1 (Brown, Cai & DasGupta 2001). ``(0, 1)`` when ``total`` is 0.
    """
    if total <= 0:
        return (0.0, 1.0)
    p = count / total
    z2 = z * z
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = z / (1 + z2 / total) * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    return (max(0.0, centre - half), min(1.0, centre + half))
