"""Round tables: the built-in strategies whose play depends on the round alone, as arrays.

Time-dependent concession, the hard-liner, the walk-away-aware strategy, the Nash-seeker and
Rubinstein's equilibrium strategy never look at the history of offers. Given the problem, the
party, the deadline and (for Rubinstein's strategy) the first proposer, what each offers in
round ``t`` is fixed, and each answers an offer ``o`` in round ``t`` by the same rule:

- walk away at once when ``walks[t]`` (the strategy has given up: hopeless, or the Nash
  outcome is no longer worth its reservation value);
- otherwise accept when ``u(o) >= accept_min[t]`` and the offer, discounted to round ``t``, is
  worth the reservation value (``delta ** t * u(o) >= r - tolerance``);
- otherwise walk away when ``walks_on_reject[t]``, else reject.

A :class:`RoundTable` holds those four columns. Every number in it is computed with the same
Python operations, in the same order, as the strategy's own methods
(:mod:`detente.simulation.strategies`), so the vectorised engine reproduces the plain engine
bit for bit; the differential tests in ``tests/test_simulation_batch.py`` hold it to that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.simulation.knowledge import TOLERANCE, PublicKnowledge, UtilityLadder
from detente.simulation.protocol import WALK, NegotiationState, Rules, Setup, discounted
from detente.simulation.strategies import (
    HardLiner,
    NashSeeking,
    Rubinstein,
    TimeDependent,
    WalkAwayAware,
    target_utility,
)

__all__ = ["RoundTable", "SeatView", "TableStrategy", "ladder_at_least", "round_table"]

#: The strategies :func:`round_table` turns into tables.
TableStrategy = TimeDependent | HardLiner | WalkAwayAware | NashSeeking | Rubinstein


@dataclass(frozen=True, eq=False)
class SeatView:
    """What one party knows in every negotiation of a batch (one problem, one deadline)."""

    party: int
    rules: Rules
    utilities: NDArray[np.float64]
    reservation: float
    discount: float
    ladder: UtilityLadder
    public: PublicKnowledge

    def time(self, round_: int) -> float:
        """Relative time of ``round_``, as :attr:`NegotiationState.time` computes it."""
        last = self.rules.deadline - 1
        return round_ / last if last > 0 else 1.0

    def worth_accepting(self, utility: float, round_: int) -> bool:
        """:func:`~detente.simulation.strategies.common.worth_accepting` for a utility."""
        return discounted(utility, self.discount, round_) >= self.reservation - TOLERANCE


@dataclass(frozen=True, eq=False)
class RoundTable:
    """One strategy's play in every round, for one party (arrays of length ``deadline``)."""

    offers: NDArray[np.int64]
    accept_min: NDArray[np.float64]
    walks: NDArray[np.bool_]
    walks_on_reject: NDArray[np.bool_]


def _table(
    view: SeatView,
    offers: list[int],
    accept_min: NDArray[np.float64] | float,
    walks: list[bool] | None = None,
    walks_on_reject: list[bool] | None = None,
) -> RoundTable:
    horizon = view.rules.deadline
    return RoundTable(
        offers=np.asarray(offers, dtype=np.int64),
        accept_min=np.broadcast_to(np.asarray(accept_min, dtype=np.float64), (horizon,)).copy(),
        walks=np.asarray(walks if walks is not None else [False] * horizon, dtype=bool),
        walks_on_reject=np.asarray(
            walks_on_reject if walks_on_reject is not None else [False] * horizon, dtype=bool
        ),
    )


def ladder_at_least(
    ladder: UtilityLadder, targets: Sequence[float] | NDArray[np.float64]
) -> NDArray[np.int64]:
    """:meth:`UtilityLadder.at_least` for many targets at once (the same comparisons)."""
    wanted = np.asarray(targets, dtype=np.float64) - TOLERANCE
    positions = np.searchsorted(ladder.sorted, wanted, side="left")
    overflow = positions >= len(ladder.sorted)
    if overflow.any():
        positions[overflow] = np.searchsorted(ladder.sorted, ladder.max - TOLERANCE, "left")
    chosen: NDArray[np.int64] = ladder.order[positions]
    return chosen


