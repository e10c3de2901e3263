"""How sure can we be? Equilibria and deals under uncertain preferences, by sampling.

:func:`robustness` draws consistent scenarios from an :class:`UncertaintySpec` (statements that may
swap, perceptions a party may or may not hold, ranges of weights, scores, reservation values and
discount factors), analyses each one with the forward engines (:func:`analyze_stability` on the
real game and on each party's perceived game, :func:`solve_bargaining`) and reports, for every
state, how often it is an equilibrium under each concept, and for bargaining how often the zone
of possible agreement is non-empty and where each solution lands, with 95% confidence
intervals: Wilson's score interval for proportions (Wilson 1927, JASA 22(158):209-212;
recommended by Brown, Cai & DasGupta 2001, Statistical Science 16(2):101-133) and the normal
interval for means.

Reproducibility. Sample ``i`` draws from its own stream, child ``i`` of
``numpy.random.SeedSequence(seed).spawn`` (built directly from its spawn key), so a sample's
scenario does not depend on which chunk or worker computes it. Counts are integers and utility
sums are kept exactly (utilities are rounded to 12 decimals, so they are summed as integers in
units of 1e-12): the result is bit-for-bit the same for any chunk size and any executor (in
process, a ``ProcessPoolExecutor``, a Dask cluster through :func:`dask_executor`).

Within a chunk, identical draws (common when only a few statements may swap) are analysed once
and counted with their multiplicity.
"""

from __future__ import annotations

import importlib
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.analysis import SOLUTIONS, solve_bargaining
from detente.bargaining.problem import BargainingProblem
from detente.errors import DetenteError, NotFoundError
from detente.graph_model.model import GraphModel
from detente.graph_model.stability import CONCEPTS, Concept, analyze_stability, parse_concepts
from detente.intervals import Z95, wilson_interval
from detente.scenario.loader import Scenario
from detente.whatif.uncertainty import (
    BargainingPlan,
    GraphPlan,
    UncertaintyPlan,
    UncertaintySpec,
    compile_uncertainty,
    parse_uncertainty,
)

__all__ = [
    "CONFIDENCE",
    "DEFAULT_CHUNK_SIZE",
    "BargainingRobustness",
    "GraphModelRobustness",
    "MeanEstimate",
    "OutcomeShare",
    "Proportion",
    "RobustnessResult",
    "SolutionDistribution",
    "dask_executor",
    "robustness",
    "wilson_interval",
]

#: Samples per task handed to an executor (results do not depend on it).
DEFAULT_CHUNK_SIZE = 200
#: Confidence level of every interval reported.
CONFIDENCE = 0.95
_Z = Z95  # two-sided 95% normal quantile
_SCALE = 10**12  # utilities carry 12 decimals (BargainingProblem.utilities): exact integer sums
_IN_FLIGHT = 256  # chunks submitted ahead of completion
_CACHE_BYTES = 2**26  # verdicts kept per chunk for games that recur

Progress = Callable[[int, int], object]


@dataclass(frozen=True)
class Proportion:
    """How often something happened: ``count`` of ``total`` samples, with Wilson's interval."""

    count: int
    total: int

    @property
    def estimate(self) -> float:
        return self.count / self.total if self.total else math.nan

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.count, self.total)

    def to_dict(self) -> dict[str, Any]:
        low, high = self.interval
        estimate = None if self.total == 0 else self.estimate
        return {"count": self.count, "probability": estimate, "low": low, "high": high}


@dataclass(frozen=True)
class MeanEstimate:
    """A sample mean with its normal 95% interval (``nan`` bounds below two samples)."""

    count: int
    mean: float
    low: float
    high: float

    @classmethod
    def from_sums(cls, count: int, total: int, squares: int) -> MeanEstimate:
        """From exact integer sums of values and of squared values, in units of 1e-12."""
        if count == 0:
            return cls(0, math.nan, math.nan, math.nan)
        mean = total / count / _SCALE
        if count < 2:
            return cls(count, mean, math.nan, math.nan)
        variance = (count * squares - total * total) / (count * (count - 1)) / _SCALE**2
        half = _Z * math.sqrt(max(variance, 0.0) / count)
        return cls(count, mean, mean - half, mean + half)

    def to_dict(self) -> dict[str, Any]:
        def clean(x: float) -> float | None:
            return None if math.isnan(x) else x

        return {"mean": clean(self.mean), "low": clean(self.low), "high": clean(self.high)}


