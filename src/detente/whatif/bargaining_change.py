"""The smallest change of walk-away values, issue weights or scores that opens a deal.

Party ``i`` accepts outcome ``o`` when ``u_i(o) >= d_i`` (its reservation value). The change is
measured in L1, weighted by a cost per party, and each kind has an exact closed form, because the
constraint of each party involves its own parameters only (so the problem separates by party)
and, per party and outcome, it is a fractional knapsack (Dantzig 1957), solved exactly by a
greedy pass. With shortfall ``g = d_i - u_i(o) > 0``:

* ``reservation``: lower ``d_i`` by ``g`` (raising never helps): cost ``g``. Summed over parties
  and minimised over outcomes this is :func:`~detente.bargaining.zone_gap`.
* ``weights`` (the weights of the party's utility terms, kept ``>= 0`` and summing to 1): moving
  mass ``x_a`` off term ``a`` and onto the best-scoring term ``b`` raises ``u_i(o)`` by
  ``x_a (s_b - s_a)`` at L1 cost ``2 x_a``. Any change ``w' = w + p - q`` (``p, q >= 0``, equal
  sums, ``q <= w``) gains at most ``sum_a q_a (s_b - s_a)`` at cost ``2 sum_a q_a``, so the
  cheapest change takes mass from the lowest-scoring terms first: minimal.
* ``scores`` (each kept in [0, 1]): only the scores ``o`` uses matter; raising term ``t``'s score
  by ``e_t <= 1 - s_t`` gains ``w_t e_t`` at cost ``e_t``, so the heaviest terms are raised
  first: minimal.

Sums over parties are then minimised over the candidate outcomes (all, or those matching a
chosen deal); ties go to the larger total utility, then the lower index, as in ``zone_gap``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.problem import BargainingProblem, UtilityTerm
from detente.bargaining.solutions import TOLERANCE
from detente.errors import DetenteError, NotFoundError
from detente.scenario.loader import Scenario

__all__ = [
    "KINDS",
    "BargainingChange",
    "ValueChange",
    "bargaining_change",
    "changed_bargaining_scenario",
]

#: What may change.
KINDS = ("reservation", "weights", "scores")


@dataclass(frozen=True)
class ValueChange:
    """One number of a party's bargaining preferences, before and after.

    ``what`` is ``reservation``, ``weight`` or ``score``; ``term`` indexes the party's utility
    terms (:attr:`BargainingProblem.terms`) and ``cell`` gives the values of the term's issues
    whose score changed.
    """

    party: str
    party_name: str
    what: str
    term: int | None
    cell: tuple[str, ...]
    label: str
    before: float
    after: float

    def describe(self) -> str:
        return f"{self.party_name}: {self.label} from {self.before:.4g} to {self.after:.4g}"


@dataclass(frozen=True, eq=False)
class BargainingChange:
    """The smallest change making an outcome acceptable to every party.

    Attributes
    ----------
    kind
        ``reservation``, ``weights`` or ``scores``.
    cost
        Weighted L1 size of the change (0 when the outcome is already acceptable).
    outcome, values
        The outcome that becomes acceptable (index, and issue values).
    changes
        Every number that changed, in the scenario's terms.
    utilities, reservation
        Utilities of the outcome and reservation values after the change.
    problem
        The changed bargaining problem.
    method, parameters
        How it was computed and with which parties and costs.
    """

    kind: str
    cost: float
    outcome: int
    values: Mapping[str, str]
    changes: tuple[ValueChange, ...]
    utilities: tuple[float, ...]
    reservation: tuple[float, ...]
    problem: BargainingProblem
    method: str
    parameters: Mapping[str, Any]

    def describe(self) -> str:
        """The change in plain words, one number a line."""
        deal = ", ".join(f"{k} = {v}" for k, v in self.values.items())
        if not self.changes:
            return f"No change is needed: every party accepts ({deal})."
        lines = [f"A {self.kind} change of size {self.cost:.4g} makes ({deal}) acceptable to all:"]
        return "\n".join(lines + [f"  - {change.describe()}" for change in self.changes])


def _columns(problem: BargainingProblem, party: int) -> NDArray[np.float64]:
    """Score of every utility term of ``party`` at every outcome, shape (outcomes, terms)."""
    shape = problem.shape
    columns = []
    for term in problem.terms[party]:
        view = [1] * len(shape)
        for axis in term.issues:
            view[axis] = shape[axis]
        table = np.transpose(term.table, np.argsort(term.issues)).reshape(view)
        columns.append(np.broadcast_to(table, shape).reshape(-1))
    return np.stack(columns, axis=1) if columns else np.zeros((problem.n_outcomes, 0))


def _knapsack(
    gain: NDArray[np.float64], room: NDArray[np.float64], need: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per row, the least total ``x`` with ``sum gain * x >= need`` and ``0 <= x <= room``,
    items taken in column order (already sorted best first), and the amounts taken."""
    capacity = np.cumsum(gain * room, axis=1)
    before = np.concatenate([np.zeros((len(need), 1)), capacity[:, :-1]], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        partial = np.minimum((need[:, None] - before) / gain, room)
    some = np.where(before < need[:, None], partial, 0.0)
    taken = np.where(gain > 0, np.where(capacity <= need[:, None], room, some), 0.0)
    enough = capacity[:, -1] >= need - TOLERANCE if gain.shape[1] else need <= 0
    return np.where(enough, taken.sum(axis=1), np.inf), taken


def _order(kind: str, columns: NDArray[np.float64], weights: NDArray[np.float64]) -> Any:
    if kind == "weights":  # lowest-scoring terms give up their weight first
        return np.argsort(columns, axis=1, kind="stable")
    return np.broadcast_to(np.argsort(-weights, kind="stable"), columns.shape)  # heaviest first


def _party_cost(
    kind: str, problem: BargainingProblem, party: int, shortfall: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], Any]:
    """Per outcome, the L1 change of ``party``'s own numbers that removes its shortfall."""
    if kind == "reservation":
        return shortfall, shortfall[:, None], None
    columns = _columns(problem, party)
    weights = np.array([t.weight for t in problem.terms[party]])
    order = _order(kind, columns, weights)
    sorted_columns = np.take_along_axis(columns, order, axis=1)
    if kind == "weights":
        gain, room = sorted_columns.max(axis=1, keepdims=True) - sorted_columns, weights[order]
    else:
        gain, room = weights[order], 1.0 - sorted_columns
    amount, taken = _knapsack(gain, room, shortfall)
    return (2.0 * amount if kind == "weights" else amount), taken, order


