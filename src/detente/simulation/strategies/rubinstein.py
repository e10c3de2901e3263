"""Subgame-perfect play of Rubinstein's alternating-offers game (with a deadline)."""

from __future__ import annotations

import numpy as np

from detente.bargaining.rubinstein import rubinstein_split
from detente.simulation.errors import SimulationError
from detente.simulation.knowledge import TOLERANCE
from detente.simulation.protocol import (
    ACCEPT,
    REJECT,
    NegotiationState,
    Response,
    Setup,
)
from detente.simulation.strategies.common import worth_accepting

__all__ = ["Rubinstein"]


class Rubinstein:
    """The subgame-perfect equilibrium strategy of the two-party alternating-offers game.

    In round ``t`` of a game with deadline ``T`` the remaining game is Ståhl's finite-horizon
    game of ``T - t`` rounds; by backward induction its proposer gets the share ``x`` given by
    :func:`detente.bargaining.rubinstein_split` (Rubinstein 1982, Econometrica 50(1):97-109;
    Ståhl 1972) and the responder ``1 - x``, exactly what the responder would get by rejecting
    and proposing next round, discounted. The strategy plays that equilibrium:

    - as proposer it offers, among the Pareto-optimal outcomes, the best for itself that gives
      the responder at least the responder's equilibrium share;
    - as responder it accepts an offer that gives it at least its equilibrium share (and that is
      worth its reservation value after discounting).

    On a split-the-pie problem (utilities are shares of a unit surplus, reservation values 0)
    two such players agree in round 0, the proposer getting the equilibrium share rounded down
    to the grid. Elsewhere the strategy still treats utilities as shares, which is a heuristic.

    Assumes common knowledge of both discount factors and of the Pareto frontier (read from
    ``setup.public``), as Rubinstein's model does. Defined for two parties only.
    """

    respects_reservation = True
    name = "rubinstein"

    def __repr__(self) -> str:
        return "Rubinstein()"

    def reset(self, setup: Setup) -> None:
        if setup.rules.n_parties != 2:
            raise SimulationError(
                f"the rubinstein strategy plays the two-party alternating-offers game; this "
                f"problem has {setup.rules.n_parties} parties"
            )

    @staticmethod
    def shares(state: NegotiationState) -> tuple[float, float]:
        """Equilibrium shares of the two parties for the game that starts in this round."""
        public = state.setup.public
        split = rubinstein_split(
            (float(public.discount[0]), float(public.discount[1])),
            first_proposer=state.proposer,
            horizon=state.deadline - state.round,
        )
        return split.shares

    def offer(self, state: NegotiationState) -> int:
        me = state.party
        other = 1 - me
        public = state.setup.public
        points = public.frontier_utilities
        enough = points[:, other] >= self.shares(state)[other] - TOLERANCE
        if not enough.any():  # nobody can be given that much: give the most there is
            enough = points[:, other] >= points[:, other].max() - TOLERANCE
        candidates = np.flatnonzero(enough)
        pick = candidates[np.argmax(points[candidates, me])]
        return int(public.frontier[pick])

    def respond(self, state: NegotiationState, offer: int) -> Response:
        share = self.shares(state)[state.party]
        if state.utilities[offer] >= share - TOLERANCE and worth_accepting(state, offer):
            return ACCEPT
        return REJECT
