"""Counting the strict rankings of one party under which the target is stable, without listing them.

Fix every other party's preferences. Whether the target ``t`` is stable for party ``i`` then
depends only on which states ``i`` ranks below ``t`` (the lower set ``B``; see
:mod:`.sanctions`). Among the ``n!`` strict rankings of ``n`` states, a given lower set of size
``b`` occurs in ``b! (n-1-b)!`` of them. Three counts follow, cheapest first:

* **Nash, closed form.** Stable iff ``t`` is ranked above each of its ``k`` unilateral moves:
  ``t`` must be the best of ``k+1`` states, which holds in ``n!/(k+1)`` rankings.
* **GMR and SEQ, inclusion–exclusion.** Stable iff for every move ``s1`` the lower set meets
  ``A(s1) = {s1} ∪ sanctions(s1)`` (either ``s1`` is no improvement or some sanction leaves ``i``
  no better off). The rankings that *miss* every ``A(s1)`` for ``s1`` in a set ``J`` of moves are
  those with all of ``U_J = ∪_{s1 ∈ J} A(s1)`` above ``t``: ``n!/(|U_J|+1)`` of them. Hence
  ``count = Σ_J (-1)^|J| n!/(|U_J|+1)``, ``2^k`` terms.
* **Any concept, lower-set enumeration.** Only the ``r`` states that appear in the test matter;
  each of their ``2^r`` splits around ``t`` is tested once and weighted by the number of rankings
  inducing it: ``n! b! (r-b)! / (r+1)!`` for ``b`` of them below ``t``.

Each count also says which states lie above or below ``t`` in *every* counted ranking: these are
the conditions the target imposes (a state outside the test can sit on either side).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial

import numpy as np
from numpy.typing import NDArray

from detente.whatif.sanctions import StabilityCheck

__all__ = [
    "MAX_HITTING_SETS",
    "MAX_RELEVANT",
    "PartyCount",
    "count_by_closed_form",
    "count_by_hitting_sets",
    "count_by_lower_sets",
    "count_rankings",
    "counting_method",
]

#: Inclusion–exclusion is used for at most this many unilateral moves (2^k terms).
MAX_HITTING_SETS = 18
#: Lower-set enumeration is used for at most this many relevant states (2^r splits).
MAX_RELEVANT = 22

_CHUNK = 1 << 16


@dataclass(frozen=True)
class PartyCount:
    """How many strict rankings of one party make the target stable, and what they share.

    Attributes
    ----------
    count
        Number of strict rankings (of ``n!``) under which the target is stable for the party.
    method
        How the count was obtained, in words.
    above
        States ranked above the target in every counted ranking (indices into the model).
    below
        States ranked below the target in every counted ranking.
    """

    count: int
    method: str
    above: tuple[int, ...] = ()
    below: tuple[int, ...] = ()


def counting_method(check: StabilityCheck) -> str | None:
    """Which count applies (``closed form``, ``hitting sets`` or ``lower sets``), cheapest
    first, or ``None`` when each would be too large or the sanctions vary with the batch."""
    if check.concept == "nash":
        return "closed form"
    if check.sanctions.shape[0] != 1:
        return None
    sets = check.hitting_sets()
    if sets is not None and len(sets) <= MAX_HITTING_SETS:
        return "hitting sets"
    if len(check.relevant()) <= MAX_RELEVANT:
        return "lower sets"
    return None


def count_rankings(check: StabilityCheck, n: int) -> PartyCount | None:
    """The cheapest applicable count (see :func:`counting_method`), or ``None``."""
    method = counting_method(check)
    if method == "closed form":
        return count_by_closed_form(check, n)
    if method == "hitting sets":
        return count_by_hitting_sets(check.hitting_sets() or [], n)
    if method == "lower sets":
        return count_by_lower_sets(check, n)
    return None


def count_by_closed_form(check: StabilityCheck, n: int) -> PartyCount:
    """Nash stability: ``n!/(k+1)`` for ``k`` unilateral moves from the target."""
    k = len(check.moves)
    return PartyCount(
        factorial(n) // (k + 1),
        f"closed form n!/(k+1), n = {n} states, k = {k} unilateral moves",
        below=tuple(sorted(int(s) for s in check.moves)),
    )


def _signed_total(sizes: NDArray[np.int64], odd: NDArray[np.bool_], n: int) -> int:
    """``Σ_J (-1)^|J| n!/(size_J + 1)`` from the union sizes and parities of every ``J``."""
    top = int(sizes.max(initial=0)) + 1
    even_counts = np.bincount(sizes[~odd], minlength=top)
    odd_counts = np.bincount(sizes[odd], minlength=top)
    whole = factorial(n)
    return sum(
        (int(e) - int(o)) * (whole // (size + 1))
        for size, (e, o) in enumerate(zip(even_counts, odd_counts, strict=True))
        if e != o
    )


def count_by_hitting_sets(sets: list[NDArray[np.int64]], n: int) -> PartyCount:
    """Rankings of ``n`` states whose lower set meets every one of ``sets``, by
    inclusion–exclusion over the ``2^k`` unions."""
    universe = np.unique(np.concatenate([np.zeros(0, dtype=np.int64), *sets]))
    words = max(1, (len(universe) + 63) // 64)
    table = np.zeros((1, words), dtype=np.uint64)
    for members in sets:
        row = np.zeros(words, dtype=np.uint64)
        for position in np.searchsorted(universe, members):
            row[position // 64] |= np.uint64(1) << np.uint64(position % 64)
        # Doubling: the subsets containing this set come after those without it.
        table = np.concatenate([table, table | row[None, :]])
    sizes = np.bitwise_count(table).sum(axis=1).astype(np.int64)
    odd = (np.bitwise_count(np.arange(len(table), dtype=np.uint64)) & 1).astype(bool)
    count = _signed_total(sizes, odd, n)
    above, below = [], []
    if count:
        for position, state in enumerate(universe):
            word = table[:, position // 64] >> np.uint64(position % 64)
            missing = 1 - (word & np.uint64(1)).astype(np.int64)
            with_state_above = _signed_total(sizes + missing, odd, n)
            if with_state_above == 0:
                below.append(int(state))
            elif with_state_above == count:
                above.append(int(state))
    return PartyCount(
        count,
        f"inclusion–exclusion over the {len(sets)} unilateral moves from the target "
        f"({len(table)} terms)",
        tuple(above),
        tuple(below),
    )


def count_by_lower_sets(check: StabilityCheck, n: int) -> PartyCount:
    """Any concept with sanctions fixed: test every split of the relevant states around the
    target and weight each by the rankings that induce it."""
    relevant = check.relevant()
    r = len(relevant)
    local = np.concatenate([[check.target], relevant]).astype(np.int64)
    position = np.full(n, -1, dtype=np.int64)
    position[local] = np.arange(r + 1)
    restricted = StabilityCheck(
        check.concept,
        0,
        position[check.moves],
        check.sanctions[:, :, local],
        None if check.escapes is None else check.escapes[np.ix_(local, local)],
    )
    histogram = np.zeros(r + 1, dtype=np.int64)
    every = np.uint64((1 << r) - 1)
    always, ever = every, np.uint64(0)
    shifts = np.arange(r, dtype=np.uint64)
    for start in range(0, 1 << r, _CHUNK):
        masks = np.arange(start, min(1 << r, start + _CHUNK), dtype=np.uint64)
        below = np.ones((len(masks), r + 1), dtype=bool)
        below[:, 1:] = ((masks[:, None] >> shifts) & np.uint64(1)).astype(bool)
        kept = masks[restricted.stable(below)]
        if len(kept):
            histogram += np.bincount(np.bitwise_count(kept).astype(np.int64), minlength=r + 1)
            always &= np.bitwise_and.reduce(kept)
            ever |= np.bitwise_or.reduce(kept)
    whole, span = factorial(n), factorial(r + 1)
    count = sum(
        int(histogram[b]) * (whole // span) * factorial(b) * factorial(r - b) for b in range(r + 1)
    )
    above, below_always = [], []
    if count:
        for bit, state in enumerate(relevant):
            if (int(always) >> bit) & 1:
                below_always.append(int(state))
            elif not (int(ever) >> bit) & 1:
                above.append(int(state))
    return PartyCount(
        count,
        f"lower-set enumeration: 2^{r} splits of the {r} states that matter",
        tuple(above),
        tuple(below_always),
    )
