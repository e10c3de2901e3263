"""Turning the ``bargaining`` section of a scenario into a :class:`BargainingProblem`.

Collects every problem (unknown parties, issues or values, missing scores, weights that do not
sum to one, numbers out of range) before giving up, like the graph-model compiler.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.problem import BargainingProblem, Issue, UtilityTerm, check_outcome_budget
from detente.graph_model.model import Party
from detente.scenario.bargaining_schema import (
    BargainingPreferences,
    IssueSpec,
    PhasingSpec,
    TermSpec,
    Value,
)
from detente.scenario.document import Path
from detente.scenario.schema import ScenarioDocument

__all__ = ["compile_bargaining", "phasing_values"]

Problems = list[tuple[Path, str, str | None]]
_WEIGHT_TOLERANCE = 1e-6
#: A range issue may be cut into at most this many values.
MAX_RANGE_VALUES = 100_000


def _text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)


def _issue(spec: IssueSpec, path: Path, problems: Problems) -> Issue | None:
    if spec.range is not None:
        low, high, step = spec.range.min, spec.range.max, spec.range.step
        if not all(math.isfinite(x) for x in (low, high, step)):
            problems.append(
                (
                    (*path, "range"),
                    f"range of {spec.id!r} has a bound or step that is not a number",
                    "give finite numbers",
                )
            )
            return None
        if high < low:
            problems.append(
                (
                    (*path, "range"),
                    f"range of {spec.id!r} has max {high} below min {low}",
                    "swap them",
                )
            )
            return None
        count = math.floor((high - low) / step + 1e-9) + 1
        if count > MAX_RANGE_VALUES:
            problems.append(
                (
                    (*path, "range", "step"),
                    f"step {step} cuts {spec.id!r} into "
                    f"{count:,} values (limit {MAX_RANGE_VALUES:,})",
                    "use a larger step",
                )
            )
            return None
        values = tuple(_text(low + i * step) for i in range(count))
    else:
        raw = spec.values or ()
        for k, value in enumerate(raw):
            if isinstance(value, bool):
                problems.append(
                    (
                        (*path, "values", k),
                        f"value {value!r} of {spec.id!r} was read as a yes/no",
                        "quote it, e.g. 'true'",
                    )
                )
        values = tuple(_text(v) for v in raw)
    repeated = (
        sorted({v for v in values if values.count(v) > 1}) if len(set(values)) < len(values) else []
    )
    if repeated:
        where = (*path, "range", "step") if spec.range is not None else (*path, "values")
        hint = (
            "use a coarser step: values closer than 12 significant digits look alike"
            if spec.range is not None
            else "list each value once"
        )
        problems.append(
            (
                where,
                f"{spec.id!r} has repeated values: {', '.join(repr(v) for v in repeated[:5])}",
                hint,
            )
        )
    return Issue(spec.id, values, spec.label or spec.id)


def _numeric(issue: Issue) -> NDArray[np.float64]:
    return np.array([float(v) for v in issue.values])


def _score_vector(
    issue: Issue, ranged: bool, table: Mapping[Value, float], path: Path, problems: Problems
) -> NDArray[np.float64] | None:
    for key, score in table.items():
        if not 0.0 <= score <= 1.0:
            problems.append(
                (
                    (*path, _text(key)),
                    f"score {score} is outside [0, 1]",
                    "scores run from 0 (worst) to 1 (best)",
                )
            )
    if ranged:
        try:
            points = sorted((float(k), s) for k, s in table.items())
        except ValueError:
            problems.append(
                (
                    path,
                    f"scores of range issue {issue.id!r} must be keyed by numbers",
                    "write value: score pairs such as 0: 1.0",
                )
            )
            return None
        if not points:
            problems.append((path, f"no scores for {issue.id!r}", "give at least one point"))
            return None
        xs, ys = zip(*points, strict=True)
        return np.asarray(np.interp(_numeric(issue), xs, ys), dtype=np.float64)
    given = {_text(k): s for k, s in table.items()}
    unknown = sorted(set(given) - set(issue.values))
    for value in unknown:
        problems.append(
            (
                (*path, value),
                f"{value!r} is not a value of {issue.id!r}",
                f"values are: {', '.join(issue.values)}",
            )
        )
    missing = [v for v in issue.values if v not in given]
    if missing:
        problems.append(
            (
                path,
                f"values of {issue.id!r} without a score: {', '.join(missing)}",
                "give every value a score",
            )
        )
        return None
    return np.array([given[v] for v in issue.values])


def _term(
    term: TermSpec, issues: dict[str, tuple[int, Issue]], path: Path, problems: Problems
) -> UtilityTerm | None:
    unknown = [i for i in term.issues if i not in issues]
    for issue_id in unknown:
        problems.append(
            ((*path, "issues"), f"unknown issue {issue_id!r}", f"issues are: {', '.join(issues)}")
        )
    if unknown:
        return None
    if not term.weight >= 0:  # also catches NaN
        problems.append(
            (
                (*path, "weight"),
                f"weight {term.weight} is negative",
                "weights run from 0 (does not matter) upwards",
            )
        )
    members = [issues[i][1] for i in term.issues]
    shape = tuple(m.size for m in members)
    table = np.full(shape, np.nan)
    for k, entry in enumerate(term.scores):
        where = (*path, "scores", k)
        if len(entry.values) != len(members):
            problems.append(
                (
                    where,
                    f"{len(entry.values)} values for {len(members)} issues",
                    "give one value (or *) per issue of the term",
                )
            )
            continue
        if not 0.0 <= entry.score <= 1.0:
            problems.append(((*where, "score"), f"score {entry.score} is outside [0, 1]", None))
        index: list[slice | int] = []
        for issue, value in zip(members, entry.values, strict=True):
            text = _text(value)
            if text == "*":
                index.append(slice(None))
            elif text in issue.values:
                index.append(issue.values.index(text))
            else:
                problems.append(
                    (
                        where,
                        f"{text!r} is not a value of {issue.id!r}",
                        f"values are: {', '.join(issue.values)}, or *",
                    )
                )
                index = []
                break
        if index:
            key = tuple(index)
            region = table[key]  # a view when any position is a wildcard
            if np.ndim(region) == 0:
                if np.isnan(region):
                    table[key] = entry.score
            else:
                region[np.isnan(region)] = entry.score  # the first matching entry wins
    if term.default is not None:
        if not 0.0 <= term.default <= 1.0:
            problems.append(((*path, "default"), f"default {term.default} is outside [0, 1]", None))
        table[np.isnan(table)] = term.default
    uncovered = np.argwhere(np.isnan(table))
    if len(uncovered):
        example = ", ".join(m.values[int(v)] for m, v in zip(members, uncovered[0], strict=True))
        problems.append(
            (
                path,
                f"{len(uncovered)} value combination(s) have no score, e.g. ({example})",
                "add entries, a * wildcard or a default",
            )
        )
        return None
    return UtilityTerm(tuple(issues[i][0] for i in term.issues), table, term.weight)


def _utility(
    prefs: BargainingPreferences,
    issues: dict[str, tuple[int, Issue]],
    ranged: dict[str, bool],
    path: Path,
    problems: Problems,
) -> tuple[UtilityTerm, ...]:
    terms: list[UtilityTerm] = []
    weights = prefs.weights or {}
    scores = prefs.scores or {}
    if not weights and not prefs.terms:
        problems.append((path, "no utility given", "add weights and scores, or terms"))
        return ()
    for issue_id, weight in weights.items():
        if issue_id not in issues:
            problems.append(
                (
                    (*path, "weights", issue_id),
                    f"unknown issue {issue_id!r}",
                    f"issues are: {', '.join(issues)}",
                )
            )
        elif not math.isfinite(weight):
            problems.append(
                (
                    (*path, "weights", issue_id),
                    f"weight {weight} is not a number",
                    "give a number from 0 upwards",
                )
            )
        elif weight < 0:
            problems.append(((*path, "weights", issue_id), f"weight {weight} is negative", None))
        elif issue_id not in scores:
            problems.append(
                (
                    (*path, "scores"),
                    f"issue {issue_id!r} has a weight but no scores",
                    "score its values",
                )
            )
    for issue_id, table in scores.items():
        if issue_id not in issues:
            problems.append(
                (
                    (*path, "scores", issue_id),
                    f"unknown issue {issue_id!r}",
                    f"issues are: {', '.join(issues)}",
                )
            )
            continue
        if issue_id not in weights:
            problems.append(
                (
                    (*path, "scores", issue_id),
                    f"issue {issue_id!r} is scored but has no weight",
                    "give it a weight (0 if it does not matter)",
                )
            )
            continue
        position, issue = issues[issue_id]
        vector = _score_vector(
            issue, ranged[issue_id], table, (*path, "scores", issue_id), problems
        )
        if vector is not None:
            terms.append(UtilityTerm((position,), vector, weights[issue_id]))
    for k, term in enumerate(prefs.terms):
        built = _term(term, issues, (*path, "terms", k), problems)
        if built is not None:
            terms.append(built)
    total = sum(weights.values()) + sum(t.weight for t in prefs.terms)
    if prefs.normalize_weights and total > 0:
        terms = [UtilityTerm(t.issues, t.table, t.weight / total) for t in terms]
    elif abs(total - 1.0) > _WEIGHT_TOLERANCE:
        problems.append(
            (
                (*path, "weights"),
                f"weights sum to {total:g}, not 1",
                "fix them, or set normalize_weights: true to have them scaled",
            )
        )
    if not 0.0 <= prefs.reservation <= 1.0:
        problems.append(
            (
                (*path, "reservation"),
                f"reservation value {prefs.reservation} is outside [0, 1]",
                "it is a utility: 0 (worst) to 1 (best)",
            )
        )
    if not 0.0 < prefs.discount <= 1.0:
        problems.append(
            (
                (*path, "discount"),
                f"discount factor {prefs.discount} is outside (0, 1]",
                "1 means no impatience; 0.9 loses 10% a round",
            )
        )
    return tuple(terms)


def compile_bargaining(document: ScenarioDocument, problems: Problems) -> BargainingProblem | None:
    """Compile ``document.bargaining``; append ``(path, message, hint)`` for every problem."""
    section = document.bargaining
    if section is None:
        return None
    start = len(problems)
    base: Path = ("bargaining",)
    issues: dict[str, tuple[int, Issue]] = {}
    ranged: dict[str, bool] = {}
    for k, spec in enumerate(section.issues):
        if spec.id in issues:
            problems.append(
                (
                    (*base, "issues", k, "id"),
                    f"issue id {spec.id!r} is used twice",
                    "give each issue its own id",
                )
            )
            continue
        issue = _issue(spec, (*base, "issues", k), problems)
        if issue is not None:
            issues[spec.id] = (len(issues), issue)
            ranged[spec.id] = spec.range is not None
    party_ids = [p.id for p in document.parties]
    for party in section.preferences:
        if party not in party_ids:
            problems.append(
                (
                    (*base, "preferences", party),
                    f"unknown party {party!r}",
                    f"parties are: {', '.join(party_ids)}",
                )
            )
    bargainers = [p for p in party_ids if p in section.preferences]
    if len(bargainers) < 2 and len(problems) == start:
        problems.append(
            (
                (*base, "preferences"),
                "bargaining needs preferences for at least two parties",
                "add the other side's utility",
            )
        )
    if len(problems) > start:
        return None
    check_outcome_budget([issue.size for _, issue in issues.values()], len(bargainers))
    terms = [
        _utility(section.preferences[p], issues, ranged, (*base, "preferences", p), problems)
        for p in bargainers
    ]
    first = 0
    if section.first_proposer is not None:
        if section.first_proposer in bargainers:
            first = bargainers.index(section.first_proposer)
        else:
            problems.append(
                (
                    (*base, "first_proposer"),
                    f"{section.first_proposer!r} is not a bargaining party",
                    f"choose one of: {', '.join(bargainers)}",
                )
            )
    if len(problems) > start:
        return None
    names = {p.id: p.display_name for p in document.parties}
    problem = BargainingProblem(
        title=document.title,
        parties=tuple(Party(p, names[p]) for p in bargainers),
        issues=tuple(issue for _, issue in issues.values()),
        terms=tuple(terms),
        reservation=np.array([section.preferences[p].reservation for p in bargainers]),
        discount=np.array([section.preferences[p].discount for p in bargainers]),
        deadline=section.deadline,
        first_proposer=first,
    )
    if section.phasing is not None:
        _check_phasing(problem, section.phasing, problems)
        if len(problems) > start:
            return None
    return problem


def _check_phasing(problem: BargainingProblem, spec: PhasingSpec, problems: Problems) -> None:
    """Resolve the phased deal now, so a typo is reported when the scenario is loaded."""
    from detente.errors import DetenteError
    from detente.whatif.phased import phased_inputs

    path: Path = ("bargaining", "phasing")
    for field, value in (("beliefs", spec.beliefs), ("verification", spec.verification)):
        if not 0.0 <= value <= 1.0:
            problems.append(
                (
                    (*path, field),
                    f"{field} {value} is outside [0, 1]",
                    "a probability: 0 (never) to 1 (always)",
                )
            )
    try:
        phased_inputs(
            problem,
            phasing_values(spec.target),
            dict(spec.delivered_by),
            phasing_values(spec.baseline),
            dict(spec.reversible),
        )
    except DetenteError as error:
        problems.append((path, str(error), "check the issue ids, values and parties"))


def phasing_values(values: Mapping[str, Value]) -> dict[str, str]:
    """Issue values as the problem spells them."""
    return {issue: _text(value) for issue, value in values.items()}
