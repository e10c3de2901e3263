"""The plain engine: runs any strategies through the alternating-offers protocol.

One negotiation at a time, calling each strategy's Python methods; the protocol and payoffs are
described in :mod:`detente.simulation.protocol`.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.problem import BargainingProblem
from detente.simulation.errors import SimulationError, StrategyBehaviourError
from detente.simulation.knowledge import prepare
from detente.simulation.protocol import (
    ACCEPT,
    NOT_ASKED,
    WALK,
    NegotiationState,
    Response,
    Rules,
    Setup,
    Strategy,
    discounted,
)
from detente.simulation.trace import End, Ending, RoundLog, Trace

__all__ = ["party_generators", "simulate"]

_RESPONSES = frozenset(int(r) for r in Response)


def party_generators(
    seed: int | np.random.Generator | None, n_parties: int
) -> tuple[list[np.random.Generator], int | None]:
    """One independent generator per party, and the entropy to record.

    An integer (or ``None``: fresh entropy) seeds a :class:`numpy.random.SeedSequence` whose
    children ``0 .. n - 1`` seed the parties' generators, so party ``i``'s stream depends only on
    the seed and ``i``. A generator spawns the children itself; nothing replayable is recorded.
    """
    if isinstance(seed, np.random.Generator):
        return list(seed.spawn(n_parties)), None
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        raise SimulationError(f"seed must be an integer, a numpy Generator or None, got {seed!r}")
    sequence = np.random.SeedSequence(None if seed is None else int(seed))
    generators = [np.random.default_rng(child) for child in sequence.spawn(n_parties)]
    entropy = sequence.entropy
    return generators, int(entropy) if isinstance(entropy, int) else None


def _rules(
    problem: BargainingProblem,
    strategies: Sequence[Strategy],
    deadline: int | None,
    first_proposer: int | None,
) -> Rules:
    n = len(problem.parties)
    if len(strategies) != n:
        ids = ", ".join(p.id for p in problem.parties)
        raise SimulationError(
            f"{len(strategies)} strateg{'y' if len(strategies) == 1 else 'ies'} given for "
            f"{n} parties ({ids}); give exactly one strategy per party, in that order"
        )
    for i, strategy in enumerate(strategies):
        missing = [
            m for m in ("reset", "offer", "respond") if not callable(getattr(strategy, m, None))
        ]
        if missing:
            raise SimulationError(
                f"the strategy for {problem.parties[i].id} ({strategy!r}) has no "
                f"{', '.join(missing)} method; see detente.simulation.Strategy"
            )
    rounds = problem.deadline if deadline is None else deadline
    if rounds is None:
        raise SimulationError(
            "no deadline: the problem sets none; pass deadline=ROUNDS to simulate "
            "(or add `deadline:` to the scenario's bargaining section)"
        )
    if isinstance(rounds, bool) or not isinstance(rounds, int | np.integer) or rounds < 1:
        raise SimulationError(f"the deadline must be a whole number of rounds >= 1, got {rounds!r}")
    first = problem.first_proposer if first_proposer is None else first_proposer
    if isinstance(first, bool) or not isinstance(first, int | np.integer) or not 0 <= first < n:
        raise SimulationError(f"the first proposer must be a party index 0..{n - 1}, got {first!r}")
    return Rules(n, problem.n_outcomes, int(rounds), int(first))


def _read_only(array: NDArray[np.int64]) -> NDArray[np.int64]:
    view = array.view()
    view.setflags(write=False)
    return view


def _name(strategy: Strategy) -> str:
    return str(getattr(strategy, "name", type(strategy).__name__))


def _checked_offer(value: object, rules: Rules, who: str, round_: int) -> int:
    try:
        offer = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        offer = None
    if offer is None or isinstance(value, bool) or not (WALK <= offer < rules.n_outcomes):
        raise StrategyBehaviourError(
            f"{who} offered {value!r} in round {round_}; an offer must be an outcome index "
            f"0..{rules.n_outcomes - 1} or WALK"
        )
    return offer


def _checked_response(value: object, who: str, round_: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or value not in _RESPONSES
    ):
        raise StrategyBehaviourError(
            f"{who} answered {value!r} in round {round_}; answer ACCEPT, REJECT or WALK"
        )
    return int(value)


def _play(
    strategies: Sequence[Strategy], setups: Sequence[Setup], rules: Rules, names: Sequence[str]
) -> tuple[End, int | None, int, tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int8]]]:
    """Run the rounds: how it ended, who walked, how many rounds were played, and the log
    (proposers, offers, responses) sized for the full deadline."""
    n, horizon = rules.n_parties, rules.deadline
    proposers = np.zeros(horizon, dtype=np.int64)
    offers = np.full(horizon, WALK, dtype=np.int64)
    responses = np.full((horizon, n), NOT_ASKED, dtype=np.int8)
    log = (proposers, offers, responses)
    for t in range(horizon):
        p = rules.proposer_at(t)
        proposers[t] = p
        history, who_offered = _read_only(offers[:t]), _read_only(proposers[:t])
        state = NegotiationState(setups[p], t, p, history, who_offered)
        offer = _checked_offer(strategies[p].offer(state), rules, names[p], t)
        offers[t] = offer
        if offer == WALK:
            return End.WALK_AWAY, p, t + 1, log
        accepted = True
        for k in range(1, n):
            r = (p + k) % n
            state = NegotiationState(setups[r], t, p, history, who_offered)
            answer = _checked_response(strategies[r].respond(state, offer), names[r], t)
            responses[t, r] = answer
            if answer == WALK:
                return End.WALK_AWAY, r, t + 1, log
            accepted = accepted and answer == ACCEPT
        if accepted:
            return End.AGREEMENT, None, t + 1, log
    return End.DEADLINE, None, horizon, log


def simulate(
    problem: BargainingProblem,
    strategies: Sequence[Strategy],
    *,
    seed: int | np.random.Generator | None = None,
    deadline: int | None = None,
    first_proposer: int | None = None,
) -> Trace:
    """Run one negotiation on ``problem`` with one strategy per party.

    Parameters
    ----------
    problem
        The bargaining problem (parties, outcomes, utilities, reservation values, discounts).
    strategies
        One strategy per party, in the problem's party order. Each is reset before play, so the
        same objects can be reused for further negotiations.
    seed
        Seeds every party's random generator (see :func:`party_generators`); the same seed and
        strategies give the same trace.
    deadline
        Number of rounds; defaults to the problem's deadline. One of them is needed.
    first_proposer
        Index of the party proposing in round 0; defaults to the problem's.

    Returns
    -------
    Trace
        Every offer and answer, how the talks ended and each party's final utility.
    """
    rules = _rules(problem, strategies, deadline, first_proposer)
    prepared = prepare(problem)
    n, horizon = rules.n_parties, rules.deadline
    generators, entropy = party_generators(seed, n)
    reservation = [float(r) for r in problem.reservation]
    discount = [float(d) for d in problem.discount]
    setups = [
        Setup(
            party=i,
            rules=rules,
            utilities=prepared.utilities[i],
            reservation=reservation[i],
            discount=discount[i],
            ladder=prepared.ladder(i),
            rng=generators[i],
            public=prepared.public,
        )
        for i in range(n)
    ]
    for strategy, setup in zip(strategies, setups, strict=True):
        strategy.reset(setup)
    names = [_name(s) for s in strategies]
    end, walked_by, played, log = _play(strategies, setups, rules, names)
    proposers, offers, responses = log[0][:played], log[1][:played], log[2][:played]
    utilities = np.full((played, n), np.nan)
    made = offers != WALK
    utilities[made] = prepared.utilities[:, offers[made]].T
    if end is End.AGREEMENT:
        agreed = int(offers[-1])
        final = tuple(
            discounted(float(prepared.utilities[i, agreed]), discount[i], played - 1)
            for i in range(n)
        )
        ending = Ending(end, played - 1, agreed, None, final)
    else:
        ending_round = played - 1 if end is End.WALK_AWAY else horizon
        ending = Ending(end, ending_round, None, walked_by, tuple(reservation))
    return Trace(
        parties=tuple(p.id for p in problem.parties),
        strategies=tuple(names),
        deadline=horizon,
        first_proposer=rules.first_proposer,
        seed=entropy,
        rounds=RoundLog(proposers.copy(), offers.copy(), responses.copy(), utilities),
        ending=ending,
    )
