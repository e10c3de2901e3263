"""The ``detente/analysis/1`` JSON document of a stability analysis."""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.graph_model.stability import StabilityResult

__all__ = ["ANALYSIS_FORMAT", "analysis_document"]

ANALYSIS_FORMAT = "detente/analysis/1"


def analysis_document(result: StabilityResult, *, states: bool = True) -> dict[str, Any]:
    """The analysis as plain JSON-ready data.

    ``payoff`` is each party's preference level (0 for its least preferred feasible states,
    counting up, ties sharing a level); ``states`` lists every feasible state in ascending state
    number, or is omitted when ``states`` is false.
    """
    model = result.model
    parties = [p.id for p in model.parties]
    document: dict[str, Any] = {
        "format": ANALYSIS_FORMAT,
        "title": model.title,
        "options": [o.id for o in model.options],
        "parties": parties,
        "concepts": list(result.concepts),
        "equilibria": {c: result.equilibria(c) for c in result.concepts},
    }
    if not states:
        return document
    codes = model.codes()
    payoff = model.payoff.T.tolist()
    stable = {c: result.stable[c].T.tolist() for c in result.concepts}
    equilibrium = np.stack([result.equilibrium_mask(c) for c in result.concepts], axis=1).tolist()
    rows = []
    for index, code in enumerate(codes):
        rows.append(
            {
                "code": code,
                "payoff": dict(zip(parties, payoff[index], strict=True)),
                "stable": {
                    c: [p for p, ok in zip(parties, stable[c][index], strict=True) if ok]
                    for c in result.concepts
                },
                "equilibrium": [
                    c for c, ok in zip(result.concepts, equilibrium[index], strict=True) if ok
                ],
            }
        )
    document["states"] = rows
    return document
