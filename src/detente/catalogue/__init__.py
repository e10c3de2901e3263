"""A catalogue of published conflicts, each keyed to its source.

Every entry is one ``detente/1`` scenario file in this package's ``data/`` directory, named
``<id>.yaml``. Each records the sources it comes from and, under ``published_results``, the
equilibria the literature reports for it, so the entries serve both as worked examples
(``detente analyze elmira``) and as known-result test fixtures.
"""

from __future__ import annotations

import difflib
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "UnknownCatalogueEntry",
    "catalogue_ids",
    "catalogue_path",
    "load_catalogue",
]

_SUFFIX = ".yaml"


class UnknownCatalogueEntry(DetenteError, LookupError):  # noqa: N818 (name fixed by the API)
    """No catalogue entry has the requested id.

    Attributes
    ----------
    entry_id
        The id that was asked for.
    known
        Every id in the catalogue.
    suggestions
        Known ids close to ``entry_id``, best first (possibly empty).
    """

    def __init__(self, entry_id: str, known: list[str]):
        self.entry_id = entry_id
        self.known = known
        self.suggestions = difflib.get_close_matches(entry_id, known, n=3, cutoff=0.5)
        message = f"no catalogue entry {entry_id!r}"
        if self.suggestions:
            message += f"; did you mean {' or '.join(repr(s) for s in self.suggestions)}?"
        message += f" Known entries: {', '.join(known) or '(none)'}."
        super().__init__(message)


def _data_dir() -> Path:
    directory = files(__name__) / "data"
    if not isinstance(directory, Path):
        # Zip imports give a Traversable without a file-system path; the catalogue needs one.
        raise DetenteError(
            "the detente catalogue is not installed as ordinary files; "
            "reinstall detente from a wheel or a source checkout"
        )
    return directory


def catalogue_ids() -> list[str]:
    """Ids of every catalogue entry, sorted.

    Examples
    --------
    >>> "elmira" in catalogue_ids()
    True
    """
    return sorted(path.name.removesuffix(_SUFFIX) for path in _data_dir().glob(f"*{_SUFFIX}"))


def catalogue_path(entry_id: str) -> Path:
    """Path of the scenario file of a catalogue entry.

    Raises
    ------
    UnknownCatalogueEntry
        If no entry has that id; the message lists the known ids and the closest matches.
    """
    known = catalogue_ids()
    if entry_id not in known:
        raise UnknownCatalogueEntry(entry_id, known)
    return _data_dir() / f"{entry_id}{_SUFFIX}"


def load_catalogue(entry_id: str) -> Scenario:
    """Load a catalogue entry as a :class:`~detente.scenario.Scenario`.

    Raises
    ------
    UnknownCatalogueEntry
        If no entry has that id.
    """
    path = catalogue_path(entry_id)
    from detente.scenario import load_scenario

    return load_scenario(path)
