"""The contract every negotiation strategy honours, in the style of Axelrod's player tests.

Each strategy's test class inherits :class:`StrategyContract` and says how to build the
strategy; the inherited tests then check, on random problems and against several opponents:

- it satisfies the :class:`~detente.simulation.Strategy` protocol and has a name;
- the same seed gives the same trace, running it again (``reset``) replays it, and so does a
  deep copy (``clone``) or a pickled copy;
- every offer is an outcome index or ``WALK`` and every answer is accept, reject or walk,
  also when it is asked directly in states the engine would not produce;
- a strategy that claims to respect its reservation value never accepts an offer worth less
  than walking away (discounted utility ``delta ** t * u < r``).

The checks are plain functions so that the tests at the bottom can show that they fail for
strategies that break the contract.
"""

from __future__ import annotations

import copy
import pickle
import random as stdlib_random
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.bargaining import BargainingProblem
from detente.simulation import (
    ACCEPT,
    REJECT,
    WALK,
    HardLiner,
    NegotiationState,
    RandomOffers,
    Response,
    Rules,
    Setup,
    Strategy,
    StrategyBehaviourError,
    Trace,
    conceder,
    simulate,
)
from detente.simulation.knowledge import prepare

Maker = Callable[[], Strategy]

# Every strategy's test class runs the same inherited tests: Hypothesis sees one test function
# called from several classes ("differing executors"), which is the point of a contract here.
CONTRACT_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)

#: Opponents every strategy meets: itself, a random baseline, a conceder and a hard-liner.
OPPONENTS: dict[str, Maker | None] = {
    "self": None,
    "random": lambda: RandomOffers(p_accept=0.3),
    "conceder": conceder,
    "hardliner": HardLiner,
}


# -- problems ------------------------------------------------------------------------------


def pie(
    grid: int = 101,
    discount: Sequence[float] = (1.0, 1.0),
    reservation: Sequence[float] = (0.0, 0.0),
    deadline: int | None = 20,
) -> BargainingProblem:
    """Split a unit surplus: outcome k gives party a the share k / (grid - 1), b the rest."""
    shares = np.linspace(0.0, 1.0, grid)
    return BargainingProblem.linear(
        ["a", "b"],
        [("share_of_a", [f"{x:.6g}" for x in shares])],
        weights=[[1.0], [1.0]],
        scores=[[shares], [1.0 - shares]],
        reservation=list(reservation),
        discount=list(discount),
        deadline=deadline,
    )


@st.composite
def problems(draw: st.DrawFn, parties: Sequence[int] = (2, 3)) -> BargainingProblem:
    """Random linear-additive problems: 1-3 issues of 2-5 values, reservation values up to
    0.6, discount factors from 0.8 to 1, deadlines of 1-25 rounds."""
    k = draw(st.sampled_from(list(parties)))
    sizes = draw(st.lists(st.integers(2, 5), min_size=1, max_size=3))
    unit = st.floats(0.0, 1.0, allow_nan=False)
    scores = [[draw(st.lists(unit, min_size=s, max_size=s)) for s in sizes] for _ in range(k)]
    weights = []
    for _ in range(k):
        raw = draw(st.lists(st.floats(0.05, 1.0), min_size=len(sizes), max_size=len(sizes)))
        weights.append([w / sum(raw) for w in raw])
    reservation = draw(st.lists(st.floats(0.0, 0.6), min_size=k, max_size=k))
    discount = draw(st.lists(st.sampled_from([1.0, 0.99, 0.95, 0.9, 0.8]), min_size=k, max_size=k))
    return BargainingProblem.linear(
        [f"p{i}" for i in range(k)],
        [(f"issue{j}", [str(v) for v in range(s)]) for j, s in enumerate(sizes)],
        weights=weights,
        scores=scores,
        reservation=reservation,
        discount=discount,
        deadline=draw(st.integers(1, 25)),
    )


class Scripted:
    """A test double: plays a fixed list of offers and answers (the last one repeats)."""

    respects_reservation = False

    def __init__(self, offers: Sequence[int], answers: Sequence[Response] = (REJECT,)) -> None:
        self.name = "scripted"
        self.offers, self.answers = list(offers), list(answers)
        self._offered = self._answered = 0

    def reset(self, setup: Setup) -> None:
        self._offered = self._answered = 0

    def offer(self, state: NegotiationState) -> int:
        value = self.offers[min(self._offered, len(self.offers) - 1)]
        self._offered += 1
        return value

    def respond(self, state: NegotiationState, offer: int) -> Response:
        value = self.answers[min(self._answered, len(self.answers) - 1)]
        self._answered += 1
        return value


# -- the checks ----------------------------------------------------------------------------


