"""Uncertain preferences: what in a scenario may vary, and how likely each variant is.

Nobody knows the other side's preferences exactly. An :class:`UncertaintySpec` says which parts of
a scenario are uncertain, in the scenario's own terms (it is shaped like a scenario section
``uncertainty:``)::

    graph_model:
      swappable:                     # adjacent preference statements (or ranking entries) that
        us: [[2, 3], [4, 5]]         # may swap: 0-based positions, probability 0.5 each ...
        dprk: [{positions: [0, 1], probability: 0.2}]   # ... or as given; `all` = every pair
    perceptions:
      dprk: {probability: 0.7}       # dprk holds its stated perception, else it sees the truth
    bargaining:
      weights: {us: {denuclearization: [0.25, 0.35]}}   # uniform ranges; the party's weights
      term_weights: {us: {0: [0.3, 0.5]}}               # are scaled back to sum 1 afterwards
      scores: {dprk: {denuclearization: {yongbyon: [0.5, 0.7]}}}
      reservation: {us: {values: [0.5, 0.6], probabilities: [0.3, 0.7]}}   # a discrete choice
      discount: {dprk: [0.85, 0.95]}

Swaps are applied one after the other in the order listed, each exchanging the statements that
*currently* hold the two positions, so a statement may move more than one place. Option
prioritisation weighs statement k of P by ``2**(P-1-k)`` (Fang, Hipel & Kilgour 1993, sec. 2.4),
so a swap reverses the two statements' priority. A party that *believes* its stated perception
analyses the game with the others' preferences as it perceives them (a first-level hypergame;
Wang, Hipel & Fraser 1988); otherwise it sees the (sampled) true game.

:func:`compile_uncertainty` checks a spec against a scenario, reporting every unknown party,
issue, value or statement position with its location, and returns an :class:`UncertaintyPlan`:
plain arrays that pickle, from which :meth:`UncertaintyPlan.sample` draws one consistent
scenario per call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self

import numpy as np
from numpy.typing import NDArray
from pydantic import Discriminator, Field, Tag, ValidationError, model_validator

from detente.bargaining.problem import BargainingProblem, UtilityTerm
from detente.errors import DetenteError, Problem, ScenarioError
from detente.expressions import parse_expression
from detente.graph_model.model import GraphModel
from detente.scenario.bargaining_schema import Value
from detente.scenario.document import LineIndex, Path, format_location, parse_text
from detente.scenario.records import Record
from detente.scenario.schema import RankingSpec

if TYPE_CHECKING:
    from detente.scenario.loader import Scenario

__all__ = [
    "BargainingUncertainty",
    "Choice",
    "GraphModelUncertainty",
    "PerceptionUncertainty",
    "Sample",
    "SwapSpec",
    "UncertaintyPlan",
    "UncertaintySpec",
    "UniformRange",
    "compile_uncertainty",
    "load_uncertainty",
    "parse_uncertainty",
]

_TOLERANCE = 1e-9
_MAX_PRIORITY_STATEMENTS = 62  # beyond this the weights 2**k overflow int64


# --- the spec (depends only on pydantic and the scenario records, so that it can move to
# detente.scenario when it becomes a scenario section) ---------------------------------------


def _check_bounds(name: str, value: float, bounds: tuple[float, float, bool]) -> None:
    low, high, open_low = bounds
    if value > high or value < low or (open_low and value == low):
        interval = f"{'(' if open_low else '['}{low:g}, {high:g}]"
        raise ValueError(f"{name} {value:g} is outside {interval}")


def _not_a_pair(value: Any) -> ValueError:
    return ValueError(
        f"expected a range [low, high] or {{values: [...], probabilities: [...]}}, got {value!r}"
    )


class UniformRange(Record):
    """A number drawn uniformly from ``[low, high]``; written ``[low, high]``."""

    bounds: ClassVar[tuple[float, float, bool]] = (0.0, 1.0, False)

    low: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError(f"a range is [low, high]: two numbers, got {len(value)}")
            return {"low": value[0], "high": value[1]}
        if not isinstance(value, Mapping | UniformRange):
            raise _not_a_pair(value)
        return value

    @model_validator(mode="after")
    def _valid(self) -> Self:
        if self.low > self.high:
            raise ValueError(f"low {self.low:g} is above high {self.high:g}; swap them")
        _check_bounds("low", self.low, self.bounds)
        _check_bounds("high", self.high, self.bounds)
        return self

    def draw(self, u: float) -> float:
        """The value at quantile ``u`` in [0, 1)."""
        return self.low + (self.high - self.low) * u


class Choice(Record):
    """One of ``values``, with the given ``probabilities`` (equal when omitted; they sum to 1)."""

    bounds: ClassVar[tuple[float, float, bool]] = (0.0, 1.0, False)

    values: tuple[float, ...] = Field(min_length=1)
    probabilities: tuple[float, ...] | None = None

    @model_validator(mode="after")
    def _valid(self) -> Self:
        for value in self.values:
            _check_bounds("value", value, self.bounds)
        if self.probabilities is None:
            return self
        if len(self.probabilities) != len(self.values):
            raise ValueError(
                f"{len(self.values)} values but {len(self.probabilities)} probabilities; "
                "give one probability per value"
            )
        for p in self.probabilities:
            _check_bounds("probability", p, (0.0, 1.0, False))
        total = sum(self.probabilities)
        if abs(total - 1.0) > _TOLERANCE:
            raise ValueError(f"probabilities sum to {total:g}, not 1")
        return self

    def draw(self, u: float) -> float:
        """The value at quantile ``u`` in [0, 1)."""
        weights = self.probabilities or (1.0 / len(self.values),) * len(self.values)
        index = int(np.searchsorted(np.cumsum(weights), u, side="right"))
        return self.values[min(index, len(self.values) - 1)]


class FactorRange(UniformRange):
    """A uniform range of discount factors, inside (0, 1]."""

    bounds: ClassVar[tuple[float, float, bool]] = (0.0, 1.0, True)


class FactorChoice(Choice):
    """A discrete choice of discount factors, each inside (0, 1]."""

    bounds: ClassVar[tuple[float, float, bool]] = (0.0, 1.0, True)


def _distribution_kind(value: Any) -> str:
    if isinstance(value, Choice) or (isinstance(value, Mapping) and "values" in value):
        return "choice"
    return "range"


UnitDistribution = Annotated[
    Annotated[UniformRange, Tag("range")] | Annotated[Choice, Tag("choice")],
    Discriminator(_distribution_kind),
]
FactorDistribution = Annotated[
    Annotated[FactorRange, Tag("range")] | Annotated[FactorChoice, Tag("choice")],
    Discriminator(_distribution_kind),
]


class SwapSpec(Record):
    """Two adjacent preference positions that swap with ``probability``; written ``[k, k+1]``."""

    positions: tuple[int, int]
    probability: float = Field(0.5, ge=0.0, le=1.0)

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return {"positions": value}
        if not isinstance(value, Mapping | SwapSpec):
            raise ValueError(
                f"expected a pair of positions [k, k+1] or {{positions, probability}}, "
                f"got {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _adjacent(self) -> Self:
        first, second = self.positions
        if first < 0 or second != first + 1:
            raise ValueError(
                f"positions {first} and {second} are not adjacent; write [k, k+1] with k >= 0 "
                "(0 is the first statement)"
            )
        return self


Swappable = Annotated[
    Annotated[tuple[SwapSpec, ...], Tag("pairs")] | Annotated[Literal["all"], Tag("all")],
    Discriminator(lambda value: "all" if isinstance(value, str) else "pairs"),
]


class GraphModelUncertainty(Record):
    """Uncertain graph-model preferences."""

    swappable: dict[str, Swappable] = Field(
        default_factory=dict,
        description="Per party: adjacent statement (or ranking entry) positions that may swap, "
        "or `all` for every adjacent pair.",
    )


class PerceptionUncertainty(Record):
    """How likely a party is to hold the perception the scenario states for it."""

    probability: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"probability": value}
        return value


class BargainingUncertainty(Record):
    """Uncertain bargaining parameters: per party, ranges or choices of values."""

    weights: dict[str, dict[str, UnitDistribution]] = Field(default_factory=dict)
    term_weights: dict[str, dict[int, UnitDistribution]] = Field(default_factory=dict)
    scores: dict[str, dict[str, dict[Value, UnitDistribution]]] = Field(default_factory=dict)
    reservation: dict[str, UnitDistribution] = Field(default_factory=dict)
    discount: dict[str, FactorDistribution] = Field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (
            self.weights or self.term_weights or self.scores or self.reservation or self.discount
        )


class UncertaintySpec(Record):
    """Which parts of a scenario are uncertain (the future scenario section ``uncertainty``)."""

    graph_model: GraphModelUncertainty = Field(default_factory=GraphModelUncertainty)
    perceptions: dict[str, PerceptionUncertainty] = Field(default_factory=dict)
    bargaining: BargainingUncertainty = Field(default_factory=BargainingUncertainty)


# --- reading ---------------------------------------------------------------------------------

_TAGS = frozenset({"range", "choice", "pairs", "all"})


def _data_path(data: Any, loc: Sequence[Any]) -> Path:
    """The parts of a pydantic location that are keys or indices the user wrote (or fields)."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if (isinstance(current, Mapping) and part in current) or (
            isinstance(current, list | tuple) and isinstance(part, int) and 0 <= part < len(current)
        ):
            path.append(part)
            current = current[part]
        elif isinstance(part, str) and (part in _TAGS or "[" in part):
            continue
        else:
            path.append(part)
            current = None
    return tuple(path)


