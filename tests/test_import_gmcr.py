"""Importing GMCR+ (gmcr-py) ``.gmcr`` files as detente/1 scenarios.

State numbers in GMCR+ rankings are hand-converted in the comments: options are put in
decision-maker order, option k is bit k of a decimal code (and position k of the Y/N code, first
option leftmost), and a state's number is the 1-based position of its decimal code among the
feasible codes sorted ascending.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from detente.errors import ScenarioError
from detente.graph_model.stability import CONCEPTS, analyze_stability
from detente.interop import gmcr_to_scenario, import_gmcr, read_gmcr
from detente.scenario import load_scenario, load_scenario_data

FIXTURES = Path(__file__).parent / "fixtures" / "gmcr"


def convert(name: str) -> dict[str, Any]:
    return gmcr_to_scenario(read_gmcr(FIXTURES / name), file_name=name)


def problems_of(data_or_text: Any) -> list[tuple[str, str]]:
    """(location, message) of every problem reported for a GMCR+ document."""
    with pytest.raises(ScenarioError) as caught:
        if isinstance(data_or_text, str | Path):
            read_gmcr(data_or_text)
        else:
            gmcr_to_scenario(data_or_text)
    return [(p.location, p.message) for p in caught.value.problems]


def exprs(items: list[dict[str, str]]) -> list[str]:
    return [item["expr"] for item in items]


# -- conversion ------------------------------------------------------------------------------


def test_prisoners_dilemma_is_converted_statement_by_statement() -> None:
    scenario = convert("prisoners.gmcr")
    assert list(scenario) == ["format", "title", "summary", "sources", "parties", "graph_model"]
    assert scenario["format"] == "detente/1"
    assert scenario["title"] == "prisoners"
    assert scenario["parties"] == [
        {"id": "prisoner_1", "name": "Prisoner 1"},
        {"id": "prisoner_2", "name": "Prisoner 2"},
    ]
    graph = scenario["graph_model"]
    # Both options are called "Cooperate": the second id gets a suffix, the label keeps the name.
    assert graph["options"] == [
        {"id": "cooperate", "party": "prisoner_1", "label": "Cooperate"},
        {"id": "cooperate_2", "party": "prisoner_2", "label": "Cooperate"},
    ]
    assert graph["infeasible"] == []
    assert exprs(graph["preferences"]["prisoner_1"]) == ["cooperate_2", "not cooperate"]
    assert exprs(graph["preferences"]["prisoner_2"]) == ["cooperate", "not cooperate_2"]
    assert graph["preferences"]["prisoner_1"][0]["because"] == "Imported from GMCR+ condition -Y"
    source = scenario["sources"][0]
    assert source["id"] == "gmcr-import"
    assert "prisoners.gmcr" in source["title"]
    assert "gmcr-py 0.3.13" in source["note"]
    assert "2 decision makers, 2 options, 4 feasible states" in scenario["summary"]
    assert "option prioritisation" in scenario["summary"]


def test_chicken_manual_ranking_becomes_state_codes() -> None:
    graph = convert("chicken.gmcr")["graph_model"]
    # No infeasibles: numbers 1..4 are decimals 0..3 = NN, YN, NY, YY.
    # Driver 1 [2, 1, 3, 4] = YN, NN, NY, YY; Driver 2 [3, 1, 2, 4] = NY, NN, YN, YY.
    assert graph["preferences"]["driver_1"]["ranking"] == ["YN", "NN", "NY", "YY"]
    assert graph["preferences"]["driver_2"]["ranking"] == ["NY", "NN", "YN", "YY"]
    assert "numbers 2, 1, 3, 4" in graph["preferences"]["driver_1"]["because"]


def test_old_format_elmira_ranking_with_infeasibles_and_ties() -> None:
    scenario = convert("elmira_old_format.gmcr")
    graph = scenario["graph_model"]
    assert [(o["id"], o.get("moves", "both")) for o in graph["options"]] == [
        ("modify", "forward"),
        ("delay", "backward"),
        ("accept", "both"),
        ("abandon", "forward"),
        ("insist", "both"),
    ]
    assert exprs(graph["infeasible"]) == [
        "delay and accept",
        "delay and abandon",
        "accept and abandon",
        "not delay and not accept and not abandon",
    ]
    # Exactly one of delay (2), accept (4), abandon (8); modify = 1, insist = 16. Feasible
    # decimals ascending and their numbers: 2 NYNNN=1, 3 YYNNN=2, 4 NNYNN=3, 5 YNYNN=4,
    # 8 NNNYN=5, 9 YNNYN=6, 18 NYNNY=7, 19 YYNNY=8, 20 NNYNY=9, 21 YNYNY=10, 24 NNNYY=11,
    # 25 YNNYY=12. The file's vectors are the published rankings (Kilgour & Hipel 2005).
    preferences = graph["preferences"]
    assert preferences["ministry_of_environment"]["ranking"] == [
        "NNYNY",
        "NNYNN",
        "YNYNN",
        "YNYNY",
        "NYNNY",
        "NYNNN",
        "YYNNN",
        "YYNNY",
        ["NNNYY", "NNNYN", "YNNYN", "YNNYY"],
    ]
    assert preferences["uniroyal"]["ranking"] == [
        "NYNNN",
        "YNYNN",
        "YNYNY",
        "NYNNY",
        ["NNNYN", "NNNYY", "YNNYN", "YNNYY"],
        "YYNNN",
        "NNYNN",
        "NNYNY",
        "YYNNY",
    ]
    assert preferences["local_government"]["ranking"] == [
        "NNYNY",
        "NNYNN",
        "NYNNY",
        "NYNNN",
        "YNYNY",
        "YYNNY",
        "YNYNN",
        "YYNNN",
        ["NNNYY", "NNNYN", "YNNYY", "YNNYN"],
    ]
    assert "12 feasible states" in scenario["summary"]
    assert "file saved by gmcr-py." in scenario["sources"][0]["note"]


def test_compound_conditions_irreversible_options_and_dm_order() -> None:
    scenario = convert("compound.gmcr")
    graph = scenario["graph_model"]
    # File order is dam, protest, share, sue; GMCR+ numbers bits in decision-maker order.
    assert [(o["id"], o["party"], o.get("moves")) for o in graph["options"]] == [
        ("build_dam", "upstream_state", "forward"),
        ("share_data", "upstream_state", "backward"),
        ("protest", "downstream_state", None),
        ("sue_icj", "downstream_state", "forward"),
    ]
    assert graph["options"][3]["label"] == "Sue (ICJ)"
    assert exprs(graph["infeasible"]) == [
        "(sue_icj and not protest) or (not build_dam and sue_icj)",
        "protest and not build_dam",
    ]
    assert graph["infeasible"][0]["because"] == (
        "Imported from GMCR+ compound condition --NY, N--Y"
    )
    # The repeated "build_dam" statement is dropped, as GMCR+ drops it on loading.
    assert exprs(graph["preferences"]["upstream_state"]) == [
        "not protest or (not sue_icj and share_data)",
        "build_dam",
        "not share_data",
    ]
    # An empty conjunction holds in every state.
    assert exprs(graph["preferences"]["downstream_state"]) == [
        "not build_dam",
        "sue_icj and protest",
        "true",
        "share_data",
    ]
    assert "1 repeated preference statement(s) dropped" in scenario["summary"]
    assert "8 feasible states" in scenario["summary"]


def test_ranking_follows_dm_order_not_file_order() -> None:
    data = {
        "options": [
            {"name": "X", "permittedDirection": "both"},
            {"name": "Y", "permittedDirection": "both"},
        ],
        "decisionMakers": [
            {"name": "First", "options": [1], "preferences": [], "preferenceRanking": [3, [1, 2]]},
            {"name": "Second", "options": [0], "preferences": [], "preferenceRanking": [[2], 1, 3]},
        ],
        "infeasibles": [[[1, "Y"], [0, "N"]]],
        "useManualPreferenceRanking": True,
    }
    graph = gmcr_to_scenario(data)["graph_model"]
    assert [o["id"] for o in graph["options"]] == ["y", "x"]
    assert exprs(graph["infeasible"]) == ["y and not x"]
    # Bit 0 is Y, bit 1 is X; decimal 1 (Y without X) is infeasible, leaving decimals 0, 2, 3:
    # 1 = NN, 2 = NY, 3 = YY.
    assert graph["preferences"]["first"]["ranking"] == ["YY", ["NN", "NY"]]
    assert graph["preferences"]["second"]["ranking"] == ["NY", "NN", "YY"]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Iraq", "Iraq"], ["iraq_2", "iraq_3"]),  # the party took "iraq"
        (["and", "True"], ["and_", "true_"]),  # reserved words of the expression language
        (["2nd strike", "!!!"], ["option_2nd_strike", "option"]),
        (["Côte d'Ivoire joins", "A" * 40], ["cote_d_ivoire_joins", "a" * 30]),
    ],
)
def test_option_ids_are_unique_identifiers(names: list[str], expected: list[str]) -> None:
    data = {
        "options": [{"name": name, "permittedDirection": "both"} for name in names],
        "decisionMakers": [{"name": "Iraq", "options": [0, 1], "preferences": []}],
        "infeasibles": [],
    }
    scenario = gmcr_to_scenario(data, title="Ids")
    assert scenario["title"] == "Ids"
    assert scenario["parties"] == [{"id": "iraq", "name": "Iraq"}]
    assert [o["id"] for o in scenario["graph_model"]["options"]] == expected
    assert [o["label"] for o in scenario["graph_model"]["options"]] == names


def test_unimportable_extras_are_mentioned_in_the_summary() -> None:
    data = read_gmcr(FIXTURES / "prisoners.gmcr")
    assert "not imported" not in gmcr_to_scenario(data)["summary"]
    data["decisionMakers"][1]["misperceptions"] = [[[0, "Y"]]]
    data["coalitions"] = [[0, 1]]
    summary = gmcr_to_scenario(data)["summary"]
    assert "Misperceptions of Prisoner 2 were not imported." in summary
    assert "GMCR+ coalitions were not imported." in summary


def test_read_gmcr_accepts_a_path_a_string_path_or_the_text() -> None:
    path = FIXTURES / "chicken.gmcr"
    from_path = read_gmcr(path)
    assert read_gmcr(str(path)) == from_path
    assert read_gmcr(path.read_text(encoding="utf-8")) == from_path
    assert from_path["useManualPreferenceRanking"] is True


def test_import_gmcr_writes_block_yaml_in_the_format_order(tmp_path: Path) -> None:
    out = tmp_path / "elmira.yaml"
    returned = import_gmcr(FIXTURES / "elmira_old_format.gmcr", out)
    text = out.read_text(encoding="utf-8")
    assert yaml.safe_load(text) == returned
    top_keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert top_keys == ["format", "title", "summary", "sources", "parties", "graph_model"]
    assert "{" not in text  # block style throughout; only code lists are written inline
    assert "ranking: [NYNNN, YNYNN, YNYNY, NYNNY, [NNNYN, NNNYY, YNNYN, YNNYY]," in text
    assert returned["title"] == "elmira_old_format"


# -- errors ----------------------------------------------------------------------------------


def base() -> dict[str, Any]:
    return {
        "options": [
            {"name": "A", "permittedDirection": "both"},
            {"name": "B", "permittedDirection": "fwd"},
        ],
        "decisionMakers": [
            {"name": "One", "options": [0], "preferences": [[[0, "Y"]]]},
            {"name": "Two", "options": [1], "preferences": []},
        ],
        "infeasibles": [],
        "useManualPreferenceRanking": False,
    }


def ranked() -> dict[str, Any]:
    data = base()
    data["useManualPreferenceRanking"] = True
    for dm in data["decisionMakers"]:
        dm["preferenceRanking"] = [1, 2, 3, 4]
    return data


def edit(
    change: Callable[[dict[str, Any]], object], start: Callable[[], dict[str, Any]] = base
) -> dict[str, Any]:
    """A copy of a valid document with one change made in place."""
    data = copy.deepcopy(start())
    change(data)
    return data


def test_base_documents_convert() -> None:
    assert gmcr_to_scenario(base())["graph_model"]["options"][1]["moves"] == "forward"
    assert len(gmcr_to_scenario(ranked())["graph_model"]["preferences"]["one"]["ranking"]) == 4


ERROR_CASES = [
    ("options-missing", lambda d: d.pop("options"), "options", "is missing"),
    ("options-not-list", lambda d: d.update(options={}), "options", "must be a list"),
    ("options-empty", lambda d: d.update(options=[]), "options", "is empty"),
    ("dms-missing", lambda d: d.pop("decisionMakers"), "decisionMakers", "is missing"),
    ("dms-empty", lambda d: d.update(decisionMakers=[]), "decisionMakers", "is empty"),
    ("infeasibles-missing", lambda d: d.pop("infeasibles"), "infeasibles", "is missing"),
    ("option-not-object", lambda d: d["options"].__setitem__(0, "A"), "options[0]", "object"),
    ("option-name", lambda d: d["options"][0].pop("name"), "options[0].name", "is missing"),
    (
        "option-name-type",
        lambda d: d["options"][0].update(name=3),
        "options[0].name",
        "must be a string",
    ),
    (
        "direction-missing",
        lambda d: d["options"][1].pop("permittedDirection"),
        "options[1].permittedDirection",
        "is missing",
    ),
    (
        "direction-unknown",
        lambda d: d["options"][1].update(permittedDirection="forward"),
        "options[1].permittedDirection",
        "must be both, fwd or back",
    ),
    (
        "flag-type",
        lambda d: d.update(useManualPreferenceRanking="yes"),
        "useManualPreferenceRanking",
        "true or false",
    ),
    (
        "old-flag-type",
        lambda d: (d.pop("useManualPreferenceRanking"), d.update(useManualPreferenceVectors=1)),
        "useManualPreferenceVectors",
        "true or false",
    ),
    ("dm-not-object", lambda d: d["decisionMakers"].append([]), "decisionMakers[2]", "object"),
    (
        "dm-name",
        lambda d: d["decisionMakers"][1].pop("name"),
        "decisionMakers[1].name",
        "is missing",
    ),
    (
        "dm-options-type",
        lambda d: d["decisionMakers"][1].update(options=1),
        "decisionMakers[1].options",
        "must be a list",
    ),
    (
        "dm-option-out-of-range",
        lambda d: d["decisionMakers"][1]["options"].append(2),
        "decisionMakers[1].options[1]",
        "from 0 to 1, got 2",
    ),
    (
        "dm-option-negative",
        lambda d: d["decisionMakers"][1]["options"].append(-1),
        "decisionMakers[1].options[1]",
        "got -1",
    ),
    (
        "dm-option-bool",
        lambda d: d["decisionMakers"][1]["options"].append(True),
        "decisionMakers[1].options[1]",
        "got True",
    ),
    (
        "dm-option-string",
        lambda d: d["decisionMakers"][1]["options"].append("0"),
        "decisionMakers[1].options[1]",
        "got '0'",
    ),
    (
        "option-owned-twice",
        lambda d: d["decisionMakers"][1]["options"].append(0),
        "options[0]",
        "belongs to One and Two",
    ),
    (
        "option-owned-by-none",
        lambda d: d["decisionMakers"][1]["options"].clear(),
        "options[1]",
        "belongs to no decision maker",
    ),
    (
        "preferences-missing",
        lambda d: d["decisionMakers"][0].pop("preferences"),
        "decisionMakers[0].preferences",
        "is missing",
    ),
    (
        "condition-type",
        lambda d: d["decisionMakers"][0]["preferences"].append("Y-"),
        "decisionMakers[0].preferences[1]",
        "list of pairs or",
    ),
    (
        "pair-shape",
        lambda d: d["decisionMakers"][0]["preferences"].append([[0, "Y", 1]]),
        "decisionMakers[0].preferences[1][0]",
        "must be a pair",
    ),
    (
        "condition-index",
        lambda d: d["decisionMakers"][0]["preferences"].append([[5, "Y"]]),
        "decisionMakers[0].preferences[1][0][0]",
        "got 5",
    ),
    (
        "condition-dash",
        lambda d: d["infeasibles"].append([[0, "-"], [1, "Y"]]),
        "infeasibles[0][0][1]",
        "got '-'",
    ),
    (
        "condition-lower-case",
        lambda d: d["infeasibles"].append([[0, "y"]]),
        "infeasibles[0][0][1]",
        "got 'y'",
    ),
    (
        "condition-boolean",
        lambda d: d["infeasibles"].append([[0, True]]),
        "infeasibles[0][0][1]",
        "got True",
    ),
    (
        "condition-contradiction",
        lambda d: d["infeasibles"].append([[0, "Y"], [1, "N"], [0, "N"]]),
        "infeasibles[0]",
        "option 0 is required both taken and not taken",
    ),
    (
        "compound-members-missing",
        lambda d: d["infeasibles"].append({"compound": True}),
        "infeasibles[0].members",
        "list of conjunctions",
    ),
    (
        "compound-flag-missing",
        lambda d: d["infeasibles"].append({"members": [[[0, "Y"]]]}),
        "infeasibles[0]",
        "list of pairs or",
    ),
    (
        "compound-member-bad",
        lambda d: d["decisionMakers"][0]["preferences"].append(
            {"compound": True, "members": [[[0, "Y"]], [[1, "X"]]]}
        ),
        "decisionMakers[0].preferences[1].members[1][0][1]",
        "got 'X'",
    ),
    (
        "infeasible-empty",
        lambda d: d["infeasibles"].append([]),
        "infeasibles[0]",
        "would remove every state",
    ),
    (
        "no-feasible-state",
        lambda d: d["infeasibles"].extend([[[0, "Y"]], [[0, "N"]]]),
        "infeasibles",
        "no feasible state remains",
    ),
]


@pytest.mark.parametrize(
    ("change", "location", "message"),
    [pytest.param(change, loc, msg, id=name) for name, change, loc, msg in ERROR_CASES],
)
def test_malformed_documents_are_refused_with_their_json_path(
    change: Callable[[dict[str, Any]], Any], location: str, message: str
) -> None:
    found = problems_of(edit(change))
    assert any(loc == location and message in msg for loc, msg in found), found


RANKING_CASES = [
    ("missing", lambda d: d["decisionMakers"][1].pop("preferenceRanking"), "is missing"),
    ("not-list", lambda d: d["decisionMakers"][1].update(preferenceRanking=4), "must be a list"),
    ("too-high", lambda d: d["decisionMakers"][1]["preferenceRanking"].append(5), "number 5"),
    ("zero", lambda d: d["decisionMakers"][1]["preferenceRanking"].append(0), "number 0"),
    ("text", lambda d: d["decisionMakers"][1]["preferenceRanking"].append("4"), "number '4'"),
    ("twice", lambda d: d["decisionMakers"][1]["preferenceRanking"].append([2]), "ranked twice"),
    ("short", lambda d: d["decisionMakers"][1]["preferenceRanking"].pop(), "states [4] are"),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [pytest.param(change, msg, id=name) for name, change, msg in RANKING_CASES],
)
def test_bad_rankings_are_refused(change: Callable[[dict[str, Any]], Any], message: str) -> None:
    found = problems_of(edit(change, ranked))
    assert all(loc.startswith("decisionMakers[1].preferenceRanking") for loc, _ in found), found
    assert any(message in msg for _, msg in found), found


def test_ranking_numbers_count_only_feasible_states() -> None:
    data = ranked()
    data["infeasibles"] = [[[0, "Y"], [1, "Y"]]]  # 3 feasible states: 4 no longer exists
    found = problems_of(data)
    assert ("decisionMakers[0].preferenceRanking[3]", "no feasible state number 4 (1..3)") in found


def test_old_files_use_preference_vector() -> None:
    data = ranked()
    data["useManualPreferenceVectors"] = data.pop("useManualPreferenceRanking")
    for dm in data["decisionMakers"]:
        dm["preferenceVector"] = dm.pop("preferenceRanking")[::-1]
    graph = gmcr_to_scenario(data)["graph_model"]
    assert graph["preferences"]["one"]["ranking"] == ["YY", "NY", "YN", "NN"]
    data["decisionMakers"][0].pop("preferenceVector")
    assert ("decisionMakers[0].preferenceVector", "is missing") in problems_of(data)


def test_too_many_options_for_a_ranking() -> None:
    data = ranked()
    data["options"] = [{"name": f"o{k}", "permittedDirection": "both"} for k in range(21)]
    data["decisionMakers"][0]["options"] = list(range(20))
    data["decisionMakers"][1]["options"] = [20]
    found = problems_of(data)
    assert found == [("options", "21 options are too many to map a ranking (20 at most)")]
    data["useManualPreferenceRanking"] = False  # prioritisation needs no enumeration
    assert "21 options;" in gmcr_to_scenario(data)["summary"]


def test_every_problem_is_reported_at_once() -> None:
    found = problems_of(FIXTURES / "malformed_owners.gmcr")
    assert found == [
        ("options[2].permittedDirection", "must be both, fwd or back: 'sideways'"),
        ("decisionMakers[1].options[1]", "must be an option index from 0 to 2, got 7"),
        ("options[1]", "option 'Sue' belongs to City and Province"),
        ("options[2]", "option 'Talk' belongs to no decision maker"),
        ("infeasibles[0][0][0]", "must be an option index from 0 to 2, got 3"),
    ]


def test_malformed_fixture_files() -> None:
    with pytest.raises(ScenarioError) as caught:
        read_gmcr(FIXTURES / "malformed_json.gmcr")
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert "column 44" in problem.message
    assert caught.value.source == "malformed_json.gmcr"
    dash = problems_of(FIXTURES / "malformed_dash.gmcr")
    assert [loc for loc, _ in dash] == [
        "decisionMakers[0].preferences[0][1][1]",
        "decisionMakers[1].preferences[0][0][1]",
    ]
    ranking = problems_of(FIXTURES / "malformed_ranking.gmcr")
    assert (
        "decisionMakers[0].preferenceRanking[3]",
        "no feasible state number 5 (1..4)",
    ) in ranking
    assert ("decisionMakers[1].preferenceRanking[1]", "state 3 is ranked twice") in ranking


def test_a_document_must_be_an_object() -> None:
    assert problems_of([base()]) == [("", "a GMCR+ file holds one JSON object")]
    assert problems_of("[1, 2]") == [("", "a GMCR+ file holds one JSON object")]


def test_unreadable_file(tmp_path: Path) -> None:
    (location, message), *_ = problems_of(tmp_path / "absent.gmcr")
    assert location == ""
    assert message == "cannot read: No such file or directory"
    (tmp_path / "binary.gmcr").write_bytes(b"\xff\x00\x81")
    assert problems_of(tmp_path / "binary.gmcr") == [("", "cannot read: not UTF-8 text")]
    assert problems_of("{") == [("", "not valid JSON: Expecting property name enclosed in "
                                     "double quotes at column 2")]  # fmt: skip


# -- the imported models behave like the same models written by hand ------------------------

PAIRS = [
    ("prisoners.gmcr", "prisoners.yaml"),
    ("chicken.gmcr", "chicken.yaml"),
    ("syria_iraq.gmcr", "syria_iraq.yaml"),
    ("elmira_old_format.gmcr", "elmira.yaml"),
    ("compound.gmcr", "compound.yaml"),
]


@pytest.mark.parametrize(("imported", "written"), PAIRS, ids=[p[0] for p in PAIRS])
def test_imported_model_matches_the_hand_written_one(
    imported: str, written: str, tmp_path: Path
) -> None:
    out = tmp_path / "imported.yaml"
    import_gmcr(FIXTURES / imported, out)
    ours = load_scenario(out).graph_model
    theirs = load_scenario(FIXTURES / written).graph_model
    assert ours is not None and theirs is not None
    assert np.array_equal(ours.states, theirs.states)
    assert np.array_equal(ours.payoff, theirs.payoff)
    assert [o.moves for o in ours.options] == [o.moves for o in theirs.options]
    ours_result, theirs_result = analyze_stability(ours), analyze_stability(theirs)
    for concept in CONCEPTS:
        assert ours_result.equilibria(concept) == theirs_result.equilibria(concept), concept


@pytest.mark.parametrize("written", [w for _, w in PAIRS if w != "compound.yaml"])
def test_hand_written_fixtures_reproduce_their_published_results(written: str) -> None:
    published = yaml.safe_load((FIXTURES / written).read_text(encoding="utf-8"))
    model = load_scenario(FIXTURES / written).graph_model
    assert model is not None
    result = analyze_stability(model)
    for entry in published.get("published_results", []):
        for concept, codes in entry["equilibria"].items():
            assert sorted(result.equilibria(concept)) == sorted(codes), concept


def test_imported_prisoners_dilemma_equilibria() -> None:
    model = load_scenario_data(convert("prisoners.gmcr")).graph_model
    assert model is not None
    result = analyze_stability(model)
    assert result.equilibria("nash") == ["NN"]
    for concept in ("gmr", "smr", "seq"):
        assert result.equilibria(concept) == ["NN", "YY"], concept
