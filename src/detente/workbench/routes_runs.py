"""Routes for background runs: start, follow, cancel, export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from detente.workbench.api_errors import APIError, documented
from detente.workbench.context import MAX_ID, Bench, Id, attachment
from detente.workbench.exports import run_csv, run_html, run_json
from detente.workbench.runs import check_params, preflight
from detente.workbench.schemas import RunIn, RunList, RunOut

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["runs"])


@router.post(
    "/scenarios/{scenario_id}/runs",
    response_model=RunOut,
    status_code=202,
    responses=documented(404, 422),
)
def start_run(scenario_id: Id, body: RunIn, bench: Bench) -> RunOut:
    """Start a run in the background; poll it for progress and its result."""
    workspace = bench.workspace
    version = workspace.version(scenario_id, body.version)
    params = check_params(body.kind, body.params)
    preflight(body.kind, bench.load(version.text), params)
    run = workspace.create_run(scenario_id, version.number, body.kind, params)
    bench.jobs.submit(run.id, run.kind, version.text, params)
    return bench.run_out(workspace.run(run.id))


@router.get("/runs", response_model=RunList, responses=documented(404))
def list_runs(
    bench: Bench,
    scenario_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only this scenario's runs.")
    ] = None,
) -> RunList:
    """Runs, newest first (without their results)."""
    bench.workspace.interrupt_unfinished(bench.stale_after)
    return RunList(runs=[bench.run_out(r) for r in bench.workspace.runs(scenario_id)])


@router.get("/runs/{run_id}", response_model=RunOut, responses=documented(404))
def get_run(run_id: Id, bench: Bench) -> RunOut:
    """A run: its status, progress and, once done, its result."""
    bench.workspace.interrupt_unfinished(bench.stale_after)
    return bench.run_out(bench.workspace.run(run_id))


@router.post("/runs/{run_id}/cancel", response_model=RunOut, responses=documented(404))
def cancel_run(run_id: Id, bench: Bench) -> RunOut:
    """Stop a queued or running run; a finished run is left as it is."""
    run = bench.workspace.run(run_id, full=False)
    if run.status in ("queued", "running"):
        bench.jobs.cancel(run_id)
    return bench.run_out(bench.workspace.run(run_id))


@router.get(
    "/runs/{run_id}/export",
    responses={
        200: {"content": {"application/json": {}, "text/csv": {}, "text/html": {}}},
        **documented(404, 409, 422),
    },
)
def export_run(
    run_id: Id,
    bench: Bench,
    format: Annotated[Literal["json", "csv", "html"], Query()] = "json",
) -> Response:
    """A finished run as JSON, CSV (its main table) or HTML (the report)."""
    workspace = bench.workspace
    run = workspace.run(run_id)
    if run.status != "done":
        raise APIError(409, f"run {run_id} is {run.status}; only finished runs export")
    title = workspace.version(run.scenario_id, run.version).title
    makers: dict[str, tuple[Callable[[], str], str]] = {
        "json": (lambda: run_json(run), "application/json"),
        "csv": (lambda: run_csv(run), "text/csv"),
        "html": (lambda: run_html(run, title), "text/html"),
    }
    make, media = makers[format]
    name = f"{workspace.scenario(run.scenario_id).name}-{run.kind}-{run.id}"
    return Response(
        make(), media_type=media, headers={"Content-Disposition": attachment(name, format)}
    )