def parse_uncertainty(
    data: Any,
    source: str = "<data>",
    *,
    lines: LineIndex | None = None,
    base: Path = ("uncertainty",),
) -> UncertaintySpec:
    """Validate plain data (as parsed from YAML or JSON) into an :class:`UncertaintySpec`.

    Parameters
    ----------
    data
        The mapping (``None`` means no uncertainty).
    source
        Where it came from, for messages.
    lines, base
        Line numbers of the file, and the path of ``data`` inside it.

    Raises
    ------
    ScenarioError
        Listing every problem (ranges out of bounds or reversed, probabilities that do not sum
        to 1, positions that are not adjacent, unknown fields), each with its location.
    """
    lines = lines or LineIndex()
    if data is None:
        return UncertaintySpec()
    if not isinstance(data, Mapping):
        problem = Problem(
            format_location(base),
            f"uncertainty must be a mapping, got {type(data).__name__}",
            "give graph_model, perceptions and/or bargaining",
            lines.line_of(base),
        )
        raise ScenarioError([problem], source)
    try:
        return UncertaintySpec.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            path = (*base, *_data_path(data, item["loc"]))
            message, hint = str(item["msg"]).removeprefix("Value error, "), None
            if item["type"] == "extra_forbidden":
                message, hint = "unknown field", "check the spelling"
            elif item["type"] == "missing":
                message = "required field is missing"
            problems.append(Problem(format_location(path), message, hint, lines.line_of(path)))
        raise ScenarioError(problems, source) from None


