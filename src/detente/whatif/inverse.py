"""Inverse graph-model analysis: which preferences would make a chosen state stable.

The forward question is "given everyone's preferences, which states are stable?". The inverse
question (Kinsara, Kilgour & Hipel 2015, "Inverse approach to the graph model for conflict
resolution", IEEE Transactions on Systems, Man, and Cybernetics: Systems 45(5)) is "which
preferences of some parties would make this state (a deal, say) stable for them, or an
equilibrium?". :func:`inverse_analysis` answers it exactly for one state and one concept: it
counts the orderings that work, lists or samples them, and states the pairwise preferences they
all share ("Prisoner 1 must prefer YY to NY").

How it counts (the method is recorded in the result):

* Nash, GMR and SMR stability of a party depend on its own preferences only, so the count
  factorises over the varying parties. Strict rankings of one party are counted without listing
  them (:mod:`.counting`: a closed form for Nash, inclusion–exclusion for GMR, lower sets for
  SMR); other kinds of variation are listed party by party.
* SEQ stability of a party also depends on the others' preferences (their sanctions must be
  improvements for them), so unless a single party varies and only its stability is asked, every
  combination of the varying parties' orderings is enumerated (:mod:`.enumeration`).

Enumeration is refused, before any work, when it would visit more than ``limit`` combinations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import prod
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError, ModelTooLargeError
from detente.graph_model.model import GraphModel
from detente.graph_model.stability import CONCEPT_NAMES, CONCEPTS
from detente.whatif.conditions import (
    Condition,
    StatementCondition,
    state_conditions,
    statement_conditions,
)
from detente.whatif.counting import count_rankings, counting_method
from detente.whatif.enumeration import enumerate_orderings, split_index
from detente.whatif.factors import Factor, Pairs, enumerated_pairs, sample_factors
from detente.whatif.sanctions import MoveGraph, stability_check
from detente.whatif.spaces import Ordering, OrderingSpace, StrictRankings
from detente.whatif.variation import FreeStates, StatementInput, ordering_spaces

__all__ = [
    "DEFAULT_LIMIT",
    "Condition",
    "InverseResult",
    "StatementCondition",
    "inverse_analysis",
]

#: Largest number of preference combinations enumerated by default.
DEFAULT_LIMIT = 1_000_000

Method = Literal["auto", "enumerate"]


@dataclass(frozen=True)
class InverseResult:
    """The preferences under which a state is stable (or an equilibrium) under one concept.

    Attributes
    ----------
    concept
        ``nash``, ``gmr``, ``smr`` or ``seq``.
    target
        The state's code.
    varying
        Ids of the parties whose preferences range over their orderings.
    stable_for
        Ids of the parties the state must be stable for (all of them for an equilibrium).
    mode
        ``ranking`` (state rankings) or ``statements`` (statement orders).
    variation
        The orderings each varying party ranges over, in words.
    total
        Number of combinations of the varying parties' orderings.
    count
        How many of them make the state stable for every party in ``stable_for``.
    method
        How ``count`` was obtained.
    samples
        Counted combinations, one :class:`Ordering` per varying party in each.
    complete
        Whether ``samples`` lists every counted combination.
    conditions
        Pairwise preferences shared by every counted combination and not already fixed by the
        kind of variation, reduced to those not implied through a third state.
    statement_conditions
        For statement orders: precedences shared by every counted order.
    seed, limit
        The sampling seed (``None`` if a generator or nothing was given) and enumeration limit.
    """

    concept: str
    target: str
    varying: tuple[str, ...]
    stable_for: tuple[str, ...]
    equilibrium: bool
    mode: str
    variation: str
    total: int
    count: int
    method: str
    samples: tuple[tuple[Ordering, ...], ...]
    complete: bool
    conditions: tuple[Condition, ...]
    statement_conditions: tuple[StatementCondition, ...] = ()
    seed: int | None = None
    limit: int = DEFAULT_LIMIT

    @property
    def fraction(self) -> Fraction:
        """``count / total``, exactly."""
        return Fraction(self.count, self.total)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output (the ``detente/inverse/1`` document)."""
        return {
            "format": "detente/inverse/1",
            "concept": self.concept,
            "state": self.target,
            "varying": list(self.varying),
            "equilibrium": self.equilibrium,
            "count": self.count,
            "total": self.total,
            "method": self.method,
            "summary": self.summary(),
        }

    def summary(self) -> str:
        """A few sentences: the count, how it was found, and the shared conditions."""
        goal = "an equilibrium" if self.equilibrium else f"stable for {', '.join(self.stable_for)}"
        lines = [
            f"{self.target} is {goal} under {CONCEPT_NAMES[self.concept]} in {self.count:,} of "
            f"{self.total:,} cases ({float(self.fraction):.1%}); varying: {self.variation}.",
            f"Method: {self.method}.",
        ]
        shared = [str(c) for c in (*self.conditions, *self.statement_conditions)]
        if self.count and shared:
            lines.append("Every one of them requires:")
            lines += [f"  - {text}" for text in shared]
        elif self.count:
            lines.append("No pairwise preference is shared by all of them.")
        return "\n".join(lines)