def lineup(make: Maker, problem: BargainingProblem, position: int, opponent: str) -> list[Strategy]:
    """The tested strategy at ``position``; every other seat an opponent (or itself)."""
    other = OPPONENTS[opponent] or make
    seats = [other() for _ in problem.parties]
    seats[position] = make()
    return seats


def check_same_seed(make: Maker, problem: BargainingProblem, position: int, seed: int) -> None:
    for opponent in OPPONENTS:
        first = simulate(problem, lineup(make, problem, position, opponent), seed=seed)
        again = simulate(problem, lineup(make, problem, position, opponent), seed=seed)
        assert first.equals(again), f"against {opponent}: same seed, different traces"
        replay = simulate(problem, lineup(make, problem, position, opponent), seed=first.seed)
        assert first.equals(replay), f"against {opponent}: the recorded seed does not replay"


def check_reset_and_clone(
    make: Maker, problem: BargainingProblem, position: int, seed: int
) -> None:
    for opponent in OPPONENTS:
        seats = lineup(make, problem, position, opponent)
        fresh = [copy.deepcopy(s) for s in seats]
        first = simulate(problem, seats, seed=seed)
        clones = [copy.deepcopy(s) for s in seats]  # cloned after play: memory and all
        pickled = [pickle.loads(pickle.dumps(s)) for s in seats]
        rerun = simulate(problem, seats, seed=seed)  # the same objects, reset by the engine
        assert first.equals(rerun), f"against {opponent}: reset does not replay the trace"
        assert first.equals(simulate(problem, clones, seed=seed)), "a clone plays differently"
        assert first.equals(simulate(problem, pickled, seed=seed)), "a pickled copy differs"
        assert first.equals(simulate(problem, fresh, seed=seed)), "a copy taken before differs"


def check_reservation(trace: Trace, problem: BargainingProblem, parties: Sequence[int]) -> None:
    """No party in ``parties`` accepted an offer worth less than its reservation value."""
    utilities = problem.utilities()
    log = trace.rounds
    for t in range(len(log)):
        for party in parties:
            if int(log.responses[t, party]) != ACCEPT:
                continue
            worth = problem.discount[party] ** t * utilities[log.offers[t], party]
            assert worth >= problem.reservation[party] - 1e-9, (
                f"party {party} accepted outcome {log.offers[t]} in round {t}, worth {worth:.4f} "
                f"< reservation {problem.reservation[party]:.4f}"
            )


def probe(make: Maker, problem: BargainingProblem, party: int, seed: int) -> None:
    """Ask the strategy directly, in random states with random histories."""
    generator = np.random.default_rng(seed)
    prepared = prepare(problem)
    n, outcomes = len(problem.parties), problem.n_outcomes
    deadline = int(problem.deadline or 10)
    rules = Rules(n, outcomes, deadline, 0)
    strategy = make()
    setup = Setup(
        party=party,
        rules=rules,
        utilities=prepared.utilities[party],
        reservation=float(problem.reservation[party]),
        discount=float(problem.discount[party]),
        ladder=prepared.ladder(party),
        rng=np.random.default_rng(seed),
        public=prepared.public,
    )
    strategy.reset(setup)
    claims = getattr(strategy, "respects_reservation", False)
    for t in range(deadline):
        history = generator.integers(outcomes, size=t).astype(np.int64)
        history.setflags(write=False)
        proposers = (np.arange(t) % n).astype(np.int64)
        proposers.setflags(write=False)
        state = NegotiationState(setup, t, rules.proposer_at(t), history, proposers)
        offered = strategy.offer(state)
        assert offered == WALK or 0 <= offered < outcomes, f"offered {offered} in round {t}"
        incoming = int(generator.integers(outcomes))
        answer = strategy.respond(state, incoming)
        assert answer in (ACCEPT, REJECT, WALK), f"answered {answer!r}"
        if claims and answer == ACCEPT:
            worth = state.worth(incoming)
            assert worth >= setup.reservation - 1e-9, f"accepted {worth} < {setup.reservation}"


# -- the inherited contract ----------------------------------------------------------------


