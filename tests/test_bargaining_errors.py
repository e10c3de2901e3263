"""Bad ``bargaining`` sections are met with specific problems: what, where (path and line), and
how to fix it.

Each test edits one line of a valid scenario and checks the problem's location, message, hint
and line number (the line of the edited text).
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from detente import ModelTooLargeError, ScenarioError, load_scenario_text
from detente.errors import Problem

VALID = """\
format: detente/1
title: Talks
parties:
  - id: us
    name: United States
  - id: dprk
    name: North Korea
  - id: cn
    name: China
bargaining:
  issues:
    - id: denuc
      values: [none, yongbyon, full]
    - id: relief
      range: {min: 0, max: 100, step: 25}
  preferences:
    us:
      weights: {denuc: 0.7, relief: 0.3}
      scores:
        denuc: {none: 0.0, yongbyon: 0.4, full: 1.0}
        relief: {0: 1.0, 100: 0.0}
      reservation: 0.3
      discount: 0.95
    dprk:
      weights: {denuc: 0.4, relief: 0.4}
      scores:
        denuc: {none: 1.0, yongbyon: 0.6, full: 0.0}
        relief: {0: 0.0, 100: 1.0}
      terms:
        - issues: [denuc, relief]
          weight: 0.2
          scores:
            - {values: [full, "*"], score: 0.0}
          default: 1.0
      reservation: 0.2
      discount: 0.9
  deadline: 10
  first_proposer: us
