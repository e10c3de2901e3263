"""What every counted ordering shares, in the scenario's words.

Inverse analysis reduces the orderings it counts to the pairwise preferences they all share and
that the kind of variation does not already fix, keeping only covering pairs (a relation implied
through a third state is left out). This module turns those pairs into sentences naming parties
and states by their labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detente.graph_model.model import GraphModel
from detente.whatif.factors import Pairs
from detente.whatif.spaces import OrderingSpace, StatementOrders

__all__ = [
    "Condition",
    "StatementCondition",
    "state_conditions",
    "state_label",
    "statement_conditions",
]


@dataclass(frozen=True)
class Condition:
    """A preference every counted ordering shares: ``party`` prefers ``better`` to ``worse``."""

    party: str
    party_name: str
    better: str
    worse: str
    better_label: str
    worse_label: str

    def __str__(self) -> str:
        return (
            f"{self.party_name} must prefer {self.better} ({self.better_label}) "
            f"to {self.worse} ({self.worse_label})"
        )


@dataclass(frozen=True)
class StatementCondition:
    """In every counted statement order, ``party`` puts statement ``first`` before ``second``."""

    party: str
    party_name: str
    first: str
    second: str

    def __str__(self) -> str:
        return f"{self.party_name} must put '{self.first}' before '{self.second}'"


def state_label(model: GraphModel, index: int) -> str:
    """What the parties do in a state, by option labels; the status quo is named as such."""
    state = int(model.states[index])
    parts = []
    for i, party in enumerate(model.parties):
        taken = [
            o.label or o.id
            for k, o in enumerate(model.options)
            if int(model.owner[k]) == i and (state >> k) & 1
        ]
        if taken:
            parts.append(f"{party.name}: {', '.join(taken)}")
    text = "; ".join(parts) if parts else "no option taken"
    return f"the status quo, {text}" if model.status_quo == index else text


def state_conditions(
    model: GraphModel, spaces: Sequence[OrderingSpace], pairs: Sequence[Pairs]
) -> tuple[Condition, ...]:
    out = []
    for space, shared in zip(spaces, pairs, strict=True):
        party = model.parties[space.party]
        for better, worse in sorted(shared):
            out.append(
                Condition(
                    party.id,
                    party.name,
                    model.code(better),
                    model.code(worse),
                    state_label(model, better),
                    state_label(model, worse),
                )
            )
    return tuple(out)


def statement_conditions(
    model: GraphModel, spaces: Sequence[OrderingSpace], orders: Sequence[Pairs]
) -> tuple[StatementCondition, ...]:
    out = []
    for space, shared in zip(spaces, orders, strict=True):
        texts = space.texts if isinstance(space, StatementOrders) else ()
        party = model.parties[space.party]
        for first, second in sorted(shared):
            out.append(StatementCondition(party.id, party.name, texts[first], texts[second]))
    return tuple(out)
