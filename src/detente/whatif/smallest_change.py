"""The smallest change of preferences that makes a state, or any state of a kind, an equilibrium.

Preferences change by *adjacent swaps*: two neighbouring statements of a party's option
prioritisation trade places (preferences recomputed with weight ``2^(P-1-k)`` for position ``k``,
as the compiler does; Fang, Hipel & Kilgour 1993, sec. 2.4), or two neighbouring levels of an
explicit ranking do. The number of adjacent swaps between two orders is Kendall's (1938)
distance; a cost per party weighs them. The question is that of inverse GMCR (Kinsara, Kilgour &
Hipel 2015, IEEE Trans. SMC: Systems 45(5)); every candidate is checked with the forward engine
(:func:`~detente.graph_model.stability.analyze_stability`), and the search is uniform-cost
(Dijkstra 1959), so the first change found is the cheapest. Pruning that keeps it exact:

* statements with the same truth value in every feasible state are interchangeable: orders that
  differ only among them are one node, and swapping two of them is never tried;
* a target that no ordering can make an equilibrium is dropped first, with the reason
  (:mod:`.reordering`: a move every allowed ordering makes an improvement, that no sanction
  can answer);
* under Nash, GMR and SMR a party's stability depends on its own preferences only, so each party
  is searched alone and the costs added, the minimum over targets proven by lower bounds; SEQ
  couples the parties (sanctions must improve for the sanctioner) and is searched jointly;
* each distinct payoff is checked once.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.graph_model.model import GraphModel, codes_of
from detente.graph_model.stability import CONCEPTS, analyze_stability
from detente.scenario.loader import Scenario
from detente.whatif.reordering import (
    Kind,
    NoChangeError,
    Order,
    OrderSpace,
    impossible_targets,
    order_spaces,
    search_failure,
    swap_costs,
    target_states,
)

__all__ = [
    "DEFAULT_MAX_COST",
    "DEFAULT_MAX_MODELS",
    "NoChangeError",
    "PreferenceChange",
    "SmallestChange",
    "Swap",
    "changed_scenario",
    "smallest_change",
]

#: Changes costing more than this are not searched (with unit costs: the number of swaps).
DEFAULT_MAX_COST = 8.0
#: At most this many changed models are checked with the forward engine.
DEFAULT_MAX_MODELS = 20_000

Node = tuple[Order, ...]
Step = tuple[int, int]  # (space, position k): items k and k+1 of that space's order trade places


@dataclass(frozen=True)
class Swap:
    """Two neighbouring items of one party's preferences trade places (``upper`` goes down)."""

    party: str
    party_name: str
    kind: Kind
    upper: str
    lower: str
    cost: float

    def describe(self) -> str:
        return f"{self.party_name}: move {self.kind} '{self.upper}' below '{self.lower}'"


