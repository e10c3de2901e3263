"""Tournaments: strategies × scenarios × repetitions × role assignments, on any executor.

A tournament (configured as in :mod:`detente.simulation.tournament_config`) plays, on every
scenario, every combination of its strategies in every assignment to the scenario's roles
(parties), ``repetitions`` times. Each negotiation gives one row of results; each strategy gets
means with confidence intervals of its final utility, agreement rate and rounds.

**Reproducibility.** Every negotiation's seed is derived from the tournament seed with a
:class:`numpy.random.SeedSequence` whose spawn key is made from the scenario id, the pair (the
strategies taking part, as a sorted multiset of labels), the repetition and the role assignment
(the labels in role order); see :func:`negotiation_seed`. Seeds never depend on the order in
which negotiations are executed, so one process, a pool of processes and a Dask cluster give the
same rows, and resuming an interrupted tournament gives the rows an uninterrupted run gives.

**Execution.** The negotiations are cut into chunks of one scenario each; a chunk is a
picklable :class:`Chunk` run by the module-level :func:`run_chunk`, so any
:class:`concurrent.futures.Executor` works (:class:`~concurrent.futures.ProcessPoolExecutor`,
:func:`dask_executor` for a Dask cluster); without one the chunks run in this process. An
``engine`` plays a chunk's negotiations: :func:`plain_engine` runs any built-in strategy through
:func:`detente.simulation.simulate`; :func:`batch_engine` plays a whole chunk at once with the
vectorised engine and gives the same rows (use it with a large ``chunk_size``).

**Output.** Rows stream to ``OUTPUT/negotiations/part-NNNNNN.parquet`` (one Parquet file per
chunk, each written to a temporary name and renamed, so an interruption never leaves a broken
file; read the directory with ``pandas.read_parquet`` or ``pyarrow.dataset``), or, when
``pyarrow`` is not installed (it is the optional extra ``detente[tournament]``), to
``OUTPUT/negotiations.csv`` with the same columns, flushed after every chunk. A finished
tournament also writes ``OUTPUT/summary.csv``. ``OUTPUT/tournament.json`` records a fingerprint
of the planned negotiations; ``resume=True`` checks it and skips every negotiation whose ``key``
is already stored.

**Metrics per negotiation** (the columns of :func:`result_columns`): agreement, how it ended, the
round, the agreed outcome (index and values as JSON), each party's final utility, the welfare
(sum of final utilities, reservation values included when there is no deal), and for an
agreement the Euclidean distance of its *undiscounted* utility vector to the nearest
Pareto-optimal outcome and to the Nash bargaining outcome (the outcome
:func:`detente.bargaining.solve_bargaining` reports as ``nash``; NaN when the zone of agreement
is empty). These are the "distance to Pareto" and "distance to Nash" of the ANAC competitions
(Baarslag, Hindriks, Jonker, Kraus & Lin 2012, "The first automated negotiating agents
competition (ANAC 2010)", in *New Trends in Agent-Based Complex Automated Negotiations*,
Springer, pp. 113-135).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import importlib
import json
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from itertools import combinations, combinations_with_replacement, permutations
from pathlib import Path
from statistics import NormalDist
from typing import Any, ClassVar, Literal, ParamSpec, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.problem import BargainingProblem
from detente.errors import DetenteError
from detente.intervals import wilson_interval
from detente.simulation.engine import simulate
from detente.simulation.knowledge import PublicKnowledge
from detente.simulation.protocol import Strategy
from detente.simulation.tournament_config import (
    StrategySpec,
    TournamentConfig,
    TournamentSetup,
    load_tournament_config,
    resolve_tournament,
)
from detente.simulation.trace import End, Ending

__all__ = [
    "RESULTS_FORMAT",
    "Chunk",
    "Engine",
    "Estimate",
    "Negotiation",
    "ScenarioTask",
    "StrategySummary",
    "TournamentError",
    "TournamentResult",
    "agreement_distances",
    "batch_engine",
    "confidence_interval",
    "dask_executor",
    "negotiation_key",
    "negotiation_seed",
    "plain_engine",
    "plan_negotiations",
    "result_columns",
    "run_chunk",
    "run_tournament",
    "student_t_quantile",
    "summarize",
]

RESULTS_FORMAT = "detente/tournament-results/1"
#: Negotiations per chunk unless ``chunk_size`` says otherwise.
DEFAULT_CHUNK_SIZE = 64
#: Chunks handed to an executor before waiting for one to finish.
MAX_IN_FLIGHT = 64

Row = dict[str, Any]
Progress = Callable[[int, int], object]
_P = ParamSpec("_P")
_T = TypeVar("_T")


class TournamentError(DetenteError, RuntimeError):
    """A tournament could not run: a negotiation failed, the output directory holds another
    tournament's results, or an optional dependency is missing."""