def _time_dependent(e: float, view: SeatView) -> RoundTable:
    ladder, horizon = view.ladder, view.rules.deadline
    floor = min(max(view.reservation, ladder.min), ladder.max)
    targets = [target_utility(view.time(t), e, ladder.max, floor) for t in range(horizon)]
    offers = ladder_at_least(ladder, targets)
    # AC_next compares with the offer it would make next round: relative time (t + 1) / (T - 1)
    # is round t + 1's time, and past the last round it is clipped to 1, the last round's time.
    planned = np.append(offers[1:], offers[-1])
    return _table(view, offers.tolist(), view.utilities[planned] - TOLERANCE)


def _hard_liner(view: SeatView) -> RoundTable:
    ladder = view.ladder
    return _table(view, [ladder.best] * view.rules.deadline, ladder.max - TOLERANCE)


def _walk_away_aware(e: float, view: SeatView) -> RoundTable:
    ladder, horizon = view.ladder, view.rules.deadline
    floors = [view.reservation / view.discount**t for t in range(horizon + 1)]
    hopeless = [ladder.max < floor - TOLERANCE for floor in floors]

    targets = []
    for t in range(horizon):
        floor = min(max(floors[t], ladder.min), ladder.max)
        targets.append(target_utility(view.time(t), e, ladder.max, floor))
    plans = ladder_at_least(ladder, targets).tolist()
    offers = [WALK if hopeless[t] else plans[t] for t in range(horizon)]
    next_plans = np.asarray([plans[min(t + 1, horizon - 1)] for t in range(horizon)])
    walks_on_reject = [t == horizon - 1 or hopeless[t + 1] for t in range(horizon)]
    return _table(
        view,
        offers,
        view.utilities[next_plans] - TOLERANCE,
        hopeless[:horizon],
        walks_on_reject,
    )


def _nash_seeking(view: SeatView) -> RoundTable:
    horizon = view.rules.deadline
    target = view.public.nash_outcome
    if target is None:  # no zone of agreement: it leaves at once
        return _table(view, [WALK] * horizon, np.inf, [True] * horizon)
    value = float(view.utilities[target])
    gone = [not view.worth_accepting(value, t) for t in range(horizon)]
    offers = [WALK if gone[t] else target for t in range(horizon)]
    return _table(view, offers, view.utilities[target] - TOLERANCE, gone)


def _rubinstein(strategy: Rubinstein, view: SeatView, first_proposer: int) -> RoundTable:
    horizon = view.rules.deadline
    rules = Rules(view.rules.n_parties, view.rules.n_outcomes, horizon, first_proposer)
    setup = Setup(
        party=view.party,
        rules=rules,
        utilities=view.utilities,
        reservation=view.reservation,
        discount=view.discount,
        ladder=view.ladder,
        rng=np.random.default_rng(0),  # never drawn from
        public=view.public,
    )
    strategy.reset(setup)  # checks that there are two parties
    empty = np.zeros(0, dtype=np.int64)
    offers, accept_min = [], []
    for t in range(horizon):
        state = NegotiationState(setup, t, rules.proposer_at(t), empty, empty)
        offers.append(strategy.offer(state) if state.proposer == view.party else 0)
        accept_min.append(Rubinstein.shares(state)[view.party] - TOLERANCE)
    return _table(view, offers, np.asarray(accept_min))


def round_table(strategy: TableStrategy, view: SeatView, first_proposer: int) -> RoundTable:
    """The table of a history-free built-in strategy playing party ``view.party``.

    ``first_proposer`` matters only to Rubinstein's strategy, whose equilibrium shares depend on
    who proposes in each round.
    """
    if isinstance(strategy, TimeDependent):
        return _time_dependent(strategy.e, view)
    if isinstance(strategy, HardLiner):
        return _hard_liner(view)
    if isinstance(strategy, WalkAwayAware):
        return _walk_away_aware(strategy.e, view)
    if isinstance(strategy, NashSeeking):
        return _nash_seeking(view)
    return _rubinstein(strategy, view, first_proposer)