def inverse_analysis(
    model: GraphModel,
    target: str,
    concept: str,
    parties: Sequence[str] | None = None,
    *,
    stable_for: Sequence[str] | None = None,
    mode: str = "ranking",
    statements: StatementInput | None = None,
    free_states: FreeStates | None = None,
    limit: int = DEFAULT_LIMIT,
    samples: int = 10,
    seed: int | np.random.Generator | None = None,
    method: Method = "auto",
) -> InverseResult:
    """Count, sample and characterise the preferences under which ``target`` is stable.

    Parameters
    ----------
    model
        The graph model; parties not in ``parties`` keep its preferences.
    target
        Code of the desired state (for example a deal).
    concept
        ``"nash"``, ``"gmr"``, ``"smr"`` or ``"seq"``.
    parties
        Ids of the parties whose preferences may vary (default: every party).
    stable_for
        Ids of the parties the target must be stable for (default: all, i.e. an equilibrium).
    mode
        ``"ranking"``: each varying party takes every strict ranking of the feasible states
        (``n!``), or with ``free_states`` only those states change places, exchanging their
        levels. ``"statements"``: every order of each varying party's option-prioritisation
        statements, weighted ``2^(P-1-k)`` for position ``k`` as the scenario compiler does.
    statements
        For ``"statements"``: the :class:`~detente.scenario.Scenario` the model came from, or per
        party id a list of expressions or a boolean array (statements × feasible states).
    free_states
        For ``"ranking"``: state codes that may be reordered, one list for every varying party
        or a mapping from party id to its list.
    limit
        Most combinations that may be enumerated; beyond it :class:`ModelTooLargeError`.
    samples
        How many counted combinations to return (all of them when there are at most this many).
    seed
        Seed or generator for sampling; the same seed gives the same samples.
    method
        ``"auto"`` (the cheapest exact method) or ``"enumerate"`` (list every combination).

    Returns
    -------
    InverseResult

    Raises
    ------
    ModelTooLargeError
        If enumeration is needed and would exceed ``limit``, or the model has more than
        :data:`~detente.whatif.sanctions.MAX_STATES` feasible states.
    DetenteError
        On an unknown concept, party, state, mode or malformed statements.
    """
    concept = concept.strip().lower()
    if concept not in CONCEPTS:
        raise DetenteError(f"unknown solution concept {concept!r}; choose from {CONCEPTS}")
    if method not in ("auto", "enumerate"):
        raise DetenteError(f"unknown method {method!r}; choose 'auto' or 'enumerate'")
    if limit < 1 or samples < 0:
        raise DetenteError("limit must be at least 1 and samples at least 0")
    index = model.index_of(target)
    varying = _party_indices(model, parties, "parties")
    judged = _party_indices(model, stable_for, "stable_for")
    spaces = ordering_spaces(model, varying, mode, statements, free_states)
    graph = MoveGraph.of(model)
    base = [model.payoff[k].astype(np.int64)[None, :] for k in range(len(model.parties))]
    rng = np.random.default_rng(seed)
    alone = len(varying) == 1 and judged == varying
    if method == "auto" and (concept != "seq" or alone):
        outcome = _factorised(graph, concept, index, spaces, judged, base, limit, samples, rng)
    else:
        outcome = _joint(graph, concept, index, spaces, judged, base, limit, samples, rng)
    count, how, pairs, orders, rows, complete = outcome
    return InverseResult(
        concept=concept,
        target=model.code(index),
        varying=tuple(model.parties[k].id for k in varying),
        stable_for=tuple(model.parties[k].id for k in judged),
        equilibrium=len(judged) == len(model.parties),
        mode=mode,
        variation=" × ".join(space.description for space in spaces),
        total=prod(space.size for space in spaces),
        count=count,
        method=how,
        samples=tuple(
            tuple(space.describe(row) for space, row in zip(spaces, combo, strict=True))
            for combo in rows
        ),
        complete=complete,
        conditions=state_conditions(model, spaces, pairs) if count else (),
        statement_conditions=statement_conditions(model, spaces, orders) if count else (),
        seed=int(seed) if isinstance(seed, int | np.integer) else None,
        limit=limit,
    )


