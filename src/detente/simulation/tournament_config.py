"""The ``detente/tournament/1`` configuration: scenarios, strategies, repetitions, seed.

A tournament plays every combination of strategies on every scenario, with every assignment of
strategies to roles (parties), a number of times. The configuration is a YAML (or JSON) file::

    format: detente/tournament/1
    title: Time pressure at the summit
    scenarios:
      - scenarios/hanoi-2019.yaml          # a scenario file, relative to this config file
                                           # (or the id of a catalogue entry)
      - {path: pie.yaml, id: pie, deadline: 30}
      - genius:                            # a Genius domain and its profiles
          domain: genius/holiday_domain.xml
          profiles: [genius/alice.xml, genius/bob.xml]
        id: holiday
    strategies:
      - conceder
      - {name: boulware, e: 0.1}
      - {name: random, p_accept: 0.2, label: picky_random}
    repetitions: 10
    role_swaps: true        # play each combination in every assignment of strategies to roles
    self_play: true         # a strategy may meet itself (hold more than one role)
    deadline: 40            # rounds; by default each scenario's own deadline
    seed: 2019

A scenario's deadline is, first found: its entry's ``deadline``, the config's ``deadline``, the
scenario's own ``bargaining.deadline``; one of them is required. Genius profiles set a discount
factor over the whole negotiation; it is turned into a per-round factor with that deadline (see
:func:`detente.interop.genius.read_genius`).

:func:`load_tournament_config` reads and validates a file; :func:`resolve_tournament` loads the
scenarios and checks the strategies, reporting every problem at once with its place in the
config (``scenarios[2]``, ``strategies[1]``) and its line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    Tag,
    ValidationError,
)

from detente.bargaining.problem import BargainingProblem
from detente.catalogue import UnknownCatalogueEntry, catalogue_path
from detente.errors import DetenteError, Problem, ScenarioError
from detente.interop.genius import DEFAULT_REAL_STEPS, read_genius
from detente.scenario.document import LineIndex, format_location, parse_text
from detente.scenario.loader import load_scenario, load_scenario_data
from detente.simulation.protocol import Strategy
from detente.simulation.strategies.registry import make_strategy

__all__ = [
    "TOURNAMENT_FORMAT",
    "GeniusScenario",
    "GeniusSource",
    "InlineScenario",
    "ProblemScenario",
    "ResolvedScenario",
    "ScenarioFile",
    "StrategyEntry",
    "StrategySpec",
    "TournamentConfig",
    "TournamentConfigError",
    "TournamentSetup",
    "load_tournament_config",
    "resolve_tournament",
    "tournament_config_from_data",
]

TOURNAMENT_FORMAT = "detente/tournament/1"
#: Tournament config files larger than this are refused before parsing.
MAX_CONFIG_BYTES = 4 * 2**20
_SCENARIO_SUFFIXES = frozenset({".yaml", ".yml", ".json"})


class TournamentConfigError(ScenarioError):
    """A tournament configuration is malformed or refers to scenarios, files or strategies that
    do not exist; carries every problem found, each with its place in the config and line."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class GeniusSource(_Record):
    """A Genius domain file and one preference profile per party (paths relative to the config
    file); see :func:`detente.interop.genius.read_genius` for ``party_ids`` and ``real_steps``."""

    domain: StrictStr
    profiles: tuple[StrictStr, ...] = Field(min_length=2)
    party_ids: tuple[StrictStr, ...] | None = None
    real_steps: StrictInt = Field(DEFAULT_REAL_STEPS, ge=2)


class ScenarioFile(_Record):
    """A scenario file (relative to the config file), with an optional id and deadline."""

    path: StrictStr
    id: Annotated[StrictStr, Field(min_length=1)] | None = None
    deadline: StrictInt | None = Field(None, ge=1)


class GeniusScenario(_Record):
    """A Genius domain converted on the fly; its id defaults to the domain file's stem."""

    genius: GeniusSource
    id: Annotated[StrictStr, Field(min_length=1)] | None = None
    deadline: StrictInt | None = Field(None, ge=1)


class InlineScenario(_Record):
    """A ``detente/1`` scenario written inside the config (``scenario:`` holds the document)."""

    scenario: dict[str, Any]
    id: Annotated[StrictStr, Field(min_length=1)]
    deadline: StrictInt | None = Field(None, ge=1)


