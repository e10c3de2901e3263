"""Write an edited scenario back into its YAML text, keeping what the edit did not touch.

The form edits the scenario as data. Dumping that data afresh would throw away the file's
comments, folded paragraphs and key order, and a one-value change would rewrite every line.
Instead, the old text is read with its layout (ruamel.yaml's round trip), the new data is merged
into it value by value, and only what changed is written differently: list items are matched to
their old selves (by ``id``, then by value) so that reordering statements keeps each one's
comments and style.
"""

from __future__ import annotations

import io
import itertools
import json
import math
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from detente.errors import ScenarioError
from detente.scenario.document import parse_text

__all__ = ["merge_into_text"]


def merge_into_text(old_text: str, document: Any) -> str | None:
    """``old_text`` changed to hold ``document``, or ``None`` when the old text cannot be
    edited in place (not YAML, not a mapping, JSON) or the edited text would not read back as
    exactly ``document`` (ruamel.yaml writes some new values inside flow mappings in a form
    no parser accepts): the caller then writes the data afresh."""
    if old_text.lstrip().startswith("{"):
        return None  # JSON: a fresh dump is as faithful as an edit
    yaml = YAML()
    yaml.width = 4096  # never re-wrap lines the edit did not touch
    yaml.preserve_quotes = True
    mapping, offset = _indents(old_text)
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    try:
        tree = yaml.load(old_text)
    except (YAMLError, ValueError, TypeError):
        return None
    if not isinstance(tree, CommentedMap) or not isinstance(document, dict):
        return None
    merged = _merge(tree, document)
    out = io.StringIO()
    yaml.dump(merged, out)
    text = out.getvalue()
    return text if _reads_back(text, document) else None


def _reads_back(text: str, document: Any) -> bool:
    """Whether ``text``, read as detente reads scenarios, is ``document`` (as JSON data)."""
    try:
        data, _ = parse_text(text, "edited scenario")
    except ScenarioError:
        return False
    return bool(_plain(data) == _plain(document))


def _plain(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def _indents(text: str) -> tuple[int, int]:
    """How the text indents a nested mapping, and how far the dash of a nested list sits from
    its key (the first of each found; 2 and 2 otherwise, detente's own style)."""
    mapping = offset = None
    lines = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    for line, following in itertools.pairwise(lines):
        if not line.rstrip().endswith(":"):
            continue
        step = (len(following) - len(following.lstrip())) - (len(line) - len(line.lstrip()))
        if following.lstrip().startswith("- "):
            offset = step if offset is None and step >= 0 else offset
        elif mapping is None and step > 0:
            mapping = step
        if mapping is not None and offset is not None:
            break
    return mapping or 2, 2 if offset is None else offset


def _same(old: Any, new: Any) -> bool:
    """Whether the old value already says what the new one does (so it is kept, style and
    all). Dates read back as text and non-finite numbers as null count as unchanged."""
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, date) and isinstance(new, str):
        return str(old) == new
    if isinstance(old, float) and not math.isfinite(old) and new is None:
        return True
    if isinstance(old, CommentedMap | CommentedSeq) or isinstance(new, dict | list):
        return False
    return bool(old == new) and (isinstance(old, str) == isinstance(new, str))


def _merge(old: Any, new: Any) -> Any:
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = _merge(old[key], value) if key in old else value
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        pool = list(range(len(old)))
        items, origins = [], []
        for value in new:
            found = _match(old, pool, value)
            if found is None:
                items.append(value)
            else:
                pool.remove(found)
                items.append(_merge(old[found], value))
            origins.append(found)
        if origins == list(range(len(old))) and all(
            a is b for a, b in zip(items, old, strict=True)
        ):
            return old  # same items in the same order: keep the list as it is
        fresh = CommentedSeq(items)
        if old.fa.flow_style():
            fresh.fa.set_flow_style()
        else:
            fresh.fa.set_block_style()
        for k, found in enumerate(origins):  # comments travel with their items
            if found is not None and found in old.ca.items:
                fresh.ca.items[k] = old.ca.items[found]
        return fresh
    return old if _same(old, new) else new


def _match(old: CommentedSeq, pool: list[int], value: Any) -> int | None:
    """The position of the old item that ``value`` is an edit of: the same ``id``, else an
    equal item, else the mapping sharing the most fields with it; ``None`` for a new item."""
    if isinstance(value, dict) and "id" in value:
        for k in pool:
            if isinstance(old[k], CommentedMap) and old[k].get("id") == value["id"]:
                return k
    for k in pool:
        if _equal(old[k], value):
            return k
    if not isinstance(value, dict):
        return None
    best, shared = None, 0
    for k in pool:
        if isinstance(old[k], CommentedMap):
            count = sum(key in old[k] and _equal(old[k][key], v) for key, v in value.items())
            if count > shared:
                best, shared = k, count
    return best


def _equal(old: Any, new: Any) -> bool:
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_equal(old[k], new[k]) for k in new)
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        return len(old) == len(new) and all(_equal(a, b) for a, b in zip(old, new, strict=True))
    return _same(old, new)