def _candidates(problem: BargainingProblem, outcome: Mapping[str, str] | None) -> NDArray[np.bool_]:
    mask = np.ones(problem.shape, dtype=bool)
    ids = [issue.id for issue in problem.issues]
    for issue_id, value in (outcome or {}).items():
        if issue_id not in ids:
            raise NotFoundError(f"unknown issue {issue_id!r}; the issues are {', '.join(ids)}")
        issue = problem.issues[ids.index(issue_id)]
        if str(value) not in issue.values:
            known = ", ".join(issue.values)
            raise NotFoundError(f"{value!r} is not a value of {issue_id!r} ({known})")
        index: list[slice | int] = [slice(None)] * len(ids)
        index[ids.index(issue_id)] = issue.values.index(str(value))
        keep = np.zeros(problem.shape, dtype=bool)
        keep[tuple(index)] = True
        mask &= keep
    return mask.reshape(-1)


def _term_label(problem: BargainingProblem, term: UtilityTerm) -> str:
    names = [problem.issues[axis].id for axis in term.issues]
    return names[0] if len(names) == 1 else f"the term over ({', '.join(names)})"


def _changes(
    kind: str, problem: BargainingProblem, party: int, o: int, taken: Any, order: Any
) -> tuple[list[ValueChange], Any]:
    """The numbers that change for ``party`` at outcome ``o``, and its new reservation/terms."""
    record, terms = problem.parties[party], problem.terms[party]

    def change(
        what: str, term: int | None, cell: tuple[str, ...], label: str, old: float, new: float
    ) -> ValueChange:
        return ValueChange(record.id, record.name, what, term, cell, label, old, new)

    if kind == "reservation":
        before = float(problem.reservation[party])
        after = before - float(taken[o, 0])
        return [change("reservation", None, (), "reservation value", before, after)], after
    amounts = np.zeros(len(terms))
    amounts[order[o]] = taken[o]
    changes, new_terms = [], list(terms)
    if kind == "weights":
        weights = np.array([t.weight for t in terms]) - amounts
        weights[int(np.argmax(_columns(problem, party)[o]))] += amounts.sum()
        for k, term in enumerate(terms):
            if abs(weights[k] - term.weight) > 1e-15:
                new_terms[k] = replace(term, weight=float(weights[k]))
                label = f"weight of {_term_label(problem, term)}"
                changes.append(change("weight", k, (), label, term.weight, float(weights[k])))
        return changes, tuple(new_terms)
    position = np.unravel_index(o, problem.shape)
    for k in map(int, np.flatnonzero(amounts > 0)):
        term = terms[k]
        cell = tuple(int(position[axis]) for axis in term.issues)
        table = np.array(term.table, dtype=np.float64)
        old = float(table[cell])
        table[cell] = min(1.0, old + float(amounts[k]))
        new_terms[k] = replace(term, table=table)
        texts = tuple(problem.issues[a].values[v] for a, v in zip(term.issues, cell, strict=True))
        names = [problem.issues[a].id for a in term.issues]
        where = ", ".join(f"{n} = {v}" for n, v in zip(names, texts, strict=True))
        scope = "" if len(cell) == 1 else f" in {_term_label(problem, term)}"
        changes.append(
            change("score", k, texts, f"score of {where}{scope}", old, float(table[cell]))
        )
    return changes, tuple(new_terms)


