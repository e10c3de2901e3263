"""The workbench web application: a JSON API over the Python API, and the browser front end.

Every route is a thin layer (``routes_*``): it reads the workspace, calls
:mod:`detente.workbench.views` or queues a run, and detente's errors become 4xx answers that
say what is wrong (:mod:`detente.workbench.api_errors`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from detente import __version__
from detente.workbench import routes_analysis, routes_runs, routes_scenarios
from detente.workbench.api_errors import APIError, install_error_handling
from detente.workbench.context import Workbench
from detente.workbench.jobs import HEARTBEAT
from detente.workbench.schemas import MAX_TEXT
from detente.workbench.security import install_local_guards
from detente.workbench.store import Workspace

__all__ = ["STALE_AFTER", "APIError", "create_app"]

STATIC = Path(__file__).parent / "static"

# The page loads only its own scripts and talks only to its own server: injected markup
# could neither run code nor send the workspace anywhere. (Styles set by the scripts are
# inline, hence 'unsafe-inline' for styles only.)
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

STALE_AFTER = 6 * HEARTBEAT
"""Seconds without a heartbeat after which an unfinished run counts as abandoned."""


def create_app(
    database: str,
    *,
    workers: int = 2,
    upload_limit: int = MAX_TEXT,
    start_jobs: bool = True,
    stale_after: float = STALE_AFTER,
    hosts: Sequence[str] | None = None,
) -> FastAPI:
    """The workbench application on the workspace database at ``database`` (a SQLAlchemy URL).

    ``workers`` runs execute at once, each in its own process; ``upload_limit`` bounds uploads
    in bytes. Several servers may share one database: an unfinished run whose server has not
    refreshed its heartbeat for ``stale_after`` seconds is marked failed (it was left behind by
    a server that stopped). ``app.state.close()`` stops the runs and closes the database (the
    application's shutdown does it too). With ``hosts``, the application answers only requests
    addressed to those names and refuses changes posted from other sites (``detente serve``
    passes its own address and the loopback names).
    """
    workspace = Workspace(database)
    workspace.interrupt_unfinished(stale_after)
    bench = Workbench(workspace, workers, upload_limit, stale_after)
    if start_jobs:
        bench.jobs  # noqa: B018 (start the job manager now rather than at the first run)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        bench.close()

    app = FastAPI(
        title="detente workbench",
        version=__version__,
        description=(
            "Model, analyse and share negotiations and strategic conflicts: graph-model "
            "stability, bargaining, what-if analysis and simulated negotiations."
        ),
        lifespan=lifespan,
    )
    app.state.workbench = bench
    app.state.workspace = workspace
    app.state.close = bench.close
    install_error_handling(app, upload_limit)
    if hosts is not None:
        install_local_guards(app, hosts)
    for module in (routes_scenarios, routes_analysis, routes_runs):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        page = STATIC / "index.html"
        if not page.is_file():
            return Response("The workbench front end is not installed.", status_code=404)
        return FileResponse(
            page, media_type="text/html", headers={"Content-Security-Policy": PAGE_POLICY}
        )

    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
