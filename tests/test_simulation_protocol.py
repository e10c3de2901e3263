"""The alternating-offers protocol and the plain engine: turns, payoffs, walk-aways, the trace,
what strategies see, seeds and errors."""

from __future__ import annotations

import dataclasses
import doctest
import pickle

import numpy as np
import pytest

import detente.simulation
import detente.simulation.strategies.registry
from detente.bargaining import BargainingProblem
from detente.errors import DetenteError
from detente.simulation import (
    ACCEPT,
    NOT_ASKED,
    REJECT,
    WALK,
    End,
    HardLiner,
    NegotiationState,
    RandomOffers,
    Response,
    Setup,
    SimulationError,
    StrategyBehaviourError,
    conceder,
    describe,
    simulate,
)
from test_simulation_contract import Scripted, StrategyContract, pie


def three_party_problem(deadline: int | None = 6) -> BargainingProblem:
    return BargainingProblem.linear(
        ["a", "b", "c"],
        [("x", [str(i) for i in range(5)])],
        weights=[[1.0], [1.0], [1.0]],
        scores=[[[0, 0.25, 0.5, 0.75, 1]], [[1, 0.75, 0.5, 0.25, 0]], [[0, 0.5, 1, 0.5, 0]]],
        reservation=[0.1, 0.2, 0.3],
        discount=[0.9, 0.8, 0.7],
        deadline=deadline,
    )


# -- a strategy written by a user, as in the package docstring ------------------------------


class Greedy:
    name = "greedy"

    def reset(self, setup: Setup) -> None:
        pass

    def offer(self, state: NegotiationState) -> int:
        return state.setup.ladder.best

    def respond(self, state: NegotiationState, offer: int) -> Response:
        return ACCEPT if state.utilities[offer] >= 0.6 else REJECT


class TestUserWrittenStrategy(StrategyContract):
    make = staticmethod(Greedy)