def bargaining_change(
    source: Scenario | BargainingProblem,
    kind: str = "reservation",
    *,
    outcome: Mapping[str, str] | None = None,
    parties: Sequence[str] | None = None,
    costs: Mapping[str, float] | None = None,
) -> BargainingChange:
    """The smallest (weighted L1) change of ``kind`` making an outcome acceptable to all.

    Parameters
    ----------
    source
        A scenario with a ``bargaining`` section, or a bargaining problem.
    kind
        ``"reservation"`` (walk-away values), ``"weights"`` (utility term weights) or
        ``"scores"`` (value scores).
    outcome
        Issue id → value for the deal to make acceptable; issues left out may take any value.
        Default: any outcome (the smallest change that opens the zone of agreement).
    parties, costs
        Which parties may change (default all) and the cost per unit of change (default 1).

    Raises
    ------
    NotFoundError
        Unknown party, issue or value.
    DetenteError
        When no change of the allowed parties' numbers of this kind can do it.
    """
    problem = source.bargaining if isinstance(source, Scenario) else source
    if problem is None:
        raise DetenteError("the scenario has no bargaining section")
    if kind not in KINDS:
        raise DetenteError(f"unknown kind of change {kind!r}; choose from {', '.join(KINDS)}")
    unit = np.ones(len(problem.parties))
    for party, cost in (costs or {}).items():
        index = problem.party_index(party)
        if not (isinstance(cost, int | float) and math.isfinite(cost) and cost > 0):
            raise DetenteError(f"the cost of changing {party!r} must be positive, got {cost!r}")
        unit[index] = float(cost)
    varying = set(range(len(problem.parties)))
    if parties is not None:
        varying = {problem.party_index(p) for p in parties}
    candidates = _candidates(problem, outcome)
    utilities = problem.utilities()
    shortfall = np.maximum(np.asarray(problem.reservation) - utilities, 0.0)
    shortfall[shortfall < TOLERANCE] = 0.0
    total = np.zeros(problem.n_outcomes)
    parts: dict[int, tuple[Any, Any]] = {}
    for p in range(len(problem.parties)):
        if p in varying and shortfall[:, p].any():
            amount, taken, order = _party_cost(kind, problem, p, shortfall[:, p])
            parts[p] = (taken, order)
            total += unit[p] * amount
        elif shortfall[:, p].any():
            total[shortfall[:, p] > 0] = np.inf
    total[~candidates] = np.inf
    best_total = total.min()
    if math.isinf(best_total):
        who = ", ".join(problem.parties[p].id for p in sorted(varying))
        raise DetenteError(
            f"no change of {kind} of {who} makes the chosen outcome acceptable to all; "
            "allow other parties or another kind of change"
        )
    tied = np.flatnonzero(total <= best_total)
    o = int(tied[np.argmax(utilities[tied].sum(axis=1))])
    reservation, terms, changes = np.array(problem.reservation), list(problem.terms), []
    for p, (taken, order) in parts.items():
        if shortfall[o, p] > 0:
            found, new = _changes(kind, problem, p, o, taken, order)
            changes += found
            if kind == "reservation":
                reservation[p] = new
            else:
                terms[p] = new
    changed = replace(problem, terms=tuple(terms), reservation=reservation, _utilities=[])
    return BargainingChange(
        kind=kind,
        cost=float(best_total),
        outcome=o,
        values=MappingProxyType(problem.outcome(o)),
        changes=tuple(changes),
        utilities=tuple(float(u) for u in changed.utilities()[o]),
        reservation=tuple(float(d) for d in reservation),
        problem=changed,
        method=f"closed form per party (fractional knapsack, {kind}), minimum over outcomes",
        parameters=MappingProxyType(
            {
                "outcome": MappingProxyType(dict(outcome or {})),
                "parties": tuple(problem.parties[p].id for p in sorted(varying)),
                "costs": MappingProxyType(
                    {p.id: float(c) for p, c in zip(problem.parties, unit, strict=True)}
                ),
            }
        ),
    )


