"""Reordering a party's preferences: the orders adjacent swaps reach, and what none can change.

A party's preferences are an order of *items*: the statements of its option prioritisation (a
state's level is the sum of ``2^(P-1-k)`` over the statements it satisfies, statement ``k``
counted from the most important; Fang, Hipel & Kilgour 1993, sec. 2.4, as compiled by
:mod:`detente.scenario.compile`), or the levels of an explicit ranking (best first). Reordering
statements can only rank ``x`` above ``y`` if some statement holds at ``x`` and not at ``y``,
and must do so if, besides, no statement holds at ``y`` and not at ``x``; reordering levels can
rank any two states of different levels either way. :func:`impossible_targets` uses these
*possible* and *necessary* preferences to rule out targets before any search: a target is
never stable for a party that has a move every allowed ordering makes an improvement (Nash), or
one that no sanction can answer (GMR, SMR; for SEQ the sanctioning moves must be possible
improvements for their movers). The sanctioning moves are over-approximated (any sequence of
opponents' moves), so a target ruled out is truly impossible.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError, NotFoundError
from detente.expressions import check_names, parse_expression
from detente.graph_model.model import GraphModel, code_of, codes_of, preference_levels
from detente.scenario.loader import Scenario

__all__ = [
    "Kind",
    "NoChangeError",
    "Order",
    "OrderSpace",
    "impossible_targets",
    "order_spaces",
    "search_failure",
    "swap_costs",
    "target_states",
]

Kind = Literal["statement", "rank"]
Order = tuple[int, ...]

_ANSWERS = {
    "nash": "",
    "gmr": ", and no move of the others from there leads to a state it could rank at most {here}",
    "smr": ", and no move of the others from there leads to a state it could rank at most {here} "
    "and not escape from",
    "seq": ", and no move the others could prefer from there leads to a state it could rank at "
    "most {here}",
}

#: Targets are screened for impossibility only in models up to this many feasible states.
SCREEN_STATES = 4096


class NoChangeError(DetenteError, ValueError):
    """No preference change within the limits makes the target an equilibrium.

    ``exhausted`` is true when the target is proven impossible whatever the allowed parties
    prefer, false when a limit stopped the search first.
    """

    def __init__(self, message: str, *, exhausted: bool):
        self.exhausted = exhausted
        super().__init__(message)


@dataclass(frozen=True, eq=False)
class OrderSpace:
    """The orders of one party's items, and the preference levels each order gives.

    ``table`` is the truth of every statement in every feasible state (states × items) for
    statements, or the level group of every state (0 = best) for ranks. Items with equal
    ``classes`` are interchangeable: they hold in exactly the same states.
    """

    party: int
    kind: Kind
    labels: tuple[str, ...]
    classes: tuple[int, ...]
    table: NDArray[Any]
    cost: float

    def row(self, order: Order) -> NDArray[np.int32]:
        """Preference levels of every feasible state when the items are in ``order``."""
        if self.kind == "rank":
            level = np.empty(len(order), dtype=np.int64)
            level[list(order)] = np.arange(len(order) - 1, -1, -1)
            return preference_levels(level[self.table])
        columns = self.table[:, list(order)]
        if columns.shape[1] <= 62:
            weights = np.int64(1) << np.arange(columns.shape[1] - 1, -1, -1, dtype=np.int64)
            return preference_levels(columns.astype(np.int64) @ weights)
        packed = np.ascontiguousarray(np.packbits(columns, axis=1))  # lexicographic, as compiled
        return preference_levels(packed.view(np.dtype((np.void, packed.shape[1]))).ravel())

    def key(self, order: Order) -> tuple[int, ...]:
        """Orders with the same key give the same preferences now and after any swaps."""
        return tuple(self.classes[item] for item in order)

    def compare(self, xs: NDArray[np.int64], y: int) -> tuple[NDArray[np.bool_], ...]:
        """Whether some order ranks each ``xs`` above ``y``, and whether some ranks it below."""
        if self.kind == "rank":
            differ = np.asarray(self.table[xs] != self.table[y])
            return differ, differ
        above = (self.table[xs] & ~self.table[y]).any(axis=1)
        below = (self.table[y] & ~self.table[xs]).any(axis=1)
        return above, below


def _truth(model: GraphModel, text: str) -> NDArray[np.bool_]:
    expression = parse_expression(text)
    check_names(expression, [o.id for o in model.options], text)
    bits = {o.id: ((model.states >> k) & 1).astype(bool) for k, o in enumerate(model.options)}
    return np.broadcast_to(np.asarray(expression.evaluate(bits), bool), (model.n_states,))


def order_spaces(
    source: Scenario | GraphModel, model: GraphModel, varying: Sequence[int], costs: Sequence[float]
) -> list[OrderSpace]:
    """One space per varying party: its statements if the scenario lists them, else its levels."""
    section = source.document.graph_model if isinstance(source, Scenario) else None
    spaces = []
    for party in varying:
        spec = section.preferences.get(model.parties[party].id) if section else None
        if isinstance(spec, tuple):
            table = np.stack([_truth(model, s.expr) for s in spec], axis=1)
            _, classes = np.unique(table.T, axis=0, return_inverse=True)
            labels = tuple(s.expr for s in spec)
            space = OrderSpace(
                party, "statement", labels, tuple(map(int, classes.ravel())), table, costs[party]
            )
        else:
            group = (int(model.payoff[party].max()) - model.payoff[party]).astype(np.int64)
            labels = tuple(
                " = ".join(codes_of(model.states[group == g], model.n_options))
                for g in range(int(group.max()) + 1)
            )
            space = OrderSpace(
                party, "rank", labels, tuple(range(len(labels))), group, costs[party]
            )
        if not np.array_equal(space.row(tuple(range(len(labels)))), model.payoff[party]):
            raise DetenteError(f"the preferences of {model.parties[party].id!r} do not compile")
        spaces.append(space)
    return spaces


def target_states(model: GraphModel, target: str) -> NDArray[np.int64]:
    """Indices of the feasible states a target names: a code, a code with ``-`` for "either",
    or a logical expression over options (:class:`NotFoundError` if it names none)."""
    text = target.strip()
    if len(text) == model.n_options and set(text) <= set("YN-"):
        care = sum(1 << k for k, letter in enumerate(text) if letter != "-")
        value = sum(1 << k for k, letter in enumerate(text) if letter == "Y")
        found = np.flatnonzero((model.states & care) == value)
    else:
        found = np.flatnonzero(_truth(model, text))
    if len(found) == 0:
        raise NotFoundError(f"target {target!r} matches no feasible state of the model")
    return found.astype(np.int64)


class _Screen:
    """Possible and necessary preferences of every party, and the moves of the graph model."""

    def __init__(self, model: GraphModel, spaces: Sequence[OrderSpace]):
        self.model = model
        self.spaces = {space.party: space for space in spaces}
        self.masks = [
            [
                sum(1 << k for k in np.flatnonzero(model.owner == p) if model.options[k].moves == m)
                for m in ("both", "forward", "backward")
            ]
            for p in range(len(model.parties))
        ]

    def moves(self, party: int, s: int) -> NDArray[np.int64]:
        """``R_party(s)``: feasible states reached by changing some of the party's options."""
        both, forward, backward = self.masks[party]
        states, here = self.model.states, int(self.model.states[s])
        own = both | forward | backward
        ok = ((states & ~own) == (here & ~own)) & (states != here)
        ok &= (states & forward & here) == (here & forward)  # forward options stay taken
        ok &= (states & backward & ~here) == 0  # backward options stay withdrawn
        return np.flatnonzero(ok).astype(np.int64)

    def compare(self, party: int, xs: NDArray[np.int64], y: int) -> tuple[NDArray[np.bool_], ...]:
        if party in self.spaces:
            return self.spaces[party].compare(xs, y)
        level = self.model.payoff[party]
        return level[xs] > level[y], level[xs] < level[y]

    def sanctions(self, s1: int, others: list[int], improving: bool) -> NDArray[np.int64]:
        """A superset of the states the others reach from ``s1`` (by possible improvements)."""
        seen: set[int] = set()
        frontier = [s1]
        while frontier:
            reached = []
            for x in frontier:
                for j in others:
                    ys = self.moves(j, x)
                    if improving:
                        ys = ys[self.compare(j, ys, x)[0]]
                    reached += [int(y) for y in ys if int(y) not in seen]
                    seen.update(int(y) for y in ys)
            frontier = reached if len(others) > 1 else []
        return np.array(sorted(seen), dtype=np.int64)

    def obstacle(self, t: int, party: int, concept: str) -> str | None:
        """Why ``t`` can never be stable for ``party``, or ``None`` if it might be."""
        moves = self.moves(party, t)
        up, down = self.compare(party, moves, t)
        others = [j for j in range(len(self.model.parties)) if j != party]
        for s1 in moves[up & ~down]:
            if concept != "nash":
                s2 = self.sanctions(int(s1), others, concept == "seq")
                up2, down2 = self.compare(party, s2, t)
                ok = ~up2 | down2
                for k in np.flatnonzero(ok) if concept == "smr" else ():
                    up3, down3 = self.compare(party, self.moves(party, int(s2[k])), t)
                    ok[k] = bool(np.all(~up3 | down3))
                if ok.any():
                    continue
            name, n = self.model.parties[party].name, self.model.n_options
            here, there = (code_of(int(self.model.states[x]), n) for x in (t, s1))
            return f"{name} gains by moving from {here} to {there} under every allowed ordering" + (
                _ANSWERS[concept].format(here=here)
            )
        return None