@dataclass(frozen=True, eq=False)
class GraphModelRobustness:
    """Per state, how often it was stable and an equilibrium across the sampled scenarios.

    Attributes
    ----------
    model
        The scenario's graph model (states in its order).
    concepts
        The solution concepts counted.
    samples
        Number of sampled scenarios.
    stable_counts
        Shape ``(concepts, parties, states)``: samples where the state was stable for the party.
    equilibrium_counts
        Shape ``(concepts, states)``: samples where the state was stable for every party.
    hypergame_counts
        Shape ``(concepts, states)``: samples where every party found the state stable in the
        game it perceives; ``None`` when the scenario states no perceptions.
    """

    model: GraphModel
    concepts: tuple[Concept, ...]
    samples: int
    stable_counts: NDArray[np.int64]
    equilibrium_counts: NDArray[np.int64]
    hypergame_counts: NDArray[np.int64] | None

    def _concept(self, concept: str) -> int:
        if concept not in self.concepts:
            raise NotFoundError(f"concept {concept!r} was not counted; counted: {self.concepts}")
        return self.concepts.index(concept)

    def equilibrium(self, concept: str, code: str) -> Proportion:
        """How often ``code`` was an equilibrium under ``concept``."""
        count = self.equilibrium_counts[self._concept(concept), self.model.index_of(code)]
        return Proportion(int(count), self.samples)

    def hypergame_equilibrium(self, concept: str, code: str) -> Proportion:
        """How often ``code`` was a hypergame equilibrium (each party's own view)."""
        if self.hypergame_counts is None:
            raise NotFoundError("the scenario states no perceptions: there is no hypergame")
        count = self.hypergame_counts[self._concept(concept), self.model.index_of(code)]
        return Proportion(int(count), self.samples)

    def stable(self, concept: str, party: str, code: str) -> Proportion:
        """How often ``code`` was stable for ``party`` under ``concept``."""
        index = (self._concept(concept), self.model.party_index(party), self.model.index_of(code))
        return Proportion(int(self.stable_counts[index]), self.samples)

    def probabilities(self, concept: str) -> NDArray[np.float64]:
        """Estimated probability of being an equilibrium, per state (in ``model.states`` order)."""
        counts = self.equilibrium_counts[self._concept(concept)]
        return np.asarray(counts / self.samples, dtype=np.float64)

    def ranked(self, concept: str, *, hypergame: bool = False) -> list[tuple[str, Proportion]]:
        """States that were ever equilibria, most often first (ties in state order)."""
        table = self.hypergame_counts if hypergame else self.equilibrium_counts
        if table is None:
            raise NotFoundError("the scenario states no perceptions: there is no hypergame")
        counts = table[self._concept(concept)]
        order = np.lexsort((np.arange(len(counts)), -counts))
        return [
            (self.model.code(int(s)), Proportion(int(counts[s]), self.samples))
            for s in order
            if counts[s] > 0
        ]

    def to_dict(self) -> dict[str, Any]:
        """States ever found an equilibrium (or hypergame equilibrium), with every estimate."""
        parties = [p.id for p in self.model.parties]
        seen = self.equilibrium_counts.any(axis=0)
        if self.hypergame_counts is not None:
            seen |= self.hypergame_counts.any(axis=0)
        states = []
        for s in np.flatnonzero(seen):
            code = self.model.code(int(s))
            entry: dict[str, Any] = {
                "state": code,
                "equilibrium": {c: self.equilibrium(c, code).to_dict() for c in self.concepts},
                "stable": {
                    p: {c: self.stable(c, p, code).to_dict() for c in self.concepts}
                    for p in parties
                },
            }
            if self.hypergame_counts is not None:
                entry["hypergame"] = {
                    c: self.hypergame_equilibrium(c, code).to_dict() for c in self.concepts
                }
            states.append(entry)
        return {"concepts": list(self.concepts), "parties": parties, "states": states}


@dataclass(frozen=True)
class OutcomeShare:
    """How often a solution picked one outcome, among the samples with a deal."""

    outcome: int
    values: Mapping[str, str]
    share: Proportion


