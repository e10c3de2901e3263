"""What every ``detente`` command shares: consoles, error handling, loading scenarios."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from detente.errors import DetenteError
from detente.scenario import Scenario, load_scenario

__all__ = [
    "FileArgument",
    "UsageError",
    "check_format",
    "err",
    "load_target",
    "out",
    "user_errors",
    "values_text",
    "write_mapping",
]

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class UsageError(Exception):
    """Bad input: print the message and exit with code 2."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Print detente's and usage errors as plain messages and exit with code 2."""
    try:
        yield
    except (DetenteError, UsageError) as error:
        err.print("[bold red]error:[/] ", end="")
        err.print(str(error), markup=False, highlight=False)
        raise typer.Exit(2) from None


def check_format(value: str) -> None:
    """Output formats every command offers."""
    if value not in {"table", "json"}:
        raise UsageError(f"unknown format {value!r}; use table or json")


def load_target(target: str) -> Scenario:
    """A scenario file, or a catalogue entry when no such file exists."""
    path = Path(target)
    if path.exists() or path.suffix in {".yaml", ".yml", ".json"}:
        return load_scenario(path)
    from detente.catalogue import catalogue_ids, load_catalogue

    if target in catalogue_ids():
        return load_catalogue(target)
    raise UsageError(
        f"no file {target!r} and no catalogue entry of that name; "
        f"catalogue entries: {', '.join(catalogue_ids())}"
    )


def values_text(values: Mapping[str, str], separator: str = ", ") -> str:
    """``issue=value`` pairs of an outcome."""
    return separator.join(f"{issue}={value}" for issue, value in values.items())


def write_mapping(document: Mapping[str, Any], output: Path) -> None:
    """Write a scenario mapping as YAML, saying where."""
    from detente.interop.gmcr import scenario_yaml

    try:
        output.write_text(scenario_yaml(document), encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror}") from None
    out.print(f"changed scenario written to {output}", markup=False)


FileArgument = Annotated[
    str, typer.Argument(help="Scenario file (YAML or JSON), or a catalogue id such as elmira.")
]
