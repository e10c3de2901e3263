"""Reading scenario text (YAML or JSON) into plain data while remembering line numbers.

Errors found later (by the schema or the compiler) name a path such as
``graph_model.options[2].party``; :class:`LineIndex` turns that path back into the line of the
file where the user wrote it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from detente.errors import Problem, ScenarioError

__all__ = ["MAX_DEPTH", "MAX_VALUES", "LineIndex", "check_shape", "format_location", "parse_text"]

Path = tuple[str | int, ...]


# libyaml's parser when PyYAML was built with it (about ten times faster, and it bounds
# nesting itself), else PyYAML's own; both with the safe constructor.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[misc,valid-type]
    """Safe YAML loader: only ``true``/``false`` are booleans (``yes``, ``no``, ``on``, ``off``
    stay text, so an option called ``on`` is not silently turned into ``True``)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass
class LineIndex:
    """Map from a path inside the document to the 1-based line it starts on."""

    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """Line of ``path`` or of its closest enclosing element."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def format_location(path: Sequence[str | int]) -> str:
    """``("graph_model", "options", 2, "party")`` → ``graph_model.options[2].party``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _index_node(node: yaml.Node, path: Path, index: LineIndex, problems: list[Problem]) -> None:
    index.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Hashable, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(
                        format_location((*path, key)),
                        f"key {key!r} appears twice (first on line {seen[key]})",
                        "keep one of them",
                        line,
                    )
                )
            seen[key] = line
            index.lines.setdefault((*path, key), line)
            _index_node(value_node, (*path, key), index, problems)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _index_node(item, (*path, position), index, problems)


def _compose(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers) and the data built from it, in one parse."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
    return node, data


def parse_text(text: str, source: str) -> tuple[Any, LineIndex]:
    """Parse YAML (JSON is YAML too) into plain data and a line index.

    Raises
    ------
    ScenarioError
        With the line and column of a syntax error, or every duplicated key.
    """
    if source.endswith(".json"):
        try:
            data = json.loads(text)
        except RecursionError:
            raise ScenarioError([_too_deep()], source) from None
        except json.JSONDecodeError as error:
            problem = Problem(
                "", f"invalid JSON: {error.msg} (column {error.colno})", None, error.lineno
            )
            raise ScenarioError([problem], source) from None
        check_shape(data, source)
        return data, LineIndex()
    try:
        node, data = _compose(text)
    except RecursionError:
        raise ScenarioError([_too_deep()], source) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        column = f" (column {mark.column + 1})" if mark is not None else ""
        reason = error.problem or error.context or "syntax error"
        if "nesting depth" in reason:  # libyaml's own bound, met before ours
            raise ScenarioError([_too_deep()], source) from None
        problem = Problem(
            "", f"invalid YAML: {reason}{column}", "check indentation, colons and quotes", line
        )
        raise ScenarioError([problem], source) from None
    except yaml.YAMLError as error:
        raise ScenarioError([Problem("", f"invalid YAML: {error}")], source) from None
    check_shape(data, source)
    index = LineIndex()
    problems: list[Problem] = []
    if node is not None:
        _index_node(node, (), index, problems)
    if problems:
        raise ScenarioError(problems, source)
    return data, index


MAX_DEPTH = 64
"""Deepest nesting of lists and mappings a scenario may have (real ones use fewer than 10)."""

MAX_VALUES = 200_000
"""Most values a scenario may hold once YAML aliases are expanded."""


def _too_deep() -> Problem:
    return Problem(
        "",
        f"the scenario is nested more than {MAX_DEPTH} levels deep",
        "scenario files nest a few levels; is this the right file?",
    )


def check_shape(data: Any, source: str) -> None:
    """Refuse data nested more than :data:`MAX_DEPTH` levels, holding more than
    :data:`MAX_VALUES` values once shared parts (YAML aliases) are counted each time they
    appear, or containing itself. Iterative and linear in the distinct objects, so hostile
    input ("billion laughs") is refused at once instead of being walked."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        item, finished = stack.pop()
        if not isinstance(item, Mapping | list):
            continue
        key = id(item)
        children = list(item.values()) if isinstance(item, Mapping) else item
        if finished:
            open_.discard(key)
            nested = [c for c in children if isinstance(c, Mapping | list)]
            size[key] = len(children) + sum(size[id(c)] for c in nested)
            depth[key] = 1 + max((depth[id(c)] for c in nested), default=0)
            if depth[key] > MAX_DEPTH:
                raise ScenarioError([_too_deep()], source)
            if size[key] > MAX_VALUES:
                raise ScenarioError(
                    [
                        Problem(
                            "",
                            f"the scenario holds more than {MAX_VALUES:,} values once its YAML "
                            "aliases (*name) are expanded",
                            "write the values out, or use fewer aliases",
                        )
                    ],
                    source,
                )
            continue
        if key in size:
            continue
        if key in open_:
            raise ScenarioError(
                [Problem("", "the scenario contains itself (a YAML alias inside its own anchor)")],
                source,
            )
        if len(open_) >= MAX_DEPTH:
            raise ScenarioError([_too_deep()], source)
        open_.add(key)
        stack.append((item, True))
        stack.extend((child, False) for child in children)


def resolve_path(data: Any, loc: Sequence[Any]) -> Path:
    """Keep the parts of a pydantic error location that are real keys or indices in ``data``.

    pydantic adds names of union members (``"list[...]"``, ``"RankingSpec"``) to locations;
    walking the data tells them apart from keys the user wrote.
    """
    path: list[str | int] = []
    current = data
    for part in loc:
        if (isinstance(current, Mapping) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            path.append(part)
            current = current[part]
        elif isinstance(current, Mapping) and isinstance(part, str) and not _looks_like_tag(part):
            path.append(part)
            current = None
    return tuple(path)


def _looks_like_tag(part: str) -> bool:
    return any(ch in part for ch in "[]") or part[:1].isupper() or part in {"str", "int"}