def _term_sources(scenario: Scenario, party: str) -> list[tuple[str, str | int]]:
    """Where each compiled utility term of ``party`` is written: ``("weights", issue)`` for a
    linear issue, ``("terms", k)`` for an interdependent term (the compiler's order)."""
    section = scenario.document.bargaining
    if section is None:
        raise DetenteError("the scenario has no bargaining section")
    prefs = section.preferences[party]
    weights = prefs.weights or {}
    issues = {issue.id for issue in section.issues}
    linear = [("weights", i) for i in (prefs.scores or {}) if i in issues and i in weights]
    return [*linear, *(("terms", k) for k in range(len(prefs.terms)))]


def _set_score(table: dict[str, Any], value: str, score: float) -> None:
    for key in [k for k in table if k == value or _same_number(k, value)]:
        del table[key]
    table[value] = score


def _same_number(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def changed_bargaining_scenario(scenario: Scenario, change: BargainingChange) -> dict[str, Any]:
    """The scenario as plain data (for YAML or JSON) with the changed bargaining numbers.

    Weights are rewritten for the whole party (so ``normalize_weights`` stays harmless); a
    changed score of a range issue is written as a point with its neighbours pinned, so no
    other value's score moves; a changed score of an interdependent term becomes its first entry.
    """
    data: dict[str, Any] = scenario.document.model_dump(mode="json", exclude_none=True)
    section = data["bargaining"]
    ranged = {issue["id"]: "range" in issue for issue in section["issues"]}
    for record in change.changes:
        prefs = section["preferences"][record.party]
        sources = _term_sources(scenario, record.party)
        party = change.problem.party_index(record.party)
        terms = change.problem.terms[party]
        if record.what == "reservation":
            prefs["reservation"] = record.after
        elif record.what == "weight":
            for (place, name), term in zip(sources, terms, strict=True):
                if place == "weights":
                    prefs["weights"][name] = term.weight
                else:
                    prefs["terms"][int(name)]["weight"] = term.weight
        elif sources[record.term or 0][0] == "terms":
            entry = {"values": list(record.cell), "score": record.after}
            prefs["terms"][int(sources[record.term or 0][1])]["scores"].insert(0, entry)
        else:
            issue_id = str(sources[record.term or 0][1])
            axis = [issue.id for issue in change.problem.issues].index(issue_id)
            values, table = change.problem.issues[axis].values, terms[record.term or 0].table
            position = values.index(record.cell[0])
            pinned = range(max(position - 1, 0), min(position + 2, len(values)))
            for k in pinned if ranged[issue_id] else (position,):
                _set_score(prefs["scores"][issue_id], values[k], float(table[k]))
    return data