@dataclass(frozen=True)
class PreferenceChange:
    """One party's preferences before and after, most important (or best) first; ``order[k]``
    is the original position of the item now in position ``k``."""

    party: str
    kind: Kind
    before: tuple[str, ...]
    after: tuple[str, ...]
    order: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class SmallestChange:
    """The cheapest preference change making a target state an equilibrium.

    Attributes
    ----------
    target, concept
        What was asked: a state code, pattern or expression, and the solution concept.
    cost
        Total cost of the swaps (each costs its party's cost, 1 by default).
    swaps, changes
        The swaps in order, and the new preferences of every party that changed.
    states, equilibria
        The target states that are equilibria after the change; all equilibria after it.
    model
        The changed graph model.
    method, evaluated, parameters
        How it was found, how many models the forward engine checked, and the limits used.
    """

    target: str
    concept: str
    cost: float
    swaps: tuple[Swap, ...]
    changes: tuple[PreferenceChange, ...]
    states: tuple[str, ...]
    equilibria: tuple[str, ...]
    model: GraphModel
    method: str
    evaluated: int
    parameters: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output (the ``detente/change/1`` document)."""
        return {
            "format": "detente/change/1",
            "concept": self.concept,
            "target": self.target,
            "cost": self.cost,
            "swaps": [swap.describe() for swap in self.swaps],
            "stable_states": list(self.states),
            "equilibria": list(self.equilibria),
            "method": self.method,
        }

    def describe(self) -> str:
        """The change in plain words, one swap a line."""
        reached = f"{', '.join(self.states)} a {self.concept} equilibrium"
        if not self.swaps:
            return f"No change is needed to make {reached}."
        lines = [f"Cost {self.cost:g} ({len(self.swaps)} swap(s)) makes {reached}:"]
        return "\n".join(lines + [f"  {k + 1}. {s.describe()}" for k, s in enumerate(self.swaps)])


class _Checker:
    """Forward-engine verdicts at the target states, cached by payoff, with a budget."""

    def __init__(self, model: GraphModel, concept: str, targets: NDArray[np.int64], limit: int):
        self.model, self.concept, self.targets, self.limit = model, concept, targets, limit
        self.cache: dict[bytes, NDArray[np.bool_]] = {}
        self.evaluated = 0

    def changed(self, rows: Mapping[int, NDArray[np.int32]]) -> GraphModel:
        payoff = np.array(self.model.payoff, dtype=np.int32)
        for party, row in rows.items():
            payoff[party] = row
        m = self.model
        return GraphModel(m.title, m.parties, m.options, m.states.copy(), payoff, m.status_quo)

    def stable(self, rows: Mapping[int, NDArray[np.int32]]) -> NDArray[np.bool_]:
        """Stability of every target for every party, shape ``(parties, targets)``."""
        key = b"".join(p.to_bytes(4, "little") + r.tobytes() for p, r in sorted(rows.items()))
        if key not in self.cache:
            if self.evaluated >= self.limit:
                raise NoChangeError(
                    f"stopped after checking {self.limit:,} changed models without settling the "
                    "answer; raise max_models, lower max_cost, or restrict the parties",
                    exhausted=False,
                )
            self.evaluated += 1
            result = analyze_stability(self.changed(rows), [self.concept])
            self.cache[key] = result.stable[self.concept][:, self.targets]
        return self.cache[key]


def _neighbours(space: OrderSpace, order: Order) -> list[tuple[Order, int]]:
    """Orders one swap away (and the position swapped), skipping interchangeable items."""
    return [
        ((*order[:k], order[k + 1], order[k], *order[k + 2 :]), k)
        for k in range(len(order) - 1)
        if space.classes[order[k]] != space.classes[order[k + 1]]
    ]


def _swaps(spaces: list[OrderSpace], model: GraphModel, steps: list[Step]) -> list[Swap]:
    """Replay steps from the original orders, naming what each swap moves."""
    orders = [list(range(len(s.labels))) for s in spaces]
    swaps = []
    for index, k in steps:
        space, order = spaces[index], orders[index]
        party = model.parties[space.party]
        upper, lower = space.labels[order[k]], space.labels[order[k + 1]]
        swaps.append(Swap(party.id, party.name, space.kind, upper, lower, space.cost))
        order[k], order[k + 1] = order[k + 1], order[k]
    return swaps


def _joint(spaces: list[OrderSpace], check: _Checker, max_cost: float) -> tuple[Node, list[Step]]:
    """Uniform-cost search over every varying party's order at once."""
    start: Node = tuple(tuple(range(len(s.labels))) for s in spaces)

    def key(node: Node) -> tuple[tuple[int, ...], ...]:
        return tuple(s.key(o) for s, o in zip(spaces, node, strict=True))

    best = {key(start): 0.0}
    parent: dict[tuple[tuple[int, ...], ...], tuple[Node, Step] | None] = {key(start): None}
    heap: list[tuple[float, int, Node]] = [(0.0, 0, start)]
    pushed, capped = 1, False
    while heap:
        cost, _, node = heapq.heappop(heap)
        if cost > best[key(node)]:
            continue
        rows = {s.party: s.row(o) for s, o in zip(spaces, node, strict=True)}
        if check.stable(rows).all(axis=0).any():
            steps: list[Step] = []
            link = parent[key(node)]
            while link is not None:
                steps.append(link[1])
                link = parent[key(link[0])]
            return node, steps[::-1]
        for p, space in enumerate(spaces):
            total = cost + space.cost
            for order, k in _neighbours(space, node[p]):
                if total > max_cost + 1e-12:
                    capped = True
                    break
                successor = (*node[:p], order, *node[p + 1 :])
                if total < best.get(key(successor), math.inf):
                    best[key(successor)] = total
                    parent[key(successor)] = (node, (p, k))
                    heapq.heappush(heap, (total, pushed, successor))
                    pushed += 1
    raise search_failure(capped, max_cost)