@dataclass(frozen=True)
class SolutionDistribution:
    """Where one bargaining solution landed across the samples whose zone was non-empty.

    ``outcomes`` are sorted by frequency (most frequent first); ``utilities`` are per party the
    mean utility of the solution over those samples.
    """

    name: str
    deals: int
    outcomes: tuple[OutcomeShare, ...]
    utilities: tuple[MeanEstimate, ...]

    def share(self, outcome: int) -> Proportion:
        """How often the solution was ``outcome`` (0 if never)."""
        for entry in self.outcomes:
            if entry.outcome == outcome:
                return entry.share
        return Proportion(0, self.deals)


@dataclass(frozen=True, eq=False)
class BargainingRobustness:
    """How often a deal was possible, and the distribution of each solution."""

    problem: BargainingProblem
    samples: int
    zone_open: Proportion
    solutions: Mapping[str, SolutionDistribution]

    def to_dict(self) -> dict[str, Any]:
        parties = [p.id for p in self.problem.parties]
        return {
            "zone_open": self.zone_open.to_dict(),
            "solutions": {
                name: {
                    "deals": dist.deals,
                    "outcomes": [
                        {"values": dict(o.values), **o.share.to_dict()} for o in dist.outcomes
                    ],
                    "utilities": {
                        p: u.to_dict() for p, u in zip(parties, dist.utilities, strict=True)
                    },
                }
                for name, dist in self.solutions.items()
            },
        }


@dataclass(frozen=True, eq=False)
class RobustnessResult:
    """What :func:`robustness` found, and how (``seed`` reproduces it exactly)."""

    samples: int
    seed: int
    concepts: tuple[Concept, ...]
    uncertainty: UncertaintySpec
    graph_model: GraphModelRobustness | None
    bargaining: BargainingRobustness | None
    confidence: float = CONFIDENCE
    method: str = (
        "Monte Carlo over consistent scenarios; sample i uses child i of SeedSequence(seed); "
        "identical draws analysed once; Wilson intervals for proportions, normal for means"
    )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "samples": self.samples,
            "seed": self.seed,
            "confidence": self.confidence,
            "method": self.method,
            "uncertainty": self.uncertainty.model_dump(mode="json"),
            "graph_model": None if self.graph_model is None else self.graph_model.to_dict(),
            "bargaining": None if self.bargaining is None else self.bargaining.to_dict(),
        }


# --- the work ----------------------------------------------------------------------------------


@dataclass
class _Tally:
    """Integer counts from some samples; adding tallies is exact and order-free."""

    samples: int = 0
    stable: NDArray[np.int64] | None = None
    equilibria: NDArray[np.int64] | None = None
    hypergame: NDArray[np.int64] | None = None
    zone_open: int = 0
    outcomes: dict[str, Counter[int]] = field(default_factory=dict)
    sums: dict[str, list[int]] = field(default_factory=dict)
    squares: dict[str, list[int]] = field(default_factory=dict)

    def add(self, other: _Tally) -> None:
        self.samples += other.samples
        self.stable = _plus(self.stable, other.stable)
        self.equilibria = _plus(self.equilibria, other.equilibria)
        self.hypergame = _plus(self.hypergame, other.hypergame)
        self.zone_open += other.zone_open
        for name, counts in other.outcomes.items():
            self.outcomes.setdefault(name, Counter()).update(counts)
        for mine, theirs in ((self.sums, other.sums), (self.squares, other.squares)):
            for name, values in theirs.items():
                current = mine.setdefault(name, [0] * len(values))
                mine[name] = [a + b for a, b in zip(current, values, strict=True)]


def _plus(a: NDArray[np.int64] | None, b: NDArray[np.int64] | None) -> NDArray[np.int64] | None:
    return b if a is None else a if b is None else a + b


@dataclass(frozen=True, eq=False)
class _Chunk:
    """Samples ``start`` to ``stop - 1``: everything a worker needs, picklable."""

    plan: UncertaintyPlan
    concepts: tuple[Concept, ...]
    entropy: int
    start: int
    stop: int


def _sample_rng(entropy: int, index: int) -> np.random.Generator:
    # SeedSequence(entropy).spawn(n)[index] is SeedSequence(entropy, spawn_key=(index,)).
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(index,)))