class StrategyContract:
    """Inherit this and set ``make`` (a zero-argument factory) to test a strategy."""

    make: Maker
    parties: tuple[int, ...] = (2, 3)

    def build(self) -> Strategy:
        return type(self).make()

    def test_satisfies_the_protocol(self) -> None:
        strategy = self.build()
        assert isinstance(strategy, Strategy)
        assert isinstance(strategy.name, str) and strategy.name
        assert isinstance(getattr(strategy, "respects_reservation", False), bool)

    @CONTRACT_SETTINGS
    @given(data=st.data())
    def test_same_seed_gives_the_same_trace(self, data: st.DataObject) -> None:
        problem = data.draw(problems(self.parties))
        position = data.draw(st.integers(0, len(problem.parties) - 1))
        check_same_seed(type(self).make, problem, position, data.draw(st.integers(0, 2**32)))

    @CONTRACT_SETTINGS
    @given(data=st.data())
    def test_reset_clone_and_pickle_replay(self, data: st.DataObject) -> None:
        problem = data.draw(problems(self.parties))
        position = data.draw(st.integers(0, len(problem.parties) - 1))
        check_reset_and_clone(type(self).make, problem, position, data.draw(st.integers(0, 99)))

    @CONTRACT_SETTINGS
    @given(data=st.data())
    def test_answers_are_legal_in_any_state(self, data: st.DataObject) -> None:
        problem = data.draw(problems(self.parties))
        party = data.draw(st.integers(0, len(problem.parties) - 1))
        probe(type(self).make, problem, party, data.draw(st.integers(0, 2**32)))

    @CONTRACT_SETTINGS
    @given(data=st.data())
    def test_respects_its_reservation_value_when_it_claims_to(self, data: st.DataObject) -> None:
        strategy = self.build()
        if not getattr(strategy, "respects_reservation", False):
            pytest.skip(f"{strategy.name} does not claim to respect its reservation value")
        problem = data.draw(problems(self.parties))
        position = data.draw(st.integers(0, len(problem.parties) - 1))
        seed = data.draw(st.integers(0, 2**32))
        for opponent in OPPONENTS:
            trace = simulate(
                problem, lineup(type(self).make, problem, position, opponent), seed=seed
            )
            tested = range(len(problem.parties)) if opponent == "self" else [position]
            check_reservation(trace, problem, list(tested))

    def test_pickles(self) -> None:
        strategy = self.build()
        problem = pie(grid=11, discount=(0.9, 0.95), reservation=(0.1, 0.2), deadline=8)
        seats = [self.build(), conceder()]
        simulate(problem, seats, seed=0)
        for item in (strategy, seats[0]):
            restored = pickle.loads(pickle.dumps(item))
            assert type(restored) is type(item) and restored.name == item.name


# -- the contract catches broken strategies ------------------------------------------------


class _Forgetful:
    """Breaks reset: remembers across negotiations how many rounds it has played."""

    name = "forgetful"
    respects_reservation = False

    def __init__(self) -> None:
        self.played = 0

    def reset(self, setup: Setup) -> None:
        pass

    def offer(self, state: NegotiationState) -> int:
        self.played += 1
        return self.played % state.setup.rules.n_outcomes

    def respond(self, state: NegotiationState, offer: int) -> Response:
        return REJECT


class _Unseeded:
    """Breaks reproducibility: draws from Python's global random state."""

    name = "unseeded"
    respects_reservation = False

    def reset(self, setup: Setup) -> None:
        pass

    def offer(self, state: NegotiationState) -> int:
        return stdlib_random.randrange(state.setup.rules.n_outcomes)

    def respond(self, state: NegotiationState, offer: int) -> Response:
        return REJECT


class _Careless:
    """Claims to respect its reservation value but accepts everything."""

    name = "careless"
    respects_reservation = True

    def reset(self, setup: Setup) -> None:
        pass

    def offer(self, state: NegotiationState) -> int:
        return 0

    def respond(self, state: NegotiationState, offer: int) -> Response:
        return ACCEPT


class _OutOfRange(_Careless):
    """Offers one past the last outcome."""

    def offer(self, state: NegotiationState) -> int:
        return state.setup.rules.n_outcomes


def test_the_reset_check_catches_a_strategy_with_memory_across_negotiations() -> None:
    with pytest.raises(AssertionError, match="reset"):
        check_reset_and_clone(_Forgetful, pie(grid=11, deadline=6), 0, seed=1)


def test_the_seed_check_catches_global_randomness() -> None:
    stdlib_random.seed(7)
    with pytest.raises(AssertionError, match="same seed"):
        check_same_seed(_Unseeded, pie(grid=1001, deadline=12), 0, seed=1)


def test_the_reservation_check_catches_a_careless_acceptor() -> None:
    problem = pie(grid=11, reservation=(0.5, 0.5), deadline=4)
    trace = simulate(problem, [HardLiner(), _Careless()], seed=0)
    with pytest.raises(AssertionError, match="accepted outcome 10 in round 0"):
        check_reservation(trace, problem, [1])
    with pytest.raises(AssertionError, match="accepted"):
        probe(_Careless, problem, 1, seed=0)


def test_the_engine_stops_an_offer_outside_the_outcome_space() -> None:
    with pytest.raises(StrategyBehaviourError, match="offered 11 in round 0"):
        simulate(pie(grid=11), [_OutOfRange(), HardLiner()])
    with pytest.raises(AssertionError, match="offered 11"):
        probe(_OutOfRange, pie(grid=11), 0, seed=0)