def load_uncertainty(path: str | FilePath, scenario: Scenario | None = None) -> UncertaintySpec:
    """Read uncertainty from a YAML or JSON file: a bare mapping, or the ``uncertainty``
    section of a scenario file (a mapping with ``format``); checked against ``scenario`` when
    given, so that problems come with their line numbers."""
    file = FilePath(path)
    if not file.is_file():
        raise ScenarioError([Problem("", f"cannot read {str(file)!r}", "check the path")])
    data, lines = parse_text(file.read_text(encoding="utf-8"), str(file))
    base: Path = ()
    if isinstance(data, Mapping) and "format" in data:
        data, base = data.get("uncertainty"), ("uncertainty",)
    spec = parse_uncertainty(data, str(file), lines=lines, base=base)
    if scenario is not None:
        compile_uncertainty(spec, scenario, source=str(file), lines=lines, base=base)
    return spec


# --- the plan: what varies, as arrays ----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PreferencePlan:
    """One party's graph-model preferences as movable parts.

    Either ``columns`` (option prioritisation: statement truth over the feasible states, one
    column per statement) or ``groups`` (explicit ranking: the entry each state belongs to).
    """

    size: int
    swaps: tuple[tuple[int, float], ...]
    columns: NDArray[np.bool_] | None = None
    groups: NDArray[np.int64] | None = None

    def scores(self, order: tuple[int, ...]) -> NDArray[np.int64]:
        """Scores of the states (higher is better) with ``order[k]`` at position ``k``."""
        if self.groups is not None:
            position = np.empty(self.size, dtype=np.int64)
            position[list(order)] = np.arange(self.size)
            return np.asarray(self.size - position[self.groups])
        if self.columns is None:
            raise DetenteError("a preference plan needs statement columns or ranking groups")
        ordered = self.columns[:, list(order)]
        if self.size <= _MAX_PRIORITY_STATEMENTS:
            weights = np.int64(1) << np.arange(self.size - 1, -1, -1, dtype=np.int64)
            return np.asarray(ordered.astype(np.int64) @ weights)
        packed = np.packbits(ordered, axis=1)
        keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
        return np.unique(keys, return_inverse=True)[1].astype(np.int64).ravel()