def _run_chunk(chunk: _Chunk) -> _Tally:
    plan = chunk.plan
    draws = [plan.sample(_sample_rng(chunk.entropy, i)) for i in range(chunk.start, chunk.stop)]
    tally = _Tally(samples=len(draws))
    if plan.graph is not None:
        groups = Counter((d.orders, d.believes) for d in draws)
        _tally_graph(plan.graph, chunk.concepts, groups, tally)
    if plan.bargaining is not None:
        _tally_bargaining(plan.bargaining, Counter(d.values for d in draws), tally)
    return tally


def _tally_graph(
    plan: GraphPlan,
    concepts: tuple[Concept, ...],
    groups: Counter[tuple[tuple[tuple[int, ...], ...], tuple[bool, ...]]],
    tally: _Tally,
) -> None:
    shape = (len(concepts), len(plan.model.parties), plan.model.n_states)
    stable = np.zeros(shape, dtype=np.int64)
    equilibria = np.zeros((shape[0], shape[2]), dtype=np.int64)
    hypergame = np.zeros_like(equilibria) if plan.perceptions else None
    # Different draws often give the same game (a real game shared by several belief draws, a
    # perceived game shared by several orders of the others): analyse each game once.
    seen: dict[bytes, NDArray[np.bool_]] = {}
    room = max(1, _CACHE_BYTES // max(1, math.prod(shape)))

    def verdicts_of(model: GraphModel) -> NDArray[np.bool_]:
        key = model.payoff.tobytes()
        found = seen.get(key)
        if found is None:
            result = analyze_stability(model, concepts)
            found = np.stack([result.stable[c] for c in concepts])
            if len(seen) < room:
                seen[key] = found
        return found

    for (orders, believes), count in groups.items():
        model = plan.sampled_model(orders)
        verdicts = verdicts_of(model)
        stable += count * verdicts
        equilibria += count * verdicts.all(axis=1)
        if hypergame is not None:
            # A first-level hypergame (Wang, Hipel & Fraser 1988): each party's verdicts come
            # from the game it perceives, as in analyze_hypergame.
            own = verdicts.copy()
            for party, game in plan.perceived(model, believes).items():
                i = model.party_index(party)
                own[:, i] = verdicts_of(game)[:, i]
            hypergame += count * own.all(axis=1)
    tally.stable, tally.equilibria, tally.hypergame = stable, equilibria, hypergame


def _tally_bargaining(
    plan: BargainingPlan, groups: Counter[tuple[float, ...]], tally: _Tally
) -> None:
    for values, count in groups.items():
        result = solve_bargaining(plan.sampled_problem(values))
        if result.zone_empty:
            continue
        tally.zone_open += count
        for name, solution in result.solutions.items():
            tally.outcomes.setdefault(name, Counter())[solution.outcome] += count
            units = [round(u * _SCALE) for u in solution.utilities]
            sums = tally.sums.setdefault(name, [0] * len(units))
            squares = tally.squares.setdefault(name, [0] * len(units))
            for k, q in enumerate(units):
                sums[k] += count * q
                squares[k] += count * q * q


def _execute(
    chunks: Sequence[_Chunk], executor: Executor | None, progress: Progress | None, total: int
) -> list[_Tally]:
    """Run the chunks (in process, or on ``executor`` with a bounded number in flight)."""
    results: dict[int, _Tally] = {}
    done = 0

    def finish(index: int, tally: _Tally) -> None:
        nonlocal done
        results[index] = tally
        done += tally.samples
        if progress is not None:
            progress(done, total)

    if executor is None:
        for k, chunk in enumerate(chunks):
            finish(k, _run_chunk(chunk))
        return [results[k] for k in range(len(chunks))]
    queue: Iterable[tuple[int, _Chunk]] = iter(enumerate(chunks))
    pending: dict[Future[_Tally], int] = {}
    try:
        for k, chunk in itertools.islice(queue, _IN_FLIGHT):
            pending[executor.submit(_run_chunk, chunk)] = k
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                finish(pending.pop(future), future.result())
                for k, chunk in itertools.islice(queue, 1):
                    pending[executor.submit(_run_chunk, chunk)] = k
    finally:
        for future in pending:
            future.cancel()
    return [results[k] for k in range(len(chunks))]


def _entropy(seed: int | None) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DetenteError(f"seed must be a non-negative integer, got {seed!r}")
    return seed


def robustness(
    scenario: Scenario,
    uncertainty: UncertaintySpec | Mapping[str, Any],
    *,
    samples: int,
    seed: int | None,
    concepts: Sequence[str] | None = None,
    executor: Executor | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
) -> RobustnessResult:
    """Sample consistent scenarios and estimate how robust the scenario's conclusions are.

    Parameters
    ----------
    scenario
        A loaded scenario (graph model, bargaining, or both).
    uncertainty
        What may vary: an :class:`UncertaintySpec` or plain data shaped like one.
    samples
        Number of scenarios to draw.
    seed
        Non-negative integer; the same seed gives the same result whatever the executor and
        chunk size. ``None`` draws fresh entropy, recorded in ``result.seed``.
    concepts
        Graph-model solution concepts (default all four).
    executor
        Any :class:`concurrent.futures.Executor` (for example a ``ProcessPoolExecutor`` or
        :func:`dask_executor`); ``None`` runs in this process.
    chunk_size
        Samples per task.
    progress
        Called as ``progress(samples_done, samples)`` after each chunk.

    Raises
    ------
    ScenarioError
        When the uncertainty is malformed or names parties, issues, values or statement
        positions the scenario does not have.
    DetenteError
        For bad arguments, or a scenario with nothing to analyse.
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise DetenteError(f"samples must be a positive integer, got {samples!r}")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise DetenteError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    spec = (
        uncertainty
        if isinstance(uncertainty, UncertaintySpec)
        else parse_uncertainty(uncertainty, scenario.source)
    )
    plan = compile_uncertainty(spec, scenario)
    if plan.graph is None and plan.bargaining is None:
        raise DetenteError("the scenario has neither a graph model nor a bargaining section")
    chosen = parse_concepts(concepts) if concepts is not None else CONCEPTS
    entropy = _entropy(seed)
    chunks = [
        _Chunk(plan, chosen, entropy, start, min(start + chunk_size, samples))
        for start in range(0, samples, chunk_size)
    ]
    total = _Tally()
    for tally in _execute(chunks, executor, progress, samples):
        total.add(tally)
    graph = None
    if plan.graph is not None and total.stable is not None and total.equilibria is not None:
        graph = GraphModelRobustness(
            model=plan.graph.model,
            concepts=chosen,
            samples=samples,
            stable_counts=_frozen(total.stable),
            equilibrium_counts=_frozen(total.equilibria),
            hypergame_counts=None if total.hypergame is None else _frozen(total.hypergame),
        )
    bargaining = None if plan.bargaining is None else _bargaining_result(plan.bargaining, total)
    return RobustnessResult(samples, entropy, chosen, spec, graph, bargaining)


def _frozen(array: NDArray[np.int64]) -> NDArray[np.int64]:
    array.setflags(write=False)
    return array


def _bargaining_result(plan: BargainingPlan, total: _Tally) -> BargainingRobustness:
    problem = plan.problem
    deals = total.zone_open
    solutions: dict[str, SolutionDistribution] = {}
    for name in SOLUTIONS:
        counts = total.outcomes.get(name, Counter())
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        n = len(problem.parties)
        sums = total.sums.get(name, [0] * n)
        squares = total.squares.get(name, [0] * n)
        solutions[name] = SolutionDistribution(
            name=name,
            deals=deals,
            outcomes=tuple(
                OutcomeShare(o, MappingProxyType(problem.outcome(o)), Proportion(c, deals))
                for o, c in ranked
            ),
            utilities=tuple(
                MeanEstimate.from_sums(deals, s, q) for s, q in zip(sums, squares, strict=True)
            ),
        )
    return BargainingRobustness(
        problem=problem,
        samples=total.samples,
        zone_open=Proportion(deals, total.samples),
        solutions=MappingProxyType(solutions),
    )


def dask_executor(address: str) -> Executor:
    """A ``concurrent.futures`` executor running on the Dask cluster at ``address``.

    Dask is imported only here (install it with ``pip install 'detente[dask]'``). The executor
    keeps its client alive; tasks run with ``pure=False`` so that Dask does not hash them.

    Raises
    ------
    DetenteError
        If ``dask.distributed`` is not installed.
    """
    try:
        distributed = importlib.import_module("dask.distributed")
    except ImportError as error:
        raise DetenteError(
            "running on a Dask cluster needs dask.distributed: "
            "pip install 'detente[dask]' (or 'dask[distributed]')"
        ) from error
    client = distributed.Client(address)
    executor: Executor = client.get_executor(pure=False)
    return executor
