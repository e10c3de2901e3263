"""One varying party at a time: counts, shared conditions and uniform samples per party.

When each judged party's verdict depends on its own preferences only (Nash, GMR and SMR always;
SEQ when one party varies and only its stability is asked), the counted combinations are the
product of per-party sets: the count is the product of per-party counts, the shared conditions
are the union of per-party conditions, and a uniform sample draws each party independently.
A :class:`Factor` holds one party's part.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.whatif.counting import PartyCount
from detente.whatif.enumeration import Enumeration
from detente.whatif.sanctions import StabilityCheck
from detente.whatif.spaces import OrderingSpace

__all__ = ["Factor", "enumerated_pairs", "sample_factors"]

Pairs = tuple[tuple[int, int], ...]

#: Upper bound on proposals per rejection draw; acceptance is at least 1/(k+1) for k moves
#: (every ranking with the target above its moves is Nash-, hence GMR-, SMR- and SEQ-stable).
_MAX_PROPOSALS = 1 << 24
_MAX_ROUNDS = 1000


def enumerated_pairs(better: NDArray[np.bool_], given: NDArray[np.bool_] | None) -> Pairs:
    """The relations shared by every counted ordering that the space does not already fix,
    reduced to covering pairs (those not implied through a third state)."""
    implied = better @ better
    keep = better & ~implied
    if given is not None:
        keep &= ~given
    return tuple((int(x), int(y)) for x, y in zip(*np.nonzero(keep), strict=True))


@dataclass(frozen=True, eq=False)
class Factor:
    """One varying party's share of the analysis.

    Attributes
    ----------
    space
        The party's orderings.
    count
        How many of them count (all of them when the party is not judged).
    method
        How ``count`` was obtained.
    pairs
        ``(better, worse)`` state indices ordered alike in every counted ordering.
    orders
        ``(first, second)`` statement indices, for statement orders.
    pool
        Every counted element, when they were listed.
    check
        The party's stability test, for drawing by rejection when ``pool`` is ``None``.
    """

    space: OrderingSpace
    count: int
    method: str
    pairs: Pairs = ()
    orders: Pairs = ()
    pool: NDArray[np.int64] | None = None
    check: StabilityCheck | None = None

    @classmethod
    def counted(cls, space: OrderingSpace, check: StabilityCheck, result: PartyCount) -> Factor:
        target = check.target
        pairs = tuple((x, target) for x in result.above) + tuple((target, y) for y in result.below)
        return cls(space, result.count, result.method, pairs, check=check)

    @classmethod
    def listed(cls, space: OrderingSpace, found: Enumeration) -> Factor:
        pool = found.elements[0][found.satisfying]
        pairs = enumerated_pairs(found.better[0], found.given[0])
        before = found.before[0]
        orders = enumerated_pairs(before, None) if before is not None else ()
        method = f"enumeration of all {found.total:,} orderings"
        return cls(space, found.count, method, pairs, orders, pool)

    @classmethod
    def unconstrained(cls, space: OrderingSpace) -> Factor:
        return cls(space, space.size, "not judged: every ordering counts")

    def draw(self, rng: np.random.Generator, count: int) -> NDArray[np.int64]:
        """``count`` counted elements, uniformly and independently."""
        if count <= 0:
            return np.zeros((0, self.space.draw(rng, 1).shape[1]), dtype=np.int64)
        if self.pool is not None:
            return self.pool[rng.integers(len(self.pool), size=count)]
        if self.check is None:
            return self.space.draw(rng, count)
        kept: list[NDArray[np.int64]] = []
        have, proposed = 0, 0
        while have < count and proposed < _MAX_PROPOSALS:
            batch = max(64, 4 * (count - have))
            proposals = self.space.draw(rng, batch)
            proposed += batch
            levels = self.space.levels(proposals)
            target = self.check.target
            accepted = proposals[self.check.stable(levels <= levels[:, target : target + 1])]
            kept.append(accepted)
            have += len(accepted)
        return np.concatenate(kept)[:count]

    def listing(self, rng: np.random.Generator) -> NDArray[np.int64]:
        """Every counted element (only for small counts), in ascending order."""
        if self.pool is not None:
            return self.pool
        if self.check is None:
            return self.space.elements()
        seen: dict[tuple[int, ...], NDArray[np.int64]] = {}
        for _ in range(_MAX_ROUNDS):
            for row in self.draw(rng, max(16, 2 * self.count)):
                seen.setdefault(tuple(int(v) for v in row), row)
            if len(seen) >= self.count:
                break
        return np.array([seen[key] for key in sorted(seen)], dtype=np.int64)


def sample_factors(
    factors: Sequence[Factor], wanted: int, rng: np.random.Generator
) -> tuple[list[tuple[NDArray[np.int64], ...]], bool]:
    """Up to ``wanted`` distinct counted combinations, and whether they are all of them.

    When the product of the counts is at most ``wanted``, every combination is listed (in
    ascending order); otherwise combinations are drawn uniformly, without repeats.
    """
    total = 1
    for factor in factors:
        total *= factor.count
    if total == 0 or wanted <= 0:
        return [], total == 0
    if total <= wanted:
        lists = [factor.listing(rng) for factor in factors]
        combos = [tuple(rows) for rows in itertools.product(*lists)]
        return combos, len(combos) == total
    seen: dict[tuple[tuple[int, ...], ...], tuple[NDArray[np.int64], ...]] = {}
    for _ in range(_MAX_ROUNDS):
        need = wanted - len(seen)
        draws = [factor.draw(rng, need) for factor in factors]
        for i in range(need):
            rows = tuple(d[i] for d in draws)
            seen.setdefault(tuple(tuple(int(v) for v in r) for r in rows), rows)
        if len(seen) >= wanted:
            break
    return list(seen.values())[:wanted], False
