"""Stability analysis of a graph model: Nash, GMR, SMR and SEQ for every party and state.

Definitions follow Fang, Hipel & Kilgour (1993), *Interactive Decision Making: The Graph Model
for Conflict Resolution*, ch. 3 and 4, and Kilgour & Hipel (2005), Group Decision and Negotiation
14(6):441-460, Table 1. Writing ``P_i`` for party i's preference level and ``R_i`` for its
unilateral moves, state s is stable for i when every unilateral improvement ``s1`` of i is

* Nash (rational): absent, i.e. ``R_i^+(s)`` is empty (Nash 1950, 1951);
* GMR (general metarationality): met by some ``s2`` in ``R_{N-i}(s1)`` with ``P_i(s2) <= P_i(s)``
  (Howard 1971);
* SMR (symmetric metarationality): met by such an ``s2`` from which i cannot escape either: every
  ``s3`` in ``R_i(s2)`` has ``P_i(s3) <= P_i(s)`` (Howard 1971);
* SEQ (sequential stability): met by some ``s2`` in ``R_{N-i}^+(s1)``, reached only by moves that
  improve for their movers, with ``P_i(s2) <= P_i(s)`` (Fraser & Hipel 1979).

How it is computed (no N×N structure): for each party, the worst outcome an opponent group can
impose from every state is one min-reduction over the group's reachable set (:mod:`.reach`); a
state is then unstable exactly when i can move to some ``s1`` whose ``min(P_i(s1), sanction(s1))``
beats ``P_i(s)``, a max-reduction over i's own moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError, NotFoundError
from detente.graph_model.budget import check_dense_budget
from detente.graph_model.model import GraphModel
from detente.graph_model.reach import (
    HIGH,
    LOW,
    ImprovementPlan,
    PartyMoves,
    closure_min,
    cone_max,
    improving_closure_min,
)

__all__ = ["CONCEPTS", "CONCEPT_NAMES", "Concept", "StabilityResult", "analyze_stability"]

Concept = Literal["nash", "gmr", "smr", "seq"]
CONCEPTS: tuple[Concept, ...] = ("nash", "gmr", "smr", "seq")
CONCEPT_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "nash": "Nash stability",
        "gmr": "general metarationality",
        "smr": "symmetric metarationality",
        "seq": "sequential stability",
    }
)

METHOD = "dense state arrays; sum-over-subsets reductions; coalition moves by fixpoint"


@dataclass(frozen=True, eq=False)
class StabilityResult:
    """Stability verdicts for every party and feasible state.

    Attributes
    ----------
    model
        The analysed :class:`GraphModel`.
    concepts
        The solution concepts computed, in order.
    stable
        For each concept, a read-only bool array of shape ``(n_parties, n_states)``: whether the
        state (in ``model.states`` order) is stable for the party.
    method
        How the verdicts were computed.
    """

    model: GraphModel
    concepts: tuple[Concept, ...]
    stable: Mapping[str, NDArray[np.bool_]]
    method: str = METHOD
    _equilibria: dict[str, NDArray[np.bool_]] = field(default_factory=dict, repr=False)

    def equilibrium_mask(self, concept: str) -> NDArray[np.bool_]:
        """Bool array over ``model.states``: stable for every party under ``concept``."""
        verdicts = self._verdicts(concept)
        if concept not in self._equilibria:
            mask: NDArray[np.bool_] = np.asarray(verdicts.all(axis=0))
            mask.setflags(write=False)
            self._equilibria[concept] = mask
        return self._equilibria[concept]

    def equilibria(self, concept: str) -> list[str]:
        """Codes of the equilibria under ``concept``, in ascending state-number order."""
        indices = np.flatnonzero(self.equilibrium_mask(concept))
        from detente.graph_model.model import codes_of

        return codes_of(self.model.states[indices], self.model.n_options)

    def is_stable(self, concept: str, party: str, code: str) -> bool:
        """Whether the state ``code`` is stable for ``party`` under ``concept``."""
        verdicts = self._verdicts(concept)
        return bool(verdicts[self.model.party_index(party), self.model.index_of(code)])

    def _verdicts(self, concept: str) -> NDArray[np.bool_]:
        if concept not in self.stable:
            computed = ", ".join(self.concepts)
            raise NotFoundError(f"concept {concept!r} was not computed; computed: {computed}")
        return self.stable[concept]


def parse_concepts(concepts: Iterable[str]) -> tuple[Concept, ...]:
    """Validate concept names (case-insensitive), keeping the canonical order."""
    wanted = {c.strip().lower() for c in concepts if c.strip()}
    unknown = sorted(wanted - set(CONCEPTS))
    if unknown:
        raise DetenteError(
            f"unknown solution concept(s) {', '.join(unknown)}; choose from {', '.join(CONCEPTS)}"
        )
    if not wanted:
        raise DetenteError(f"no solution concept given; choose from {', '.join(CONCEPTS)}")
    return tuple(c for c in CONCEPTS if c in wanted)


class _DenseModel:
    """Dense (length 2**n) views of a model's feasibility and preference levels."""

    def __init__(self, model: GraphModel):
        n = model.n_options
        check_dense_budget(n, len(model.parties))
        self.size = 1 << n
        self.states = model.states
        self.feasible = np.zeros(self.size, dtype=bool)
        self.feasible[model.states] = True
        self.moves: list[PartyMoves] = []
        for i in range(len(model.parties)):
            bits = tuple(int(k) for k in np.flatnonzero(model.owner == i))
            directions = tuple(model.options[k].moves for k in bits)
            self.moves.append(PartyMoves(bits, directions))
        self.levels: list[NDArray[np.int32]] = []
        for i in range(len(model.parties)):
            dense = np.full(self.size, LOW, dtype=np.int32)
            dense[model.states] = model.payoff[i]
            self.levels.append(dense)

    def masked(self, values: NDArray[np.int32], fill: np.int32) -> NDArray[np.int32]:
        return np.where(self.feasible, values, fill).astype(np.int32)

    def verdict(self, party: int, best_escape: NDArray[np.int32]) -> NDArray[np.bool_]:
        """Stable where no move of ``party`` reaches a value above the state's own level.

        ``best_escape[s1]`` is what the party is sure to keep after moving to ``s1``: its level
        there, lowered to the worst sanction the others can impose.
        """
        reach = cone_max(self.masked(best_escape, LOW), self.moves[party], self.feasible)
        level = self.levels[party]
        return np.asarray(reach[self.states] <= level[self.states])