@dataclass(frozen=True, eq=False)
class PerceptionPlan:
    """A party's stated perception: the preference rows it believes the others have."""

    perceiver: int
    probability: float
    random: bool
    beliefs: tuple[tuple[int, NDArray[np.int32]], ...]


@dataclass(frozen=True, eq=False)
class GraphPlan:
    """The scenario's graph model with movable preferences and perceptions."""

    model: GraphModel
    preferences: tuple[PreferencePlan, ...]
    perceptions: tuple[PerceptionPlan, ...]

    def sampled_model(self, orders: tuple[tuple[int, ...], ...]) -> GraphModel:
        """The graph model with every party's statements in the given order."""
        model = self.model
        payoff = np.stack([p.scores(o) for p, o in zip(self.preferences, orders, strict=True)])
        status_quo = None if model.status_quo is None else int(model.states[model.status_quo])
        return GraphModel.build(
            model.parties,
            model.options,
            model.states,
            payoff,
            title=model.title,
            status_quo=status_quo,
        )

    def perceived(self, model: GraphModel, believes: tuple[bool, ...]) -> dict[str, GraphModel]:
        """Per believing party, the game it sees: ``model`` with the others' rows replaced."""
        games: dict[str, GraphModel] = {}
        for perception, holds in zip(self.perceptions, believes, strict=True):
            if not holds:
                continue
            payoff = model.payoff.copy()
            for party, row in perception.beliefs:
                payoff[party] = row
            games[model.parties[perception.perceiver].id] = GraphModel(
                title=model.title,
                parties=model.parties,
                options=model.options,
                states=model.states,
                payoff=payoff,
                status_quo=model.status_quo,
            )
        return games


ParameterKind = Literal["weight", "score", "reservation", "discount"]


@dataclass(frozen=True)
class ParameterDraw:
    """One uncertain bargaining number: which (party, term, value) and its distribution."""

    kind: ParameterKind
    party: int
    term: int
    value: int
    distribution: UniformRange | Choice


