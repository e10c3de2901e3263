"""Misperception: first-level hypergames.

Each party analyses the game it *believes* it is playing: its own preferences, and what it
thinks the others want (Bennett 1977; Wang, Hipel & Fraser 1988, "Modeling misperceptions in
games", Behavioral Science 33(3):207-223). A state is stable for a party in the hypergame when it
is stable for it in its own perceived game (its sanctions are the ones it expects the others to
make); a hypergame equilibrium is stable for every party in that sense. Comparing each party's
expectations with the real game shows where the parties' pictures part ways.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.graph_model.model import GraphModel, codes_of
from detente.graph_model.stability import StabilityResult, analyze_stability, parse_concepts

__all__ = ["HypergameResult", "analyze_hypergame"]


@dataclass(frozen=True, eq=False)
class HypergameResult:
    """The real game, each party's perceived game, and the hypergame verdicts.

    Attributes
    ----------
    real
        Stability analysis of the game with everyone's true preferences.
    perceived
        Per party id, the analysis of the game as that party sees it (the real game when it
        misperceives nobody).
    stable
        Per concept, ``(n_parties, n_states)``: stable for each party in its own perceived game.
    """

    real: StabilityResult
    perceived: Mapping[str, StabilityResult]
    stable: Mapping[str, NDArray[np.bool_]]

    @property
    def concepts(self) -> tuple[str, ...]:
        return self.real.concepts

    def equilibria(self, concept: str) -> list[str]:
        """Hypergame equilibria: states each party finds stable for itself in its own view."""
        model = self.real.model
        mask = self.stable[concept].all(axis=0)
        return codes_of(model.states[mask], model.n_options)

    def expected(self, party: str, concept: str) -> list[str]:
        """The equilibria ``party`` expects: those of its perceived game."""
        return self.perceived[party].equilibria(concept)

    def surprises(self, party: str, concept: str) -> tuple[list[str], list[str]]:
        """``(expected but not real, real but not expected)`` equilibria for ``party``."""
        expected = set(self.expected(party, concept))
        real = set(self.real.equilibria(concept))
        order = {code: i for i, code in enumerate(self.real.model.codes())}
        return (
            sorted(expected - real, key=order.__getitem__),
            sorted(real - expected, key=order.__getitem__),
        )

    def misperceiving(self) -> list[str]:
        """Parties whose perceived game differs from the real one."""
        real = self.real.model.payoff
        return [p for p, r in self.perceived.items() if not np.array_equal(r.model.payoff, real)]


def analyze_hypergame(
    model: GraphModel,
    perceptions: Mapping[str, GraphModel],
    concepts: Sequence[str] | None = None,
) -> HypergameResult:
    """Analyse the real game and every party's perceived game.

    Parameters
    ----------
    model
        The real game.
    perceptions
        Per party id, the game as it sees it (same parties, options and states); parties left
        out see the real game.
    """
    chosen = parse_concepts(concepts) if concepts is not None else None
    real = analyze_stability(model, chosen)
    perceived: dict[str, StabilityResult] = {}
    rows: dict[str, list[NDArray[np.bool_]]] = {c: [] for c in real.concepts}
    for i, party in enumerate(model.parties):
        game = perceptions.get(party.id)
        if game is not None and not np.array_equal(game.states, model.states):
            raise DetenteError(
                f"the game perceived by {party.id!r} has other states than "
                "the real one; perceptions may change preferences only"
            )
        result = real if game is None else analyze_stability(game, chosen)
        perceived[party.id] = result
        for concept in real.concepts:
            rows[concept].append(result.stable[concept][i])
    stable = {c: np.stack(r) for c, r in rows.items()}
    for array in stable.values():
        array.setflags(write=False)
    return HypergameResult(
        real=real, perceived=MappingProxyType(perceived), stable=MappingProxyType(stable)
    )
