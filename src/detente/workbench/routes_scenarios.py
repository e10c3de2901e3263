"""Routes for the library and the scenarios: create, upload, save versions, export, validate."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response

from detente import __version__
from detente.errors import DetenteError, ScenarioError
from detente.scenario.loader import Scenario
from detente.workbench.api_errors import APIError, documented, problems_out
from detente.workbench.context import MAX_ID, Bench, Id, VersionQuery, attachment
from detente.workbench.library import library_entries, library_text
from detente.workbench.schemas import (
    DiffLine,
    DiffOut,
    HealthOut,
    LibraryItem,
    LibraryOut,
    ProblemOut,
    ScenarioIn,
    ScenarioList,
    ScenarioListItem,
    ScenarioOut,
    ScenarioUpdate,
    StrategiesOut,
    ValidateIn,
    ValidationOut,
    VersionItem,
    VersionList,
)

__all__ = ["router"]

router = APIRouter(prefix="/api")


def _default_name(scenario: Scenario) -> str:
    return scenario.title[:200] or "Untitled scenario"


@router.get("/health", response_model=HealthOut, tags=["workbench"])
def health() -> HealthOut:
    """Whether the workbench is up, and its version."""
    return HealthOut(status="ok", version=__version__)


@router.get("/library", response_model=LibraryOut, tags=["library"])
def library() -> LibraryOut:
    """The examples shipped with detente and the catalogue of published conflicts."""
    return LibraryOut(
        entries=[
            LibraryItem(id=e.id, title=e.title, kind=e.kind, summary=e.summary)
            for e in library_entries()
        ]
    )


@router.get("/strategies", response_model=StrategiesOut, tags=["library"])
def strategies() -> StrategiesOut:
    """Negotiation strategies a simulation can use."""
    from detente.simulation.strategies.registry import BUILTIN_STRATEGIES

    return StrategiesOut(strategies=list(BUILTIN_STRATEGIES))


@router.get("/scenarios", response_model=ScenarioList, tags=["scenarios"])
def list_scenarios(bench: Bench) -> ScenarioList:
    """Every scenario in the workspace, the latest changed first."""
    return ScenarioList(
        scenarios=[
            ScenarioListItem(
                id=s.id, name=s.name, title=s.title, version=s.version, updated=s.updated
            )
            for s in bench.workspace.scenarios()
        ]
    )


@router.post(
    "/scenarios",
    response_model=ScenarioOut,
    status_code=201,
    responses=documented(404, 413, 422),
    tags=["scenarios"],
)
def create_scenario(body: ScenarioIn, bench: Bench) -> ScenarioOut:
    """A new scenario from a library entry, YAML/JSON text or a document."""
    message = "created"
    if body.library is not None:
        entry, text = library_text(body.library)
        message = f"opened from the library ({entry.id})"
    else:
        text = bench.text_of(body)
    scenario = bench.compile_checked(text)
    name = body.name or bench.unique_name(_default_name(scenario))
    record = bench.workspace.create_scenario(name, scenario.title, text, message)
    return bench.scenario_out(record.id, bench.workspace.version(record.id))


@router.post(
    "/scenarios/upload",
    response_model=ScenarioOut,
    status_code=201,
    responses=documented(413, 422),
    tags=["scenarios"],
)
async def upload_scenario(file: Annotated[UploadFile, File()], bench: Bench) -> ScenarioOut:
    """A new scenario from an uploaded YAML or JSON file."""
    limit = bench.upload_limit
    raw = await file.read(limit + 1)
    if len(raw) > limit:
        raise APIError(
            413,
            f"the file is larger than {limit:,} bytes, the upload limit; scenario files are "
            "small text files: is this the right file?",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise APIError(
            422, f"the file is not UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from None
    scenario = bench.compile_checked(text)
    name = bench.unique_name(Path(file.filename or "").stem[:200] or _default_name(scenario))
    record = bench.workspace.create_scenario(name, scenario.title, text, "uploaded")
    return bench.scenario_out(record.id, bench.workspace.version(record.id))


@router.get(
    "/scenarios/{scenario_id}",
    response_model=ScenarioOut,
    responses=documented(404),
    tags=["scenarios"],
)
def get_scenario(scenario_id: Id, bench: Bench) -> ScenarioOut:
    """The latest version of a scenario."""
    return bench.scenario_out(scenario_id, bench.workspace.version(scenario_id))


@router.put(
    "/scenarios/{scenario_id}",
    response_model=ScenarioOut,
    responses=documented(404, 409, 413, 422),
    tags=["scenarios"],
)
def save_scenario(scenario_id: Id, body: ScenarioUpdate, bench: Bench) -> ScenarioOut:
    """Save a new version (the old ones stay). Invalid scenarios are not saved."""
    workspace = bench.workspace
    latest = workspace.version(scenario_id)
    # A form's edit is written into the text it was made from (a stale base is refused below).
    edited = latest.text if body.base_version in (None, latest.number) else None
    text = bench.text_of(body, edits=edited)
    scenario = bench.compile_checked(text)
    version = workspace.add_version(
        scenario_id, scenario.title, text, body.message, body.base_version
    )
    if body.name is not None:
        workspace.rename(scenario_id, body.name)
    return bench.scenario_out(scenario_id, version)


@router.delete(
    "/scenarios/{scenario_id}",
    status_code=204,
    responses=documented(404),
    tags=["scenarios"],
)
def delete_scenario(scenario_id: Id, bench: Bench) -> Response:
    """Delete a scenario with its versions and runs."""
    for run in bench.workspace.runs(scenario_id):
        if run.status in ("queued", "running"):
            bench.jobs.cancel(run.id)
    bench.workspace.delete_scenario(scenario_id)
    return Response(status_code=204)


@router.get(
    "/scenarios/{scenario_id}/versions",
    response_model=VersionList,
    responses=documented(404),
    tags=["scenarios"],
)
def list_versions(scenario_id: Id, bench: Bench) -> VersionList:
    """Every saved version, newest first."""
    return VersionList(
        versions=[
            VersionItem(number=v.number, created=v.created, message=v.message, title=v.title)
            for v in bench.workspace.versions(scenario_id)
        ]
    )


@router.get(
    "/scenarios/{scenario_id}/versions/{number}",
    response_model=ScenarioOut,
    responses=documented(404),
    tags=["scenarios"],
)
def get_version(scenario_id: Id, number: Id, bench: Bench) -> ScenarioOut:
    """One saved version of a scenario."""
    return bench.scenario_out(scenario_id, bench.workspace.version(scenario_id, number))


@router.get(
    "/scenarios/{scenario_id}/export",
    responses={200: {"content": {"application/yaml": {}}}, **documented(404)},
    tags=["scenarios"],
)
def export_scenario(scenario_id: Id, bench: Bench, version: VersionQuery = None) -> Response:
    """The scenario file of a version (the latest by default), as a download."""
    record = bench.workspace.version(scenario_id, version)
    name = bench.workspace.scenario(scenario_id).name
    return Response(
        record.text,
        media_type="application/yaml",
        headers={"Content-Disposition": attachment(name, "yaml")},
    )


@router.post(
    "/validate",
    response_model=ValidationOut,
    responses=documented(413, 422),
    tags=["scenarios"],
)
def validate(body: ValidateIn, bench: Bench) -> ValidationOut:
    """Check a scenario without saving it: every problem with its location and line, and the
    text read as data (when it is well-formed) for a form to show."""
    text = bench.text_of(body)
    document = bench.plain_document(text)
    try:
        bench.compile_checked(text)
    except ScenarioError as error:
        problems = problems_out(error.problems)
    except APIError as error:
        problems = problems_out(error.problems or [])
    except DetenteError as error:
        problems = [ProblemOut(location="", message=str(error))]
    else:
        problems = []
    return ValidationOut(valid=not problems, problems=problems, document=document)


@router.get(
    "/scenarios/{scenario_id}/diff",
    response_model=DiffOut,
    responses=documented(404, 422),
    tags=["scenarios"],
)
def diff_versions(
    scenario_id: Id,
    bench: Bench,
    old: Annotated[int, Query(ge=1, le=MAX_ID, description="The earlier version.")],
    new: VersionQuery = None,
) -> DiffOut:
    """Line-by-line changes from version ``old`` to version ``new`` (default: the latest)."""
    before = bench.workspace.version(scenario_id, old)
    after = bench.workspace.version(scenario_id, new)
    lines = text_diff(before.text, after.text)
    return DiffOut(
        old=before.number,
        new=after.number,
        added=sum(line.kind == "added" for line in lines),
        removed=sum(line.kind == "removed" for line in lines),
        lines=lines,
    )


def text_diff(before: str, after: str) -> list[DiffLine]:
    """Every line of both texts in reading order, marked same, added or removed, with its line
    numbers in the old and new text."""
    old_lines, new_lines = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [
                DiffLine(kind="same", text=old_lines[i], old=i + 1, new=j + 1)
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        lines += [
            DiffLine(kind="removed", text=old_lines[i], old=i + 1, new=None) for i in range(i1, i2)
        ]
        lines += [
            DiffLine(kind="added", text=new_lines[j], old=None, new=j + 1) for j in range(j1, j2)
        ]
    return lines
