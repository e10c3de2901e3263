"""Memory budget for dense state arrays, checked before anything large is allocated.

The engine keeps a handful of arrays with one cell per *possible* state (``2**n`` for ``n``
options), a few bytes per cell per party. A model whose arrays would not fit is refused with its
size and the limit, instead of exhausting the machine's memory.
"""

from __future__ import annotations

import os

from detente.errors import ModelTooLargeError

__all__ = ["BYTES_PER_CELL", "check_dense_budget", "dense_bytes", "memory_limit"]

#: Upper estimate of the engine's working memory per possible state: shared arrays plus
#: per-party preference levels, sanctions and the sorted fibres used by sequential stability.
BYTES_PER_CELL = 48
BYTES_PER_CELL_PER_PARTY = 56

_DEFAULT_LIMIT = 16 * 2**30


def memory_limit() -> int:
    """Bytes the engine may use: ``DETENTE_MEMORY_LIMIT`` (e.g. ``8G``), else 16 GiB,
    never more than 90% of the machine's physical memory."""
    text = os.environ.get("DETENTE_MEMORY_LIMIT", "").strip()
    limit = _DEFAULT_LIMIT
    if text:
        limit = _parse_size(text)
    physical = _physical_memory()
    if physical:
        limit = min(limit, int(physical * 0.9))
    return limit


def _parse_size(text: str) -> int:
    units = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    stripped = text.upper().removesuffix("B").removesuffix("I")
    factor = units.get(stripped[-1:], 1)
    number = stripped[:-1] if stripped[-1:] in units else stripped
    try:
        return int(float(number) * factor)
    except ValueError:
        raise ModelTooLargeError(
            f"DETENTE_MEMORY_LIMIT={text!r} is not a size; write it like 8G or 512M"
        ) from None


def _physical_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def dense_bytes(n_options: int, n_parties: int) -> int:
    """Estimated peak bytes for a model with ``n_options`` options and ``n_parties`` parties."""
    return (1 << n_options) * (BYTES_PER_CELL + BYTES_PER_CELL_PER_PARTY * n_parties)


def _human(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} EiB"


def check_dense_budget(n_options: int, n_parties: int) -> None:
    """Raise :class:`ModelTooLargeError` if a model of this size would exceed the memory limit."""
    limit = memory_limit()
    need = dense_bytes(n_options, n_parties) if n_options < 200 else float("inf")
    if need > limit:
        raise ModelTooLargeError(
            f"a model with {n_options} options and {n_parties} parties has 2^{n_options} = "
            f"{2**n_options:,} possible states and would need about {_human(need)}, over the "
            f"limit of {_human(limit)}; reduce the number of options (each one doubles the "
            "state space), split the conflict into smaller models, or raise "
            "DETENTE_MEMORY_LIMIT on a larger machine"
        )