class ProblemScenario(_Record):
    """A bargaining problem built in Python (not available from YAML)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    problem: BargainingProblem
    id: Annotated[StrictStr, Field(min_length=1)]
    deadline: StrictInt | None = Field(None, ge=1)


class StrategyEntry(BaseModel):
    """A built-in strategy by ``name``; every other key is a parameter of it, except ``label``,
    the name shown in results (by default the name and its parameters: ``boulware(e=0.1)``)."""

    model_config = ConfigDict(extra="allow", frozen=True, str_strip_whitespace=True)

    name: StrictStr
    label: Annotated[StrictStr, Field(min_length=1)] | None = None

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


_KEYS = ("path", "genius", "scenario", "problem")


def _scenario_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "name"
    if isinstance(value, BaseModel):
        for key in _KEYS:
            if key in type(value).model_fields:
                return key
        return None
    if isinstance(value, Mapping):
        found = [key for key in _KEYS if key in value]
        return found[0] if len(found) == 1 else None
    return None


ScenarioEntry = Annotated[
    Annotated[StrictStr, Tag("name")]
    | Annotated[ScenarioFile, Tag("path")]
    | Annotated[GeniusScenario, Tag("genius")]
    | Annotated[InlineScenario, Tag("scenario")]
    | Annotated[ProblemScenario, Tag("problem")],
    Discriminator(
        _scenario_kind,
        custom_error_type="scenario_entry",
        custom_error_message=(
            "a scenario is a file path, a catalogue id, or a mapping with exactly one of "
            "`path`, `genius` or `scenario`"
        ),
    ),
]

StrategyItem = Annotated[
    Annotated[StrictStr, Tag("name")] | Annotated[StrategyEntry, Tag("entry")],
    Discriminator(
        lambda v: "name" if isinstance(v, str) else "entry",
        custom_error_type="strategy_entry",
        custom_error_message="a strategy is a name or a mapping with `name` and parameters",
    ),
]


class TournamentConfig(BaseModel):
    """A tournament: which scenarios and strategies, how often, with which seed.

    Attributes
    ----------
    scenarios
        Scenario files (relative to the config file), catalogue ids, Genius domains, inline
        scenarios, or (from Python) bargaining problems.
    strategies
        Built-in strategies by name, with parameters.
    repetitions
        How many times each negotiation is played (with different seeds).
    role_swaps
        Play each combination of strategies in every assignment to roles; otherwise once, in
        config order.
    self_play
        Whether a strategy may hold more than one role in a negotiation (meet itself).
    deadline
        Rounds, for every scenario that does not set its own in its entry; by default each
        scenario's ``bargaining.deadline``.
    seed
        The tournament seed every negotiation's seed is derived from.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["detente/tournament/1"] = "detente/tournament/1"
    title: StrictStr = ""
    scenarios: tuple[ScenarioEntry, ...] = Field(min_length=1)
    strategies: tuple[StrategyItem, ...] = Field(min_length=1)
    repetitions: StrictInt = Field(1, ge=1)
    role_swaps: StrictBool = True
    self_play: StrictBool = True
    deadline: StrictInt | None = Field(None, ge=1)
    seed: StrictInt = Field(0, ge=0)

    _base_dir: Path | None = PrivateAttr(None)
    _source: str = PrivateAttr("<config>")
    _lines: LineIndex = PrivateAttr(default_factory=LineIndex)

    @property
    def base_dir(self) -> Path:
        """The directory relative paths are resolved from: the config file's, else the
        working directory."""
        return self._base_dir if self._base_dir is not None else Path.cwd()

    @property
    def source(self) -> str:
        """Where the config was read from (a path, or ``<config>``)."""
        return self._source

    def located(
        self, source: str, base_dir: Path, lines: LineIndex | None = None
    ) -> TournamentConfig:
        """This config, remembering the file it came from (for paths and error messages)."""
        self._source = source
        self._base_dir = base_dir
        self._lines = lines or LineIndex()
        return self

    def line_of(self, *path: str | int) -> int | None:
        return self._lines.line_of(path)


def _schema_problems(error: ValidationError, lines: LineIndex) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for item in error.errors():
        # Drop pydantic's union tags (``path``, ``name``...) that are not keys the user wrote.
        loc = item["loc"]
        path: list[str | int] = []
        for k, part in enumerate(loc):
            tag = k == 2 and loc[0] in ("scenarios", "strategies")
            if tag and part in ("name", "entry", *_KEYS):
                continue
            path.append(part)
        message = item["msg"]
        hint = None
        if item["type"] == "extra_forbidden":
            message, hint = "unknown field", "check the spelling"
        elif item["type"] == "missing":
            message = "required field is missing"
        where = format_location(path)
        if (where, message) in seen:
            continue
        seen.add((where, message))
        problems.append(Problem(where, message, hint, lines.line_of(tuple(path))))
    return problems