@dataclass(frozen=True, eq=False)
class BargainingPlan:
    """The scenario's bargaining problem with uncertain numbers.

    ``weights[p]`` are party p's weights as written (linear ones first, then terms), aligned
    with ``problem.terms[p]``.
    """

    problem: BargainingProblem
    weights: tuple[tuple[float, ...], ...]
    draws: tuple[ParameterDraw, ...]

    def sampled_problem(self, values: tuple[float, ...]) -> BargainingProblem:
        """The problem with the drawn numbers in place; weights of a party with a drawn weight
        are scaled to sum to 1."""
        base = self.problem
        weights = [list(w) for w in self.weights]
        tables = [[t.table for t in terms] for terms in base.terms]
        reservation = np.array(base.reservation, dtype=np.float64)
        discount = np.array(base.discount, dtype=np.float64)
        reweighted: set[int] = set()
        for draw, value in zip(self.draws, values, strict=True):
            if draw.kind == "weight":
                weights[draw.party][draw.term] = value
                reweighted.add(draw.party)
            elif draw.kind == "score":
                table = tables[draw.party][draw.term]
                if table is base.terms[draw.party][draw.term].table:
                    table = tables[draw.party][draw.term] = table.copy()
                table[draw.value] = value
            elif draw.kind == "reservation":
                reservation[draw.party] = value
            else:
                discount[draw.party] = value
        terms = []
        for p, party_terms in enumerate(base.terms):
            total = sum(weights[p])
            scale = 1.0 / total if p in reweighted and total > 0 else None
            terms.append(
                tuple(
                    UtilityTerm(
                        term.issues,
                        tables[p][k],
                        weights[p][k] * scale if scale is not None else term.weight,
                    )
                    for k, term in enumerate(party_terms)
                )
            )
        return BargainingProblem(
            title=base.title,
            parties=base.parties,
            issues=base.issues,
            terms=tuple(terms),
            reservation=reservation,
            discount=discount,
            deadline=base.deadline,
            first_proposer=base.first_proposer,
        )


@dataclass(frozen=True)
class Sample:
    """One draw: every party's statement order, who believes its perception, bargaining numbers.

    Hashable, so identical draws can be analysed once.
    """

    orders: tuple[tuple[int, ...], ...]
    believes: tuple[bool, ...]
    values: tuple[float, ...]


@dataclass(frozen=True, eq=False)
class UncertaintyPlan:
    """A checked uncertainty spec resolved against its scenario; pickles (plain arrays)."""

    graph: GraphPlan | None
    bargaining: BargainingPlan | None

    @property
    def n_draws(self) -> int:
        """Uniform numbers consumed per sample."""
        count = 0
        if self.graph is not None:
            count += sum(len(p.swaps) for p in self.graph.preferences)
            count += sum(p.random for p in self.graph.perceptions)
        if self.bargaining is not None:
            count += len(self.bargaining.draws)
        return count

    def sample(self, rng: np.random.Generator) -> Sample:
        """Draw one consistent scenario; always consumes :attr:`n_draws` uniforms from ``rng``."""
        uniforms = iter(rng.random(self.n_draws).tolist())
        orders: list[tuple[int, ...]] = []
        believes: list[bool] = []
        values: list[float] = []
        if self.graph is not None:
            for plan in self.graph.preferences:
                order = list(range(plan.size))
                for first, probability in plan.swaps:
                    if next(uniforms) < probability:
                        order[first], order[first + 1] = order[first + 1], order[first]
                orders.append(tuple(order))
            for perception in self.graph.perceptions:
                believes.append(not perception.random or next(uniforms) < perception.probability)
        if self.bargaining is not None:
            values = [d.distribution.draw(next(uniforms)) for d in self.bargaining.draws]
        return Sample(tuple(orders), tuple(believes), tuple(values))


# --- checking a spec against a scenario ------------------------------------------------------

_Report = Callable[[Path, str, str | None], None]


def compile_uncertainty(
    spec: UncertaintySpec,
    scenario: Scenario,
    *,
    source: str | None = None,
    lines: LineIndex | None = None,
    base: Path = ("uncertainty",),
) -> UncertaintyPlan:
    """Resolve ``spec`` against ``scenario``: parties, issues, values and statement positions.

    Raises
    ------
    ScenarioError
        Listing every reference that does not exist, with its location (``base`` prepended)
        and line when ``lines`` is given.
    """
    lines = lines or LineIndex()
    problems: list[Problem] = []

    def report(path: Path, message: str, hint: str | None) -> None:
        full = (*base, *path)
        problem = Problem(format_location(full), message, hint, lines.line_of(full))
        if problem not in problems:
            problems.append(problem)

    graph = _graph_plan(spec, scenario, report)
    bargaining = _bargaining_plan(spec, scenario, report)
    if problems:
        raise ScenarioError(problems, source or scenario.source)
    return UncertaintyPlan(graph, bargaining)


