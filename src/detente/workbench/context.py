"""What every route of the workbench shares: the workspace, the runs, compiled scenarios.

One :class:`Workbench` lives in ``app.state.workbench``; routes receive it as a dependency
(:data:`Bench`) and use its helpers to turn stored versions into API answers.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import quote

import yaml
from fastapi import Depends, Query, Request
from fastapi import Path as PathParam

from detente.errors import DetenteError, Problem, ScenarioError
from detente.scenario.document import check_shape, parse_text
from detente.scenario.loader import Scenario, load_scenario_text
from detente.workbench.api_errors import APIError
from detente.workbench.jobs import JobManager
from detente.workbench.schemas import (
    ProgressOut,
    RunOut,
    ScenarioIn,
    ScenarioOut,
    ScenarioUpdate,
    Summary,
    ValidateIn,
)
from detente.workbench.store import RunRecord, VersionRecord, Workspace
from detente.workbench.yaml_edit import merge_into_text

__all__ = ["MAX_ID", "Bench", "Id", "VersionQuery", "Workbench", "attachment"]

MAX_ID = 2**31 - 1
Id = Annotated[int, PathParam(ge=1, le=MAX_ID)]
VersionQuery = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Version number (default: latest).")
]

_EMPTY_SUMMARY = Summary(
    parties=0, options=0, states=None, graph_model=False, bargaining=False, perceptions=False
)


@lru_cache(maxsize=32)
def _compile(text: str) -> Scenario:
    # Versions never change, so a compiled scenario can be reused for the same text.
    return load_scenario_text(text, source="scenario")


class Workbench:
    """The state of one workbench application."""

    def __init__(self, workspace: Workspace, workers: int, upload_limit: int, stale_after: float):
        self.workspace = workspace
        self.workers = workers
        self.upload_limit = upload_limit
        self.stale_after = stale_after
        self._jobs: JobManager | None = None

    @property
    def jobs(self) -> JobManager:
        if self._jobs is None:
            self._jobs = JobManager(self.workspace, self.workers)
        return self._jobs

    def close(self) -> None:
        """Stop the runs (marked cancelled) and close the database."""
        if self._jobs is not None:
            self._jobs.shutdown()
            self._jobs = None
        self.workspace.close()

    # Scenarios --------------------------------------------------------------------------------

    @staticmethod
    def load(text: str) -> Scenario:
        return _compile(text)

    def text_of(
        self, body: ValidateIn | ScenarioIn | ScenarioUpdate, edits: str | None = None
    ) -> str:
        """The scenario text a request carries. A ``document`` (a form's edit) is written into
        ``edits``, the text it was edited from, keeping that text's comments and layout where
        nothing changed; without it, or if that fails, the document is written afresh."""
        if body.text is not None:
            return body.text
        assert body.document is not None
        check_shape(body.document, "document")
        if edits is not None:
            merged = merge_into_text(edits, body.document)  # reads back as the document
            if merged is not None:
                return merged
        return yaml.safe_dump(body.document, sort_keys=False, allow_unicode=True, width=96)

    def compile_checked(self, text: str) -> Scenario:
        if not text.strip():
            raise APIError(
                422,
                "the scenario is empty",
                [Problem("", "the scenario is empty", "start from a library example")],
            )
        return self.load(text)

    def unique_name(self, name: str) -> str:
        """``name``, or ``name (2)``, ``name (3)``... when the workspace has it already."""
        taken = {s.name for s in self.workspace.scenarios()}
        candidate, count = name, 1
        while candidate in taken:
            count += 1
            candidate = f"{name[:190]} ({count})"
        return candidate

    def scenario_at(self, scenario_id: int, version: int | None) -> Scenario:
        return self.load(self.workspace.version(scenario_id, version).text)

    @staticmethod
    def plain_document(text: str) -> Any:
        """The text read as JSON-ready data (dates become strings), or ``None`` when it is not
        well-formed YAML or JSON."""
        try:
            data, _ = parse_text(text, "scenario")
        except ScenarioError:
            return None
        return json.loads(json.dumps(data, default=str))

    def scenario_out(self, scenario_id: int, version: VersionRecord) -> ScenarioOut:
        record = self.workspace.scenario(scenario_id)
        try:
            summary = _summary(self.load(version.text))
        except DetenteError:
            summary = _EMPTY_SUMMARY
        return ScenarioOut(
            id=record.id,
            name=record.name,
            title=version.title,
            version=version.number,
            latest=record.version,
            text=version.text,
            document=self.plain_document(version.text),
            created=record.created,
            updated=record.updated,
            summary=summary,
        )

    # Runs -------------------------------------------------------------------------------------

    @staticmethod
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


def _summary(scenario: Scenario) -> Summary:
    model = scenario.graph_model
    return Summary(
        parties=len(scenario.document.parties),
        options=0 if model is None else model.n_options,
        states=None if model is None else int(model.n_states),
        graph_model=model is not None,
        bargaining=scenario.bargaining is not None,
        perceptions=bool(scenario.perceptions),
    )


def _workbench(request: Request) -> Any:
    return request.app.state.workbench


Bench = Annotated[Workbench, Depends(_workbench)]


def attachment(name: str, suffix: str) -> str:
    """A Content-Disposition header: an ASCII file name, and the full one per RFC 6266."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in name)
    ascii_name = "-".join(filter(None, ascii_name.split("-")))[:80] or "scenario"
    full = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
    full = "-".join(filter(None, full.split("-")))[:80] or "scenario"
    return (
        f"attachment; filename=\"{ascii_name}.{suffix}\"; filename*=UTF-8''{quote(full)}.{suffix}"
    )
