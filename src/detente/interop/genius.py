"""Import Genius / ANAC negotiation domains (XML) as ``detente/1`` scenarios for bargaining.

Genius (Lin, Kraus, Baarslag, Tykhonov, Hindriks & Jonker 2014, "Genius: an integrated environment
for supporting the design of generic automated negotiators", *Computational Intelligence*
30(1):48-70) stores a negotiation as one *domain* file and one *preference profile* per party.
The semantics below follow the Genius 8/9 sources (package ``genius.core``):

* Domain (``DomainImpl``): a root element (usually ``<negotiation_template>``) holding
  ``<utility_space>``, whose ``<objective>`` lists ``<issue index= name= type=>``. ``type`` is
  ``discrete`` (the default when absent: ``<item value=>`` children, in order), ``integer``
  (``lowerbound``/``upperbound`` attributes; older files use a ``<range>`` child) or ``real``
  (a ``<range lowerbound= upperbound=>`` child).
* Profile (``AdditiveUtilitySpace``): ``<utility_space>`` with the same ``<objective>`` and issues,
  now scored, ``<weight index= value=>`` per issue, and optional ``<reservation value=>`` (default
  0) and ``<discount_factor value=>`` (default 1). Issues are matched to the domain by ``index``.
  The utility of an outcome is the sum over issues of weight times evaluation, capped at 1.
* ``EvaluatorDiscrete``: an ``<item>``'s ``evaluation`` divided by the issue's *largest*
  evaluation (all 0 when that is below 1e-5); evaluations are non-negative.
* ``EvaluatorInteger``: ``clip(slope * (v - lowerbound) + offset, 0, 1)`` from
  ``<evaluator slope= offset=>``.
* ``EvaluatorReal``: ``<evaluator ftype= parameter0= ...>`` with ``linear``
  (``clip(parameter1 * x + parameter0, 0, 1)``), ``constant`` (``parameter0``) or ``triangular``
  (rising from ``parameter0`` to 1 at ``parameter2``, falling to 0 at ``parameter1``).
* ``AbstractUtilitySpace``: the discount factor ``d`` multiplies utility by ``d ** t`` where ``t``
  runs from 0 to 1 over the whole negotiation; ``d <= 0`` or ``d > 1`` means no discounting.

Conversion choices: discrete scores are written already divided by the largest evaluation; the
weights are written as in the file with ``normalize_weights: true`` (Genius itself does not rescale
them); real issues are cut into ``real_steps`` evenly spaced values; a discount factor of exactly
0 (common in ANAC 2010 files) is read as Genius reads it, 1. Genius's ``d`` applies over the whole
negotiation, detente's ``discount`` per round: given ``deadline`` (rounds) the per-round factor is
``d ** (1 / deadline)``, otherwise ``d`` is used per round, as if the talks lasted one round.
Nested objectives and non-linear (hyper-rectangle) profiles are refused.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

from detente.errors import Problem, ScenarioError
from detente.interop.gmcr import scenario_yaml
from detente.interop.ids import unique_id
from detente.scenario.records import ID_PATTERN, RESERVED

__all__ = ["DEFAULT_REAL_STEPS", "MAX_FILE_BYTES", "import_genius", "read_genius"]

#: Genius XML files above this size are refused before parsing (the largest ANAC files are KiBs).
MAX_FILE_BYTES = 16 * 2**20
#: Values a real issue is cut into unless ``real_steps`` says otherwise.
DEFAULT_REAL_STEPS = 11
#: An integer issue may have at most this many values.
MAX_ISSUE_VALUES = 100_000
#: Below this magnitude detente's range labels (``%g``) spell whole numbers exactly.
_EXACT_LABELS = 10**6
_KINDS = ("discrete", "integer", "real")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")

Scores = dict[Any, float]


@dataclass(frozen=True, eq=False)
class _Document:
    path: Path
    root: ET.Element
    lines: Mapping[ET.Element, int]
    digest: str


@dataclass(frozen=True, eq=False)
class _At:
    """An element of a file, with its XPath-like location for messages."""

    doc: _Document
    path: str
    element: ET.Element

    def child(self, element: ET.Element, step: str) -> _At:
        return _At(self.doc, f"{self.path}/{step}" if self.path else step, element)

    def problem(self, message: str, hint: str | None = None) -> Problem:
        where = f"{self.doc.path.name}: {self.path}" if self.path else self.doc.path.name
        return Problem(where, message, hint, self.doc.lines.get(self.element))


@dataclass(frozen=True, eq=False)
class _Issue:
    index: int
    name: str
    kind: str
    values: tuple[str, ...]  # discrete values exactly as in the domain file
    bounds: tuple[float, float]  # integer and real issues
    points: tuple[float, ...]  # numeric value of each written value (real grid, integer list)
    spec: dict[str, Any]  # the ``bargaining.issues`` entry


@dataclass(frozen=True, eq=False)
class _Profile:
    weights: dict[int, float]
    scores: dict[int, Scores]
    reservation: float
    discount: float
    notes: tuple[str, ...]


class _RefusedError(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _children(element: ET.Element, tag: str) -> list[ET.Element]:
    return [child for child in element if child.tag == tag]


def _label(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def _load(path: Path, problems: list[Problem]) -> _Document | None:
    """Parse one file with expat (no DOCTYPE, so no entities), keeping each element's line."""
    name = path.name or str(path)
    if not path.is_file():
        hint = "check the path" if not path.exists() else "it is a directory, not a file"
        problems.append(Problem(name, f"cannot read {str(path)!r}", hint))
        return None
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            message = f"file is {size:,} bytes; Genius files are limited to {MAX_FILE_BYTES:,}"
            problems.append(Problem(name, message, "is this really a Genius domain or profile?"))
            return None
        data = path.read_bytes()
    except OSError as error:
        problems.append(Problem(name, f"cannot read {str(path)!r}: {error.strerror}"))
        return None
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    parser = expat.ParserCreate()

    def start(tag: str, attributes: dict[str, str]) -> None:
        lines[builder.start(tag, attributes)] = parser.CurrentLineNumber

    def refuse(*_: object) -> None:
        raise _RefusedError(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        reason = expat.errors.messages[error.code]
        message = f"not well-formed XML: {reason} at column {error.offset + 1}"
        problems.append(Problem(name, message, "was the file edited by hand?", error.lineno))
        return None
    except _RefusedError as refused:
        hint = "Genius files have no DOCTYPE; remove the <!DOCTYPE ...> declaration"
        problems.append(Problem(name, "a DOCTYPE declaration is refused", hint, refused.line))
        return None
    return _Document(path, builder.close(), lines, hashlib.sha256(data).hexdigest())


class _Reader:
    """Reads the domain and profiles, collecting every problem with its file, element and line."""

    def __init__(self, real_steps: int) -> None:
        self.real_steps = real_steps
        self.problems: list[Problem] = []

    def fail(self, at: _At, message: str, hint: str | None = None) -> None:
        self.problems.append(at.problem(message, hint))

    # -- attributes ----------------------------------------------------------------------------

    def decimal(self, at: _At, attribute: str) -> float | None:
        raw = at.element.get(attribute)
        if raw is None:
            self.fail(at, f"attribute {attribute!r} is missing")
            return None
        if not _DECIMAL.fullmatch(raw.strip()) or not math.isfinite(float(raw)):
            self.fail(at, f"{attribute}={raw!r} is not a number")
            return None
        return float(raw)

    def integer(self, at: _At, attribute: str) -> int | None:
        raw = at.element.get(attribute)
        if raw is None:
            self.fail(at, f"attribute {attribute!r} is missing")
            return None
        if not _INTEGER.fullmatch(raw.strip()):
            self.fail(at, f"{attribute}={raw!r} is not a whole number")
            return None
        return int(raw)

    def one(self, at: _At, tag: str, hint: str | None = None) -> _At | None:
        found = _children(at.element, tag)
        if len(found) != 1:
            count = "no" if not found else f"{len(found)}"
            self.fail(at, f"expected one <{tag}> element, found {count}", hint)
            return None
        return at.child(found[0], tag)

    def objective(self, at: _At) -> _At | None:
        objective = self.one(at, "objective", "issues sit in one <objective> element")
        if objective is None:
            return None
        if _children(objective.element, "objective"):
            self.fail(objective, "nested objectives are not supported", "flatten the issues")
            return None
        if _children(objective.element, "utility"):
            hint = "only linear-additive profiles can be imported"
            self.fail(objective, "a non-linear (hyper-rectangle) utility is not supported", hint)
            return None
        return objective

    def kind(self, at: _At) -> str | None:
        raw = at.element.get("type")
        kind = "discrete" if raw is None else raw.strip().lower()
        if kind not in _KINDS:
            self.fail(
                at, f"unknown issue type {raw!r}", "Genius issues are discrete, integer or real"
            )
            return None
        return kind

    def bounds(self, at: _At, integer: bool) -> tuple[float, float] | None:
        """``lowerbound``/``upperbound`` given as attributes, in ``<range>``, or both (agreeing)."""
        sources = [at] if {"lowerbound", "upperbound"} & set(at.element.attrib) else []
        sources += [at.child(r, "range") for r in _children(at.element, "range")]
        if not sources:
            hint = "give lowerbound and upperbound attributes or a <range> element"
            self.fail(at, "the issue has no bounds", hint)
            return None
        read = self.integer if integer else self.decimal
        found: list[tuple[float, float]] = []
        for source in sources:
            low, high = read(source, "lowerbound"), read(source, "upperbound")
            if low is None or high is None:
                return None
            found.append((low, high))
        if len(set(found)) > 1:
            self.fail(at, f"the issue gives two different ranges: {found[0]} and {found[1]}")
            return None
        low, high = found[0]
        if high < low:
            self.fail(at, f"upperbound {_label(high)} is below lowerbound {_label(low)}")
            return None
        return low, high

    # -- the domain ----------------------------------------------------------------------------

    def domain(self, doc: _Document) -> tuple[str, list[_Issue]]:
        top = _At(doc, "", doc.root)
        space: _At | None = top
        if doc.root.tag != "utility_space":
            found = self.one(top, "utility_space", "a Genius domain holds one <utility_space>")
            # Locations start at the objective, as in profiles (the line tells which element).
            space = None if found is None else _At(doc, "", found.element)
        objective = self.objective(space) if space is not None else None
        if objective is None:
            return "", []
        issues: list[_Issue] = []
        used: set[str] = set()
        seen: set[int] = set()
        for element in _children(objective.element, "issue"):
            at = objective.child(element, f"issue[@name={element.get('name', '')!r}]")
            index, name, kind = self.integer(at, "index"), element.get("name"), self.kind(at)
            if name is None:
                self.fail(at, "attribute 'name' is missing")
            if index is not None and index in seen:
                self.fail(at, f"issue index {index} is used twice", "give each issue its own index")
            if index is None or name is None or kind is None or index in seen:
                continue
            seen.add(index)
            issue = self.domain_issue(at, index, name, kind, unique_id(name, used, "issue"))
            if issue is not None:
                issues.append(issue)
        if not issues and not self.problems:
            self.fail(objective, "the domain has no issues")
        return objective.element.get("name", ""), issues

    def domain_issue(self, at: _At, index: int, name: str, kind: str, ident: str) -> _Issue | None:
        spec: dict[str, Any] = {"id": ident, "label": name}
        if kind == "discrete":
            values = self.items(at)
            if not values:
                return None
            spec["values"] = [v.strip() for v in values]
            return _Issue(index, name, kind, values, (0.0, 0.0), (), spec)
        bounds = self.bounds(at, integer=kind == "integer")
        if bounds is None:
            return None
        low, high = bounds
        if kind == "integer":
            count = int(high - low) + 1
            if count > MAX_ISSUE_VALUES:
                hint = "narrow the range in the domain file"
                self.fail(at, f"{count:,} integer values (limit {MAX_ISSUE_VALUES:,})", hint)
                return None
            spec["because"] = f"Genius integer issue: every whole number from {low} to {high}."
            if max(abs(low), abs(high)) < _EXACT_LABELS:
                spec["range"] = {"min": int(low), "max": int(high), "step": 1}
                return _Issue(index, name, kind, (), bounds, (), spec)
            points = tuple(float(v) for v in range(int(low), int(high) + 1))
            spec["values"] = [int(v) for v in points]
            return _Issue(index, name, kind, (), bounds, points, spec)
        steps = 1 if low == high else self.real_steps
        # One division per value keeps round grids round (0.3, not 0.30000000000000004).
        points = tuple((low * (steps - 1 - k) + high * k) / max(steps - 1, 1) for k in range(steps))
        points = points if steps > 1 else (low,)
        if len(set(points)) < steps:
            self.fail(
                at, f"the range is too narrow for {steps} distinct values", "lower real_steps"
            )
            return None
        spec["values"] = _real_labels(points)
        spec["because"] = (
            f"Genius real issue on [{_label(low)}, {_label(high)}], discretised into {steps} "
            f"evenly spaced values (real_steps={self.real_steps})."
        )
        return _Issue(index, name, kind, (), bounds, points, spec)

    def items(self, at: _At) -> tuple[str, ...]:
        elements = _children(at.element, "item")
        if not elements:
            self.fail(at, "a discrete issue needs <item value=...> elements")
            return ()
        values: list[str] = []
        for element in elements:
            value = element.get("value")
            item = at.child(element, f"item[@value={value!r}]")
            if value is None:
                self.fail(at.child(element, "item"), "attribute 'value' is missing")
            elif not value.strip():
                self.fail(item, "the value is empty")
            elif value.strip() in {v.strip() for v in values}:
                self.fail(item, f"value {value!r} is listed twice", "list each value once")
            else:
                values.append(value)
        return tuple(values) if len(values) == len(elements) else ()

    # -- a profile -----------------------------------------------------------------------------

    def profile(self, doc: _Document, issues: list[_Issue]) -> _Profile | None:
        top = _At(doc, "", doc.root)
        start = len(self.problems)
        if doc.root.tag != "utility_space":
            hint = (
                "this looks like the domain file"
                if doc.root.tag == "negotiation_template"
                else "a Genius preference profile starts with <utility_space>"
            )
            self.fail(
                top, f"a profile's root element is <utility_space>, not <{doc.root.tag}>", hint
            )
            return None
        if doc.root.get("type", "").strip().lower() in ("nonlinear", "constraint"):
            hint = "only linear-additive profiles can be imported"
            self.fail(top, f"a {doc.root.get('type')} utility space is not supported", hint)
            return None
        objective = self.objective(top)
        if objective is None:
            return None
        by_index = {issue.index: issue for issue in issues}
        scores: dict[int, Scores] = {}
        mentioned: set[int] = set()
        for element in _children(objective.element, "issue"):
            at = objective.child(element, f"issue[@name={element.get('name', '')!r}]")
            index, kind = self.integer(at, "index"), self.kind(at)
            issue = by_index.get(index) if index is not None else None
            if index is None or kind is None:
                continue
            if issue is None:
                known = ", ".join(str(i) for i in by_index)
                self.fail(at, f"the domain has no issue with index {index}", f"indices: {known}")
            elif index in mentioned:
                self.fail(at, f"issue index {index} is scored twice")
            elif element.get("name") != issue.name:
                hint = "Genius matches issues by index: does this profile belong to this domain?"
                name = element.get("name")
                self.fail(at, f"issue {index} is {issue.name!r} in the domain, {name!r} here", hint)
            elif kind != issue.kind:
                self.fail(at, f"issue {index} is {issue.kind} in the domain, {kind} here")
            else:
                found = self.score(at, issue)
                if found is not None:
                    scores[index] = found
            mentioned.add(index)
        weights = self.weights(objective, by_index)
        for issue in issues:
            if issue.index not in mentioned:
                self.fail(objective, f"issue {issue.name!r} (index {issue.index}) is not scored")
            if issue.index not in weights:
                self.fail(objective, f"issue {issue.name!r} (index {issue.index}) has no weight")
        reservation, discount, notes = self.walk_away(top)
        if len(self.problems) > start:
            return None
        return _Profile(weights, scores, reservation, discount, notes)

    def weights(self, objective: _At, by_index: Mapping[int, _Issue]) -> dict[int, float]:
        """The valid ``<weight>`` entries by issue index (problems recorded for the others)."""
        weights: dict[int, float] = {}
        start = len(self.problems)
        for element in _children(objective.element, "weight"):
            at = objective.child(element, f"weight[@index={element.get('index', '')!r}]")
            index, value = self.integer(at, "index"), self.decimal(at, "value")
            if index is None or value is None:
                continue
            if index not in by_index:
                self.fail(at, f"the domain has no issue with index {index}")
            elif index in weights:
                self.fail(at, f"issue {index} has two weights")
            elif value < 0:
                self.fail(at, f"weight {value} is negative", "weights are 0 or more")
            else:
                weights[index] = value
        if len(self.problems) == start and weights and not any(weights.values()):
            self.fail(objective, "every weight is zero", "give the issues that matter a weight")
        return weights

    def score(self, at: _At, issue: _Issue) -> Scores | None:
        if issue.kind == "discrete":
            return self.discrete(at, issue)
        if {"lowerbound", "upperbound"} & set(at.element.attrib) or _children(at.element, "range"):
            # Genius evaluates with the profile's own bounds: they must be the domain's.
            bounds = self.bounds(at, integer=issue.kind == "integer")
            if bounds is None:
                return None
            if bounds != issue.bounds:
                low, high = (_label(v) for v in bounds)
                dlow, dhigh = (_label(v) for v in issue.bounds)
                self.fail(at, f"range [{low}, {high}] differs from the domain's [{dlow}, {dhigh}]")
                return None
        evaluator = self.one(at, "evaluator", "Genius scores this issue with an <evaluator>")
        if evaluator is None:
            return None
        if issue.kind == "integer":
            return self.integer_scores(evaluator, issue)
        function = self.real_function(evaluator)
        if function is None:
            return None
        labels = issue.spec["values"]
        return {label: function(x) for label, x in zip(labels, issue.points, strict=True)}

    def discrete(self, at: _At, issue: _Issue) -> Scores | None:
        evaluations: dict[str, float] = {}
        ok = True
        for element in _children(at.element, "item"):
            value = element.get("value")
            item = at.child(element, f"item[@value={value!r}]")
            raw = element.get("evaluation")
            if value is None:
                self.fail(item, "attribute 'value' is missing")
            elif value not in issue.values:
                known = ", ".join(repr(v) for v in issue.values)
                self.fail(item, f"{value!r} is not a value of {issue.name!r}", f"values: {known}")
            elif value in evaluations:
                self.fail(item, f"value {value!r} is scored twice")
            elif raw is None or raw.strip() == "null":
                self.fail(item, "the item has no evaluation", "profiles give every item one")
            else:
                evaluation = self.decimal(item, "evaluation")
                if evaluation is not None and evaluation < 0:
                    self.fail(item, f"evaluation {evaluation} is negative", "Genius needs >= 0")
                elif evaluation is not None:
                    evaluations[value] = evaluation
                    continue
            ok = False
        missing = [v for v in issue.values if v not in evaluations]
        if ok and missing:
            self.fail(at, f"values without an evaluation: {', '.join(map(repr, missing))}")
            return None
        if not ok:
            return None
        largest = max(evaluations.values())
        # Genius divides by the largest evaluation; below 1e-5 every value scores 0.
        if largest < 1e-5:
            return {v.strip(): 0.0 for v in issue.values}
        return {v.strip(): evaluations[v] / largest for v in issue.values}

    def integer_scores(self, at: _At, issue: _Issue) -> Scores | None:
        ftype = at.element.get("ftype", "linear").strip().lower()
        if ftype != "linear":
            hint = "Genius reads integer issues as linear: slope and offset"
            self.fail(at, f"ftype {at.element.get('ftype')!r} is not supported here", hint)
            return None
        slope, offset = self.decimal(at, "slope"), self.decimal(at, "offset")
        if slope is None or offset is None:
            return None
        low, high = issue.bounds

        def utility(v: float) -> float:
            return _clip(slope * (v - low) + offset)

        if issue.points:
            return {int(v): utility(v) for v in issue.points}
        # The scores are points joined by straight lines: the ends and where the line is clipped.
        points = {low: utility(low), high: utility(high)}
        if slope != 0:
            for level in (0.0, 1.0):
                x = low + (level - offset) / slope
                if low < x < high:
                    points[x] = level
        return {_label(x): points[x] for x in sorted(points)}

    def real_function(self, at: _At) -> Callable[[float], float] | None:
        raw = at.element.get("ftype")
        ftype = (raw or "").strip().lower()
        if ftype == "linear":
            offset, slope = self.decimal(at, "parameter0"), self.decimal(at, "parameter1")
            if offset is None or slope is None:
                return None
            return lambda x: _clip(slope * x + offset)
        if ftype == "constant":
            constant = self.decimal(at, "parameter0")
            if constant is not None and not 0.0 <= constant <= 1.0:
                self.fail(at, f"constant utility {constant} is outside [0, 1]")
                return None
            return None if constant is None else (lambda x: constant)
        if ftype == "triangular":
            low, high, top = (self.decimal(at, f"parameter{k}") for k in range(3))
            if low is None or high is None or top is None:
                return None
            return lambda x: _triangular(x, low, high, top)
        hint = "supported: linear (parameter0, parameter1), constant, triangular"
        what = "attribute 'ftype' is missing" if raw is None else f"ftype {raw!r} is not supported"
        self.fail(at, what, hint)
        return None

    def walk_away(self, top: _At) -> tuple[float, float, tuple[str, ...]]:
        notes: list[str] = []
        reservation, discount = 0.0, 1.0
        found = _children(top.element, "reservation")
        if found:
            at = self.one(top, "reservation")
            value = self.decimal(at, "value") if at is not None else None
            if at is not None and value is not None and not 0.0 <= value <= 1.0:
                hint = "it is a utility on Genius's normalised scale, 0 to 1"
                self.fail(at, f"reservation value {value} is outside [0, 1]", hint)
            elif value is not None:
                reservation = value
        if _children(top.element, "discount_factor"):
            at = self.one(top, "discount_factor")
            value = self.decimal(at, "value") if at is not None else None
            if at is not None and value is not None and not 0.0 <= value <= 1.0:
                hint = "Genius would ignore it and not discount; give a value in (0, 1]"
                self.fail(at, f"discount factor {value} is outside (0, 1]", hint)
            elif value == 0.0:
                notes.append(f"discount_factor 0 in {top.doc.path.name} means no discounting")
            elif value is not None:
                discount = value
        return reservation, discount, tuple(notes)


def _triangular(x: float, low: float, high: float, top: float) -> float:
    """Genius's triangular evaluation (``EVALFUNCTYPE.evalTriangular``)."""
    if x < low:
        return 0.0
    if x < top:
        return (x - low) / (top - low)
    if x < high:
        return 1.0 - (x - top) / (high - top)
    return 0.0


def _real_labels(points: Sequence[float]) -> list[Any]:
    """Numbers when detente's ``%g`` labels spell them exactly, else exact decimal strings."""
    if all(float(f"{x:g}") == x for x in points):
        return [_label(x) for x in points]
    return [repr(x).removesuffix(".0") for x in points]


def _arguments(
    profiles: object, party_ids: Sequence[str] | None, real_steps: object, deadline: object
) -> list[Problem]:
    problems = []
    if isinstance(profiles, str | bytes | os.PathLike) or not isinstance(profiles, Sequence):
        problems.append(Problem("profiles", "give a list of profile files"))
    elif len(profiles) < 2:
        problems.append(Problem("profiles", "bargaining needs at least two profiles"))
    elif party_ids is not None:
        if len(party_ids) != len(profiles):
            message = f"{len(party_ids)} party ids for {len(profiles)} profiles"
            problems.append(Problem("party_ids", message, "give one id per profile"))
        for pid in party_ids:
            if not re.fullmatch(ID_PATTERN, pid) or pid.lower() in RESERVED:
                hint = "a letter or _, then letters, digits, _ (not a keyword)"
                problems.append(Problem("party_ids", f"{pid!r} is not a valid id", hint))
        if len(set(party_ids)) != len(party_ids):
            problems.append(Problem("party_ids", "party ids must be unique"))
    if isinstance(real_steps, bool) or not isinstance(real_steps, int) or real_steps < 2:
        problems.append(Problem("real_steps", f"must be a whole number >= 2, got {real_steps!r}"))
    if deadline is not None and (
        isinstance(deadline, bool) or not isinstance(deadline, int) or deadline < 1
    ):
        problems.append(Problem("deadline", f"must be a whole number >= 1, got {deadline!r}"))
    return problems


def read_genius(
    domain: str | os.PathLike[str],
    profiles: Sequence[str | os.PathLike[str]],
    *,
    party_ids: Sequence[str] | None = None,
    real_steps: int = DEFAULT_REAL_STEPS,
    deadline: int | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """Read a Genius domain and its preference profiles as a ``detente/1`` scenario mapping.

    Parameters
    ----------
    domain
        The domain file (issues and values).
    profiles
        One preference profile per party (at least two).
    party_ids
        Ids of the parties, one per profile; by default made from the profile file names.
    real_steps
        Number of evenly spaced values a real issue is cut into (ends included).
    deadline
        Rounds of the negotiation; when given, Genius's discount factor ``d`` (which applies over
        the whole negotiation) becomes the per-round factor ``d ** (1 / deadline)``.
    title
        Scenario title; by default the domain's objective name, or the domain file name.

    Returns
    -------
    dict
        A mapping with ``format``, ``title``, ``summary``, ``sources``, ``parties`` and
        ``bargaining``, ready for :func:`detente.scenario.load_scenario_data`.

    Raises
    ------
    ScenarioError
        Listing every problem found, each naming its file, element and line.
    """
    problems = _arguments(profiles, party_ids, real_steps, deadline)
    if problems:
        raise ScenarioError(problems)
    reader = _Reader(real_steps)
    paths = [Path(domain), *(Path(p) for p in profiles)]
    loaded = [_load(path, reader.problems) for path in paths]
    if reader.problems:
        raise ScenarioError(reader.problems)
    docs = [doc for doc in loaded if doc is not None]
    objective_name, issues = reader.domain(docs[0])
    if reader.problems:
        raise ScenarioError(reader.problems)
    parsed = [reader.profile(doc, issues) for doc in docs[1:]]
    if reader.problems:
        raise ScenarioError(reader.problems)
    used: set[str] = set()
    ids = list(party_ids or [unique_id(p.stem, used, "party") for p in paths[1:]])
    results = [p for p in parsed if p is not None]
    return _scenario(docs, issues, results, ids, objective_name, title, deadline, real_steps)


def _scenario(
    docs: list[_Document],
    issues: list[_Issue],
    profiles: list[_Profile],
    ids: list[str],
    objective_name: str,
    title: str | None,
    deadline: int | None,
    real_steps: int,
) -> dict[str, Any]:
    domain_doc, profile_docs = docs[0], docs[1:]
    sources = [_source("genius-domain", "Genius domain", domain_doc)]
    preferences: dict[str, Any] = {}
    notes: list[str] = []
    for pid, doc, profile in zip(ids, profile_docs, profiles, strict=True):
        source_id = f"genius-profile-{pid}"
        sources.append(_source(source_id, "Genius preference profile", doc))
        total = sum(profile.weights.values())
        if abs(total - 1.0) > 1e-6:
            notes.append(
                f"the weights in {doc.path.name} sum to {total:g}; they are scaled to sum to 1 "
                "(Genius would use them as written and cap utilities at 1)"
            )
        notes.extend(profile.notes)
        discount = profile.discount if deadline is None else profile.discount ** (1 / deadline)
        how = (
            f"per round over {deadline} rounds: {profile.discount:g} ** (1/{deadline})"
            if deadline is not None
            else "used per round (Genius applies it once over the whole negotiation)"
        )
        preferences[pid] = {
            "weights": {i.spec["id"]: profile.weights[i.index] for i in issues},
            "scores": {i.spec["id"]: profile.scores[i.index] for i in issues},
            "normalize_weights": True,
            "reservation": profile.reservation,
            "discount": discount,
            "because": (
                f"Imported from the Genius profile {doc.path.name}: each discrete issue's "
                "evaluations divided by its largest evaluation, as Genius does; weights scaled "
                f"to sum to 1; discount factor {how}."
            ),
            "evidence": [{"source": source_id}],
        }
    kinds = [i.kind for i in issues]
    count = math.prod(
        len(i.spec["values"]) if "values" in i.spec else _range_size(i) for i in issues
    )
    shape = ", ".join(f"{kinds.count(k)} {k}" for k in _KINDS if k in kinds)
    summary = (
        f"Imported from the Genius domain {domain_doc.path.name} with "
        f"{len(profile_docs)} preference profiles: {len(issues)} issues ({shape}), "
        f"{count:,} outcomes."
    )
    if "real" in kinds:
        summary += f" Real issues are cut into {real_steps} evenly spaced values."
    if notes:
        summary += " Note: " + "; ".join(notes) + "."
    bargaining: dict[str, Any] = {"issues": [i.spec for i in issues], "preferences": preferences}
    if deadline is not None:
        bargaining["deadline"] = deadline
    fallback = domain_doc.path.stem
    name = title or (objective_name if objective_name.strip() not in ("", "root") else fallback)
    return {
        "format": "detente/1",
        "title": name,
        "summary": summary,
        "sources": sources,
        "parties": [
            {"id": pid, "name": doc.path.stem} for pid, doc in zip(ids, profile_docs, strict=True)
        ],
        "bargaining": bargaining,
    }


def _range_size(issue: _Issue) -> int:
    low, high = issue.bounds
    return int(high - low) + 1


def _source(ident: str, kind: str, doc: _Document) -> dict[str, str]:
    return {
        "id": ident,
        "title": f"{kind} {doc.path.name}",
        "note": f"Converted by detente from the Genius XML file (SHA-256 {doc.digest[:16]}).",
    }


def import_genius(
    domain: str | os.PathLike[str],
    profiles: Sequence[str | os.PathLike[str]],
    out_path: str | os.PathLike[str] | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Convert a Genius domain and profiles (see :func:`read_genius`); write YAML to ``out_path``.

    Returns the scenario mapping whether or not a file is written.
    """
    scenario = read_genius(domain, profiles, **options)
    if out_path is not None:
        Path(out_path).write_text(scenario_yaml(scenario), encoding="utf-8")
    return scenario
