"""The workbench web application: a JSON API over the Python API, and the browser front end.

Every route is a thin layer: it reads the workspace, calls :mod:`detente.workbench.views` or
queues a run, and turns detente's errors into 4xx answers that say what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

import yaml
from fastapi import FastAPI, File, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente import __version__
from detente.errors import DetenteError, NotFoundError, Problem, ScenarioError
from detente.scenario.document import check_shape, parse_text
from detente.scenario.loader import Scenario, load_scenario_text
from detente.workbench import views
from detente.workbench.exports import run_csv, run_html, run_json
from detente.workbench.jobs import JobManager
from detente.workbench.library import library_entries, library_text
from detente.workbench.runs import check_params, preflight
from detente.workbench.schemas import (
    MAX_TEXT,
    ErrorBody,
    HealthOut,
    LibraryItem,
    LibraryOut,
    ProblemOut,
    ProgressOut,
    RunIn,
    RunList,
    RunOut,
    ScenarioIn,
    ScenarioList,
    ScenarioListItem,
    ScenarioOut,
    ScenarioUpdate,
    StrategiesOut,
    Summary,
    ValidateIn,
    ValidationOut,
    VersionItem,
    VersionList,
)
from detente.workbench.store import ConflictError, RunRecord, VersionRecord, Workspace

__all__ = ["APIError", "create_app"]

STATIC = Path(__file__).parent / "static"

MAX_ID = 2**31 - 1
Id = Annotated[int, PathParam(ge=1, le=MAX_ID)]
VersionQuery = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Version number (default: latest).")
]


class APIError(Exception):
    """An answer other than 2xx, with its message (and scenario problems, if any)."""

    def __init__(self, status: int, message: str, problems: Sequence[Problem] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems


def _error_response(
    status: int, message: str, problems: Sequence[Problem] | None = None
) -> JSONResponse:
    detail: dict[str, Any] = {"message": message}
    if problems is not None:
        detail["problems"] = [
            ProblemOut(
                location=p.location, message=p.message, hint=p.hint, line=p.line
            ).model_dump()
            for p in problems
        ]
    return JSONResponse({"detail": detail}, status_code=status)


def _status_of(error: DetenteError) -> int:
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, ConflictError):
        return 409
    return 422


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    meaning = {
        404: "No such scenario, version, run, state or library entry.",
        409: "Conflict: the scenario changed meanwhile, or the run is not finished.",
        413: "The upload is larger than the limit.",
        422: "Invalid input; the message says what and where.",
    }
    return {code: {"model": ErrorBody, "description": meaning[code]} for code in codes}


def _scenario_name(scenario: Scenario) -> str:
    return scenario.title[:200] or "Untitled scenario"


def _as_plain(data: Any) -> Any:
    """Parsed YAML as JSON-ready data (dates and other scalars become strings)."""
    return json.loads(json.dumps(data, default=str))


def create_app(
    database: str, *, workers: int = 2, upload_limit: int = MAX_TEXT, start_jobs: bool = True
) -> FastAPI:
    """The workbench application on the workspace database at ``database`` (a SQLAlchemy URL).

    ``workers`` runs execute at once, each in its own process; ``upload_limit`` bounds uploads
    in bytes.
    """
    workspace = Workspace(database)
    workspace.interrupt_unfinished()
    state: dict[str, JobManager] = {}

    def close() -> None:
        """Stop the runs (marked cancelled) and close the database."""
        manager = state.pop("jobs", None)
        if manager is not None:
            manager.shutdown()
        workspace.close()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        close()

    def jobs() -> JobManager:
        if "jobs" not in state:
            state["jobs"] = JobManager(workspace, workers)
        return state["jobs"]

    if start_jobs:
        jobs()

    app = FastAPI(
        title="detente workbench",
        version=__version__,
        description=(
            "Model, analyse and share negotiations and strategic conflicts: graph-model "
            "stability, bargaining, what-if analysis and simulated negotiations."
        ),
        lifespan=lifespan,
    )
    app.state.workspace = workspace

    @app.middleware("http")
    async def _limit_bodies(request: Request, call_next: Callable[[Request], Any]) -> Any:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > 2 * upload_limit + 65536:
            return _error_response(
                413,
                f"the request body is {int(length):,} bytes; the workbench accepts scenarios "
                f"up to {upload_limit:,} bytes",
            )
        return await call_next(request)

    app.state.close = close

    @app.exception_handler(APIError)
    async def _api_error(_request: Request, error: APIError) -> Response:
        return _error_response(error.status, error.message, error.problems)

    @app.exception_handler(ScenarioError)
    async def _scenario_error(_request: Request, error: ScenarioError) -> Response:
        return _error_response(422, _problems_message(error.problems), error.problems)

    @app.exception_handler(DetenteError)
    async def _detente_error(_request: Request, error: DetenteError) -> Response:
        return _error_response(_status_of(error), str(error))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, error: RequestValidationError) -> Response:
        parts = []
        for item in error.errors()[:10]:
            where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "request"
            parts.append(f"{where}: {item.get('msg', 'invalid')}")
        return _error_response(422, "invalid request: " + "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 400:  # a body that is not JSON at all
            return _error_response(
                422, f"invalid request: {error.detail}; send a JSON object (UTF-8)"
            )
        return _error_response(error.status_code, str(error.detail))

    # --- helpers -----------------------------------------------------------------------------

    @lru_cache(maxsize=32)
    def load(text: str) -> Scenario:
        return load_scenario_text(text, source="scenario")

    def text_of(body: ValidateIn | ScenarioIn | ScenarioUpdate) -> str:
        if body.text is not None:
            return body.text
        assert body.document is not None
        check_shape(body.document, "document")
        return yaml.safe_dump(body.document, sort_keys=False, allow_unicode=True, width=96)

    def compile_checked(text: str) -> Scenario:
        if not text.strip():
            raise APIError(
                422,
                "the scenario is empty",
                [Problem("", "the scenario is empty", "start from a library example")],
            )
        return load(text)

    def unique_name(name: str) -> str:
        """``name``, or ``name (2)``, ``name (3)``... when the workspace has it already."""
        taken = {s.name for s in workspace.scenarios()}
        candidate, count = name, 1
        while candidate in taken:
            count += 1
            candidate = f"{name[:190]} ({count})"
        return candidate

    def summary(scenario: Scenario) -> Summary:
        model = scenario.graph_model
        return Summary(
            parties=len(scenario.document.parties),
            options=0 if model is None else model.n_options,
            states=None if model is None else int(model.n_states),
            graph_model=model is not None,
            bargaining=scenario.bargaining is not None,
            perceptions=bool(scenario.perceptions),
        )

    def scenario_out(scenario_id: int, version: VersionRecord) -> ScenarioOut:
        record = workspace.scenario(scenario_id)
        try:
            data, _ = parse_text(version.text, "scenario")
        except ScenarioError:
            data = None
        try:
            compiled: Summary | None = summary(load(version.text))
        except DetenteError:
            compiled = None
        return ScenarioOut(
            id=record.id,
            name=record.name,
            title=version.title,
            version=version.number,
            latest=record.version,
            text=version.text,
            document=_as_plain(data),
            created=record.created,
            updated=record.updated,
            summary=compiled
            or Summary(
                parties=0,
                options=0,
                states=None,
                graph_model=False,
                bargaining=False,
                perceptions=False,
            ),
        )

    def scenario_at(scenario_id: int, version: int | None) -> Scenario:
        return load(workspace.version(scenario_id, version).text)

    def run_out(run: RunRecord) -> RunOut:
        progress = None
        if run.total is not None and run.done is not None:
            progress = ProgressOut(done=run.done, total=run.total)
        return RunOut(
            id=run.id,
            scenario_id=run.scenario_id,
            version=run.version,
            kind=run.kind,
            params=run.params,
            status=run.status,
            progress=progress,
            error=run.error,
            created=run.created,
            started=run.started,
            finished=run.finished,
            result=run.result,
        )

    # --- library -----------------------------------------------------------------------------

    @app.get("/api/health", response_model=HealthOut, tags=["workbench"])
    def health() -> HealthOut:
        """Whether the workbench is up, and its version."""
        return HealthOut(status="ok", version=__version__)

    @app.get("/api/library", response_model=LibraryOut, tags=["library"])
    def library() -> LibraryOut:
        """The examples shipped with detente and the catalogue of published conflicts."""
        return LibraryOut(
            entries=[
                LibraryItem(id=e.id, title=e.title, kind=e.kind, summary=e.summary)
                for e in library_entries()
            ]
        )

    @app.get("/api/strategies", response_model=StrategiesOut, tags=["library"])
    def strategies() -> StrategiesOut:
        """Negotiation strategies a simulation can use."""
        from detente.simulation.strategies.registry import BUILTIN_STRATEGIES

        return StrategiesOut(strategies=list(BUILTIN_STRATEGIES))

    # --- scenarios ---------------------------------------------------------------------------

    @app.get("/api/scenarios", response_model=ScenarioList, tags=["scenarios"])
    def list_scenarios() -> ScenarioList:
        """Every scenario in the workspace, the latest changed first."""
        return ScenarioList(
            scenarios=[
                ScenarioListItem(
                    id=s.id, name=s.name, title=s.title, version=s.version, updated=s.updated
                )
                for s in workspace.scenarios()
            ]
        )

    @app.post(
        "/api/scenarios",
        response_model=ScenarioOut,
        status_code=201,
        responses=_errors(404, 413, 422),
        tags=["scenarios"],
    )
    def create_scenario(body: ScenarioIn) -> ScenarioOut:
        """A new scenario from a library entry, YAML/JSON text or a document."""
        message = "created"
        if body.library is not None:
            entry, text = library_text(body.library)
            message = f"opened from the library ({entry.id})"
        else:
            text = text_of(body)
        scenario = compile_checked(text)
        record = workspace.create_scenario(
            body.name or unique_name(_scenario_name(scenario)), scenario.title, text, message
        )
        return scenario_out(record.id, workspace.version(record.id))

    @app.post(
        "/api/scenarios/upload",
        response_model=ScenarioOut,
        status_code=201,
        responses=_errors(413, 422),
        tags=["scenarios"],
    )
    async def upload_scenario(file: Annotated[UploadFile, File()]) -> ScenarioOut:
        """A new scenario from an uploaded YAML or JSON file."""
        raw = await file.read(upload_limit + 1)
        if len(raw) > upload_limit:
            raise APIError(
                413,
                f"the file is larger than {upload_limit:,} bytes, the upload limit; scenario "
                "files are small text files: is this the right file?",
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise APIError(
                422, f"the file is not UTF-8 text (byte {error.start}); save it as UTF-8"
            ) from None
        scenario = compile_checked(text)
        name = unique_name(Path(file.filename or "").stem[:200] or _scenario_name(scenario))
        record = workspace.create_scenario(name, scenario.title, text, "uploaded")
        return scenario_out(record.id, workspace.version(record.id))

    @app.get(
        "/api/scenarios/{scenario_id}",
        response_model=ScenarioOut,
        responses=_errors(404),
        tags=["scenarios"],
    )
    def get_scenario(scenario_id: Id) -> ScenarioOut:
        """The latest version of a scenario."""
        return scenario_out(scenario_id, workspace.version(scenario_id))

    @app.put(
        "/api/scenarios/{scenario_id}",
        response_model=ScenarioOut,
        responses=_errors(404, 409, 413, 422),
        tags=["scenarios"],
    )
    def save_scenario(scenario_id: Id, body: ScenarioUpdate) -> ScenarioOut:
        """Save a new version (the old ones stay). Invalid scenarios are not saved."""
        workspace.scenario(scenario_id)
        text = text_of(body)
        scenario = compile_checked(text)
        version = workspace.add_version(
            scenario_id, scenario.title, text, body.message, body.base_version
        )
        if body.name is not None:
            workspace.rename(scenario_id, body.name)
        return scenario_out(scenario_id, version)

    @app.delete(
        "/api/scenarios/{scenario_id}",
        status_code=204,
        responses=_errors(404),
        tags=["scenarios"],
    )
    def delete_scenario(scenario_id: Id) -> Response:
        """Delete a scenario with its versions and runs."""
        for run in workspace.runs(scenario_id):
            if run.status in ("queued", "running"):
                jobs().cancel(run.id)
        workspace.delete_scenario(scenario_id)
        return Response(status_code=204)

    @app.get(
        "/api/scenarios/{scenario_id}/versions",
        response_model=VersionList,
        responses=_errors(404),
        tags=["scenarios"],
    )
    def list_versions(scenario_id: Id) -> VersionList:
        """Every saved version, newest first."""
        return VersionList(
            versions=[
                VersionItem(number=v.number, created=v.created, message=v.message, title=v.title)
                for v in workspace.versions(scenario_id)
            ]
        )

    @app.get(
        "/api/scenarios/{scenario_id}/versions/{number}",
        response_model=ScenarioOut,
        responses=_errors(404),
        tags=["scenarios"],
    )
    def get_version(scenario_id: Id, number: Id) -> ScenarioOut:
        """One saved version of a scenario."""
        return scenario_out(scenario_id, workspace.version(scenario_id, number))

    @app.get(
        "/api/scenarios/{scenario_id}/export",
        responses={200: {"content": {"application/yaml": {}}}, **_errors(404)},
        tags=["scenarios"],
    )
    def export_scenario(scenario_id: Id, version: VersionQuery = None) -> Response:
        """The scenario file of a version (the latest by default), as a download."""
        record = workspace.version(scenario_id, version)
        return Response(
            record.text,
            media_type="application/yaml",
            headers={
                "Content-Disposition": _attachment(workspace.scenario(scenario_id).name, "yaml")
            },
        )

    @app.post(
        "/api/validate",
        response_model=ValidationOut,
        responses=_errors(413, 422),
        tags=["scenarios"],
    )
    def validate(body: ValidateIn) -> ValidationOut:
        """Check a scenario without saving it: every problem with its location and line."""
        try:
            compile_checked(text_of(body))
        except ScenarioError as error:
            return ValidationOut(valid=False, problems=_problems(error.problems))
        except APIError as error:
            return ValidationOut(valid=False, problems=_problems(error.problems or []))
        except DetenteError as error:
            return ValidationOut(
                valid=False, problems=[ProblemOut(location="", message=str(error))]
            )
        return ValidationOut(valid=True, problems=[])

    # --- interactive analysis ----------------------------------------------------------------

    @app.get(
        "/api/scenarios/{scenario_id}/analysis",
        response_model=dict[str, Any],
        responses=_errors(404, 422),
        tags=["analysis"],
    )
    def analysis(scenario_id: Id, version: VersionQuery = None) -> dict[str, Any]:
        """Stability analysis with its verdict in words, status-quo paths and perceived games."""
        return views.analysis_view(scenario_at(scenario_id, version))

    @app.get(
        "/api/scenarios/{scenario_id}/graph",
        response_model=dict[str, Any],
        responses=_errors(404, 422),
        tags=["analysis"],
    )
    def graph(
        scenario_id: Id,
        version: VersionQuery = None,
        focus: Annotated[str | None, Query(max_length=64)] = None,
        radius: Annotated[int, Query(ge=1, le=4)] = 1,
        limit: Annotated[int, Query(ge=1, le=2000)] = 400,
    ) -> dict[str, Any]:
        """States and unilateral moves: the whole graph when small, else a neighbourhood."""
        return views.graph_view(scenario_at(scenario_id, version), focus, radius, limit)

    @app.get(
        "/api/scenarios/{scenario_id}/explain",
        response_model=dict[str, Any],
        responses=_errors(404, 422),
        tags=["analysis"],
    )
    def explain(
        scenario_id: Id,
        state: Annotated[str, Query(min_length=1, max_length=64)],
        party: Annotated[str | None, Query(max_length=100)] = None,
        version: VersionQuery = None,
    ) -> dict[str, Any]:
        """Why a state is or is not stable, for each party (or one)."""
        return views.explain_view(scenario_at(scenario_id, version), state, party)

    @app.get(
        "/api/scenarios/{scenario_id}/bargaining",
        response_model=dict[str, Any],
        responses=_errors(404, 422),
        tags=["analysis"],
    )
    def bargaining(scenario_id: Id, version: VersionQuery = None) -> dict[str, Any]:
        """Bargaining analysis with the points of its plot."""
        return views.bargaining_view(scenario_at(scenario_id, version))

    # --- runs --------------------------------------------------------------------------------

    @app.post(
        "/api/scenarios/{scenario_id}/runs",
        response_model=RunOut,
        status_code=202,
        responses=_errors(404, 422),
        tags=["runs"],
    )
    def start_run(scenario_id: Id, body: RunIn) -> RunOut:
        """Start a run in the background; poll it for progress and its result."""
        version = workspace.version(scenario_id, body.version)
        params = check_params(body.kind, body.params)
        preflight(body.kind, load(version.text), params)
        run = workspace.create_run(scenario_id, version.number, body.kind, params)
        jobs().submit(run.id, run.kind, version.text, params)
        return run_out(workspace.run(run.id))

    @app.get("/api/runs", response_model=RunList, responses=_errors(404), tags=["runs"])
    def list_runs(
        scenario_id: Annotated[
            int | None, Query(ge=1, le=MAX_ID, description="Only this scenario's runs.")
        ] = None,
    ) -> RunList:
        """Runs, newest first (without their results)."""
        return RunList(runs=[run_out(r) for r in workspace.runs(scenario_id)])

    @app.get("/api/runs/{run_id}", response_model=RunOut, responses=_errors(404), tags=["runs"])
    def get_run(run_id: Id) -> RunOut:
        """A run: its status, progress and, once done, its result."""
        return run_out(workspace.run(run_id))

    @app.post(
        "/api/runs/{run_id}/cancel",
        response_model=RunOut,
        responses=_errors(404),
        tags=["runs"],
    )
    def cancel_run(run_id: Id) -> RunOut:
        """Stop a queued or running run; a finished run is left as it is."""
        run = workspace.run(run_id, full=False)
        if run.status in ("queued", "running"):
            jobs().cancel(run_id)
        return run_out(workspace.run(run_id))

    @app.get(
        "/api/runs/{run_id}/export",
        responses={
            200: {"content": {"application/json": {}, "text/csv": {}, "text/html": {}}},
            **_errors(404, 409, 422),
        },
        tags=["runs"],
    )
    def export_run(
        run_id: Id, format: Annotated[Literal["json", "csv", "html"], Query()] = "json"
    ) -> Response:
        """A finished run as JSON, CSV (its main table) or HTML (the report)."""
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
            make(), media_type=media, headers={"Content-Disposition": _attachment(name, format)}
        )

    def openapi() -> dict[str, Any]:
        """The generated schema, with every 422 answer described as what it really is: the
        workbench's error body, not FastAPI's default validation list."""
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            error = {
                "description": _errors(422)[422]["description"],
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                },
            }
            for operations in document.get("paths", {}).values():
                for operation in operations.values():
                    responses = operation.get("responses", {})
                    if "422" in responses:
                        responses["422"] = error
            components = document.get("components", {}).get("schemas", {})
            components.pop("HTTPValidationError", None)
            components.pop("ValidationError", None)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    # --- the front end -----------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        page = STATIC / "index.html"
        if not page.is_file():
            return Response("The workbench front end is not installed.", status_code=404)
        return FileResponse(page, media_type="text/html")

    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")

    return app


def _problems(problems: Sequence[Problem]) -> list[ProblemOut]:
    return [
        ProblemOut(location=p.location, message=p.message, hint=p.hint, line=p.line)
        for p in problems
    ]


def _problems_message(problems: Sequence[Problem]) -> str:
    count = len(problems)
    first = str(problems[0]) if problems else "invalid scenario"
    more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
    return f"the scenario is not valid: {first}{more}"


def _attachment(name: str, suffix: str) -> str:
    """A Content-Disposition header: an ASCII file name, and the full one per RFC 6266."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in name)
    ascii_name = "-".join(filter(None, ascii_name.split("-")))[:80] or "scenario"
    full = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
    full = "-".join(filter(None, full.split("-")))[:80] or "scenario"
    return (
        f"attachment; filename=\"{ascii_name}.{suffix}\"; filename*=UTF-8''{quote(full)}.{suffix}"
    )
