"""Bad scenarios are met with specific problems: what, where (path and line), and how to fix."""

from __future__ import annotations

import textwrap

import pytest

from detente import ModelTooLargeError, ScenarioError, load_scenario, load_scenario_text
from detente.errors import Problem

VALID = """\
format: detente/1
title: Chicken
sources:
  - id: book
    title: A book
parties:
  - id: p1
    name: Driver 1
  - id: p2
    name: Driver 2
graph_model:
  options:
    - id: f1
      party: p1
      label: stand firm
    - id: f2
      party: p2
      label: stand firm
  infeasible: []
  preferences:
    p1:
      ranking: [YN, NN, NY, YY]
    p2:
      ranking: [NY, NN, YN, YY]
  status_quo: NN
"""


def problems_of(text: str) -> tuple[Problem, ...]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(textwrap.dedent(text), source="test.yaml")
    return caught.value.problems


def edited(old: str, new: str) -> str:
    assert old in VALID, f"test setup: {old!r} not in the valid scenario"
    return VALID.replace(old, new)


def only(problems: tuple[Problem, ...]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_the_valid_scenario_loads() -> None:
    scenario = load_scenario_text(VALID)
    assert scenario.graph_model is not None
    assert scenario.graph_model.n_states == 4
    assert scenario.graph_model.code(scenario.graph_model.status_quo or 0) == "NN"


def test_malformed_yaml_gives_line_and_column() -> None:
    problem = only(problems_of(edited("  - id: p2\n", "  - id: p2\n   bad: [\n")))
    assert "invalid YAML" in problem.message
    assert problem.line is not None and problem.line >= 9


def test_duplicate_yaml_keys_are_reported() -> None:
    problem = only(problems_of(edited("title: Chicken\n", "title: Chicken\ntitle: Again\n")))
    assert "appears twice" in problem.message
    assert problem.line == 3


def test_wrong_format_version() -> None:
    problem = only(problems_of(edited("format: detente/1", "format: detente/9")))
    assert problem.location == "format"
    assert "detente/1" in problem.message


def test_unknown_field_is_named_with_its_line() -> None:
    problem = only(
        problems_of(
            edited("      label: stand firm\n    - id: f2", "      lable: stand firm\n    - id: f2")
        )
    )
    assert problem.location == "graph_model.options[0].lable"
    assert problem.message == "unknown field"
    assert problem.line == 15


def test_duplicate_party_id() -> None:
    problem = only(
        problems_of(edited("  - id: p2\n    name: Driver 2", "  - id: p1\n    name: Driver 2"))
    )
    assert problem.location == "parties[1].id"
    assert "used twice" in problem.message


def test_duplicate_option_id() -> None:
    problems = problems_of(edited("    - id: f2\n", "    - id: f1\n"))
    assert any(
        p.location == "graph_model.options[1].id" and "used twice" in p.message for p in problems
    )


def test_option_owned_by_unknown_party() -> None:
    problem = only(problems_of(edited("      party: p2\n", "      party: p3\n")))
    assert problem.location == "graph_model.options[1].party"
    assert "unknown party 'p3'" in problem.message
    assert problem.hint is not None and "p1, p2" in problem.hint


def test_party_without_preferences() -> None:
    text = edited("    p2:\n      ranking: [NY, NN, YN, YY]\n", "")
    problem = only(problems_of(text))
    assert problem.message == "party 'p2' has no preferences"


def test_expression_syntax_error_points_at_the_position() -> None:
    text = edited("  infeasible: []", "  infeasible: ['f1 and and f2']")
    problem = only(problems_of(text))
    assert problem.location == "graph_model.infeasible[0]"
    assert "position 8" in problem.message


def test_expression_with_unknown_option() -> None:
    problem = only(problems_of(edited("  infeasible: []", "  infeasible: ['f1 and f3']")))
    assert "f3" in problem.message


@pytest.mark.parametrize(
    ("ranking", "expected"),
    [
        ("[YN, NN, NY]", "misses 1 feasible state(s): YY"),
        ("[YN, NN, NY, YY, NN]", "ranked twice"),
        ("[YN, NN, NY, YY, YX]", "'YX' is not a state code"),
        ("[YN, NN, NY, [YY, NNN]]", "'NNN' is not a state code"),
    ],
)
def test_bad_rankings(ranking: str, expected: str) -> None:
    problem = only(problems_of(edited("ranking: [YN, NN, NY, YY]", f"ranking: {ranking}")))
    assert expected in problem.message
    assert problem.location.startswith("graph_model.preferences.p1.ranking")


def test_ranking_of_an_infeasible_state() -> None:
    text = edited("  infeasible: []", "  infeasible: [f1 and f2]")
    problems = problems_of(text)
    assert any("state YY is not feasible" in p.message for p in problems)


def test_no_feasible_state() -> None:
    problems = problems_of(edited("  infeasible: []", "  infeasible: ['f1 or not f1']"))
    assert any("no feasible state" in p.message for p in problems)


def test_infeasible_status_quo() -> None:
    text = (
        edited("  infeasible: []", "  infeasible: [f1 and f2]")
        .replace("ranking: [YN, NN, NY, YY]", "ranking: [YN, NN, NY]")
        .replace("ranking: [NY, NN, YN, YY]", "ranking: [NY, NN, YN]")
        .replace("status_quo: NN", "status_quo: YY")
    )
    problem = only(problems_of(text))
    assert problem.location == "graph_model.status_quo"
    assert "matches no feasible state" in problem.message


def test_ambiguous_status_quo() -> None:
    problem = only(problems_of(edited("status_quo: NN", "status_quo: N-")))
    assert "ambiguous" in problem.message
    assert "NN" in problem.message and "NY" in problem.message


def test_status_quo_pattern_matching_one_state() -> None:
    scenario = load_scenario_text(
        edited("status_quo: NN", "status_quo: Y-")
        .replace("  infeasible: []", "  infeasible: [f1 and f2]")
        .replace("ranking: [YN, NN, NY, YY]", "ranking: [YN, NN, NY]")
        .replace("ranking: [NY, NN, YN, YY]", "ranking: [NY, NN, YN]")
    )
    model = scenario.graph_model
    assert model is not None and model.status_quo is not None
    assert model.code(model.status_quo) == "YN"


def test_evidence_must_cite_a_declared_source() -> None:
    text = edited(
        "      ranking: [YN, NN, NY, YY]",
        "      ranking: [YN, NN, NY, YY]\n      evidence: [{source: nowhere}]",
    )
    problem = only(problems_of(text))
    assert "unknown source 'nowhere'" in problem.message
    assert problem.location == "graph_model.preferences.p1.evidence[0]"


def test_every_problem_is_reported_not_just_the_first() -> None:
    text = edited("      party: p2\n", "      party: p3\n").replace(
        "  - id: p2\n    name: Driver 2", "  - id: p1\n    name: Driver 2"
    )
    problems = problems_of(text)
    locations = {p.location for p in problems}
    assert {"parties[1].id"} <= locations


def test_several_compile_problems_at_once() -> None:
    text = edited("  infeasible: []", "  infeasible: ['f1 &', 'zz']").replace(
        "status_quo: NN", "status_quo: NNN"
    )
    locations = [p.location for p in problems_of(text)]
    assert "graph_model.infeasible[0]" in locations
    assert "graph_model.infeasible[1]" in locations
    assert "graph_model.status_quo" in locations


def test_yes_and_no_stay_text() -> None:
    # YAML 1.1 would read an option called "no" as False; detente keeps it as a name.
    text = VALID.replace("id: f1", "id: no").replace("'f1", "'no")
    scenario = load_scenario_text(text)
    assert scenario.graph_model is not None
    assert scenario.graph_model.options[0].id == "no"


def test_reserved_words_cannot_be_ids() -> None:
    problem = only(problems_of(edited("    - id: f2\n", "    - id: iff\n")))
    assert "reserved word" in problem.message


def test_not_a_mapping() -> None:
    problem = only(problems_of("- just\n- a list\n"))
    assert "must be a mapping" in problem.message


def test_missing_file_is_a_scenario_error(tmp_path: object) -> None:
    with pytest.raises(ScenarioError, match="cannot read scenario file"):
        load_scenario("/no/such/file.yaml")


def test_model_too_large_is_refused_before_allocating() -> None:
    options = "\n".join(f"    - {{id: o{k}, party: {'p1' if k % 2 else 'p2'}}}" for k in range(44))
    text = (
        "format: detente/1\ntitle: huge\nparties: [{id: p1}, {id: p2}]\n"
        f"graph_model:\n  options:\n{options}\n"
        "  preferences: {p1: [o1], p2: [o2]}\n"
    )
    with pytest.raises(ModelTooLargeError) as caught:
        load_scenario_text(text)
    message = str(caught.value)
    assert "2^44" in message and "limit" in message


def test_memory_limit_can_be_lowered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETENTE_MEMORY_LIMIT", "1M")
    options = "\n".join(f"    - {{id: o{k}, party: {'p1' if k % 2 else 'p2'}}}" for k in range(16))
    text = (
        "format: detente/1\ntitle: medium\nparties: [{id: p1}, {id: p2}]\n"
        f"graph_model:\n  options:\n{options}\n"
        "  preferences: {p1: [o1], p2: [o2]}\n"
    )
    with pytest.raises(ModelTooLargeError, match=r"limit of 1\.0 MiB"):
        load_scenario_text(text)


def _alias_bomb(levels: int) -> str:
    lines = ["format: detente/1", 'l0: &l0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for k in range(1, levels):
        lines.append(f"l{k}: &l{k} [" + ", ".join([f"*l{k - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (_alias_bomb(9), "aliases"),  # a few hundred bytes that expand to 10^9 values
        ("format: detente/1\nparties: " + "[" * 400 + "]" * 400, "nested more than 64"),
        ('{"format": "detente/1", "a": ' + "[" * 5000 + "]" * 5000 + "}", "nested more than"),
        ("format: detente/1\nloop: &me [*me]\n", "contains itself"),
    ],
    ids=["alias-bomb", "deep-yaml", "deep-json", "self-reference"],
)
def test_hostile_shapes_are_refused_at_once(text: str, words: str) -> None:
    with pytest.raises(ScenarioError, match=words):
        load_scenario_text(text)
    with pytest.raises(ScenarioError, match=words):
        load_scenario_text(text, source="x.json" if text.startswith("{") else "x.yaml")


def test_a_shared_part_counts_once_per_use_but_is_accepted_when_small() -> None:
    text = VALID + "x-notes: &n [a, b]\n"  # unknown top-level field: still a schema problem
    with pytest.raises(ScenarioError, match="x-notes"):
        load_scenario_text(text)
    from detente.scenario.document import check_shape

    shared = ["v"] * 10
    check_shape({"a": [shared] * 1000}, "ok")  # 10,000 values: fine
    with pytest.raises(ScenarioError, match="200,000"):
        check_shape({"a": [[shared] * 1000] * 21}, "too many")  # 210,000 once expanded
