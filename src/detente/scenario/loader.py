"""Loading a scenario: text → checked document → compiled models, with every problem reported."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path as FilePath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from detente.bargaining.problem import BargainingProblem
from detente.errors import Problem, ScenarioError
from detente.graph_model.model import GraphModel
from detente.scenario.compile import (
    Proposal,
    compile_graph_model,
    compile_perceptions,
    compile_proposals,
)
from detente.scenario.compile_bargaining import compile_bargaining
from detente.scenario.document import (
    LineIndex,
    Path,
    check_shape,
    format_location,
    parse_text,
    resolve_path,
)
from detente.scenario.schema import FORMAT, RankingSpec, ScenarioDocument, Statement

if TYPE_CHECKING:
    from detente.whatif.uncertainty import UncertaintySpec

__all__ = ["Scenario", "load_scenario", "load_scenario_data", "load_scenario_text"]

#: Scenario files larger than this are refused before parsing (a scenario is a few KiB).
MAX_FILE_BYTES = 32 * 2**20


@dataclass(frozen=True, eq=False)
class Scenario:
    """A loaded scenario: the document as written and the models compiled from it.

    Attributes
    ----------
    document
        The validated scenario document, with every ``because`` and ``evidence`` kept.
    source
        Where it was read from (a path, or a description such as ``<data>``).
    graph_model
        The compiled graph model, or ``None`` when the scenario has no ``graph_model`` section.
    bargaining
        The compiled bargaining problem, or ``None`` when there is no ``bargaining`` section.
    perceptions
        Per perceiving party, the graph model as it sees it (its beliefs about the others'
        preferences in place of their true ones); empty without ``perceptions``.
    proposals
        Salient states named in ``graph_model.proposals``, resolved to state numbers.
    uncertainty
        The checked ``uncertainty`` section, for robustness analysis, or ``None``.
    """

    document: ScenarioDocument
    source: str
    graph_model: GraphModel | None
    bargaining: BargainingProblem | None = None
    perceptions: Mapping[str, GraphModel] = field(default_factory=dict)
    proposals: tuple[Proposal, ...] = ()
    uncertainty: UncertaintySpec | None = None

    @property
    def title(self) -> str:
        return self.document.title


def load_scenario(path: str | FilePath) -> Scenario:
    """Read, validate and compile a scenario file (YAML, or JSON by the ``.json`` suffix).

    Raises
    ------
    ScenarioError
        Listing every problem found, each with its location and line.
    """
    file = FilePath(path)
    if not file.is_file():
        hint = "check the path" if not file.exists() else "it is a directory, not a file"
        raise ScenarioError([Problem("", f"cannot read scenario file {str(file)!r}", hint)])
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            [
                Problem(
                    "",
                    f"file is {size:,} bytes; scenario files are limited to "
                    f"{MAX_FILE_BYTES:,} bytes",
                    "is this really a scenario file?",
                )
            ],
            str(file),
        )
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(
            [Problem("", f"file is not UTF-8 text (byte {error.start})", "save it as UTF-8")],
            str(file),
        ) from None
    return load_scenario_text(text, source=str(file))


def load_scenario_text(text: str, source: str = "<text>") -> Scenario:
    """Validate and compile scenario text (YAML or JSON)."""
    data, lines = parse_text(text, source)
    return load_scenario_data(data, source=source, lines=lines)


def load_scenario_data(
    data: Any, source: str = "<data>", *, lines: LineIndex | None = None
) -> Scenario:
    """Validate and compile a scenario given as plain data (as parsed from YAML or JSON)."""
    lines = lines or LineIndex()
    check_shape(data, source)
    if not isinstance(data, Mapping):
        kind = "nothing" if data is None else type(data).__name__
        raise ScenarioError(
            [
                Problem(
                    "",
                    f"a scenario must be a mapping of fields, got {kind}",
                    f"start the file with 'format: {FORMAT}'",
                    1,
                )
            ],
            source,
        )
    if data.get("format") != FORMAT:
        found = data.get("format")
        raise ScenarioError(
            [
                Problem(
                    "format",
                    f"expected format {FORMAT!r}, found {found!r}",
                    f"put 'format: {FORMAT}' at the top",
                    lines.line_of(("format",)) or 1,
                )
            ],
            source,
        )
    try:
        document = ScenarioDocument.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(_schema_problems(error, data, lines), source) from None
    raw: list[tuple[Path, str, str | None]] = []
    _check_references(document, raw)
    graph_model = compile_graph_model(document, raw) if not raw else None
    perceptions = compile_perceptions(document, graph_model, raw) if graph_model else {}
    proposals = compile_proposals(document, graph_model, raw) if graph_model else ()
    bargaining = compile_bargaining(document, raw) if document.bargaining is not None else None
    if raw:
        problems = [
            Problem(format_location(path), message, hint, lines.line_of(path))
            for path, message, hint in raw
        ]
        raise ScenarioError(problems, source)
    scenario = Scenario(
        document=document,
        source=source,
        graph_model=graph_model,
        bargaining=bargaining,
        perceptions=MappingProxyType(perceptions),
        proposals=proposals,
    )
    if document.uncertainty is None:
        return scenario
    # Imported here: the robustness layer builds on this module.
    from detente.whatif.uncertainty import compile_uncertainty, parse_uncertainty

    spec = parse_uncertainty(document.uncertainty, source, lines=lines)
    compile_uncertainty(spec, scenario, source=source, lines=lines)
    return replace(scenario, uncertainty=spec)


def _schema_problems(error: ValidationError, data: Any, lines: LineIndex) -> list[Problem]:
    problems = []
    seen = set()
    for item in error.errors():
        path = resolve_path(data, item["loc"])
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown field"
            hint: str | None = "check the spelling; see `detente schema` for the fields"
        elif item["type"] == "missing":
            message = "required field is missing"
            hint = None
        else:
            hint = None
        key = (path, message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(format_location(path), message, hint, lines.line_of(path)))
    return problems


def _check_references(document: ScenarioDocument, raw: list[tuple[Path, str, str | None]]) -> None:
    """Duplicate ids and evidence that cites undeclared sources."""
    for kind, ids in (
        ("parties", [p.id for p in document.parties]),
        ("sources", [s.id for s in document.sources]),
    ):
        seen: dict[str, int] = {}
        for k, item_id in enumerate(ids):
            if item_id in seen:
                message = f"id {item_id!r} is used twice (also {kind}[{seen[item_id]}])"
                raw.append(((kind, k, "id"), message, "give each its own id"))
            seen.setdefault(item_id, k)
    sources = {s.id for s in document.sources}
    section = document.graph_model
    cited: list[tuple[Path, str]] = []
    if section is not None:
        for k, option in enumerate(section.options):
            cited += [
                (("graph_model", "options", k, "evidence", e), ev.source)
                for e, ev in enumerate(option.evidence)
            ]
        for k, proposal in enumerate(section.proposals):
            cited += [
                (("graph_model", "proposals", k, "evidence", e), ev.source)
                for e, ev in enumerate(proposal.evidence)
            ]
        for k, rule in enumerate(section.infeasible):
            cited += [
                (("graph_model", "infeasible", k, "evidence", e), ev.source)
                for e, ev in enumerate(rule.evidence)
            ]
        beliefs: list[tuple[Path, tuple[Statement, ...] | RankingSpec]] = [
            (("graph_model", "preferences", party), spec)
            for party, spec in section.preferences.items()
        ]
        beliefs += [
            (("graph_model", "perceptions", perceiver, perceived), spec)
            for perceiver, views in section.perceptions.items()
            for perceived, spec in views.items()
        ]
        for base, spec in beliefs:
            entries: list[tuple[Path, Statement | RankingSpec]] = (
                [((*base, k), s) for k, s in enumerate(spec)]
                if isinstance(spec, tuple)
                else [(base, spec)]
            )
            for prefix, entry in entries:
                cited += [
                    ((*prefix, "evidence", e), ev.source) for e, ev in enumerate(entry.evidence)
                ]
    if document.bargaining is not None:
        cited += _bargaining_citations(document)
    for k, result in enumerate(document.published_results):
        cited.append((("published_results", k, "source"), result.source))
    for path, source in cited:
        if source not in sources:
            known = ", ".join(sorted(sources)) or "none declared"
            raw.append(
                (path, f"unknown source {source!r}", f"declare it under 'sources' (known: {known})")
            )


def _bargaining_citations(document: ScenarioDocument) -> list[tuple[Path, str]]:
    section = document.bargaining
    cited: list[tuple[Path, str]] = []
    if section is None:
        return cited
    for k, issue in enumerate(section.issues):
        cited += [
            (("bargaining", "issues", k, "evidence", e), ev.source)
            for e, ev in enumerate(issue.evidence)
        ]
    for party, prefs in section.preferences.items():
        base: Path = ("bargaining", "preferences", party)
        cited += [((*base, "evidence", e), ev.source) for e, ev in enumerate(prefs.evidence)]
        for t, term in enumerate(prefs.terms):
            cited += [
                ((*base, "terms", t, "evidence", e), ev.source)
                for e, ev in enumerate(term.evidence)
            ]
    return cited