def impossible_targets(
    model: GraphModel, spaces: Sequence[OrderSpace], targets: NDArray[np.int64], concept: str
) -> NDArray[np.int64]:
    """The targets not ruled out; :class:`NoChangeError` (exhausted) with the reasons if none is.

    Screens only models up to :data:`SCREEN_STATES` states (beyond, all targets are kept).
    """
    if model.n_states > SCREEN_STATES:
        return targets
    screen = _Screen(model, spaces)
    reasons = {}
    for t in targets:
        for party in range(len(model.parties)):
            reason = screen.obstacle(int(t), party, concept)
            if reason is not None:
                reasons[int(t)] = reason
                break
    kept = np.array([t for t in targets if int(t) not in reasons], dtype=np.int64)
    if len(kept) == 0:
        shown = "; ".join(list(reasons.values())[:3])
        more = f" (and {len(reasons) - 3} more target states)" if len(reasons) > 3 else ""
        raise NoChangeError(
            f"no reordering of the allowed parties' preferences can make the target a {concept} "
            f"equilibrium: {shown}{more}",
            exhausted=True,
        )
    return kept


def swap_costs(model: GraphModel, costs: Mapping[str, float] | None) -> list[float]:
    """Cost of one swap for every party of the model (1 unless given)."""
    values = [1.0] * len(model.parties)
    for party, cost in (costs or {}).items():
        index = model.party_index(party)
        if not (isinstance(cost, int | float) and math.isfinite(cost) and cost > 0):
            raise DetenteError(f"the cost of a swap for {party!r} must be positive, got {cost!r}")
        values[index] = float(cost)
    return values


def search_failure(capped: bool, max_cost: float) -> NoChangeError:
    """The error for a search that found nothing: stopped by ``max_cost``, or exhausted."""
    if capped:
        return NoChangeError(
            f"no change costing at most {max_cost:g} makes the target an equilibrium; raise "
            "max_cost to search further",
            exhausted=False,
        )
    return NoChangeError(
        "no ordering of the allowed parties' preferences makes the target an equilibrium "
        "(every reachable ordering was checked); allow more parties to change",
        exhausted=True,
    )
