"""Errors raised by detente.

Every error detente raises on bad input derives from :class:`DetenteError` and also from the
builtin exception it most resembles, so ``except ValueError`` keeps working for callers that do
not know about detente. Messages say what was expected, where, and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DetenteError",
    "ExpressionError",
    "ModelTooLargeError",
    "NotFoundError",
    "Problem",
    "ScenarioError",
]


class DetenteError(Exception):
    """Base class of every error detente raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario.

    Attributes
    ----------
    location
        Where the problem is, as a path into the scenario (``graph_model.options[2].party``).
    message
        What is wrong.
    hint
        How to fix it, when there is something useful to say.
    line
        The 1-based line in the scenario file, when known.
    """

    location: str
    message: str
    hint: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.location or "scenario"
        if self.line is not None:
            where = f"line {self.line}, {where}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class ScenarioError(DetenteError, ValueError):
    """A scenario is malformed or inconsistent; carries every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], source: str | None = None):
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        head = f"{source}: " if source else ""
        count = len(self.problems)
        lines = [f"{head}{count} problem{'s' if count != 1 else ''} found:"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


class ExpressionError(DetenteError, ValueError):
    """A logical expression could not be parsed or refers to unknown names.

    Attributes
    ----------
    text
        The expression as written.
    position
        0-based character offset of the problem in ``text``.
    reason
        What is wrong, without the position marker.
    """

    def __init__(self, reason: str, text: str, position: int):
        self.reason = reason
        self.text = text
        self.position = position
        caret = " " * position + "^"
        super().__init__(f"{reason} at position {position + 1}:\n    {text}\n    {caret}")


class ModelTooLargeError(DetenteError, MemoryError):
    """A model would need more memory than allowed; raised before anything large is allocated."""


class NotFoundError(DetenteError, LookupError):
    """A party, state or other named thing asked for does not exist; the message lists what does."""
