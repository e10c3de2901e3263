"""The ``detente/bargaining/1`` JSON document of a bargaining analysis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from detente.bargaining.analysis import BargainingResult, Solution

__all__ = ["BARGAINING_FORMAT", "bargaining_document"]

BARGAINING_FORMAT = "detente/bargaining/1"

#: Frontier outcomes listed in full; larger frontiers are summarised by their size.
FRONTIER_LISTED = 1000


def _per_party(parties: Sequence[str], values: Sequence[float] | None) -> dict[str, float] | None:
    if values is None:
        return None
    return {p: round(float(v), 12) for p, v in zip(parties, values, strict=True)}


def bargaining_document(result: BargainingResult) -> dict[str, Any]:
    """The analysis as plain JSON-ready data (see the reference page for every field)."""
    problem = result.problem
    parties = [p.id for p in problem.parties]
    utilities = problem.utilities()

    def outcome(index: int) -> dict[str, Any]:
        return {
            "values": problem.outcome(index),
            "utilities": _per_party(parties, utilities[index].tolist()),
        }

    def solution(item: Solution) -> dict[str, Any]:
        return {**outcome(item.outcome), "point": _per_party(parties, item.point)}

    gap = None
    if result.gap is not None:
        gap = {
            "total": round(result.gap.total, 12),
            "concessions": _per_party(parties, result.gap.concessions),
            **outcome(result.gap.outcome),
        }
    rubinstein = None
    if result.rubinstein is not None:
        rubinstein = {
            "shares": _per_party(parties, result.rubinstein.shares),
            "first_proposer": parties[result.rubinstein.first_proposer],
            "horizon": result.rubinstein.horizon,
        }
    listed = result.frontier[:FRONTIER_LISTED]
    return {
        "format": BARGAINING_FORMAT,
        "title": problem.title,
        "parties": parties,
        "issues": [{"id": i.id, "values": list(i.values)} for i in problem.issues],
        "outcomes": problem.n_outcomes,
        "reservation": _per_party(parties, problem.reservation.tolist()),
        "discount": _per_party(parties, problem.discount.tolist()),
        "deadline": problem.deadline,
        "frontier": {
            "size": len(result.frontier),
            "outcomes": [outcome(int(i)) for i in listed],
            "complete": len(listed) == len(result.frontier),
        },
        "zone": {
            "size": result.zone_size,
            "empty": result.zone_empty,
            "best": [outcome(i) for i in result.zone_best],
        },
        "gap": gap,
        "solutions": {name: solution(item) for name, item in result.solutions.items()},
        "rubinstein": rubinstein,
        "powers": _per_party(parties, result.powers),
    }