class _PartySearch:
    """Breadth-first search over one party's orders: the fewest swaps making each target stable
    for that party (its Nash, GMR and SMR verdicts depend on its own preferences only)."""

    def __init__(self, index: int, space: OrderSpace, check: _Checker, now: NDArray[np.bool_]):
        start = tuple(range(len(space.labels)))
        self.index, self.space, self.check = index, space, check
        self.frontier = [start]
        self.parent: dict[tuple[int, ...], tuple[Order, int] | None] = {space.key(start): None}
        self.depth, self.exhausted = 0, False
        self.found = np.where(now, 0.0, math.inf)
        self.where: list[Order] = [start] * len(now)

    def bound(self) -> NDArray[np.float64]:
        """Per target, this party's cost: exact where found, else a lower bound."""
        waiting = math.inf if self.exhausted else self.space.cost * (self.depth + 1)
        return np.where(np.isinf(self.found), waiting, self.found * self.space.cost)

    def expand(self) -> None:
        frontier: list[Order] = []
        party = self.space.party
        for order in self.frontier:
            for successor, k in _neighbours(self.space, order):
                if self.space.key(successor) in self.parent:
                    continue
                self.parent[self.space.key(successor)] = (order, k)
                frontier.append(successor)
                verdict = self.check.stable({party: self.space.row(successor)})[party]
                for t in np.flatnonzero(verdict & np.isinf(self.found)):
                    self.found[t], self.where[t] = self.depth + 1, successor
        self.depth, self.frontier, self.exhausted = self.depth + 1, frontier, not frontier

    def path(self, target: int) -> list[Step]:
        steps: list[Step] = []
        link = self.parent[self.space.key(self.where[target])]
        while link is not None:
            steps.append((self.index, link[1]))
            link = self.parent[self.space.key(link[0])]
        return steps[::-1]


def _separate(
    spaces: list[OrderSpace], check: _Checker, max_cost: float
) -> tuple[Node, list[Step]]:
    """Search each party alone; stop when the cheapest complete total is proven minimal."""
    now = check.stable({})
    searches = [_PartySearch(k, s, check, now[s.party]) for k, s in enumerate(spaces)]
    fixed = [p for p in range(len(now)) if p not in {s.party for s in spaces}]
    totals = np.where(now[fixed].all(axis=0), 0.0, math.inf)
    while True:
        total = totals + np.sum([search.bound() for search in searches], axis=0)
        exact = np.all([~np.isinf(s.found) | s.exhausted for s in searches], axis=0)
        best = float(total[exact].min()) if exact.any() else math.inf
        waiting = np.flatnonzero(~exact)
        if len(waiting) == 0 or total[waiting].min() >= best:
            if best > max_cost + 1e-12:
                raise search_failure(not math.isinf(best), max_cost)
            hit = int(np.flatnonzero(exact & (total == best))[0])
            return tuple(s.where[hit] for s in searches), [x for s in searches for x in s.path(hit)]
        pick = int(waiting[np.argmin(total[waiting])])
        if total[pick] > max_cost + 1e-12:
            raise search_failure(True, max_cost)
        pending = [s for s in searches if np.isinf(s.found[pick]) and not s.exhausted]
        min(pending, key=lambda s: s.space.cost * (s.depth + 1)).expand()