_Outcome = tuple[int, str, list[Pairs], list[Pairs], list[tuple[NDArray[np.int64], ...]], bool]


def _party_indices(model: GraphModel, ids: Sequence[str] | None, name: str) -> list[int]:
    if ids is None:
        return list(range(len(model.parties)))
    if isinstance(ids, str):
        raise DetenteError(f"{name} must be a list of party ids, not one string")
    chosen = {model.party_index(party) for party in ids}
    if not chosen:
        raise DetenteError(f"{name} is empty: name at least one party")
    return sorted(chosen)


def _refuse(spaces: Sequence[OrderingSpace], limit: int, why: str) -> ModelTooLargeError:
    total = prod(space.size for space in spaces)
    parts = " × ".join(space.description for space in spaces)
    return ModelTooLargeError(
        f"inverse analysis would have to enumerate {total:,} preference orderings ({parts}), "
        f"over the limit of {limit:,}; {why}. Vary fewer parties, let fewer states move "
        "(free_states=), or raise limit="
    )


def _factorised(
    graph: MoveGraph,
    concept: str,
    target: int,
    spaces: Sequence[OrderingSpace],
    judged: Sequence[int],
    base: Sequence[NDArray[np.int64]],
    limit: int,
    samples: int,
    rng: np.random.Generator,
) -> _Outcome:
    n = graph.model.n_states
    checks = {j: stability_check(graph, concept, j, target, base) for j in judged}
    # Plan first, so that a refusal comes before any counting.
    plans: list[str] = []
    for space in spaces:
        j = space.party
        if j not in checks:
            plans.append("free")
        elif isinstance(space, StrictRankings) and counting_method(checks[j]) is not None:
            plans.append("count")
        elif space.size <= limit:
            plans.append("list")
        else:
            raise _refuse([space], limit, "no counting method applies to it")
    factors: list[Factor] = []
    for space, plan in zip(spaces, plans, strict=True):
        j = space.party
        if plan == "free":
            factors.append(Factor.unconstrained(space))
        elif plan == "count":
            counted = count_rankings(checks[j], n)
            if counted is None:  # pragma: no cover - counting_method said it applies
                raise DetenteError("internal error: no counting method")
            factors.append(Factor.counted(space, checks[j], counted))
        else:
            found = enumerate_orderings(graph, concept, target, [space], [j], base)
            factors.append(Factor.listed(space, found))
    moving = {space.party for space in spaces}
    fixed_ok = all(
        bool(checks[j].stable(base[j] <= base[j][:, target : target + 1])[0])
        for j in judged
        if j not in moving
    )
    count = prod(f.count for f in factors) if fixed_ok else 0
    described = "; ".join(f"{f.space.party_id}: {f.method}" for f in factors)
    if concept == "seq":
        how = "one party varies and only its SEQ stability is asked, so the others' sanctions "
        how += "are fixed; " + described
    else:
        name = "Nash" if concept == "nash" else concept.upper()
        how = f"factorised by party, since {name} stability of a party depends only "
        how += "on its own preferences; " + described
    if moving != set(judged) and any(j not in moving for j in judged):
        how += "; fixed parties checked once" + ("" if fixed_ok else " (one is unstable)")
    rows, complete = sample_factors(factors, samples, rng) if count else ([], True)
    return (
        count,
        how,
        [f.pairs for f in factors],
        [f.orders for f in factors],
        rows,
        complete,
    )


def _joint(
    graph: MoveGraph,
    concept: str,
    target: int,
    spaces: Sequence[OrderingSpace],
    judged: Sequence[int],
    base: Sequence[NDArray[np.int64]],
    limit: int,
    samples: int,
    rng: np.random.Generator,
) -> _Outcome:
    total = prod(space.size for space in spaces)
    why = "enumeration was requested"
    if concept == "seq":
        why = "sequential stability ties each party's verdict to the others' preferences"
    if total > limit:
        raise _refuse(spaces, limit, why)
    found = enumerate_orderings(graph, concept, target, spaces, judged, base)
    chosen = found.satisfying
    if found.count > samples:
        chosen = np.sort(rng.choice(found.satisfying, size=samples, replace=False))
    digits = split_index(chosen, [len(e) for e in found.elements])
    rows = [
        tuple(found.elements[s][digits[s][i]] for s in range(len(spaces)))
        for i in range(len(chosen))
    ]
    pairs = [enumerated_pairs(b, g) for b, g in zip(found.better, found.given, strict=True)]
    orders = [enumerated_pairs(b, None) if b is not None else () for b in found.before]
    how = f"joint enumeration of all {total:,} combinations ({why})"
    return found.count, how, pairs, orders, rows, found.count <= samples