"""

US_SCORES = "        denuc: {none: 0.0, yongbyon: 0.4, full: 1.0}\n"
US_WEIGHTS = "      weights: {denuc: 0.7, relief: 0.3}\n"


def edited(*edits: tuple[str, str]) -> str:
    """The valid scenario with ``(old, new)`` replacements (each old text must occur once)."""
    text = VALID
    for old, new in edits:
        assert text.count(old) == 1, f"test setup: {old!r} does not occur exactly once"
        text = text.replace(old, new)
    return text


def problems_of(text: str) -> tuple[Problem, ...]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, source="talks.yaml")
    assert "talks.yaml" in str(caught.value)
    return caught.value.problems


def only(problems: tuple[Problem, ...]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def line_of(text: str, needle: str, occurrence: int | None = None) -> int:
    """1-based number of the line of ``text`` that is ``needle`` (stripped) or, failing that,
    contains it; with several, the one at ``occurrence`` (0-based) must be asked for."""
    lines = [line.strip() for line in text.splitlines()]
    numbers = [k + 1 for k, line in enumerate(lines) if line == needle.strip()]
    numbers = numbers or [k + 1 for k, line in enumerate(lines) if needle in line]
    if occurrence is not None:
        return numbers[occurrence]
    assert len(numbers) == 1, f"test setup: {needle!r} is on lines {numbers}"
    return numbers[0]


def check(problem: Problem, text: str, location: str, line_text: str, *words: str) -> None:
    """The problem is at ``location``, on the line containing ``line_text``, and its message
    and hint together mention every one of ``words``."""
    assert problem.location == location
    assert problem.line == line_of(text, line_text), (problem, text)
    said = f"{problem.message} {problem.hint or ''}"
    for word in words:
        assert word in said, f"{word!r} not in {said!r}"


def test_the_valid_scenario_loads() -> None:
    problem = load_scenario_text(VALID).bargaining
    assert problem is not None
    assert [p.id for p in problem.parties] == ["us", "dprk"]  # China has no preferences
    assert problem.issues[1].values == ("0", "25", "50", "75", "100")
    assert problem.first_proposer == 0 and problem.deadline == 10
    # (none, 0): us 0.7 * 0 + 0.3 * 1; dprk 0.4 * 1 + 0.4 * 0 + 0.2 * 1 (the term's default).
    np.testing.assert_allclose(problem.utilities()[0], [0.3, 0.6])


# -- weights and scores ------------------------------------------------------------------------


def test_weights_that_do_not_sum_to_one() -> None:
    text = edited((US_WEIGHTS, "      weights: {denuc: 0.6, relief: 0.3}\n"))
    problem = only(problems_of(text))
    check(
        problem,
        text,
        "bargaining.preferences.us.weights",
        "{denuc: 0.6",
        "0.9",
        "normalize_weights",
    )


def test_normalize_weights_scales_them() -> None:
    text = edited(
        (US_WEIGHTS, "      weights: {denuc: 0.6, relief: 0.3}\n      normalize_weights: true\n")
    )
    problem = load_scenario_text(text).bargaining
    assert problem is not None
    # (yongbyon, 50): (0.6 * 0.4 + 0.3 * 0.5) / 0.9 = 0.39 / 0.9.
    outcome = problem.index_of({"denuc": "yongbyon", "relief": "50"})
    assert problem.utilities()[outcome, 0] == pytest.approx(0.39 / 0.9, abs=1e-12)
    assert problem.utilities()[:, 0].max() == pytest.approx(1.0, abs=1e-12)


def test_a_weight_that_is_not_a_number() -> None:
    # YAML's .nan is a float; a NaN weight passes "sums to 1" (every comparison with NaN is
    # false) and makes every utility NaN. Found by reading compile_bargaining._utility.
    text = edited((US_WEIGHTS, "      weights: {denuc: .nan, relief: 1.0}\n"))
    problem = problems_of(text)[0]
    assert problem.location.startswith("bargaining.preferences.us.weights")
    assert problem.line == line_of(text, "{denuc: .nan")


def test_a_negative_weight() -> None:
    text = edited((US_WEIGHTS, "      weights: {denuc: -0.1, relief: 1.1}\n"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.us.weights.denuc",
        "{denuc: -0.1",
        "-0.1",
        "negative",
    )


def test_a_score_outside_zero_one() -> None:
    text = edited((US_SCORES, "        denuc: {none: 0.0, yongbyon: 0.4, full: 1.2}\n"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.us.scores.denuc.full",
        "full: 1.2",
        "1.2",
        "[0, 1]",
    )


def test_a_score_outside_zero_one_on_a_range_issue() -> None:
    text = edited(("        relief: {0: 1.0, 100: 0.0}\n", "        relief: {0: 1.5, 100: 0.0}\n"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.us.scores.relief.0",
        "{0: 1.5",
        "1.5",
        "[0, 1]",
    )


def test_a_value_without_a_score() -> None:
    text = edited((US_SCORES, "        denuc: {none: 0.0, yongbyon: 0.4}\n"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.us.scores.denuc",
        "{none: 0.0, yongbyon: 0.4}",
        "full",
        "give every value a score",
    )


def test_a_score_for_an_unknown_value() -> None:
    text = edited((US_SCORES, "        denuc: {none: 0.0, yongbyon: 0.4, full: 1.0, half: 0.5}\n"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.us.scores.denuc.half",
        "half: 0.5",
        "'half'",
        "none, yongbyon, full",
    )


def test_range_scores_keyed_by_names() -> None:
    text = edited(("        relief: {0: 1.0, 100: 0.0}\n", "        relief: {low: 1.0}\n"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.us.scores.relief",
        "relief: {low: 1.0}",
        "numbers",
    )


def test_a_weight_without_scores_and_scores_without_a_weight() -> None:
    text = edited((US_WEIGHTS, "      weights: {denuc: 1.0}\n"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.us.scores.relief",
        "relief: {0: 1.0, 100: 0.0}",
        "no weight",
    )
    text = edited(("        relief: {0: 1.0, 100: 0.0}\n", ""))
    problem = only(problems_of(text))
    assert problem.location == "bargaining.preferences.us.scores"
    assert "'relief'" in problem.message and "no scores" in problem.message
    assert problem.line == line_of(text, US_SCORES.strip()) - 1  # us's `scores:` line


# -- unknown ids -------------------------------------------------------------------------------


def test_unknown_issue_in_weights() -> None:
    text = edited((US_WEIGHTS, "      weights: {denuc: 0.7, relief: 0.3, sanctions: 0.0}\n"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.us.weights.sanctions",
        "sanctions: 0.0",
        "'sanctions'",
        "denuc, relief",
    )


def test_unknown_issue_in_scores() -> None:
    text = edited(
        (
            "        relief: {0: 1.0, 100: 0.0}\n",
            "        relief: {0: 1.0, 100: 0.0}\n        sanctions: {lifted: 1.0}\n",
        )
    )
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.us.scores.sanctions",
        "sanctions: {lifted",
        "'sanctions'",
        "denuc, relief",
    )


def test_unknown_issue_in_a_term() -> None:
    text = edited(("- issues: [denuc, relief]", "- issues: [denuc, sanctions]"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.dprk.terms[0].issues",
        "[denuc, sanctions]",
        "'sanctions'",
        "denuc, relief",
    )


def test_unknown_value_in_a_term() -> None:
    text = edited(('{values: [full, "*"], score: 0.0}', '{values: [fully, "*"], score: 0.0}'))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.dprk.terms[0].scores[0]",
        "fully",
        "'fully'",
        "*",
    )


def test_unknown_party() -> None:
    text = edited(("    dprk:\n", "    kp:\n"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.kp",
        "    kp:",
        "'kp'",
        "us, dprk, cn",
    )


# -- numbers out of range ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1.5", "-0.1", ".nan"])
def test_reservation_outside_zero_one(value: str) -> None:
    text = edited(("      reservation: 0.3\n", f"      reservation: {value}\n"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.us.reservation",
        f"reservation: {value}",
        "[0, 1]",
    )


@pytest.mark.parametrize("value", ["0", "-0.5", "1.5", ".nan"])
def test_discount_outside_zero_one(value: str) -> None:
    text = edited(("      discount: 0.95\n", f"      discount: {value}\n"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.us.discount",
        f"discount: {value}",
        "(0, 1]",
    )


def test_term_score_and_default_outside_zero_one() -> None:
    text = edited(("score: 0.0}", "score: 1.5}"), ("default: 1.0", "default: -1"))
    problems = problems_of(text)
    assert len(problems) == 2
    by_location = {p.location: p for p in problems}
    score = by_location["bargaining.preferences.dprk.terms[0].scores[0].score"]
    assert "1.5" in score.message and score.line == line_of(text, "score: 1.5")
    default = by_location["bargaining.preferences.dprk.terms[0].default"]
    assert "-1" in default.message and default.line == line_of(text, "default: -1")


def test_a_negative_term_weight() -> None:
    # Found by reading compile_bargaining._term: only issue weights were checked for sign, so
    # a term weight of -0.5 with an issue weight of 1.5 gave utilities from -0.5 to 1.5.
    text = edited(("          weight: 0.2\n", "          weight: -0.2\n"))
    problem = problems_of(text)[0]
    check(problem, text, "bargaining.preferences.dprk.terms[0].weight", "weight: -0.2", "negative")


# -- issues ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "replacement",
    [
        "      values: [none, yongbyon, full]\n      range: {min: 0, max: 2, step: 1}\n",
        "",
    ],
    ids=["both", "neither"],
)
def test_an_issue_needs_values_or_a_range(replacement: str) -> None:
    text = edited(("      values: [none, yongbyon, full]\n", replacement))
    check(
        only(problems_of(text)),
        text,
        "bargaining.issues[0]",
        "- id: denuc",
        "`values`",
        "`range`",
    )


def test_a_range_with_max_below_min() -> None:
    text = edited(("{min: 0, max: 100, step: 25}", "{min: 100, max: 0, step: 25}"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.issues[1].range",
        "{min: 100, max: 0",
        "below",
        "swap",
    )


def test_a_range_with_too_many_steps() -> None:
    text = edited(("{min: 0, max: 100, step: 25}", "{min: 0, max: 100, step: 0.0001}"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.issues[1].range.step",
        "step: 0.0001",
        "1,000,001",
        "larger step",
    )


def test_a_range_with_a_step_of_zero() -> None:
    text = edited(("{min: 0, max: 100, step: 25}", "{min: 0, max: 100, step: 0}"))
    problem = only(problems_of(text))
    assert problem.location == "bargaining.issues[1].range.step"
    assert problem.line == line_of(text, "step: 0}")


def test_duplicate_issue_ids_and_values() -> None:
    text = edited(("    - id: relief\n", "    - id: denuc\n"))
    problem = problems_of(text)[0]
    assert problem.location == "bargaining.issues[1].id" and "twice" in problem.message
    assert problem.line == line_of(text, "- id: denuc", occurrence=1)
    text = edited(("[none, yongbyon, full]", "[none, yongbyon, none, full]"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.issues[0].values",
        "[none, yongbyon, none, full]",
        "'none'",
        "once",
    )


def test_range_values_too_close_to_tell_apart() -> None:
    text = edited(("{min: 0, max: 100, step: 25}", "{min: 1, max: 1.000000000001, step: 1e-13}"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.issues[1].range.step",
        "step: 1e-13",
        "repeated",
        "coarser step",
    )


def test_a_term_with_uncovered_combinations() -> None:
    text = edited(("          default: 1.0\n", ""))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences.dprk.terms[0]",
        "- issues: [denuc, relief]",
        "10 value combination",
        "default",
    )


# -- parties -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["cn", "eu"], ids=["party-without-preferences", "unknown"])
def test_first_proposer_must_be_a_bargaining_party(who: str) -> None:
    text = edited(("first_proposer: us", f"first_proposer: {who}"))
    check(
        only(problems_of(text)),
        text,
        "bargaining.first_proposer",
        f"first_proposer: {who}",
        f"'{who}'",
        "us, dprk",
    )


def test_fewer_than_two_bargaining_parties() -> None:
    start, end = VALID.index("    dprk:\n"), VALID.index("  deadline:")
    text = edited((VALID[start:end], ""))
    check(
        only(problems_of(text)),
        text,
        "bargaining.preferences",
        "  preferences:",
        "two parties",
    )


def test_every_problem_of_the_preferences_is_reported_at_once() -> None:
    text = edited(
        (US_SCORES, "        denuc: {none: 0.0, yongbyon: 0.4, full: 1.2}\n"),
        ("      reservation: 0.2\n", "      reservation: 2\n"),
        ("      discount: 0.95\n", "      discount: 0\n"),
    )
    locations = {p.location for p in problems_of(text)}
    assert locations == {
        "bargaining.preferences.us.scores.denuc.full",
        "bargaining.preferences.us.discount",
        "bargaining.preferences.dprk.reservation",
    }


# -- size ---------------------------------------------------------------------------------------


def _wide(issues: int, values: int) -> str:
    specs = "".join(
        f"    - id: i{k}\n      range: {{min: 0, max: {values - 1}, step: 1}}\n"
        for k in range(issues)
    )
    prefs = "".join(
        f"    {p}:\n      weights: {{i0: 1}}\n      scores: {{i0: {{0: 0, {values - 1}: 1}}}}\n"
        for p in ("us", "dprk")
    )
    return (
        "format: detente/1\ntitle: Wide\nparties: [{id: us}, {id: dprk}]\n"
        f"bargaining:\n  issues:\n{specs}  preferences:\n{prefs}"
    )


def test_an_outcome_space_too_large_is_refused_before_allocating() -> None:
    # 100,000^3 = 10^15 outcomes: refused from the sizes alone, without building the utilities.
    tracemalloc.start()
    try:
        with pytest.raises(ModelTooLargeError) as caught:
            load_scenario_text(_wide(3, 100_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert "1,000,000,000,000,000 outcomes" in message
    assert "100000 × 100000 × 100000" in message
    assert "step" in message  # what to do about it
    assert peak < 200 * 2**20


def test_the_size_limit_follows_the_memory_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETENTE_MEMORY_LIMIT", "1M")
    load_scenario_text(_wide(2, 100))  # 10^4 outcomes x 2 parties x 40 bytes: 0.8 MB
    with pytest.raises(ModelTooLargeError, match=r"1,000,000 outcomes \(100 × 100 × 100\)"):
        load_scenario_text(_wide(3, 100))
