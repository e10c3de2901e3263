"""The vectorised engine: many negotiations between built-in strategies, in lockstep on arrays.

:func:`simulate_batch` runs a batch of negotiations on one problem: every negotiation still
open advances one round per step, and each party's strategy is played for all of them at once
by a kernel (:mod:`detente.simulation.batch_kernels`) that keeps the per-negotiation state in
arrays: the round and whether the talks have ended, tit-for-tat targets and the opponents'
offers so far, the random streams' positions. The traces are *identical* to those of the plain
engine (:func:`detente.simulation.simulate`) for the same problem, strategies, deadline, first
proposer and seed: same offers, answers, endings and final utilities, float for float. The
differential tests in ``tests/test_simulation_batch.py`` check that on random problems,
strategy pairs and seeds.

Every built-in strategy is vectorised: time-dependent concession (Boulware, linear, Conceder,
any ``e``), the hard-liner, walk-away-aware, Nash-seeking and Rubinstein strategies (their play
depends on the round alone, so it is tabulated once per batch), relative and absolute
tit-for-tat (any delay) and the random negotiator (its NumPy draws are replayed from raw
generator output, :mod:`detente.simulation.batch_rng`). A strategy the engine cannot play
exactly (a user-defined class, a subclass of a built-in, one object with memory in two seats)
is refused with :class:`NotVectorisedError`, or, with ``fallback="plain"``, its negotiations
are run by the plain engine one by one.

When a tournament needs only outcomes, :func:`simulate_batch_summary` returns them as arrays
(:class:`BatchSummary`) without building a trace per negotiation.

>>> from detente.bargaining import BargainingProblem
>>> shares = [x / 10 for x in range(11)]
>>> pie = BargainingProblem.linear(
...     ["a", "b"], [("share_of_a", [str(x) for x in shares])], weights=[[1.0], [1.0]],
...     scores=[[shares], [[1 - x for x in shares]]], reservation=[0, 0], deadline=10)
>>> summary = simulate_batch_summary(pie, [["boulware", "conceder"]], seeds=range(1000))
>>> len(summary), bool(summary.agreed.all()), pie.outcome(int(summary.agreement[0]))
(1000, True, {'share_of_a': '0.9'})
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.problem import BargainingProblem
from detente.simulation.batch_kernels import (
    ImitativeKernel,
    Kernel,
    RandomKernel,
    SeatArrays,
    TableKernel,
)
from detente.simulation.batch_plan import (
    KIND_ABSOLUTE,
    KIND_RANDOM,
    KIND_RELATIVE,
    KIND_TABLE,
    VECTORISED,
    BatchPlan,
    Lineup,
    NotVectorisedError,
    StrategySpec,
    classify,
    plan_batch,
    resolve_strategy,
)
from detente.simulation.batch_rng import RandomStreams, Source
from detente.simulation.engine import simulate
from detente.simulation.protocol import ACCEPT, NOT_ASKED, WALK
from detente.simulation.trace import End, Ending, RoundLog, Trace

__all__ = [
    "END_CODES",
    "VECTORISED",
    "BatchSummary",
    "Lineup",
    "NotVectorisedError",
    "StrategySpec",
    "is_vectorised",
    "simulate_batch",
    "simulate_batch_summary",
]

#: ``BatchSummary.end`` codes, in order: 0 agreement, 1 walk-away, 2 deadline.
END_CODES: Final = (End.AGREEMENT, End.WALK_AWAY, End.DEADLINE)
_AGREEMENT, _WALK_AWAY, _DEADLINE = 0, 1, 2
#: Negotiations per chunk: large enough to amortise NumPy's per-call cost, small enough to keep
#: the chunk's logs (deadline x chunk x parties) in cache-friendly sizes.
CHUNK: Final = 8192


def is_vectorised(strategy: StrategySpec) -> bool:
    """True when the vectorised engine plays ``strategy`` itself (every built-in does)."""
    return not isinstance(classify(resolve_strategy(strategy)), str)


@dataclass(frozen=True, eq=False)
class BatchSummary:
    """How each negotiation of a batch ended, as arrays (one entry per negotiation).

    Attributes
    ----------
    parties
        Party ids, in the problem's order.
    strategies
        Each negotiation's strategy names, one per party.
    seeds
        The entropy each negotiation's random generators came from (as in :attr:`Trace.seed`).
    end
        0 agreement, 1 walk-away, 2 deadline (see :data:`END_CODES`).
    round
        The round of the agreement or walk-away; the deadline when time ran out.
    agreement
        The agreed outcome, or -1.
    walked_by
        The party that walked away, or -1.
    utilities
        Each party's final utility, shape ``(n, n_parties)``: ``delta_i ** round * u_i`` after
        an agreement, the reservation value otherwise.
    """

    parties: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    seeds: tuple[int, ...]
    end: NDArray[np.int8]
    round: NDArray[np.int64]
    agreement: NDArray[np.int64]
    walked_by: NDArray[np.int64]
    utilities: NDArray[np.float64]

    def __post_init__(self) -> None:
        for array in (self.end, self.round, self.agreement, self.walked_by, self.utilities):
            array.setflags(write=False)

    def __len__(self) -> int:
        return len(self.end)

    @property
    def agreed(self) -> NDArray[np.bool_]:
        flags: NDArray[np.bool_] = self.end == _AGREEMENT
        return flags

    def ending(self, index: int) -> Ending:
        """Negotiation ``index``'s ending, as the plain engine's trace records it."""
        code = int(self.end[index])
        return Ending(
            END_CODES[code],
            int(self.round[index]),
            int(self.agreement[index]) if code == _AGREEMENT else None,
            int(self.walked_by[index]) if code == _WALK_AWAY else None,
            tuple(float(u) for u in self.utilities[index]),
        )


@dataclass(eq=False)
class _Outcome:
    """Per negotiation results of a whole batch, filled chunk by chunk."""

    end: NDArray[np.int8]
    round: NDArray[np.int64]
    agreement: NDArray[np.int64]
    walked_by: NDArray[np.int64]
    offers: NDArray[np.int64] | None  # (count, deadline), when traces are wanted
    responses: NDArray[np.int8] | None  # (count, deadline, n_parties)


def _kernels(plan: BatchPlan, rows: NDArray[np.int64], seats: list[SeatArrays]) -> list[Kernel]:
    """The kernels playing the negotiations ``rows`` (batch indices) of one chunk."""
    kernels: list[Kernel] = []
    width = plan.rules.deadline + 4  # one draw per round, each at most one word
    for seat, arrays in enumerate(seats):
        kind = plan.kind[seat][rows]
        table = np.flatnonzero(kind == KIND_TABLE)
        if table.size:
            columns = plan.column[seat][rows[table]]
            used, local_columns = np.unique(columns, return_inverse=True)
            tables = [plan.tables[seat][int(c)] for c in used]
            kernels.append(TableKernel(arrays, table, tables, local_columns.reshape(-1)))
        for code in (KIND_RELATIVE, KIND_ABSOLUTE):
            members = np.flatnonzero(kind == code)
            if members.size:
                delays = plan.delay[seat][rows[members]]
                kernels.append(ImitativeKernel(arrays, members, code == KIND_RELATIVE, delays))
        members = np.flatnonzero(kind == KIND_RANDOM)
        if members.size:
            sources: list[Source] = []
            for b in rows[members].tolist():
                choices = plan.entries[int(plan.lineup[b])].choices or ()
                own = choices[seat].seed
                if own is None:  # the party's generator, as engine.party_generators derives it
                    child = np.random.SeedSequence(plan.entropy[b], spawn_key=(seat,))
                    sources.append(np.random.PCG64(child))
                else:
                    sources.append(own)
            streams = RandomStreams(sources, width)
            p_accept = plan.p_accept[seat][rows[members]]
            kernels.append(RandomKernel(arrays, members, streams, p_accept))
    return kernels


def _run_chunk(
    plan: BatchPlan, rows: NDArray[np.int64], seats: list[SeatArrays], out: _Outcome
) -> None:
    """Play the negotiations ``rows`` round by round and write their results into ``out``."""
    n, horizon = plan.rules.n_parties, plan.rules.deadline
    size = len(rows)
    first = plan.first[rows]
    uniform = bool(size) and int(first.min()) == int(first.max())
    kernels = _kernels(plan, rows, seats)
    ended = np.zeros(size, dtype=bool)
    offered = np.full(size, WALK, dtype=np.int64)
    answers = np.full((n, size), NOT_ASKED, dtype=np.int8)
    end = np.full(size, _DEADLINE, dtype=np.int8)
    final_round = np.full(size, horizon, dtype=np.int64)
    agreement = np.full(size, -1, dtype=np.int64)
    walked_by = np.full(size, -1, dtype=np.int64)
    offers_log = None if out.offers is None else np.full((size, horizon), WALK, dtype=np.int64)
    answers_log = (
        None if out.responses is None else np.full((size, horizon, n), NOT_ASKED, dtype=np.int8)
    )
    active = np.arange(size, dtype=np.int64)
    for t in range(horizon):
        if not active.size:
            break
        proposer = np.full(size, (int(first[0]) + t) % n) if uniform else (first + t) % n
        roles = []
        for kernel in kernels:
            kernel.live = kernel.live[~ended[kernel.rows[kernel.live]]]
            proposing = proposer[kernel.rows[kernel.live]] == kernel.party
            roles.append(proposing)
            local = kernel.live[proposing]
            if local.size:
                offered[kernel.rows[local]] = kernel.offer(local, t)
        answers[:, active] = NOT_ASKED
        for kernel, proposing in zip(kernels, roles, strict=True):
            local = kernel.live[~proposing]
            if not local.size:
                continue
            offers = offered[kernel.rows[local]]
            asked = offers != WALK
            if not asked.all():
                local, offers = local[asked], offers[asked]
            if local.size:
                answers[kernel.party, kernel.rows[local]] = kernel.respond(local, offers, t)
        # Settle the round in the protocol's order: the proposer's walk-away, then each
        # responder in turn; a walk-away ends the talks and later responders are not asked.
        now = offered[active]
        who = proposer[active]
        stopped = now == WALK
        walker = np.where(stopped, who, -1)
        agreed = ~stopped
        for step in range(1, n):
            responder = (who + step) % n
            said = answers[responder, active]
            if step > 1 and stopped.any():
                answers[responder[stopped], active[stopped]] = NOT_ASKED
                said = np.where(stopped, NOT_ASKED, said)
            leaving = ~stopped & (said == WALK)
            walker = np.where(leaving, responder, walker)
            stopped |= leaving
            agreed &= said == ACCEPT
        if offers_log is not None and answers_log is not None:
            offers_log[active, t] = now
            answers_log[active, t, :] = answers[:, active].T
        done = stopped | agreed
        if done.any():
            closed = active[done]
            end[active[agreed]] = _AGREEMENT
            agreement[active[agreed]] = now[agreed]
            end[active[stopped]] = _WALK_AWAY
            walked_by[active[stopped]] = walker[stopped]
            final_round[closed] = t
            ended[closed] = True
            active = active[~done]
    out.end[rows] = end
    out.round[rows] = final_round
    out.agreement[rows] = agreement
    out.walked_by[rows] = walked_by
    if out.offers is not None and offers_log is not None:
        out.offers[rows] = offers_log
    if out.responses is not None and answers_log is not None:
        out.responses[rows] = answers_log


def _run(plan: BatchPlan, traces: bool, chunk: int) -> tuple[_Outcome, dict[int, Trace]]:
    count, n, horizon = len(plan.lineup), plan.rules.n_parties, plan.rules.deadline
    out = _Outcome(
        end=np.full(count, _DEADLINE, dtype=np.int8),
        round=np.full(count, horizon, dtype=np.int64),
        agreement=np.full(count, -1, dtype=np.int64),
        walked_by=np.full(count, -1, dtype=np.int64),
        offers=np.full((count, horizon), WALK, dtype=np.int64) if traces else None,
        responses=np.full((count, horizon, n), NOT_ASKED, dtype=np.int8) if traces else None,
    )
    seats = [SeatArrays.build(view) for view in plan.views]
    for start in range(0, len(plan.vector), chunk):
        _run_chunk(plan, plan.vector[start : start + chunk], seats, out)
    plain: dict[int, Trace] = {}
    for b in plan.plain.tolist():
        trace = simulate(
            plan.problem,
            plan.entries[int(plan.lineup[b])].strategies,
            seed=plan.entropy[b],
            deadline=horizon,
            first_proposer=int(plan.first[b]),
        )
        plain[b] = trace
        ending = trace.ending
        out.end[b] = END_CODES.index(ending.end)
        out.round[b] = ending.round
        out.agreement[b] = -1 if ending.agreement is None else ending.agreement
        out.walked_by[b] = -1 if ending.walked_by is None else ending.walked_by
    return out, plain


def _final_utilities(plan: BatchPlan, out: _Outcome, seats: int) -> NDArray[np.float64]:
    """``delta_i ** t * u_i(agreement)`` (computed as :func:`discounted` does) or ``r_i``."""
    count = len(out.end)
    final = np.empty((count, seats), dtype=np.float64)
    agreed = np.flatnonzero(out.end == _AGREEMENT)
    utilities = plan.problem.utilities()
    for i, view in enumerate(plan.views):
        final[:, i] = view.reservation
        if agreed.size:
            rounds = out.round[agreed]
            powers = np.asarray(
                [view.discount**t for t in range(plan.rules.deadline)], dtype=np.float64
            )
            final[agreed, i] = powers[rounds] * utilities[out.agreement[agreed], i]
    return final


def _names(plan: BatchPlan) -> tuple[tuple[str, ...], ...]:
    names = [entry.names for entry in plan.entries]
    return tuple(names[i] for i in plan.lineup.tolist())


def simulate_batch_summary(
    problem: BargainingProblem,
    lineups: Sequence[Lineup],
    *,
    seeds: Sequence[int | None] | NDArray[np.integer],
    deadline: int | None = None,
    first_proposer: int | Sequence[int] | NDArray[np.integer] | None = None,
    fallback: Literal["error", "plain"] = "error",
    chunk: int = CHUNK,
) -> BatchSummary:
    """Run a batch like :func:`simulate_batch` and return only how each negotiation ended."""
    plan = plan_batch(problem, lineups, seeds, deadline, first_proposer, fallback)
    out, _ = _run(plan, traces=False, chunk=max(1, chunk))
    return BatchSummary(
        parties=tuple(p.id for p in problem.parties),
        strategies=_names(plan),
        seeds=tuple(plan.entropy),
        end=out.end,
        round=out.round,
        agreement=out.agreement,
        walked_by=out.walked_by,
        utilities=_final_utilities(plan, out, len(problem.parties)),
    )


def simulate_batch(
    problem: BargainingProblem,
    lineups: Sequence[Lineup],
    *,
    seeds: Sequence[int | None] | NDArray[np.integer],
    deadline: int | None = None,
    first_proposer: int | Sequence[int] | NDArray[np.integer] | None = None,
    fallback: Literal["error", "plain"] = "error",
    chunk: int = CHUNK,
) -> list[Trace]:
    """Run many negotiations on ``problem`` at once; the traces :func:`simulate` would give.

    Parameters
    ----------
    problem
        The bargaining problem every negotiation of the batch is played on.
    lineups
        One line-up per negotiation, or a single line-up for all of them. A line-up gives one
        strategy per party, in the problem's party order: a strategy object, a built-in name
        (``"boulware"``) or a name with parameters (``("boulware", {"e": 0.1})``).
    seeds
        One seed per negotiation (non-negative integers, or ``None`` for fresh entropy): the
        seed :func:`simulate` would be given. Its length sets the batch size.
    deadline
        Number of rounds for every negotiation; defaults to the problem's deadline.
    first_proposer
        The party proposing in round 0: one index for all negotiations, or one per
        negotiation; defaults to the problem's.
    fallback
        ``"error"`` (default): refuse a line-up the vectorised engine cannot play exactly with
        :class:`NotVectorisedError`. ``"plain"``: run such negotiations with the plain engine.
    chunk
        How many negotiations advance together (memory grows with ``chunk * deadline``).

    Returns
    -------
    list of Trace
        One trace per negotiation, in order, equal field for field to ``simulate(problem,
        lineup, seed=seed, deadline=deadline, first_proposer=first)``.
    """
    plan = plan_batch(problem, lineups, seeds, deadline, first_proposer, fallback)
    out, plain = _run(plan, traces=True, chunk=max(1, chunk))
    if out.offers is None or out.responses is None:  # pragma: no cover - traces=True
        raise RuntimeError("the batch kept no logs")
    n, horizon = plan.rules.n_parties, plan.rules.deadline
    parties = tuple(p.id for p in problem.parties)
    names = _names(plan)
    reservation = tuple(view.reservation for view in plan.views)
    final = _final_utilities(plan, out, n).tolist()
    # A row of NaN at index -1 (= WALK): a walked round has no offer to value.
    valued = np.vstack([problem.utilities(), np.full((1, n), np.nan)])
    turns = {
        int(f): (int(f) + np.arange(horizon, dtype=np.int64)) % n for f in np.unique(plan.first)
    }
    traces: list[Trace] = []
    for b in range(len(plan.lineup)):
        if b in plain:
            traces.append(plain[b])
            continue
        code, last = int(out.end[b]), int(out.round[b])
        played = horizon if code == _DEADLINE else last + 1
        offers = out.offers[b, :played].copy()
        if code == _AGREEMENT:
            ending = Ending(End.AGREEMENT, last, int(out.agreement[b]), None, tuple(final[b]))
        elif code == _WALK_AWAY:
            ending = Ending(End.WALK_AWAY, last, None, int(out.walked_by[b]), reservation)
        else:
            ending = Ending(End.DEADLINE, horizon, None, None, reservation)
        first = int(plan.first[b])
        traces.append(
            Trace(
                parties=parties,
                strategies=names[b],
                deadline=horizon,
                first_proposer=first,
                seed=plan.entropy[b],
                rounds=RoundLog(
                    turns[first][:played].copy(),
                    offers,
                    out.responses[b, :played].copy(),
                    valued[offers],
                ),
                ending=ending,
            )
        )
    return traces
