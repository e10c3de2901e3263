"""Edits made as data are written back into the YAML text, changing only what changed."""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("ruamel.yaml")

from hypothesis import given, settings
from hypothesis import strategies as st

from detente.catalogue import catalogue_ids, catalogue_path
from detente.workbench.yaml_edit import merge_into_text

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "examples").glob("*.yaml")) + [catalogue_path(i) for i in catalogue_ids()]
HANOI = (ROOT / "examples" / "hanoi-2019.yaml").read_text(encoding="utf-8")


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_writing_back_the_same_data_changes_nothing(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    merged = merge_into_text(text, yaml.safe_load(text))
    assert merged is not None
    assert yaml.safe_load(merged) == yaml.safe_load(text)
    if path.stem != "elmira":  # its one flow list spread over two lines is joined
        assert merged == text


def test_one_changed_value_changes_one_line() -> None:
    document = yaml.safe_load(HANOI)
    document["bargaining"]["preferences"]["us"]["reservation"] = 0.3
    merged = merge_into_text(HANOI, document)
    assert yaml.safe_load(merged) == document
    assert changed_lines(HANOI, merged) == ["-      reservation: 0.55", "+      reservation: 0.3"]


def test_reordered_statements_keep_their_comments_and_folded_reasons() -> None:
    text = HANOI.replace(
        "      - expr: not resume_tests\n",
        "      - expr: not resume_tests  # the moratorium\n",
        1,
    )
    document = yaml.safe_load(text)
    us = document["graph_model"]["preferences"]["us"]
    us[0], us[1] = us[1], us[0]
    merged = merge_into_text(text, document)
    assert yaml.safe_load(merged) == document
    assert "- expr: not resume_tests  # the moratorium" in merged
    assert "        because: >-\n          No relief short of complete denuclearisation" in merged
    # Only the two statements moved: every line of each still appears once.
    assert sorted(text.splitlines()) == sorted(merged.splitlines())


def test_text_that_cannot_be_edited_in_place_is_left_to_a_fresh_dump() -> None:
    assert merge_into_text('{"format": "detente/1"}', {"format": "detente/1"}) is None
    assert merge_into_text("- a\n- b\n", {"a": 1}) is None
    assert merge_into_text("a: [unclosed\n", {"a": 1}) is None


# Random edits of the Hanoi document: whatever the edit, the text reads back as exactly it.

_PATHS: list[tuple[Any, ...]] = []


def _collect(node: Any, path: tuple[Any, ...]) -> None:
    _PATHS.append(path)
    if isinstance(node, dict):
        for key, value in node.items():
            _collect(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _collect(value, (*path, index))


_HANOI_DATA = yaml.safe_load(HANOI)
_collect(_HANOI_DATA, ())
WORDS = st.text("abcxyz ", min_size=1, max_size=12).map(str.strip).filter(bool)
SCALARS = st.one_of(
    st.integers(-5, 5),
    st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 3)),
    WORDS,
    st.booleans(),
)
# Text YAML treats specially: the edit must still read back exactly, or fall back.
HOSTILE = st.one_of(SCALARS, st.text("abc xyz:#-'\"{}[],&*!|>%@`", min_size=1, max_size=12))


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


def _edits(values: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    return st.lists(
        st.tuples(
            st.sampled_from(_PATHS[1:]),
            st.sampled_from(["set", "delete", "reverse", "add"]),
            values,
        ),
        min_size=1,
        max_size=4,
    )


def _read(text: str) -> Any:
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@settings(max_examples=60, deadline=None)
@given(edits=_edits(SCALARS))
def test_any_edit_of_plain_values_is_written_in_place(
    edits: list[tuple[tuple[Any, ...], str, Any]],
) -> None:
    document = _edited(edits)
    merged = merge_into_text(HANOI, document)
    assert merged is not None
    assert _read(merged) == document


@settings(max_examples=60, deadline=None)
@given(edits=_edits(HOSTILE))
def test_any_edit_reads_back_exactly_or_is_left_to_a_fresh_dump(
    edits: list[tuple[tuple[Any, ...], str, Any]],
) -> None:
    document = _edited(edits)
    merged = merge_into_text(HANOI, document)
    if merged is not None:
        assert _read(merged) == document


def _edited(edits: list[tuple[tuple[Any, ...], str, Any]]) -> Any:
    document = copy.deepcopy(_HANOI_DATA)
    for path, action, value in edits:
        try:
            parent, key = _at(document, path[:-1]), path[-1]
            target = parent[key]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed it
        if action == "set":
            parent[key] = value
        elif action == "delete":
            del parent[key]
        elif action == "reverse" and isinstance(target, list):
            target.reverse()
        elif action == "add" and isinstance(target, dict):
            target["added_field"] = value
        elif action == "add" and isinstance(target, list):
            target.append(copy.deepcopy(value))
    return document


def test_a_value_ruamel_would_write_unreadably_falls_back() -> None:
    # ruamel.yaml writes this new value into a flow mapping unquoted, which no parser reads.
    document = yaml.safe_load(HANOI)
    evidence = document["graph_model"]["preferences"]["us"][0]["evidence"][0]
    evidence["added_field"] = ":accx  b-#"
    assert merge_into_text(HANOI, document) is None  # the caller then dumps the data afresh
