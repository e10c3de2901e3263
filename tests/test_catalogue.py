"""The catalogue of published conflicts: every entry loads and reproduces its published results."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from detente.catalogue import (
    UnknownCatalogueEntry,
    catalogue_ids,
    catalogue_path,
    load_catalogue,
)
from detente.errors import DetenteError

ENTRIES = catalogue_ids()
REQUIRED = ("prisoners-dilemma", "chicken", "syria-iraq-1975", "elmira")


def raw(entry_id: str) -> dict[str, Any]:
    """The entry's file as plain data, read independently of detente's loader."""
    with catalogue_path(entry_id).open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def published_cases() -> list[Any]:
    """One case per (entry, published source, concept), with a readable id."""
    cases = []
    for entry_id in ENTRIES:
        for number, result in enumerate(raw(entry_id).get("published_results") or []):
            for concept, codes in result["equilibria"].items():
                case_id = f"{entry_id}-{result['source']}-{number}-{concept}"
                cases.append(pytest.param(entry_id, concept, codes, id=case_id))
    return cases


def evidence_items(node: Any) -> list[dict[str, Any]]:
    """Every evidence record anywhere in a scenario's data."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "evidence" and isinstance(value, list):
                found.extend(item for item in value if isinstance(item, dict))
            else:
                found.extend(evidence_items(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(evidence_items(value))
    return found


def test_required_entries_are_present() -> None:
    assert set(REQUIRED) <= set(ENTRIES)
    assert sorted(ENTRIES) == ENTRIES


@pytest.mark.parametrize("entry_id", ENTRIES)
def test_entry_file_is_named_after_its_id_and_has_published_results(entry_id: str) -> None:
    path = catalogue_path(entry_id)
    assert path.is_file()
    assert path.stem == entry_id
    data = raw(entry_id)
    assert data["format"] == "detente/1"
    assert data.get("published_results"), "a catalogue entry must record published equilibria"


@pytest.mark.parametrize("entry_id", ENTRIES)
def test_every_cited_source_is_declared(entry_id: str) -> None:
    data = raw(entry_id)
    declared = {source["id"] for source in data.get("sources") or []}
    assert declared, "a catalogue entry must declare its sources"
    cited = [item["source"] for item in evidence_items(data)]
    cited += [result["source"] for result in data["published_results"]]
    undeclared = sorted(set(cited) - declared)
    assert not undeclared, f"sources cited but not declared: {undeclared}"


@pytest.mark.parametrize("entry_id", ENTRIES)
def test_entry_loads_to_a_graph_model(entry_id: str) -> None:
    scenario = load_catalogue(entry_id)
    model = scenario.graph_model
    assert model is not None
    data = raw(entry_id)
    assert [option.id for option in model.options] == [
        option["id"] for option in data["graph_model"]["options"]
    ]
    assert [party.id for party in model.parties] == [party["id"] for party in data["parties"]]


@pytest.mark.parametrize(("entry_id", "concept", "published"), published_cases())
def test_engine_reproduces_published_equilibria(
    entry_id: str, concept: str, published: list[str]
) -> None:
    from detente.graph_model.stability import analyze_stability

    model = load_catalogue(entry_id).graph_model
    assert model is not None
    computed = analyze_stability(model).equilibria(concept)
    assert len(computed) == len(published), f"{concept}: got {computed}, published {published}"
    assert set(computed) == set(published)


def test_unknown_id_lists_known_entries_and_close_matches() -> None:
    with pytest.raises(UnknownCatalogueEntry) as caught:
        catalogue_path("elmria")
    error = caught.value
    assert isinstance(error, DetenteError)
    assert isinstance(error, LookupError)
    assert error.suggestions == ["elmira"]
    assert "did you mean 'elmira'" in str(error)
    for entry_id in ENTRIES:
        assert entry_id in str(error)


def test_unknown_id_without_close_match_still_lists_entries() -> None:
    with pytest.raises(UnknownCatalogueEntry) as caught:
        load_catalogue("no-such-conflict-anywhere")
    assert caught.value.suggestions == []
    assert "prisoners-dilemma" in str(caught.value)


def test_ids_cannot_escape_the_catalogue_directory() -> None:
    with pytest.raises(UnknownCatalogueEntry):
        catalogue_path("../catalogue/data/elmira")
