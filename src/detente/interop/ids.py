"""Identifiers for imported models: names from other tools made into valid, unique detente ids."""

from __future__ import annotations

import re
import unicodedata

from detente.scenario.records import RESERVED

__all__ = ["unique_id"]


def unique_id(text: str, used: set[str], fallback: str, length: int = 40) -> str:
    """A unique identifier (letter first, then lower-case letters, digits, ``_``) made from
    ``text``; ``fallback`` prefixes names that do not start with a letter. Adds it to ``used``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:length].rstrip("_")
    if not base or not base[0].isalpha():
        base = f"{fallback}_{base}".rstrip("_")
    if base in RESERVED:
        base += "_"
    ident, k = base, 2
    while ident in used:
        ident, k = f"{base}_{k}", k + 1
    used.add(ident)
    return ident