def tournament_config_from_data(
    data: Any,
    source: str = "<config>",
    *,
    base_dir: Path | None = None,
    lines: LineIndex | None = None,
) -> TournamentConfig:
    """Validate a tournament config given as plain data (as parsed from YAML or JSON)."""
    lines = lines or LineIndex()
    if not isinstance(data, Mapping):
        kind = "nothing" if data is None else type(data).__name__
        hint = f"start the file with 'format: {TOURNAMENT_FORMAT}'"
        raise TournamentConfigError(
            [Problem("", f"a tournament config must be a mapping of fields, got {kind}", hint, 1)],
            source,
        )
    if data.get("format") != TOURNAMENT_FORMAT:
        problem = Problem(
            "format",
            f"expected format {TOURNAMENT_FORMAT!r}, found {data.get('format')!r}",
            f"put 'format: {TOURNAMENT_FORMAT}' at the top",
            lines.line_of(("format",)) or 1,
        )
        raise TournamentConfigError([problem], source)
    try:
        config = TournamentConfig.model_validate(data)
    except ValidationError as error:
        raise TournamentConfigError(_schema_problems(error, lines), source) from None
    config.located(source, base_dir if base_dir is not None else Path.cwd(), lines)
    return config


def load_tournament_config(path: str | Path) -> TournamentConfig:
    """Read and validate a tournament config file (YAML, or JSON by the ``.json`` suffix).

    Relative paths inside it are resolved from the file's directory.

    Raises
    ------
    TournamentConfigError
        Listing every problem found, with its place in the config and its line.
    """
    file = Path(path)
    if not file.is_file():
        hint = "check the path" if not file.exists() else "it is a directory, not a file"
        raise TournamentConfigError(
            [Problem("", f"cannot read tournament config {str(file)!r}", hint)]
        )
    if file.stat().st_size > MAX_CONFIG_BYTES:
        raise TournamentConfigError(
            [Problem("", f"file is over {MAX_CONFIG_BYTES:,} bytes; is it a tournament config?")],
            str(file),
        )
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problem = Problem("", f"file is not UTF-8 text (byte {error.start})", "save it as UTF-8")
        raise TournamentConfigError([problem], str(file)) from None
    try:
        data, lines = parse_text(text, str(file))
    except ScenarioError as error:
        raise TournamentConfigError(list(error.problems), str(file)) from None
    return tournament_config_from_data(data, str(file), base_dir=file.resolve().parent, lines=lines)


@dataclass(frozen=True)
class StrategySpec:
    """A built-in strategy with its parameters: picklable, and rebuilt fresh for every
    negotiation by :meth:`build`.

    Attributes
    ----------
    name
        The registry name (see :data:`detente.simulation.BUILTIN_STRATEGIES`).
    params
        Parameters, sorted by name.
    label
        How results name it; unique within a tournament.
    """

    name: str
    params: tuple[tuple[str, Any], ...] = ()
    label: str = ""

    @classmethod
    def of(cls, name: str, label: str | None = None, **params: Any) -> StrategySpec:
        items = tuple(sorted(params.items()))
        if label is None:
            inside = ", ".join(f"{k}={json.dumps(v)}" for k, v in items)
            label = f"{name}({inside})" if items else name
        return cls(name, items, label)

    def build(self) -> Strategy:
        """A new strategy object (checked by :func:`detente.simulation.make_strategy`)."""
        return make_strategy(self.name, **dict(self.params))


@dataclass(frozen=True, eq=False)
class ResolvedScenario:
    """A tournament scenario, loaded: its id, problem, deadline and where it came from."""

    id: str
    problem: BargainingProblem
    deadline: int
    source: str


@dataclass(frozen=True, eq=False)
class TournamentSetup:
    """A config with its scenarios loaded and its strategies checked."""

    config: TournamentConfig
    scenarios: tuple[ResolvedScenario, ...]
    strategies: tuple[StrategySpec, ...]


def _strategy(item: str | StrategyEntry) -> StrategySpec:
    if isinstance(item, str):
        return StrategySpec.of(item)
    return StrategySpec.of(item.name, item.label, **item.params)


def _nested(location: str, line: int | None, error: ScenarioError) -> list[Problem]:
    where = f"{error.source}: " if error.source else ""
    return [Problem(location, f"{where}{p}", None, line) for p in error.problems]


