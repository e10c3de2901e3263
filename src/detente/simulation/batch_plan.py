"""Turning a batch request into arrays: which strategy plays where, with which parameters.

Each negotiation of a batch names one strategy per party (a built-in strategy object, a
built-in name, or a name with parameters). This module resolves those specs once per distinct
line-up, sorts every seat into a kind the vectorised engine can play (a round table,
tit-for-tat, random) or gives the reason it cannot, and checks seeds, the deadline and the
first proposers exactly as :func:`detente.simulation.simulate` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.problem import BargainingProblem
from detente.simulation.batch_tables import RoundTable, SeatView, TableStrategy, round_table
from detente.simulation.errors import SimulationError
from detente.simulation.knowledge import prepare
from detente.simulation.protocol import Rules, Strategy
from detente.simulation.strategies import (
    AbsoluteTitForTat,
    HardLiner,
    NashSeeking,
    RandomOffers,
    RelativeTitForTat,
    Rubinstein,
    TimeDependent,
    WalkAwayAware,
    make_strategy,
)

__all__ = [
    "KIND_ABSOLUTE",
    "KIND_RANDOM",
    "KIND_RELATIVE",
    "KIND_TABLE",
    "VECTORISED",
    "BatchPlan",
    "Lineup",
    "NotVectorisedError",
    "SeatChoice",
    "StrategySpec",
    "classify",
    "plan_batch",
    "resolve_strategy",
]

#: A strategy object, a built-in name (``"boulware"``), or a name with parameters
#: (``("boulware", {"e": 0.1})``), as :func:`~detente.simulation.make_strategy` takes them.
StrategySpec = Strategy | str | tuple[str, Mapping[str, object]]
#: One strategy spec per party, in the problem's party order.
Lineup = Sequence[StrategySpec]

KIND_TABLE, KIND_RELATIVE, KIND_ABSOLUTE, KIND_RANDOM = 0, 1, 2, 3

#: The strategy classes the vectorised engine plays itself (exact classes: a subclass may
#: change behaviour, so it goes to the plain engine).
VECTORISED: tuple[type, ...] = (
    TimeDependent,
    HardLiner,
    WalkAwayAware,
    NashSeeking,
    Rubinstein,
    RelativeTitForTat,
    AbsoluteTitForTat,
    RandomOffers,
)
# Strategies that keep memory per negotiation: one object in two seats mixes their memories.
_STATEFUL = (TimeDependent, RelativeTitForTat, AbsoluteTitForTat, RandomOffers)


class NotVectorisedError(SimulationError):
    """A negotiation of a batch uses a strategy the vectorised engine cannot play exactly
    (a user-defined strategy, a subclass of a built-in, one object in two seats); the message
    says which and how to run it anyway."""


@dataclass(frozen=True)
class SeatChoice:
    """How one strategy object plays in the vectorised engine."""

    kind: int
    strategy: Strategy
    key: tuple[object, ...] = ()
    delay: int = 1
    p_accept: float = 0.0
    seed: int | None = None


def resolve_strategy(spec: StrategySpec) -> Strategy:
    """The strategy object a spec stands for (built-in names go through ``make_strategy``)."""
    if isinstance(spec, str):
        return make_strategy(spec)
    if (
        isinstance(spec, tuple)
        and len(spec) == 2
        and isinstance(spec[0], str)
        and isinstance(spec[1], Mapping)
    ):
        return make_strategy(spec[0], **dict(spec[1]))
    return spec


def _name(strategy: object) -> str:
    return str(getattr(strategy, "name", type(strategy).__name__))


def classify(strategy: object) -> SeatChoice | str:
    """How the vectorised engine plays ``strategy``, or why it cannot."""
    kind = type(strategy)
    if isinstance(strategy, TimeDependent) and kind is TimeDependent:
        return SeatChoice(KIND_TABLE, strategy, ("time_dependent", strategy.e))
    if isinstance(strategy, WalkAwayAware) and kind is WalkAwayAware:
        return SeatChoice(KIND_TABLE, strategy, ("walk_away_aware", strategy.e))
    if kind in (HardLiner, NashSeeking, Rubinstein):
        return SeatChoice(KIND_TABLE, strategy, (kind.__name__,))  # type: ignore[arg-type]
    if isinstance(strategy, RelativeTitForTat | AbsoluteTitForTat) and kind in (
        RelativeTitForTat,
        AbsoluteTitForTat,
    ):
        code = KIND_RELATIVE if kind is RelativeTitForTat else KIND_ABSOLUTE
        return SeatChoice(code, strategy, delay=strategy.delay)
    if isinstance(strategy, RandomOffers) and kind is RandomOffers:
        return SeatChoice(KIND_RANDOM, strategy, p_accept=strategy.p_accept, seed=strategy.seed)
    if isinstance(strategy, VECTORISED):
        return (
            f"{_name(strategy)} is a {kind.__name__}, a subclass of a built-in strategy that may "
            "behave differently"
        )
    return f"{_name(strategy)} ({kind.__name__}) is not a built-in strategy"


@dataclass(frozen=True)
class _Entry:
    """One distinct line-up: its strategies and, when it can be vectorised, their choices."""

    strategies: tuple[Strategy, ...]
    names: tuple[str, ...]
    choices: tuple[SeatChoice, ...] | None
    reason: str | None


def _entry(lineup: Lineup, n: int, party_ids: str) -> _Entry:
    if isinstance(lineup, str) or not isinstance(lineup, Sequence):
        raise SimulationError(
            f"each line-up must be a list of {n} strategies (one per party: {party_ids}), "
            f"got {lineup!r}"
        )
    if len(lineup) != n:
        raise SimulationError(
            f"{len(lineup)} strateg{'y' if len(lineup) == 1 else 'ies'} given for {n} parties "
            f"({party_ids}); give exactly one strategy per party, in that order"
        )
    strategies = tuple(resolve_strategy(spec) for spec in lineup)
    names = tuple(_name(s) for s in strategies)
    choices: list[SeatChoice] = []
    for seat, strategy in enumerate(strategies):
        choice = classify(strategy)
        if isinstance(choice, str):
            return _Entry(strategies, names, None, f"seat {seat}: {choice}")
        if isinstance(strategy, _STATEFUL):
            for other in range(seat):
                if strategies[other] is strategy:
                    return _Entry(
                        strategies,
                        names,
                        None,
                        f"seats {other} and {seat} share one {names[seat]} object, whose "
                        "memory the plain engine would mix between them",
                    )
        choices.append(choice)
    return _Entry(strategies, names, tuple(choices), None)


def _spec_key(spec: object) -> object:
    """Built-in names (with hashable parameters) give the same strategies wherever they
    appear, so line-ups that spell them alike share one entry; objects are told apart by
    identity."""
    if isinstance(spec, str):
        return spec
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], Mapping):
        try:
            key = ("params", spec[0], tuple(sorted(spec[1].items())))
            hash(key)
        except TypeError:
            return id(spec)
        return key
    return id(spec)


def _entropy(seed: object) -> int:
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        return int(entropy)  # type: ignore[arg-type]
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise SimulationError(
            f"seeds must be non-negative integers or None, got {seed!r}; to draw them from a "
            "generator use seeds=rng.integers(2**63, size=n)"
        )
    if seed < 0:
        raise SimulationError(f"seeds must be non-negative integers or None, got {seed!r}")
    return int(seed)


@dataclass(eq=False)
class BatchPlan:
    """A batch ready to run: per negotiation its line-up, first proposer and seed; per seat the
    strategy kinds and their tables."""

    problem: BargainingProblem
    rules: Rules  # n_parties, n_outcomes, deadline; first_proposer unused (see ``first``)
    entries: list[_Entry]
    lineup: NDArray[np.int64]  # per negotiation: index into entries
    first: NDArray[np.int64]
    entropy: list[int]
    views: list[SeatView]
    plain: NDArray[np.int64]  # negotiations run by the plain engine
    vector: NDArray[np.int64]  # negotiations run on arrays
    tables: list[list[RoundTable]] = field(default_factory=list)
    # Per seat, per negotiation (meaningful where the kind applies).
    kind: list[NDArray[np.int8]] = field(default_factory=list)
    column: list[NDArray[np.int64]] = field(default_factory=list)
    delay: list[NDArray[np.int64]] = field(default_factory=list)
    p_accept: list[NDArray[np.float64]] = field(default_factory=list)


def _check_rules(
    problem: BargainingProblem, count: int, deadline: int | None, first: object
) -> tuple[int, NDArray[np.int64]]:
    n = len(problem.parties)
    rounds = problem.deadline if deadline is None else deadline
    if rounds is None:
        raise SimulationError(
            "no deadline: the problem sets none; pass deadline=ROUNDS "
            "(or add `deadline:` to the scenario's bargaining section)"
        )
    if isinstance(rounds, bool) or not isinstance(rounds, int | np.integer) or rounds < 1:
        raise SimulationError(f"the deadline must be a whole number of rounds >= 1, got {rounds!r}")
    chosen = problem.first_proposer if first is None else first
    many = isinstance(chosen, Sequence | np.ndarray)
    values = list(chosen) if many else [chosen]  # type: ignore[call-overload]
    if many and len(values) != count:
        raise SimulationError(
            f"first_proposer gives {len(values)} values for {count} negotiations; give one "
            "party index, or one per negotiation"
        )
    for value in values:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or not (0 <= value < n)
        ):
            raise SimulationError(
                f"the first proposer must be a party index 0..{n - 1}, got {value!r}"
            )
    if not many:
        values = values * count
    return int(rounds), np.asarray(values, dtype=np.int64).reshape(count)


def plan_batch(
    problem: BargainingProblem,
    lineups: Sequence[Lineup],
    seeds: Sequence[int | None] | NDArray[np.integer],
    deadline: int | None,
    first_proposer: int | Sequence[int] | NDArray[np.integer] | None,
    fallback: Literal["error", "plain"],
) -> BatchPlan:
    """Check a batch request and compile it (see :func:`~detente.simulation.batch.simulate_batch`
    for the arguments)."""
    if fallback not in ("error", "plain"):
        raise SimulationError(f"fallback must be 'error' or 'plain', got {fallback!r}")
    if isinstance(seeds, int | str) or not isinstance(seeds, Sequence | np.ndarray | range):
        raise SimulationError(
            f"seeds must be a list of integer seeds, one per negotiation; got {seeds!r}"
        )
    count = len(seeds)
    if isinstance(lineups, str) or not isinstance(lineups, Sequence) or not lineups:
        raise SimulationError("lineups must be a non-empty list of line-ups (one per negotiation)")
    if len(lineups) not in (1, count):
        raise SimulationError(
            f"{len(lineups)} line-ups for {count} seeds: give one line-up per negotiation, or a "
            "single line-up for all of them"
        )
    n = len(problem.parties)
    horizon, first = _check_rules(problem, count, deadline, first_proposer)
    if isinstance(seeds, np.ndarray) and seeds.dtype.kind in "iu":
        if seeds.size and int(seeds.min()) < 0:
            raise SimulationError("seeds must be non-negative integers or None")
        entropy = [int(s) for s in seeds.reshape(-1).tolist()]
    else:
        entropy = [_entropy(s) for s in seeds]

    party_ids = ", ".join(p.id for p in problem.parties)
    entries: list[_Entry] = []
    by_object: dict[int, int] = {}
    by_specs: dict[tuple[object, ...], int] = {}
    kept: list[object] = []  # keeps every line-up alive, so that no id is reused meanwhile
    index = np.zeros(count, dtype=np.int64)
    for b, lineup in enumerate(lineups):
        slot = by_object.get(id(lineup))
        if slot is None:
            kept.append(lineup)
            if isinstance(lineup, str) or not isinstance(lineup, Sequence):
                _entry(lineup, n, party_ids)  # raises: not a line-up
            key = tuple(_spec_key(spec) for spec in lineup)
            slot = by_specs.get(key)
            if slot is None:
                slot = len(entries)
                entries.append(_entry(lineup, n, party_ids))
                by_specs[key] = slot
            by_object[id(lineup)] = slot
        index[b] = slot
    refused = np.asarray([e.choices is None for e in entries], dtype=bool)[index]
    if refused.any() and fallback == "error":
        b = int(np.flatnonzero(refused)[0])
        raise NotVectorisedError(
            f"negotiation {b} cannot run on the vectorised engine: {entries[index[b]].reason}. "
            "Pass fallback='plain' to run such negotiations with the plain engine, one by one"
        )

    prepared = prepare(problem)
    rules = Rules(n, problem.n_outcomes, horizon, int(first[0]) if count else 0)
    views = [
        SeatView(
            party=i,
            rules=rules,
            utilities=prepared.utilities[i],
            reservation=float(problem.reservation[i]),
            discount=float(problem.discount[i]),
            ladder=prepared.ladder(i),
            public=prepared.public,
        )
        for i in range(n)
    ]
    plan = BatchPlan(
        problem=problem,
        rules=rules,
        entries=entries,
        lineup=index,
        first=first,
        entropy=entropy,
        views=views,
        plain=np.flatnonzero(refused),
        vector=np.flatnonzero(~refused),
    )
    _compile_seats(plan)
    return plan


def _compile_seats(plan: BatchPlan) -> None:
    """Per seat: each negotiation's kind, table column, delay and acceptance probability."""
    n = plan.rules.n_parties
    vector = plan.vector
    groups: dict[tuple[int, int], NDArray[np.int64]] = {}
    if vector.size:
        pairs = np.stack([plan.lineup[vector], plan.first[vector]], axis=1)
        distinct, inverse = np.unique(pairs, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(distinct) + 1))
        for g, (entry, first) in enumerate(distinct.tolist()):
            groups[(entry, first)] = vector[order[bounds[g] : bounds[g + 1]]]
    count = len(plan.lineup)
    for seat in range(n):
        kind = np.full(count, -1, dtype=np.int8)
        column = np.zeros(count, dtype=np.int64)
        delay = np.ones(count, dtype=np.int64)
        p_accept = np.zeros(count, dtype=np.float64)
        tables: list[RoundTable] = []
        columns: dict[tuple[object, ...], int] = {}
        for (entry, first), rows in groups.items():
            choices = plan.entries[entry].choices
            if choices is None:  # refused line-ups are not in ``vector``
                continue
            choice = choices[seat]
            kind[rows] = choice.kind
            delay[rows] = choice.delay
            p_accept[rows] = choice.p_accept
            if choice.kind == KIND_TABLE:
                key = choice.key + ((first,) if isinstance(choice.strategy, Rubinstein) else ())
                if key not in columns:
                    columns[key] = len(tables)
                    strategy: TableStrategy = choice.strategy  # type: ignore[assignment]
                    tables.append(round_table(strategy, plan.views[seat], first))
                column[rows] = columns[key]
        plan.kind.append(kind)
        plan.column.append(column)
        plan.delay.append(delay)
        plan.p_accept.append(p_accept)
        plan.tables.append(tables)
