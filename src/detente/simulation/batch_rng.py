"""Many seeded random streams replayed at once, draw for draw as NumPy would give them.

The random strategy (:class:`~detente.simulation.RandomOffers`) calls its party's
:class:`numpy.random.Generator` once per round: ``integers(n_outcomes)`` when it proposes,
``random()`` when it answers. To run thousands of such negotiations in lockstep, the vectorised
engine draws each stream's raw 64-bit words up front (``PCG64.random_raw``, one call per
stream) and turns them into the same values with array arithmetic, following NumPy's
documented algorithms for the default bit generator:

- ``random()`` is ``(x >> 11) * 2**-53`` for the next 64-bit word ``x`` (53 random bits, the
  method of Vigna's ``xoroshiro`` notes that NumPy adopted).
- ``integers(n)`` for ``1 < n <= 2**32`` takes the next 32-bit draw ``y`` and returns the high
  half of ``y * n`` (Lemire 2019, "Fast random integer generation in an interval", ACM TOMACS
  29(1):3, Algorithm 5), drawing again while the low half is below ``(2**32 - n) mod n``;
  ``integers(1)`` draws nothing.
- A 32-bit draw uses the low half of a fresh 64-bit word and keeps the high half for the next
  32-bit draw (PCG64's ``next_uint32`` buffer); 64-bit draws do not touch that buffer.

``tests/test_simulation_batch.py`` checks these rules against NumPy's own generators, including
the rare rejection path and streams that run past their first block of words.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from detente.simulation.errors import SimulationError

__all__ = ["RandomStreams", "Source"]

_LOW = np.uint64(0xFFFFFFFF)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2 ** -53
_MAX_OUTCOMES = 2**32 - 1

#: Where a stream's words come from: a bit generator that has produced nothing yet (owned by
#: this stream, continued when it runs out), or an integer seed shared by several streams
#: (each is ``np.random.default_rng(seed)``, replayed from the start when it runs out).
Source = np.random.PCG64 | int


class RandomStreams:
    """One NumPy ``Generator`` stream per row, advanced for chosen rows at once.

    Parameters
    ----------
    sources
        One source per row (see :data:`Source`).
    width
        How many 64-bit words to draw per stream up front; a stream that needs more is extended
        (rejection sampling in ``integers`` may take extra words, rarely).
    """

    def __init__(self, sources: Sequence[Source], width: int) -> None:
        rows = len(sources)
        self._sources: list[Source] = list(sources)
        self._raw = np.zeros((rows, max(width, 1)), dtype=np.uint64)
        self._filled = np.zeros(rows, dtype=np.int64)
        self._pos = np.zeros(rows, dtype=np.int64)
        self._has32 = np.zeros(rows, dtype=bool)
        self._buf32 = np.zeros(rows, dtype=np.uint64)
        shared: dict[int, NDArray[np.uint64]] = {}
        for row, source in enumerate(self._sources):
            if isinstance(source, int):
                if source not in shared:
                    shared[source] = np.random.PCG64(source).random_raw(self._raw.shape[1])
                self._raw[row] = shared[source]
            else:
                self._raw[row] = source.random_raw(self._raw.shape[1])
        self._filled[:] = self._raw.shape[1]

    def __len__(self) -> int:
        return len(self._sources)

    def _extend(self, rows: NDArray[np.int64]) -> None:
        """Give ``rows`` twice as many words (the continuation of their own streams)."""
        width = self._raw.shape[1]
        wider = np.zeros((len(self._sources), 2 * width), dtype=np.uint64)
        wider[:, :width] = self._raw
        self._raw = wider
        for row in rows.tolist():
            source = self._sources[row]
            start = int(self._filled[row])
            if isinstance(source, int):  # a shared seed: this row takes its own copy now
                source = np.random.PCG64(source)
                source.random_raw(start)
                self._sources[row] = source
            self._raw[row, start:] = source.random_raw(2 * width - start)
            self._filled[row] = 2 * width

    def _next64(self, rows: NDArray[np.int64]) -> NDArray[np.uint64]:
        at = self._pos[rows]
        short = at >= self._filled[rows]
        if short.any():
            self._extend(rows[short])
        words: NDArray[np.uint64] = self._raw[rows, at]
        self._pos[rows] = at + 1
        return words

    def _next32(self, rows: NDArray[np.int64]) -> NDArray[np.uint64]:
        out = np.empty(len(rows), dtype=np.uint64)
        buffered = self._has32[rows]
        if buffered.any():
            keep = rows[buffered]
            out[buffered] = self._buf32[keep]
            self._has32[keep] = False
        fresh = ~buffered
        if fresh.any():
            take = rows[fresh]
            words = self._next64(take)
            out[fresh] = words & _LOW
            self._buf32[take] = words >> np.uint64(32)
            self._has32[take] = True
        return out

    def random(self, rows: NDArray[np.int64]) -> NDArray[np.float64]:
        """``Generator.random()`` once for each of ``rows`` (distinct row indices)."""
        words = self._next64(rows) >> np.uint64(11)
        values: NDArray[np.float64] = words.astype(np.float64) * _TO_UNIT
        return values

    def integers(self, rows: NDArray[np.int64], n: int) -> NDArray[np.int64]:
        """``Generator.integers(n)`` once for each of ``rows`` (distinct row indices)."""
        if not 1 <= n <= _MAX_OUTCOMES:
            raise SimulationError(
                f"the vectorised random strategy draws from at most {_MAX_OUTCOMES:,} outcomes, "
                f"got {n:,}; run this negotiation with the plain engine"
            )
        if n == 1:  # NumPy returns the only value without drawing
            return np.zeros(len(rows), dtype=np.int64)
        span = np.uint64(n)
        threshold = np.uint64((2**32 - n) % n)
        product = self._next32(rows) * span
        redo = np.flatnonzero((product & _LOW) < threshold)
        while redo.size:
            again = self._next32(rows[redo]) * span
            product[redo] = again
            redo = redo[(again & _LOW) < threshold]
        drawn: NDArray[np.int64] = (product >> np.uint64(32)).astype(np.int64)
        return drawn
