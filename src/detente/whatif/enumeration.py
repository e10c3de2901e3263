"""Exhaustive inverse analysis: test every combination of the varying parties' orderings.

Used when no count short of listing applies (sequential stability with several varying parties,
explicit state subsets, statement orders), and as the reference the faster counts are tested
against. Combinations are visited in chunks, in mixed-radix order (the last varying party
changing fastest); each chunk is judged with the vectorised tests of :mod:`.sanctions`, and the
pairwise relations shared by every counted combination are accumulated on the way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import prod

import numpy as np
from numpy.typing import NDArray

from detente.whatif.sanctions import MoveGraph, StabilityCheck, stability_check
from detente.whatif.spaces import OrderingSpace, StatementOrders

__all__ = ["Enumeration", "always_relation", "enumerate_orderings", "split_index"]

_BIG = np.iinfo(np.int64).max


@dataclass(frozen=True, eq=False)
class Enumeration:
    """What an exhaustive pass found.

    Attributes
    ----------
    total
        Number of combinations visited.
    satisfying
        Flat indices (mixed radix over ``spaces``) of the counted combinations, ascending.
    elements
        Every element of each space, as listed by :meth:`OrderingSpace.elements`.
    better
        Per space, ``better[x, y]``: ``x`` is preferred to ``y`` in every counted combination.
    given
        Per space, ``given[x, y]``: ``x`` is preferred to ``y`` in every element of the space, so
        the target imposes nothing there.
    before
        Per space of statement orders, ``before[a, b]``: statement ``a`` comes before ``b`` in
        every counted combination (``None`` for other spaces).
    """

    total: int
    satisfying: NDArray[np.int64]
    elements: tuple[NDArray[np.int64], ...]
    better: tuple[NDArray[np.bool_], ...]
    given: tuple[NDArray[np.bool_], ...]
    before: tuple[NDArray[np.bool_] | None, ...]

    @property
    def count(self) -> int:
        return len(self.satisfying)


def split_index(flat: NDArray[np.int64], sizes: Sequence[int]) -> list[NDArray[np.int64]]:
    """Mixed-radix digits of flat indices, the last size varying fastest."""
    digits = []
    rest = flat.copy()
    for size in reversed(sizes):
        digits.append(rest % size)
        rest //= size
    return digits[::-1]


def always_relation(smallest_gap: NDArray[np.int64]) -> NDArray[np.bool_]:
    """``x`` beats ``y`` in every row seen, from the smallest ``level[x] - level[y]``."""
    return np.asarray(smallest_gap > 0)


def _gaps(rows: NDArray[np.int64]) -> NDArray[np.int64]:
    """Smallest ``row[x] - row[y]`` over the rows, for every pair."""
    if len(rows) == 0:
        return np.full((rows.shape[1], rows.shape[1]), _BIG, dtype=np.int64)
    return np.asarray((rows[:, :, None] - rows[:, None, :]).min(axis=0))


def _chunk_size(n: int, width: int) -> int:
    return max(1, min(1 << 15, (1 << 21) // max(1, n * n, width * width)))


def enumerate_orderings(
    graph: MoveGraph,
    concept: str,
    target: int,
    spaces: Sequence[OrderingSpace],
    judged: Sequence[int],
    base: Sequence[NDArray[np.int64]],
) -> Enumeration:
    """Visit every combination of the spaces' elements; keep those where ``target`` is stable
    under ``concept`` for every party in ``judged``.

    ``base[k]`` (shape (1, n)) is party ``k``'s preference when it does not vary. The caller
    checks the number of combinations against its limit before calling.
    """
    n = graph.model.n_states
    elements = tuple(space.elements() for space in spaces)
    sizes = [len(e) for e in elements]
    total = prod(sizes)
    fixed: dict[int, StabilityCheck] = {}
    if concept != "seq":
        fixed = {j: stability_check(graph, concept, j, target, base) for j in judged}
    gaps = [np.full((n, n), _BIG, dtype=np.int64) for _ in spaces]
    widths = [len(space.texts) if isinstance(space, StatementOrders) else 0 for space in spaces]
    order_gaps = [np.full((w, w), _BIG, dtype=np.int64) for w in widths]
    found: list[NDArray[np.int64]] = []
    step = _chunk_size(n, max(widths, default=0))
    for start in range(0, total, step):
        flat = np.arange(start, min(total, start + step), dtype=np.int64)
        digits = split_index(flat, sizes)
        levels = list(base)
        for space, rows, digit in zip(spaces, elements, digits, strict=True):
            levels[space.party] = space.levels(rows[digit])
        ok = np.ones(len(flat), dtype=bool)
        for j in judged:
            check = fixed.get(j) or stability_check(graph, concept, j, target, levels)
            own = levels[j]
            verdict = check.stable(own <= own[:, target : target + 1])
            ok &= np.broadcast_to(verdict, ok.shape)
        if not ok.any():
            continue
        found.append(flat[ok])
        for s, space in enumerate(spaces):
            gaps[s] = np.minimum(gaps[s], _gaps(levels[space.party][ok]))
            if widths[s]:
                chosen = elements[s][digits[s][ok]]
                position = np.empty_like(chosen)
                position[np.arange(len(chosen))[:, None], chosen] = np.arange(widths[s])
                # a before b: position[b] - position[a] > 0 in every counted order.
                order_gaps[s] = np.minimum(order_gaps[s], _gaps(-position))
    given = []
    for space, rows in zip(spaces, elements, strict=True):
        smallest = np.full((n, n), _BIG, dtype=np.int64)
        for start in range(0, len(rows), step):
            smallest = np.minimum(smallest, _gaps(space.levels(rows[start : start + step])))
        given.append(always_relation(smallest))
    satisfying = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    return Enumeration(
        total=total,
        satisfying=satisfying,
        elements=elements,
        better=tuple(
            always_relation(g) if len(satisfying) else np.zeros_like(g, bool) for g in gaps
        ),
        given=tuple(given),
        before=tuple(
            (always_relation(g) if len(satisfying) else np.zeros_like(g, bool)) if w else None
            for g, w in zip(order_gaps, widths, strict=True)
        ),
    )