def _graph_plan(spec: UncertaintySpec, scenario: Scenario, report: _Report) -> GraphPlan | None:
    model, section = scenario.graph_model, scenario.document.graph_model
    if model is None or section is None:
        for key, given in (
            ("graph_model", spec.graph_model.swappable),
            ("perceptions", spec.perceptions),
        ):
            if given:
                report((key,), "the scenario has no graph model", "remove this or add one")
        return None
    ids = [p.id for p in model.parties]
    for party in spec.graph_model.swappable:
        if party not in ids:
            report(("graph_model", "swappable", party), f"unknown party {party!r}", _known(ids))
    bits = {o.id: ((model.states >> k) & 1).astype(bool) for k, o in enumerate(model.options)}
    preferences = []
    for party in ids:
        written = section.preferences[party]
        if isinstance(written, RankingSpec):
            groups = np.empty(model.n_states, dtype=np.int64)
            for rank, entry in enumerate(written.ranking):
                for code in (entry,) if isinstance(entry, str) else entry:
                    groups[model.index_of(code)] = rank
            plan = PreferencePlan(len(written.ranking), (), groups=groups)
        else:
            truths = [parse_expression(s.expr).evaluate(bits) for s in written]
            shape = (model.n_states,)
            columns = np.stack([np.broadcast_to(t, shape) for t in truths], axis=1)
            plan = PreferencePlan(len(written), (), columns=columns)
        wanted = spec.graph_model.swappable.get(party, ())
        swaps = _swaps(party, wanted, plan, isinstance(written, RankingSpec), report)
        preferences.append(PreferencePlan(plan.size, swaps, plan.columns, plan.groups))
    perceptions = _perception_plans(spec, scenario, model, report)
    return GraphPlan(model, tuple(preferences), perceptions)


def _swaps(
    party: str,
    swappable: tuple[SwapSpec, ...] | Literal["all"],
    plan: PreferencePlan,
    ranking: bool,
    report: _Report,
) -> tuple[tuple[int, float], ...]:
    if swappable == "all":
        return tuple((k, 0.5) for k in range(plan.size - 1))
    what = "ranking entries" if ranking else "statements"
    swaps = []
    for j, swap in enumerate(swappable):
        first, second = swap.positions
        if second >= plan.size:
            report(
                ("graph_model", "swappable", party, j),
                f"there is no position {second}: {party}'s preferences have {plan.size} {what} "
                f"(positions 0 to {plan.size - 1})",
                "positions count from 0, most important first",
            )
        swaps.append((first, swap.probability))
    return tuple(swaps)


def _perception_plans(
    spec: UncertaintySpec, scenario: Scenario, model: GraphModel, report: _Report
) -> tuple[PerceptionPlan, ...]:
    ids = [p.id for p in model.parties]
    for party in spec.perceptions:
        if party not in ids:
            report(("perceptions", party), f"unknown party {party!r}", _known(ids))
        elif party not in scenario.perceptions:
            report(
                ("perceptions", party),
                f"{party!r} states no perception to hold or drop",
                "state it under graph_model.perceptions, or remove this entry",
            )
    section = scenario.document.graph_model
    plans = []
    for perceiver, game in scenario.perceptions.items():
        written = section.perceptions[perceiver] if section is not None else {}
        beliefs = tuple(
            (model.party_index(other), game.payoff[model.party_index(other)]) for other in written
        )
        given = spec.perceptions.get(perceiver)
        probability = 1.0 if given is None else given.probability
        plans.append(PerceptionPlan(ids.index(perceiver), probability, given is not None, beliefs))
    return tuple(plans)