# --- The plan: which negotiations, with which seeds -----------------------------------------


@dataclass(frozen=True)
class Negotiation:
    """One negotiation of a tournament.

    Attributes
    ----------
    key
        Stable identifier (JSON text: scenario, labels in role order, repetition).
    scenario
        The scenario id.
    strategies
        One strategy per role, in the problem's party order.
    repetition
        0-based repetition number.
    seed
        The seed passed to the engine (see :func:`negotiation_seed`).
    """

    key: str
    scenario: str
    strategies: tuple[StrategySpec, ...]
    repetition: int
    seed: int


def _word(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def negotiation_seed(seed: int, scenario: str, labels: Sequence[str], repetition: int) -> int:
    """The seed of one negotiation: a function of the tournament seed, the scenario, the pair,
    the repetition and the role assignment only.

    ``SeedSequence(seed, spawn_key=(h(scenario), h(sorted labels), repetition, h(labels)))``
    with ``h`` a 64-bit BLAKE2b digest of the text; its first 64 generated bits, shifted to 63,
    are the negotiation's seed (an integer :func:`detente.simulation.simulate` accepts).
    """
    pair = json.dumps(sorted(labels), ensure_ascii=False)
    role = json.dumps(list(labels), ensure_ascii=False)
    key = (_word(scenario), _word(pair), int(repetition), _word(role))
    state = np.random.SeedSequence(int(seed), spawn_key=key).generate_state(1, dtype=np.uint64)
    return int(state[0]) >> 1


def negotiation_key(scenario: str, labels: Sequence[str], repetition: int) -> str:
    """The stable key of a negotiation: ``["scenario",["label",...],repetition]``."""
    return json.dumps([scenario, list(labels), int(repetition)], ensure_ascii=False)


def _assignments(count: int, roles: int, swaps: bool, self_play: bool) -> list[tuple[int, ...]]:
    """Strategy indices per role: every combination, in every distinct order when swapping."""
    pick = combinations_with_replacement if self_play else combinations
    result: list[tuple[int, ...]] = []
    for combo in pick(range(count), roles):
        result.extend(sorted(set(permutations(combo))) if swaps else [combo])
    return result


def plan_negotiations(setup: TournamentSetup) -> tuple[Negotiation, ...]:
    """Every negotiation of a tournament, in canonical order: scenario (config order), then
    role assignment (combinations in config order, each in lexicographic role order), then
    repetition."""
    config = setup.config
    plan = []
    for scenario in setup.scenarios:
        roles = len(scenario.problem.parties)
        for indices in _assignments(
            len(setup.strategies), roles, config.role_swaps, config.self_play
        ):
            specs = tuple(setup.strategies[i] for i in indices)
            labels = [s.label for s in specs]
            for repetition in range(config.repetitions):
                plan.append(
                    Negotiation(
                        negotiation_key(scenario.id, labels, repetition),
                        scenario.id,
                        specs,
                        repetition,
                        negotiation_seed(config.seed, scenario.id, labels, repetition),
                    )
                )
    return tuple(plan)


# --- Playing a chunk ------------------------------------------------------------------------


class Engine(Protocol):
    """Plays negotiations on one problem and returns how each ended, in order.

    Must be picklable (a module-level function) to run on a process pool or a cluster.
    """

    def __call__(
        self, problem: BargainingProblem, negotiations: Sequence[Negotiation], deadline: int
    ) -> Sequence[Ending]: ...


def plain_engine(
    problem: BargainingProblem, negotiations: Sequence[Negotiation], deadline: int
) -> list[Ending]:
    """Play each negotiation with :func:`detente.simulation.simulate`.

    One strategy object is built per role and label and reused: the engine resets it before
    every negotiation, and the strategy contract requires a reset strategy to replay exactly.
    """
    endings = []
    built: dict[tuple[int, str], Strategy] = {}
    for negotiation in negotiations:
        strategies = []
        for role, spec in enumerate(negotiation.strategies):
            strategy = built.get((role, spec.label))
            if strategy is None:
                strategy = built[role, spec.label] = spec.build()
            strategies.append(strategy)
        try:
            trace = simulate(problem, strategies, seed=negotiation.seed, deadline=deadline)
        except DetenteError as error:
            raise TournamentError(f"negotiation {negotiation.key} failed: {error}") from None
        endings.append(trace.ending)
    return endings


def batch_engine(
    problem: BargainingProblem, negotiations: Sequence[Negotiation], deadline: int
) -> list[Ending]:
    """Play a chunk's negotiations at once with the vectorised engine
    (:func:`detente.simulation.batch.simulate_batch_summary`), which gives the endings
    :func:`plain_engine` gives, float for float; use a large ``chunk_size`` with it."""
    batch = importlib.import_module("detente.simulation.batch")
    lineups = [[(spec.name, dict(spec.params)) for spec in n.strategies] for n in negotiations]
    seeds = [n.seed for n in negotiations]
    summary = batch.simulate_batch_summary(
        problem, lineups, seeds=seeds, deadline=deadline, fallback="plain"
    )
    return [summary.ending(i) for i in range(len(negotiations))]


@dataclass(frozen=True, eq=False)
class ScenarioTask:
    """What a worker needs to play and score negotiations on one scenario.

    ``frontier`` holds the utility vectors of the Pareto-optimal outcomes, ``nash`` that of
    the Nash bargaining outcome (``None`` when the zone of agreement is empty); ``width`` is the
    number of role columns of the results.
    """

    id: str
    problem: BargainingProblem
    deadline: int
    frontier: NDArray[np.float64]
    nash: NDArray[np.float64] | None
    width: int

    @classmethod
    def of(cls, ident: str, problem: BargainingProblem, deadline: int, width: int) -> ScenarioTask:
        public = PublicKnowledge(problem)
        outcome = public.nash_outcome
        nash = None if outcome is None else np.array(problem.utilities()[outcome])
        return cls(ident, problem, deadline, np.array(public.frontier_utilities), nash, width)


@dataclass(frozen=True, eq=False)
class Chunk:
    """A picklable unit of work: some negotiations on one scenario, and the engine to use."""

    task: ScenarioTask
    negotiations: tuple[Negotiation, ...]
    engine: Engine = field(default=plain_engine)


def agreement_distances(
    point: NDArray[np.float64], frontier: NDArray[np.float64], nash: NDArray[np.float64] | None
) -> tuple[float, float]:
    """Euclidean distance of a utility vector to the nearest frontier point and to the Nash
    point (NaN without one)."""
    to_frontier = float(np.sqrt(((frontier - point) ** 2).sum(axis=1)).min())
    to_nash = math.nan if nash is None else float(np.sqrt(((nash - point) ** 2).sum()))
    return to_frontier, to_nash


def _row(task: ScenarioTask, negotiation: Negotiation, ending: Ending) -> Row:
    problem = task.problem
    agreed = ending.end is End.AGREEMENT
    played = ending.round if ending.end is End.DEADLINE else ending.round + 1
    row: Row = {
        "key": negotiation.key,
        "scenario": task.id,
        "repetition": negotiation.repetition,
        "seed": negotiation.seed,
        "agreement": agreed,
        "end": ending.end.value,
        "round": int(ending.round),
        "rounds_played": int(played),
        "walked_by": None if ending.walked_by is None else problem.parties[ending.walked_by].id,
        "outcome": None,
        "outcome_values": None,
    }
    if agreed and ending.agreement is not None:
        row["outcome"] = int(ending.agreement)
        row["outcome_values"] = json.dumps(problem.outcome(ending.agreement), ensure_ascii=False)
    for i in range(task.width):
        inside = i < len(problem.parties)
        row[f"party_{i}"] = problem.parties[i].id if inside else None
        row[f"strategy_{i}"] = negotiation.strategies[i].label if inside else None
        row[f"utility_{i}"] = float(ending.utilities[i]) if inside else math.nan
    row["welfare"] = float(sum(ending.utilities))
    distances = (math.nan, math.nan)
    if agreed and ending.agreement is not None:
        point = problem.utilities()[ending.agreement]
        distances = agreement_distances(point, task.frontier, task.nash)
    row["distance_pareto"], row["distance_nash"] = distances
    return row


def run_chunk(chunk: Chunk) -> list[Row]:
    """Play a chunk's negotiations and return one result row each (the executors' work)."""
    task = chunk.task
    try:
        endings = list(chunk.engine(task.problem, chunk.negotiations, task.deadline))
    except TournamentError:
        raise
    except DetenteError as error:
        raise TournamentError(f"scenario {task.id!r}: {error}") from None
    if len(endings) != len(chunk.negotiations):
        raise TournamentError(
            f"the engine returned {len(endings)} results for {len(chunk.negotiations)} "
            f"negotiations on scenario {task.id!r}"
        )
    return [_row(task, n, e) for n, e in zip(chunk.negotiations, endings, strict=True)]


# --- Columns and storage --------------------------------------------------------------------

_HEAD = (
    ("key", "str"),
    ("scenario", "str"),
    ("repetition", "int"),
    ("seed", "int"),
    ("agreement", "bool"),
    ("end", "str"),
    ("round", "int"),
    ("rounds_played", "int"),
    ("walked_by", "str?"),
    ("outcome", "int?"),
    ("outcome_values", "str?"),
)
_TAIL = (("welfare", "float"), ("distance_pareto", "float"), ("distance_nash", "float"))


def _schema(width: int) -> tuple[tuple[str, str], ...]:
    roles = tuple(
        column
        for i in range(width)
        for column in ((f"party_{i}", "str?"), (f"strategy_{i}", "str?"), (f"utility_{i}", "float"))
    )
    return _HEAD + roles + _TAIL


def result_columns(width: int) -> tuple[str, ...]:
    """The result columns for scenarios of up to ``width`` parties.

    ``key``, ``scenario``, ``repetition``, ``seed``, ``agreement`` (bool), ``end``
    (``agreement``, ``walk_away`` or ``deadline``), ``round`` (of the agreement or walk-away; the
    deadline when time ran out), ``rounds_played``, ``walked_by`` (party id), ``outcome`` (index)
    and ``outcome_values`` (JSON), then per role ``i``: ``party_i``, ``strategy_i`` and
    ``utility_i`` (final utility; empty and NaN for scenarios with fewer parties), then
    ``welfare``, ``distance_pareto`` and ``distance_nash``.
    """
    return tuple(name for name, _ in _schema(width))


def _arrow() -> tuple[Any, Any] | None:
    """``(pyarrow, pyarrow.parquet)``, or ``None`` when pyarrow is not installed."""
    try:
        return importlib.import_module("pyarrow"), importlib.import_module("pyarrow.parquet")
    except ImportError:
        return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


_PARSE: dict[str, Callable[[str], Any]] = {
    "str": str,
    "str?": lambda s: s or None,
    "int": int,
    "int?": lambda s: int(s) if s else None,
    "float": float,
    "bool": lambda s: s == "true",
}


class _Storage:
    """Where rows go; subclasses read back what is stored and append chunks."""

    def __init__(self, directory: Path, schema: tuple[tuple[str, str], ...]) -> None:
        self.directory = directory
        self.schema = schema
        self.columns = [name for name, _ in schema]

    path: Path

    def read(self) -> list[Row]:
        raise NotImplementedError

    def write(self, rows: Sequence[Row]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing stays open between chunks."""


class _CsvStorage(_Storage):
    def __init__(self, directory: Path, schema: tuple[tuple[str, str], ...]) -> None:
        super().__init__(directory, schema)
        self.path = directory / "negotiations.csv"
        self._file: Any = None

    def read(self) -> list[Row]:
        if not self.path.is_file():
            return []
        parsers = [_PARSE[kind] for _, kind in self.schema]
        rows = []
        with self.path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is not None and header != self.columns:
                raise TournamentError(f"{self.path} has other columns than this tournament's")
            for record in reader:
                if len(record) != len(parsers):
                    continue  # a line cut short by an interruption
                try:
                    parsed = [parse(value) for parse, value in zip(parsers, record, strict=True)]
                except ValueError:
                    continue
                rows.append(dict(zip(self.columns, parsed, strict=True)))
        return rows

    def _open(self) -> Any:
        if self._file is None:
            fresh = not self.path.is_file() or self.path.stat().st_size == 0
            if not fresh:
                # Drop a last line cut short by an interruption before appending.
                data = self.path.read_bytes()
                if not data.endswith(b"\n"):
                    with self.path.open("r+b") as handle:
                        handle.truncate(data.rfind(b"\n") + 1)
            self._file = self.path.open("a", newline="", encoding="utf-8")
            if fresh:
                csv.writer(self._file).writerow(self.columns)
        return self._file

    def write(self, rows: Sequence[Row]) -> None:
        handle = self._open()
        writer = csv.writer(handle)
        writer.writerows([_text(row[name]) for name in self.columns] for row in rows)
        handle.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class _ParquetStorage(_Storage):
    _TYPES: ClassVar[dict[str, str]] = {
        "str": "string",
        "str?": "string",
        "int": "int64",
        "int?": "int64",
        "float": "float64",
        "bool": "bool_",
    }

    def __init__(self, directory: Path, schema: tuple[tuple[str, str], ...]) -> None:
        super().__init__(directory, schema)
        arrow = _arrow()
        if arrow is None:
            raise TournamentError(
                "these results are stored as Parquet, which needs pyarrow: "
                "pip install 'detente[tournament]'"
            )
        self._pa, self._pq = arrow
        self.path = directory / "negotiations"
        self._schema = self._pa.schema(
            [(name, getattr(self._pa, self._TYPES[kind])()) for name, kind in schema]
        )

    def _parts(self) -> list[Path]:
        return sorted(self.path.glob("part-*.parquet")) if self.path.is_dir() else []

    def read(self) -> list[Row]:
        rows: list[Row] = []
        for part in self._parts():
            table = self._pq.read_table(part, schema=self._schema)
            rows.extend(table.to_pylist())
        return rows

    def write(self, rows: Sequence[Row]) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        parts = self._parts()
        number = int(parts[-1].stem.removeprefix("part-")) + 1 if parts else 0
        final = self.path / f"part-{number:06d}.parquet"
        temporary = final.with_suffix(".parquet.tmp")
        table = self._pa.Table.from_pylist([dict(row) for row in rows], schema=self._schema)
        self._pq.write_table(table, temporary)
        temporary.replace(final)


def _problem_digest(problem: BargainingProblem) -> str:
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(problem.utilities()).tobytes())
    digest.update(np.asarray(problem.reservation, dtype=np.float64).tobytes())
    digest.update(np.asarray(problem.discount, dtype=np.float64).tobytes())
    labels = [p.id for p in problem.parties], [i.values for i in problem.issues]
    digest.update(json.dumps([labels, problem.first_proposer]).encode())
    return digest.hexdigest()


def _fingerprint(setup: TournamentSetup, plan: Sequence[Negotiation]) -> str:
    digest = hashlib.sha256()
    for scenario in setup.scenarios:
        item = [scenario.id, scenario.deadline, _problem_digest(scenario.problem)]
        digest.update(json.dumps(item).encode())
    for negotiation in plan:
        digest.update(f"{negotiation.key}={negotiation.seed}\n".encode())
    return digest.hexdigest()


def _open_storage(
    directory: Path,
    schema: tuple[tuple[str, str], ...],
    fingerprint: str,
    resume: bool,
    storage: str,
    total: int,
    title: str,
) -> _Storage:
    manifest = directory / "tournament.json"
    if manifest.is_file():
        if not resume:
            raise TournamentError(
                f"{directory} already holds tournament results; resume them (--resume) or "
                "choose another output directory"
            )
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
        if recorded.get("fingerprint") != fingerprint:
            raise TournamentError(
                f"{directory} holds the results of a different tournament (other scenarios, "
                "strategies, repetitions or seed); choose another output directory"
            )
        kind = str(recorded.get("storage"))
    else:
        kind = storage if storage != "auto" else "parquet" if _arrow() is not None else "csv"
        directory.mkdir(parents=True, exist_ok=True)
        record = {
            "format": RESULTS_FORMAT,
            "title": title,
            "fingerprint": fingerprint,
            "storage": kind,
            "negotiations": total,
            "columns": [name for name, _ in schema],
        }
        temporary = manifest.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        temporary.replace(manifest)
    return (
        _ParquetStorage(directory, schema) if kind == "parquet" else _CsvStorage(directory, schema)
    )


# --- Statistics -----------------------------------------------------------------------------


def _incomplete_beta(x: float, a: float, b: float) -> float:
    """The regularised incomplete beta function ``I_x(a, b)``.

    From its continued fraction (DLMF 8.17.22), evaluated with the modified Lentz method
    (Thompson & Barnett 1986, J. Comput. Phys. 64(2):490-509), and the symmetry
    ``I_x(a, b) = 1 - I_{1-x}(b, a)`` (DLMF 8.17.4) where the fraction converges slowly.
    """
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - _incomplete_beta(1.0 - x, b, a)
    log_front = (
        a * math.log(x)
        + b * math.log1p(-x)
        - (math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))
    )
    tiny = 1e-300
    value, c, d = 1.0, 1.0, 0.0
    for j in range(1, 2000):
        m = j // 2
        if j % 2:  # d_{2m+1}
            step = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        else:  # d_{2m}
            step = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1.0 + step * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + step / c
        c = c if abs(c) > tiny else tiny
        value *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return math.exp(log_front) / (a * value)


def student_t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t distribution with ``df`` degrees of freedom.

    Found by bisection on the distribution function ``P(T > t) = I_{df/(df+t^2)}(df/2, 1/2)/2``
    (Abramowitz & Stegun 1964, 26.7.1 with 26.5.27), to about 1e-12.
    """
    if not 0.0 < p < 1.0 or not df > 0:
        raise DetenteError(f"need 0 < p < 1 and df > 0, got p={p!r}, df={df!r}")
    if p < 0.5:
        return -student_t_quantile(1.0 - p, df)
    tail = 1.0 - p
    if tail == 0.5:
        return 0.0

    def upper(t: float) -> float:
        return 0.5 * _incomplete_beta(df / (df + t * t), df / 2.0, 0.5)

    low, high = 0.0, 1.0
    while upper(high) > tail:
        low, high = high, high * 2.0
    for _ in range(200):
        middle = 0.5 * (low + high)
        if upper(middle) > tail:
            low = middle
        else:
            high = middle
        if high - low <= 1e-13 * high:
            break
    return 0.5 * (low + high)


@dataclass(frozen=True)
class Estimate:
    """A sample mean with a confidence interval (``low``, ``high``; NaN with fewer than two
    observations) over ``n`` observations."""

    mean: float
    low: float
    high: float
    n: int


IntervalMethod = Literal["t", "bootstrap"]


def confidence_interval(
    values: Iterable[float],
    confidence: float = 0.95,
    method: IntervalMethod = "t",
    *,
    resamples: int = 2000,
    rng: np.random.Generator | None = None,
) -> Estimate:
    """The mean of ``values`` with a two-sided confidence interval.

    ``t``: ``mean ± t_{(1+c)/2, n-1} · s / √n`` with ``s`` the sample standard deviation
    (Student 1908). ``bootstrap``: the percentile interval of the means of ``resamples``
    resamples drawn with replacement from ``rng`` (Efron & Tibshirani 1993, *An Introduction to
    the Bootstrap*, ch. 13). Both treat the values as independent draws.
    """
    data = np.asarray(list(values), dtype=np.float64)
    n = len(data)
    if not 0.0 < confidence < 1.0:
        raise DetenteError(f"the confidence level must be in (0, 1), got {confidence!r}")
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = float(data.mean())
    if n < 2:
        return Estimate(mean, math.nan, math.nan, n)
    if method == "t":
        half = student_t_quantile(0.5 + confidence / 2.0, n - 1) * float(data.std(ddof=1))
        half /= math.sqrt(n)
        return Estimate(mean, mean - half, mean + half, n)
    if method != "bootstrap":
        raise DetenteError(f"unknown interval method {method!r}; use 't' or 'bootstrap'")
    generator = rng if rng is not None else np.random.default_rng(0)
    means = np.empty(resamples)
    batch = max(1, 2**20 // n)  # keep each block of resample indices around 8 MiB
    for start in range(0, resamples, batch):
        stop = min(start + batch, resamples)
        picks = generator.integers(n, size=(stop - start, n))
        means[start:stop] = data[picks].mean(axis=1)
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [alpha, 1.0 - alpha])
    return Estimate(mean, float(low), float(high), n)


@dataclass(frozen=True)
class StrategySummary:
    """How one strategy did over all its roles in all negotiations.

    Each (negotiation, role) it held is one observation: its final utility, whether the
    negotiation ended in agreement (1) or not (0), and the rounds played.
    """

    strategy: str
    utility: Estimate
    agreement: Estimate
    rounds: Estimate

    @property
    def observations(self) -> int:
        return self.utility.n

    def as_row(self) -> dict[str, Any]:
        """Flat columns for a summary table."""
        row: dict[str, Any] = {"strategy": self.strategy, "n": self.observations}
        for name, estimate in (
            ("utility", self.utility),
            ("agreement", self.agreement),
            ("rounds", self.rounds),
        ):
            row[f"{name}_mean"] = estimate.mean
            row[f"{name}_low"] = estimate.low
            row[f"{name}_high"] = estimate.high
        return row


def _observations(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[tuple[float, float, float]]]:
    found: dict[str, list[tuple[float, float, float]]] = {}
    for row in rows:
        i = 0
        while f"strategy_{i}" in row:
            label = row[f"strategy_{i}"]
            if label is not None:
                observation = (
                    float(row[f"utility_{i}"]),
                    1.0 if row["agreement"] else 0.0,
                    float(row["rounds_played"]),
                )
                found.setdefault(str(label), []).append(observation)
            i += 1
    return found


def summarize(
    rows: Iterable[Mapping[str, Any]],
    *,
    strategies: Sequence[str] | None = None,
    confidence: float = 0.95,
    method: IntervalMethod = "t",
    seed: int = 0,
) -> tuple[StrategySummary, ...]:
    """Per strategy, mean final utility, agreement rate and rounds played with confidence
    intervals (see :func:`confidence_interval`; ``seed`` seeds the bootstrap); the agreement
    rate has Wilson's interval for a proportion, inside [0, 1] whatever the method.

    Observations from one negotiation (two roles of a strategy meeting itself) and from
    repetitions of deterministic strategies are not independent, so the intervals describe
    the spread of results rather than sampling error in a strict sense.
    """
    found = _observations(rows)
    order = list(strategies) if strategies is not None else list(found)
    rng = np.random.default_rng(seed)
    summaries = []
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    for label in order:
        columns = np.asarray(found.get(label, []), dtype=np.float64).reshape(-1, 3)
        utility, rounds = (
            confidence_interval(columns[:, k], confidence, method, rng=rng) for k in (0, 2)
        )
        summaries.append(StrategySummary(label, utility, _rate(columns[:, 1], z), rounds))
    return tuple(summaries)


def _rate(agreed: NDArray[np.float64], z: float) -> Estimate:
    """An agreement rate with Wilson's interval, which stays inside [0, 1] (a t interval on
    zeros and ones need not); NaN bounds with fewer than two observations, as for the means."""
    n = len(agreed)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    count = int(agreed.sum())
    if n < 2:
        return Estimate(count / n, math.nan, math.nan, n)
    low, high = wilson_interval(count, n, z)
    return Estimate(count / n, low, high, n)


def _write_summary(path: Path, summary: Sequence[StrategySummary], interval: str) -> None:
    temporary = path.with_suffix(".csv.tmp")
    with temporary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        rows = [s.as_row() for s in summary]
        header = [
            "strategy",
            "n",
            *[k for k in (rows[0] if rows else {}) if k not in ("strategy", "n")],
        ]
        writer.writerow([*header, "interval"])
        for row in rows:
            writer.writerow([*(_text(row[k]) for k in header), interval])
    temporary.replace(path)


# --- Running --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TournamentResult:
    """The rows and summary of a tournament, and where they were written.

    Attributes
    ----------
    config
        The configuration played.
    columns
        The result columns (see :func:`result_columns`).
    rows
        One row per negotiation, in canonical order (see :func:`plan_negotiations`),
        including rows found on disk when resuming.
    summary
        One :class:`StrategySummary` per strategy, in config order (95% t intervals).
    played
        Negotiations played by this call.
    resumed
        Negotiations found already stored and skipped.
    elapsed
        Wall-clock seconds of this call.
    output
        The output directory, or ``None``.
    results_path
        The Parquet directory or CSV file of the rows, or ``None``.
    summary_path
        The summary CSV, or ``None``.
    """

    config: TournamentConfig
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    summary: tuple[StrategySummary, ...]
    played: int
    resumed: int
    elapsed: float
    output: Path | None = None
    results_path: Path | None = None
    summary_path: Path | None = None


def _chunks(
    plan: Sequence[Negotiation],
    tasks: Mapping[str, ScenarioTask],
    done: set[str],
    size: int,
    engine: Engine,
) -> Iterator[Chunk]:
    current: list[Negotiation] = []
    for negotiation in plan:
        if negotiation.key in done:
            continue
        if current and (len(current) >= size or current[0].scenario != negotiation.scenario):
            yield Chunk(tasks[current[0].scenario], tuple(current), engine)
            current = []
        current.append(negotiation)
    if current:
        yield Chunk(tasks[current[0].scenario], tuple(current), engine)


def _execute(
    chunks: Iterator[Chunk], executor: Executor | None, handle: Callable[[list[Row]], None]
) -> None:
    if executor is None:
        for chunk in chunks:
            handle(run_chunk(chunk))
        return
    running: set[Future[list[Row]]] = set()
    try:
        for chunk in chunks:
            running.add(executor.submit(run_chunk, chunk))
            if len(running) >= MAX_IN_FLIGHT:
                finished, running = _settle(running)
                for future in finished:
                    handle(future.result())
        while running:
            finished, running = _settle(running)
            for future in finished:
                handle(future.result())
    finally:
        for future in running:
            future.cancel()


def _settle(
    running: set[Future[list[Row]]],
) -> tuple[list[Future[list[Row]]], set[Future[list[Row]]]]:
    finished, pending = wait(running, return_when=FIRST_COMPLETED)
    return list(finished), set(pending)


def run_tournament(
    config: TournamentConfig | TournamentSetup | str | os.PathLike[str],
    *,
    executor: Executor | None = None,
    output: str | os.PathLike[str] | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    engine: Engine = plain_engine,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    storage: Literal["auto", "parquet", "csv"] = "auto",
) -> TournamentResult:
    """Play a tournament and return its rows and per-strategy summary.

    Parameters
    ----------
    config
        A config, a resolved setup, or the path of a ``detente/tournament/1`` file.
    executor
        Runs the chunks; ``None`` runs them here, one after the other. Not shut down.
    output
        Directory for the results (see the module docs); ``None`` keeps them in memory only.
    resume
        Continue the results in ``output``: skip the negotiations already stored there.
    progress
        Called as ``progress(done, total)`` (negotiations) at the start and after every chunk
        is stored. An exception it raises stops the tournament; what was stored stays.
    engine
        Plays a chunk's negotiations (see :class:`Engine`).
    chunk_size
        Negotiations per chunk (stored, and reported, together).
    storage
        ``parquet``, ``csv``, or ``auto``: Parquet when pyarrow is installed. When resuming,
        the stored results decide.

    Raises
    ------
    TournamentConfigError
        For a bad config (unknown strategies or parameters, missing scenarios or files).
    TournamentError
        When a negotiation fails or ``output`` holds other results.
    """
    started = time.perf_counter()
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise TournamentError(f"chunk_size must be a whole number >= 1, got {chunk_size!r}")
    if storage not in ("auto", "parquet", "csv"):
        raise TournamentError(f"storage must be auto, parquet or csv, got {storage!r}")
    if storage == "parquet" and _arrow() is None:
        raise TournamentError("Parquet output needs pyarrow: pip install 'detente[tournament]'")
    if isinstance(config, str | os.PathLike):
        config = load_tournament_config(Path(config))
    setup = config if isinstance(config, TournamentSetup) else resolve_tournament(config)
    plan = plan_negotiations(setup)
    width = max(len(s.problem.parties) for s in setup.scenarios)
    schema = _schema(width)
    tasks = {s.id: ScenarioTask.of(s.id, s.problem, s.deadline, width) for s in setup.scenarios}
    order = {n.key: k for k, n in enumerate(plan)}
    stored: list[Row] = []
    sink: _Storage | None = None
    directory = None if output is None else Path(output)
    if directory is not None:
        fingerprint = _fingerprint(setup, plan)
        title = setup.config.title
        sink = _open_storage(directory, schema, fingerprint, resume, storage, len(plan), title)
        if resume:
            unique = {row["key"]: row for row in reversed(sink.read()) if row["key"] in order}
            stored = list(unique.values())
    elif resume:
        raise TournamentError("resuming needs the output directory of the interrupted run")
    done_keys = {row["key"] for row in stored}
    collected: list[Row] = list(stored)
    count = [len(stored)]

    def handle(rows: list[Row]) -> None:
        if sink is not None:
            sink.write(rows)
        collected.extend(rows)
        count[0] += len(rows)
        if progress is not None:
            progress(count[0], len(plan))

    if progress is not None:
        progress(count[0], len(plan))
    try:
        _execute(_chunks(plan, tasks, done_keys, chunk_size, engine), executor, handle)
    finally:
        if sink is not None:
            sink.close()
    collected.sort(key=lambda row: order[row["key"]])
    labels = [s.label for s in setup.strategies]
    summary = summarize(collected, strategies=labels)
    summary_path = None
    if directory is not None:
        summary_path = directory / "summary.csv"
        _write_summary(summary_path, summary, "t95")
    return TournamentResult(
        config=setup.config,
        columns=tuple(name for name, _ in schema),
        rows=tuple(collected),
        summary=summary,
        played=len(collected) - len(stored),
        resumed=len(stored),
        elapsed=time.perf_counter() - started,
        output=directory,
        results_path=None if sink is None else sink.path,
        summary_path=summary_path,
    )


# --- Dask -----------------------------------------------------------------------------------


class _DaskExecutor(Executor):
    """A :class:`concurrent.futures.Executor` on a Dask client; shutting it down closes the
    client (and the local cluster it started, if any)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._executor = client.get_executor(pure=False)

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        future: Future[_T] = self._executor.submit(fn, *args, **kwargs)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with contextlib.suppress(Exception):
            self._executor.shutdown(wait=wait and not cancel_futures)
        self._client.close()


def dask_executor(address: str | None = None, **client_options: Any) -> Executor:
    """An executor running on the Dask distributed scheduler at ``address``
    (``tcp://host:8786``); ``None`` starts a local cluster on this machine.

    ``dask.distributed`` is imported only here (``pip install "dask[distributed]"``). Use the
    result as a context manager, or call ``shutdown()``, to close the connection.

    Raises
    ------
    TournamentError
        When ``dask.distributed`` is not installed or the scheduler cannot be reached.
    """
    try:
        distributed = importlib.import_module("dask.distributed")
    except ImportError:
        raise TournamentError(
            "running on a Dask cluster needs dask.distributed: pip install 'dask[distributed]'"
        ) from None
    try:
        client = distributed.Client(address, **client_options)
    except (OSError, TimeoutError) as error:
        raise TournamentError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    return _DaskExecutor(client)
