"""Scenarios the workbench offers to open: the shipped examples and the catalogue.

The examples live in the repository's ``examples/`` folder; wheels carry a copy inside the
package (``detente/examples``), so both a source checkout and an installed detente find them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from detente.catalogue import catalogue_ids, catalogue_path
from detente.errors import NotFoundError

__all__ = ["LibraryEntry", "library_entries", "library_text"]

#: The flagship first; the others in the order a newcomer would read them.
_EXAMPLE_ORDER = ("hanoi-2019", "singapore-2018", "escalation-2017", "prisoners-dilemma")


@dataclass(frozen=True)
class LibraryEntry:
    id: str
    title: str
    kind: str  # "example" or "catalogue"
    summary: str | None
    path: Path


def _examples_dir() -> Path | None:
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "examples", package.parent.parent / "examples"):
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate
    return None


def _heading(path: Path) -> tuple[str, str | None]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return path.stem, None
    if not isinstance(data, dict):
        return path.stem, None
    summary = data.get("summary")
    return str(data.get("title") or path.stem), None if summary is None else str(summary)


@cache
def library_entries() -> tuple[LibraryEntry, ...]:
    """Every entry: examples (flagship first), then the catalogue of published conflicts."""
    entries: list[LibraryEntry] = []
    folder = _examples_dir()
    if folder is not None:
        paths = sorted(
            folder.glob("*.yaml"),
            key=lambda p: (
                _EXAMPLE_ORDER.index(p.stem) if p.stem in _EXAMPLE_ORDER else 99,
                p.stem,
            ),
        )
        for path in paths:
            title, summary = _heading(path)
            entries.append(LibraryEntry(path.stem, title, "example", summary, path))
    taken = {e.id for e in entries}
    for entry_id in catalogue_ids():
        if entry_id in taken:
            continue
        path = catalogue_path(entry_id)
        title, summary = _heading(path)
        entries.append(LibraryEntry(entry_id, title, "catalogue", summary, path))
    return tuple(entries)


def library_text(entry_id: str) -> tuple[LibraryEntry, str]:
    """An entry and its scenario text; :class:`NotFoundError` for an unknown id."""
    for entry in library_entries():
        if entry.id == entry_id:
            return entry, entry.path.read_text(encoding="utf-8")
    known = ", ".join(e.id for e in library_entries())
    raise NotFoundError(f"no library entry {entry_id!r}; the library has {known}")
