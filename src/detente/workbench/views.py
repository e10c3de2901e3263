"""What the workbench shows of one scenario, as JSON-ready data (no web framework here).

Each function takes a loaded :class:`~detente.scenario.Scenario` and returns plain data for
one view: the stability analysis with its verdict, the graph of states and moves (whole or a
neighbourhood), the explanation of one state, the bargaining analysis with its plot points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import numpy as np

from detente.errors import DetenteError, ModelTooLargeError
from detente.graph_model.explain import UnilateralMoves, describe, explain_state
from detente.graph_model.export import analysis_document
from detente.graph_model.hypergame import HypergameResult, analyze_hypergame
from detente.graph_model.model import GraphModel, code_of
from detente.graph_model.stability import StabilityResult, analyze_stability
from detente.graph_model.status_quo import Path as StatusQuoPath
from detente.graph_model.status_quo import StatusQuoResult, status_quo_analysis
from detente.report.narrative import Narrative, describe_state, narrate
from detente.scenario.loader import Scenario

__all__ = [
    "INTERACTIVE_STATES",
    "analysis_view",
    "bargaining_view",
    "explain_view",
    "graph_view",
    "stability",
    "verdict",
]

INTERACTIVE_STATES = 1 << 16
"""Largest model (in feasible states) analysed while the browser waits for the answer."""

CLOUD_POINTS = 5_000


class NoSectionError(DetenteError, ValueError):
    """The scenario lacks the section a view needs."""


def graph_model(scenario: Scenario, interactive: bool = True) -> GraphModel:
    """The scenario's graph model; an interactive request refuses models with more than
    :data:`INTERACTIVE_STATES` states."""
    limit = INTERACTIVE_STATES if interactive else None
    model = scenario.graph_model
    if model is None:
        raise NoSectionError("this scenario has no graph_model section to analyse")
    if limit is not None and model.n_states > limit:
        raise ModelTooLargeError(
            f"the model has {model.n_states:,} feasible states, more than the "
            f"{limit:,} analysed interactively; start an analysis run instead "
            "(it works in the background and shows its progress)"
        )
    return model


def stability(
    scenario: Scenario, concepts: list[str] | None = None, interactive: bool = True
) -> StabilityResult:
    return analyze_stability(graph_model(scenario, interactive), concepts)


def verdict(
    scenario: Scenario,
    result: StabilityResult | None,
    hypergame: HypergameResult | None = None,
    status: StatusQuoResult | None = None,
) -> dict[str, Any]:
    """The plain-language account (the report's narrative) as lists of sentences, from the
    analyses already done (``hypergame``, ``status``) and the bargaining analysis."""
    bargaining = None
    if scenario.bargaining is not None:
        from detente.bargaining import solve_bargaining

        bargaining = solve_bargaining(scenario.bargaining)
    return sentences(narrate(scenario, result, hypergame, status, bargaining))


def sentences(narrative: Narrative) -> dict[str, Any]:
    """A narrative as JSON-ready lists of sentences."""
    return {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in asdict(narrative).items()
    }


def _paths(paths: Mapping[str, StatusQuoPath]) -> dict[str, list[dict[str, str]]]:
    return {code: [asdict(step) for step in path] for code, path in paths.items()}


def analysis_view(
    scenario: Scenario, concepts: list[str] | None = None, interactive: bool = True
) -> dict[str, Any]:
    """The analysis document, its verdict in words, the status quo's paths and the perceived
    games (each analysis done once, shared by the verdict and the data)."""
    result = stability(scenario, concepts, interactive)
    model = result.model
    reach = status_quo_analysis(result) if model.status_quo is not None else None
    game = None
    if scenario.perceptions:
        game = analyze_hypergame(model, scenario.perceptions, result.concepts)
    return assemble_analysis(result, game, reach, verdict(scenario, result, game, reach))


def assemble_analysis(
    result: StabilityResult,
    game: HypergameResult | None,
    reach: StatusQuoResult | None,
    told: dict[str, Any],
) -> dict[str, Any]:
    """The analysis answer from analyses already made and their verdict (``told``)."""
    model = result.model
    status: dict[str, Any] | None = None
    if reach is not None:
        status = {
            "state": reach.status_quo,
            "paths": _paths(reach.by_moves),
            "improving_paths": _paths(reach.by_improvements),
            "unreachable": sorted(
                {code for concept in result.concepts for code in reach.unreachable(concept)}
            ),
        }
    perceptions = []
    if game is not None:
        misperceiving = set(game.misperceiving())
        for party in model.parties:
            perceived = game.perceived.get(party.id)
            if perceived is None:
                continue
            perceptions.append(
                {
                    "party": party.id,
                    "name": party.name,
                    "misperceives": party.id in misperceiving,
                    "equilibria": {c: perceived.equilibria(c) for c in result.concepts},
                }
            )
    return {
        "analysis": analysis_document(result),
        "verdict": told,
        "labels": {o.id: o.label or o.id for o in model.options},
        "option_parties": {o.id: o.party for o in model.options},
        "party_names": {p.id: p.name for p in model.parties},
        "status_quo": status,
        "perceptions": perceptions,
    }


def graph_view(
    scenario: Scenario, focus: str | None = None, radius: int = 1, limit: int = 400
) -> dict[str, Any]:
    """States and unilateral moves: the whole graph when small, else a neighbourhood."""
    result = stability(scenario)
    model = result.model
    moves = UnilateralMoves(model)
    n = model.n_options
    complete = focus is None and model.n_states <= limit
    if complete:
        chosen = model.states
    else:
        if focus is None:
            if model.status_quo is not None:
                focus = code_of(model.status_quo, n)
            else:
                first = result.equilibria(result.concepts[-1]) or model.codes()[:1]
                focus = first[0]
        start = int(model.states[model.index_of(focus)])
        chosen = _neighbourhood(model, moves, start, radius, limit)
    index = np.searchsorted(model.states, chosen)
    inside = set(chosen.tolist())
    edges = []
    for party in range(len(model.parties)):
        origin, target = moves.moves_from(party, chosen)
        better = moves.level(party, target) > moves.level(party, chosen[origin])
        for o, t, up in zip(origin.tolist(), target.tolist(), better.tolist(), strict=True):
            if t in inside:
                edges.append(
                    {
                        "source": code_of(int(chosen[o]), n),
                        "target": code_of(t, n),
                        "party": model.parties[party].id,
                        "improvement": bool(up),
                    }
                )
    parties = [p.id for p in model.parties]
    masks = {c: result.equilibrium_mask(c) for c in result.concepts}
    nodes = [
        {
            "code": code_of(int(state), n),
            "payoff": {p: int(model.payoff[k][i]) for k, p in enumerate(parties)},
            "equilibrium": [c for c in result.concepts if masks[c][i]],
            "status_quo": model.status_quo is not None and int(state) == model.status_quo,
        }
        for state, i in zip(chosen.tolist(), index.tolist(), strict=True)
    ]
    return {
        "parties": parties,
        "nodes": nodes,
        "edges": edges,
        "complete": bool(complete),
        "focus": None if complete else focus,
        "total": int(model.n_states),
    }


def _neighbourhood(
    model: GraphModel, moves: UnilateralMoves, start: int, radius: int, limit: int
) -> np.ndarray[Any, np.dtype[np.int64]]:
    seen = np.array([start], dtype=np.int64)
    frontier = seen
    for _ in range(radius):
        found = [moves.moves_from(p, frontier)[1] for p in range(len(model.parties))]
        fresh = np.setdiff1d(np.concatenate(found), seen)
        if not len(fresh):
            break
        room = limit - len(seen)
        if room <= 0:
            break
        fresh = fresh[:room]
        seen = np.union1d(seen, fresh)
        frontier = fresh
    return seen


def explain_view(scenario: Scenario, state: str, party: str | None = None) -> dict[str, Any]:
    result = stability(scenario)
    model = result.model
    model.index_of(state)  # NotFoundError for a code that is not a feasible state
    ids = [p.id for p in model.parties] if party is None else [party]
    parties = []
    for pid in ids:
        explanation = explain_state(result, state, pid)
        parties.append(
            {
                "party": pid,
                "name": model.parties[model.party_index(pid)].name,
                "level": explanation.level,
                "top": int(model.payoff[model.party_index(pid)].max()),
                "stable": explanation.stable,
                "text": describe(explanation),
                "improvements": [
                    {
                        "move": asdict(item.move),
                        "level": item.level,
                        "sanctions": {
                            c: None if s is None else asdict(s) for c, s in item.sanctions.items()
                        },
                    }
                    for item in explanation.improvements
                ],
            }
        )
    return {"state": state, "description": describe_state(model, state), "parties": parties}


def bargaining_view(scenario: Scenario) -> dict[str, Any]:
    problem = scenario.bargaining
    if problem is None:
        raise NoSectionError("this scenario has no bargaining section")
    from detente.bargaining import solve_bargaining
    from detente.bargaining.export import bargaining_document
    from detente.report.narrative import narrate

    result = solve_bargaining(problem)
    utilities = problem.utilities()
    cloud: list[list[float]] = []
    frontier: list[list[float]] = []
    if len(problem.parties) == 2:
        step = max(1, -(-len(utilities) // CLOUD_POINTS))
        cloud = np.round(utilities[::step], 6).tolist()
        points = utilities[result.frontier]
        frontier = np.round(points[np.argsort(points[:, 0])], 6).tolist()
    return {
        "bargaining": bargaining_document(result),
        "cloud": cloud,
        "frontier_points": frontier,
        "sentences": list(narrate(scenario, bargaining=result).bargaining),
    }
