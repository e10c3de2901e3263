"""Routes that answer at once: stability analysis, the state graph, explanations, bargaining."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from detente.workbench import views
from detente.workbench.api_errors import documented
from detente.workbench.context import Bench, Id, VersionQuery

__all__ = ["router"]

router = APIRouter(prefix="/api/scenarios/{scenario_id}", tags=["analysis"])


@router.get("/analysis", response_model=dict[str, Any], responses=documented(404, 422))
def analysis(scenario_id: Id, bench: Bench, version: VersionQuery = None) -> dict[str, Any]:
    """Stability analysis with its verdict in words, status-quo paths and perceived games."""
    return views.analysis_view(bench.scenario_at(scenario_id, version))


@router.get("/graph", response_model=dict[str, Any], responses=documented(404, 422))
def graph(
    scenario_id: Id,
    bench: Bench,
    version: VersionQuery = None,
    focus: Annotated[str | None, Query(max_length=64)] = None,
    radius: Annotated[int, Query(ge=1, le=4)] = 1,
    limit: Annotated[int, Query(ge=1, le=2000)] = 400,
) -> dict[str, Any]:
    """States and unilateral moves: the whole graph when small, else a neighbourhood."""
    return views.graph_view(bench.scenario_at(scenario_id, version), focus, radius, limit)


@router.get("/explain", response_model=dict[str, Any], responses=documented(404, 422))
def explain(
    scenario_id: Id,
    state: Annotated[str, Query(min_length=1, max_length=64)],
    bench: Bench,
    party: Annotated[str | None, Query(max_length=100)] = None,
    version: VersionQuery = None,
) -> dict[str, Any]:
    """Why a state is or is not stable, for each party (or one)."""
    return views.explain_view(bench.scenario_at(scenario_id, version), state, party)


@router.get("/bargaining", response_model=dict[str, Any], responses=documented(404, 422))
def bargaining(scenario_id: Id, bench: Bench, version: VersionQuery = None) -> dict[str, Any]:
    """Bargaining analysis with the points of its plot."""
    return views.bargaining_view(bench.scenario_at(scenario_id, version))
