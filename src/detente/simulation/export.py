"""The ``detente/simulation/1`` JSON document of one negotiation."""

from __future__ import annotations

from typing import Any

from detente.bargaining.problem import BargainingProblem
from detente.simulation.protocol import WALK
from detente.simulation.trace import Trace

__all__ = ["SIMULATION_FORMAT", "simulation_document"]

SIMULATION_FORMAT = "detente/simulation/1"
_ANSWERS = {1: "accept", 0: "reject", -1: "walk", -2: None}


def simulation_document(problem: BargainingProblem, trace: Trace) -> dict[str, Any]:
    """The trace as plain JSON-ready data: every round's offer, utilities and answers."""
    parties = list(trace.parties)
    rounds = []
    log = trace.rounds
    for t in range(len(log)):
        offer = int(log.offers[t])
        answers = {
            p: _ANSWERS[int(log.responses[t, i])]
            for i, p in enumerate(parties)
            if _ANSWERS[int(log.responses[t, i])] is not None
        }
        rounds.append(
            {
                "round": t,
                "proposer": parties[int(log.proposers[t])],
                "walked": offer == WALK,
                "offer": None if offer == WALK else problem.outcome(offer),
                "utilities": None
                if offer == WALK
                else {
                    p: round(float(u), 12) for p, u in zip(parties, log.utilities[t], strict=True)
                },
                "answers": answers,
            }
        )
    ending = trace.ending
    return {
        "format": SIMULATION_FORMAT,
        "title": problem.title,
        "parties": parties,
        "strategies": dict(zip(parties, trace.strategies, strict=True)),
        "deadline": trace.deadline,
        "first_proposer": parties[trace.first_proposer],
        "seed": trace.seed,
        "rounds": rounds,
        "ending": {
            "end": ending.end.value,
            "round": ending.round,
            "agreement": None if ending.agreement is None else problem.outcome(ending.agreement),
            "walked_by": None if ending.walked_by is None else parties[ending.walked_by],
            "utilities": {p: round(u, 12) for p, u in zip(parties, ending.utilities, strict=True)},
        },
    }