def _load(
    config: TournamentConfig, k: int, entry: Any
) -> tuple[str, str, BargainingProblem | None, int | None]:
    """Load scenario ``k``: (id, source, problem or None, deadline from its entry)."""
    base = config.base_dir
    if isinstance(entry, ProblemScenario):
        return entry.id, f"<problem {entry.id}>", entry.problem, entry.deadline
    if isinstance(entry, InlineScenario):
        scenario = load_scenario_data(entry.scenario, source=f"{config.source}: scenarios[{k}]")
        return entry.id, "<inline>", scenario.bargaining, entry.deadline
    if isinstance(entry, GeniusScenario):
        spec = entry.genius
        deadline = entry.deadline or config.deadline
        files = [base / spec.domain, *(base / p for p in spec.profiles)]
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise DetenteError(f"Genius file {missing[0]!r} does not exist")
        data = read_genius(
            files[0],
            files[1:],
            party_ids=spec.party_ids,
            real_steps=spec.real_steps,
            deadline=deadline,
        )
        scenario = load_scenario_data(data, source=str(files[0]))
        ident = entry.id or Path(spec.domain).stem
        return ident, str(files[0]), scenario.bargaining, entry.deadline
    if isinstance(entry, ScenarioFile):
        file = base / entry.path
        if not file.is_file():
            raise DetenteError(f"scenario file {str(file)!r} does not exist")
        problem = load_scenario(file).bargaining
        return entry.id or Path(entry.path).stem, str(file), problem, entry.deadline
    text = str(entry)
    file = base / text
    looks_like_path = "/" in text or "\\" in text or Path(text).suffix in _SCENARIO_SUFFIXES
    if file.is_file():
        return Path(text).stem, str(file), load_scenario(file).bargaining, None
    if looks_like_path:
        raise DetenteError(f"scenario file {str(file)!r} does not exist")
    path = catalogue_path(text)  # UnknownCatalogueEntry lists the known ids
    return text, str(path), load_scenario(path).bargaining, None


def resolve_tournament(config: TournamentConfig) -> TournamentSetup:
    """Load every scenario of ``config`` and check every strategy and its parameters.

    Raises
    ------
    TournamentConfigError
        Listing every problem (missing files, unknown catalogue ids, scenarios without a
        bargaining section or a deadline, unknown strategies or parameters, duplicate ids or
        labels), each with its place in the config.
    """
    problems: list[Problem] = []
    scenarios: list[ResolvedScenario] = []
    seen: dict[str, int] = {}
    base_hint = f"paths are relative to {str(config.base_dir)!r}"
    for k, entry in enumerate(config.scenarios):
        where, line = f"scenarios[{k}]", config.line_of("scenarios", k)
        try:
            ident, source, problem, own_deadline = _load(config, k, entry)
        except UnknownCatalogueEntry as error:
            hint = f"or give the path of a scenario file ({base_hint})"
            problems.append(Problem(where, str(error), hint, line))
            continue
        except ScenarioError as error:
            problems.extend(_nested(where, line, error))
            continue
        except DetenteError as error:
            problems.append(Problem(where, str(error), base_hint, line))
            continue
        if ident in seen:
            message = f"scenario id {ident!r} is used twice (also scenarios[{seen[ident]}])"
            problems.append(Problem(where, message, "give one of them an `id:`", line))
            continue
        seen[ident] = k
        if problem is None:
            message = f"scenario {ident!r} ({source}) has no bargaining section"
            hint = "a tournament negotiates over a scenario's `bargaining:` issues"
            problems.append(Problem(where, message, hint, line))
            continue
        deadline = own_deadline or config.deadline or problem.deadline
        if deadline is None:
            message = f"no deadline for scenario {ident!r}: it sets none"
            hint = "add `deadline: ROUNDS` to the config (or to this scenario's entry)"
            problems.append(Problem(where, message, hint, line))
            continue
        scenarios.append(ResolvedScenario(ident, problem, int(deadline), source))
    strategies: list[StrategySpec] = []
    labels: dict[str, int] = {}
    for k, item in enumerate(config.strategies):
        where, line = f"strategies[{k}]", config.line_of("strategies", k)
        spec = _strategy(item)
        try:
            spec.build()
        except DetenteError as error:
            problems.append(Problem(where, str(error), None, line))
            continue
        if spec.label in labels:
            message = (
                f"strategy {spec.label!r} is listed twice (also strategies[{labels[spec.label]}])"
            )
            problems.append(Problem(where, message, "give one of them a `label:`", line))
            continue
        labels[spec.label] = k
        strategies.append(spec)
    if not problems and not config.self_play:
        most = max(len(s.problem.parties) for s in scenarios)
        if len(strategies) < most:
            message = (
                f"{len(strategies)} strategies cannot fill the {most} roles of a scenario "
                "without self-play"
            )
            hint = "add strategies or set `self_play: true`"
            problems.append(Problem("strategies", message, hint, config.line_of("strategies")))
    if problems:
        raise TournamentConfigError(problems, config.source)
    return TournamentSetup(config, tuple(scenarios), tuple(strategies))