def _known(items: Sequence[str], what: str = "known") -> str:
    return f"{what}: {', '.join(items)}" if items else f"none {what}"


def _value_text(value: object) -> str:
    """A written value as the compiled issue spells it (numbers to 12 significant digits)."""
    return f"{value:.12g}" if isinstance(value, float) else str(value)


def _bargaining_entries(
    given: BargainingUncertainty,
) -> list[tuple[ParameterKind, Path, str, str | int | None, str, UniformRange | Choice]]:
    """Every uncertain number as (kind, path, party, issue or term index, value, distribution)."""
    entries: list[tuple[ParameterKind, Path, str, str | int | None, str, UniformRange | Choice]]
    entries = [
        ("weight", ("weights", party, issue), party, issue, "", dist)
        for party, by_issue in given.weights.items()
        for issue, dist in by_issue.items()
    ]
    entries += [
        ("weight", ("term_weights", party, index), party, index, "", dist)
        for party, by_index in given.term_weights.items()
        for index, dist in by_index.items()
    ]
    entries += [
        ("score", ("scores", party, issue, _value_text(value)), party, issue, _value_text(value), d)
        for party, by_issue in given.scores.items()
        for issue, by_value in by_issue.items()
        for value, d in by_value.items()
    ]
    entries += [
        ("reservation", ("reservation", p), p, None, "", d) for p, d in given.reservation.items()
    ]
    entries += [("discount", ("discount", p), p, None, "", d) for p, d in given.discount.items()]
    return entries


def _bargaining_plan(
    spec: UncertaintySpec, scenario: Scenario, report: _Report
) -> BargainingPlan | None:
    given = spec.bargaining
    problem, section = scenario.bargaining, scenario.document.bargaining
    if problem is None or section is None:
        if not given.empty:
            report(("bargaining",), "the scenario has no bargaining section", "remove this")
        return None
    ids = [p.id for p in problem.parties]
    issues = {issue.id: issue for issue in problem.issues}
    linear: dict[str, list[str]] = {}
    written: list[tuple[float, ...]] = []
    for p, party in enumerate(ids):
        prefs = section.preferences[party]
        linear[party] = list((prefs.scores or {}).keys())
        weights = [(prefs.weights or {})[i] for i in linear[party]]
        weights += [t.weight for t in prefs.terms]
        if len(weights) != len(problem.terms[p]):
            raise DetenteError(f"internal: utility terms of {party!r} do not match its weights")
        written.append(tuple(weights))
    draws: list[ParameterDraw] = []
    for kind, path, party, target, value, dist in _bargaining_entries(given):
        where: Path = ("bargaining", *path)
        if party not in ids:
            report(where[:3], f"{party!r} is not a bargaining party", _known(ids, "parties"))
            continue
        p = ids.index(party)
        if target is None:
            draws.append(ParameterDraw(kind, p, 0, 0, dist))
        elif isinstance(target, int):
            count = len(section.preferences[party].terms)
            if 0 <= target < count:
                draws.append(ParameterDraw(kind, p, len(linear[party]) + target, 0, dist))
            else:
                report(where, f"{party} has no term {target}: it has {count}, from 0", None)
        elif target not in issues:
            report(where[:4], f"unknown issue {target!r}", _known(list(issues), "issues"))
        elif target not in linear[party]:
            report(
                where[:4],
                f"{party} has no linear weight on {target!r} (it counts only through terms)",
                f"{party}'s linear weights: {', '.join(linear[party]) or 'none'}; "
                "use term_weights for terms",
            )
        elif kind == "score" and value not in issues[target].values:
            report(
                where,
                f"{value!r} is not a value of {target!r}",
                _known(issues[target].values, "values"),
            )
        else:
            index = issues[target].values.index(value) if kind == "score" else 0
            draws.append(ParameterDraw(kind, p, linear[party].index(target), index, dist))
    return BargainingPlan(problem, tuple(written), tuple(draws))