def analyze_stability(model: GraphModel, concepts: Sequence[str] | None = None) -> StabilityResult:
    """Stability of every feasible state for every party under the requested concepts.

    Parameters
    ----------
    model
        A compiled graph model.
    concepts
        Any of ``"nash"``, ``"gmr"``, ``"smr"``, ``"seq"`` (default: all four).

    Returns
    -------
    StabilityResult
        Verdict arrays per concept, with the model and method recorded.

    Raises
    ------
    ModelTooLargeError
        If the dense state arrays would exceed the memory budget (checked before allocating).

    Notes
    -----
    For a group of two or more opponents, sanctions are reached by legal move sequences in which
    members may move again but never twice in a row (Fang, Hipel & Kilgour 1993, Definition 3.3),
    not by at most one move each.
    """
    chosen = parse_concepts(concepts) if concepts is not None else CONCEPTS
    dense = _DenseModel(model)
    n_parties = len(model.parties)
    plans: list[ImprovementPlan] = []
    if "seq" in chosen:
        plans = [
            ImprovementPlan.build(dense.moves[j], dense.levels[j], model.states)
            for j in range(n_parties)
        ]
    verdicts: dict[str, list[NDArray[np.bool_]]] = {c: [] for c in chosen}
    for i in range(n_parties):
        level = dense.levels[i]
        others = [j for j in range(n_parties) if j != i]
        opponents = [dense.moves[j] for j in others]
        if "nash" in chosen:
            verdicts["nash"].append(dense.verdict(i, level))
        if "gmr" in chosen:
            worst = closure_min(dense.masked(level, HIGH), opponents, dense.feasible)
            verdicts["gmr"].append(dense.verdict(i, np.minimum(level, worst)))
        if "smr" in chosen:
            # A sanction s2 counts for SMR only if i's best reply from s2 is still no better
            # than s: rate each s2 by the best level i can reach from it.
            escape = cone_max(dense.masked(level, LOW), dense.moves[i], dense.feasible)
            worst = closure_min(dense.masked(escape, HIGH), opponents, dense.feasible)
            verdicts["smr"].append(dense.verdict(i, np.minimum(level, worst)))
        if "seq" in chosen:
            worst = improving_closure_min(
                dense.masked(level, HIGH), [plans[j] for j in others], dense.feasible
            )
            verdicts["seq"].append(dense.verdict(i, np.minimum(level, worst)))
    stable: dict[str, NDArray[np.bool_]] = {}
    for concept in chosen:
        array = np.stack(verdicts[concept])
        array.setflags(write=False)
        stable[concept] = array
    return StabilityResult(model=model, concepts=chosen, stable=MappingProxyType(stable))