def smallest_change(
    source: Scenario | GraphModel,
    target: str,
    concept: str = "seq",
    *,
    parties: Sequence[str] | None = None,
    costs: Mapping[str, float] | None = None,
    max_cost: float = DEFAULT_MAX_COST,
    max_models: int = DEFAULT_MAX_MODELS,
) -> SmallestChange:
    """The cheapest adjacent swaps in the parties' preferences that make the target state (or
    one of the target states) an equilibrium under ``concept``.

    Parameters
    ----------
    source
        A scenario (statement lists are reordered, explicit rankings have levels swapped) or a
        bare graph model (levels swapped).
    target
        A state code, a code with ``-`` for "either", or a logical expression over options.
    concept
        ``"nash"``, ``"gmr"``, ``"smr"`` or ``"seq"``.
    parties
        Ids of the parties whose preferences may change (default: all).
    costs
        Cost of one swap per party id (default 1).
    max_cost, max_models
        Limits: the largest total cost searched and the most changed models checked.

    Raises
    ------
    NotFoundError
        An unknown party, or a target matching no feasible state.
    NoChangeError
        Nothing within the limits works; ``exhausted`` says whether the target is impossible.
    """
    model = source.graph_model if isinstance(source, Scenario) else source
    if model is None:
        raise DetenteError("the scenario has no graph_model section")
    if concept not in CONCEPTS:
        raise DetenteError(f"unknown concept {concept!r}; choose from {', '.join(CONCEPTS)}")
    if not (max_cost >= 0 and max_models >= 1):
        raise DetenteError("max_cost must be at least 0 and max_models at least 1")
    unit = swap_costs(model, costs)
    chosen = range(len(model.parties)) if parties is None else map(model.party_index, parties)
    varying = sorted(set(chosen))
    if not varying:
        raise DetenteError("no party may change: name at least one party in parties")
    targets = target_states(model, target)
    spaces = order_spaces(source, model, varying, unit)
    targets = impossible_targets(model, spaces, targets, concept)
    check = _Checker(model, concept, targets, max_models)
    if concept == "seq":
        node, steps = _joint(spaces, check, max_cost)
        method = "uniform-cost search over joint swap sequences (SEQ couples the parties)"
    else:
        node, steps = _separate(spaces, check, max_cost)
        method = f"breadth-first search per party ({concept} stability is per party), costs added"
    swaps = _swaps(spaces, model, steps)
    changed = check.changed({s.party: s.row(order) for s, order in zip(spaces, node, strict=True)})
    result = analyze_stability(changed, [concept])
    mask = result.equilibrium_mask(concept)
    return SmallestChange(
        target=target,
        concept=concept,
        cost=float(sum(swap.cost for swap in swaps)),
        swaps=tuple(swaps),
        changes=tuple(
            PreferenceChange(
                model.parties[s.party].id, s.kind, s.labels, tuple(s.labels[k] for k in o), o
            )
            for s, o in zip(spaces, node, strict=True)
            if o != tuple(range(len(o)))
        ),
        states=tuple(codes_of(model.states[targets[mask[targets]]], model.n_options)),
        equilibria=tuple(result.equilibria(concept)),
        model=changed,
        method=method,
        evaluated=check.evaluated,
        parameters=MappingProxyType(
            {
                "parties": tuple(model.parties[p].id for p in varying),
                "costs": MappingProxyType({model.parties[p].id: unit[p] for p in varying}),
                "max_cost": max_cost,
                "max_models": max_models,
            }
        ),
    )


def changed_scenario(scenario: Scenario, change: SmallestChange) -> dict[str, Any]:
    """The scenario as plain data (for YAML or JSON) with the changed preferences: statements
    reordered with their reasons and evidence, rankings rewritten level by level."""
    data: dict[str, Any] = scenario.document.model_dump(mode="json", exclude_none=True)
    preferences = data["graph_model"]["preferences"]
    for record in change.changes:
        if record.kind == "statement":
            preferences[record.party] = [preferences[record.party][k] for k in record.order]
        else:
            levels = [label.split(" = ") for label in record.after]
            preferences[record.party]["ranking"] = [c[0] if len(c) == 1 else c for c in levels]
    return data