@pytest.mark.parametrize(
    "module", [detente.simulation, detente.simulation.strategies.registry], ids=lambda m: m.__name__
)
def test_docstring_examples_run(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


# -- turns and payoffs ----------------------------------------------------------------------


def test_two_parties_alternate_starting_with_the_first_proposer() -> None:
    for first in (0, 1):
        trace = simulate(pie(deadline=5), [HardLiner(), HardLiner()], first_proposer=first)
        assert trace.rounds.proposers.tolist() == [(first + t) % 2 for t in range(5)]
        assert trace.first_proposer == first


def test_three_parties_take_turns_and_the_others_all_answer() -> None:
    trace = simulate(three_party_problem(), [HardLiner(), HardLiner(), HardLiner()])
    assert trace.rounds.proposers.tolist() == [0, 1, 2, 0, 1, 2]
    for t, proposer in enumerate(trace.rounds.proposers):
        answers = trace.rounds.responses[t]
        assert answers[proposer] == NOT_ASKED
        assert all(answers[p] == REJECT for p in range(3) if p != proposer)


def test_an_agreement_needs_every_other_party() -> None:
    # Round 0: b accepts, c rejects (still recorded after b's answer); round 1: both accept.
    seats = [Scripted([0], [ACCEPT]), Scripted([2], [ACCEPT]), Scripted([0], [REJECT, ACCEPT])]
    trace = simulate(three_party_problem(), seats)
    assert trace.rounds.responses.tolist() == [
        [NOT_ASKED, ACCEPT, REJECT],
        [ACCEPT, NOT_ASKED, ACCEPT],
    ]
    assert trace.agreed and trace.agreement == 2 and trace.ending.round == 1


def test_an_agreement_is_discounted_by_its_round() -> None:
    problem = pie(grid=11, discount=(0.9, 0.8), reservation=(0.3, 0.3))
    trace = simulate(problem, [Scripted([6]), Scripted([0], [REJECT, ACCEPT])])
    assert trace.ending.round == 2 and trace.agreement == 6
    assert trace.final_utilities == pytest.approx((0.9**2 * 0.6, 0.8**2 * 0.4))


def test_walking_away_gives_the_undiscounted_reservation_value() -> None:
    problem = pie(grid=11, discount=(0.5, 0.5), reservation=(0.3, 0.2))
    trace = simulate(problem, [Scripted([6]), Scripted([2, WALK])])
    assert trace.rounds.offers.tolist() == [6, 2, 6, WALK]
    assert trace.end is End.WALK_AWAY and trace.ending.walked_by == 1
    assert trace.ending.round == 3 and trace.final_utilities == (0.3, 0.2)
    assert np.isnan(trace.rounds.utilities[3]).all()
    assert (trace.rounds.responses[3] == NOT_ASKED).all()


def test_a_responder_walking_out_ends_the_talks_before_the_others_answer() -> None:
    seats = [Scripted([1]), Scripted([1], [WALK]), Scripted([1], [ACCEPT])]
    trace = simulate(three_party_problem(), seats)
    assert trace.rounds.responses.tolist() == [[NOT_ASKED, WALK, NOT_ASKED]]
    assert trace.end is End.WALK_AWAY and trace.ending.walked_by == 1
    assert trace.final_utilities == (0.1, 0.2, 0.3)


def test_the_deadline_ends_the_talks_with_reservation_values() -> None:
    trace = simulate(
        pie(reservation=(0.25, 0.5), deadline=20), [HardLiner(), HardLiner()], deadline=7
    )
    assert trace.end is End.DEADLINE and trace.deadline == 7
    assert len(trace.rounds) == 7 and trace.ending.round == 7
    assert trace.final_utilities == (0.25, 0.5) and trace.agreement is None


def test_describe_reads_like_a_transcript() -> None:
    trace = simulate(pie(grid=11, reservation=(0.3, 0.2)), [Scripted([6]), Scripted([WALK])])
    assert describe(trace) == [
        "round 0: a offers #6 (a 0.60, b 0.40); b rejects",
        "round 1: b walks away",
        "b walked away in round 1; final utilities: a 0.300, b 0.200",
    ]


# -- what a strategy sees -------------------------------------------------------------------


class Recorder:
    """Records what it is shown; tries to rewrite history."""

    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[tuple[int, list[int], list[int]]] = []
        self.utilities: np.ndarray | None = None
        self.write_refused = False

    def reset(self, setup: Setup) -> None:
        self.utilities = setup.utilities

    def offer(self, state: NegotiationState) -> int:
        self.seen.append((state.round, state.offers.tolist(), state.proposers.tolist()))
        if len(state.offers):
            try:
                state.offers[0] = 0
            except ValueError:
                self.write_refused = True
        return int(state.round % state.setup.rules.n_outcomes)

    def respond(self, state: NegotiationState, offer: int) -> Response:
        return REJECT


def test_a_strategy_sees_its_own_utilities_and_the_history_read_only() -> None:
    problem = three_party_problem(deadline=5)
    recorder = Recorder()
    trace = simulate(problem, [HardLiner(), recorder, HardLiner()])
    assert recorder.utilities is not None
    assert np.array_equal(recorder.utilities, problem.utilities()[:, 1])
    assert not recorder.utilities.flags.writeable
    offers = trace.rounds.offers.tolist()
    assert recorder.seen == [(1, offers[:1], [0]), (4, offers[:4], [0, 1, 2, 0])]
    assert recorder.write_refused


def test_the_trace_is_immutable_and_pickles() -> None:
    trace = simulate(pie(deadline=6), [conceder(), RandomOffers()], seed=4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        trace.deadline = 3  # type: ignore[misc]
    for array in (trace.rounds.offers, trace.rounds.responses, trace.rounds.utilities):
        assert not array.flags.writeable
    restored = pickle.loads(pickle.dumps(trace))
    assert restored.equals(trace) and trace.equals(restored)
    other = simulate(pie(deadline=6), [conceder(), HardLiner()], seed=4)
    assert not trace.equals(other)


# -- seeds ----------------------------------------------------------------------------------


def test_the_seed_is_recorded_and_replays() -> None:
    problem = pie(grid=1001, deadline=12)
    seats = [RandomOffers(0.1), RandomOffers(0.1)]
    unseeded = simulate(problem, seats)
    assert isinstance(unseeded.seed, int)
    assert simulate(problem, seats, seed=unseeded.seed).equals(unseeded)
    assert simulate(problem, seats, seed=5).seed == 5
    from_generator = simulate(problem, seats, seed=np.random.default_rng(5))
    assert from_generator.seed is None
    again = simulate(problem, seats, seed=np.random.default_rng(5))
    assert again.equals(from_generator)


@pytest.mark.parametrize("seed", ["7", 1.5, True])
def test_a_bad_seed_is_refused(seed: object) -> None:
    with pytest.raises(SimulationError, match="seed must be"):
        simulate(pie(), [HardLiner(), HardLiner()], seed=seed)  # type: ignore[arg-type]


# -- errors ---------------------------------------------------------------------------------


def test_one_strategy_is_needed_per_party() -> None:
    with pytest.raises(SimulationError, match=r"1 strategy given for 2 parties \(a, b\)"):
        simulate(pie(), [HardLiner()])
    with pytest.raises(SimulationError, match="3 strategies given for 2 parties"):
        simulate(pie(), [HardLiner(), HardLiner(), HardLiner()])
    assert issubclass(SimulationError, DetenteError) and issubclass(SimulationError, ValueError)


def test_a_deadline_is_needed() -> None:
    with pytest.raises(SimulationError, match=r"no deadline.*deadline=ROUNDS"):
        simulate(pie(deadline=None), [HardLiner(), HardLiner()])
    assert simulate(pie(deadline=None), [HardLiner(), HardLiner()], deadline=3).deadline == 3


@pytest.mark.parametrize("deadline", [0, -2, 2.5, True, "10"])
def test_a_bad_deadline_is_refused(deadline: object) -> None:
    with pytest.raises(SimulationError, match="deadline must be a whole number"):
        simulate(pie(), [HardLiner(), HardLiner()], deadline=deadline)  # type: ignore[arg-type]


@pytest.mark.parametrize("first", [2, -1, "a", 0.5])
def test_a_bad_first_proposer_is_refused(first: object) -> None:
    with pytest.raises(SimulationError, match=r"first proposer must be a party index 0\.\.1"):
        simulate(pie(), [HardLiner(), HardLiner()], first_proposer=first)  # type: ignore[arg-type]


def test_an_object_without_the_strategy_methods_is_refused() -> None:
    with pytest.raises(SimulationError, match=r"the strategy for b .* has no reset, respond"):
        simulate(pie(), [HardLiner(), type("Half", (), {"offer": lambda self, s: 0})()])  # type: ignore[list-item]


@pytest.mark.parametrize("offer", [-2, 11, 1.5, "3", True, None])
def test_an_illegal_offer_stops_the_negotiation(offer: object) -> None:
    with pytest.raises(StrategyBehaviourError, match=r"scripted offered .* in round 0.*0\.\.10"):
        simulate(pie(grid=11), [Scripted([offer]), HardLiner()])  # type: ignore[list-item]


@pytest.mark.parametrize("answer", [2, "yes", True, None, 0.0])
def test_an_illegal_answer_stops_the_negotiation(answer: object) -> None:
    with pytest.raises(StrategyBehaviourError, match="answer ACCEPT, REJECT or WALK"):
        simulate(pie(grid=11), [HardLiner(), Scripted([0], [answer])])  # type: ignore[list-item]
    assert issubclass(StrategyBehaviourError, RuntimeError)


def test_numpy_integers_are_fine_as_offers_and_answers() -> None:
    seats = [
        Scripted([np.int64(3)], [np.int8(REJECT)]),
        Scripted([np.int32(3)], [np.int64(ACCEPT)]),
    ]
    trace = simulate(pie(grid=11), seats)  # type: ignore[list-item]
    assert trace.agreed and trace.agreement == 3 and WALK == Response.WALK == -1
