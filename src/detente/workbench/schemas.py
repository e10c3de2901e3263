"""Request and response bodies of the workbench API (they make its OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "DiffOut",
    "ErrorBody",
    "RunIn",
    "RunOut",
    "ScenarioIn",
    "ScenarioOut",
    "ScenarioUpdate",
    "ValidateIn",
]

MAX_TEXT = 1 << 20
"""Largest scenario accepted, in characters (and bytes for uploads): 1 MiB."""

Text = Annotated[str, Field(max_length=MAX_TEXT)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProblemOut(BaseModel):
    location: str
    message: str
    hint: str | None = None
    line: int | None = None


class ErrorDetail(BaseModel):
    message: str
    problems: list[ProblemOut] | None = None


class ErrorBody(BaseModel):
    detail: ErrorDetail


class _Source(_Strict):
    text: Text | None = None
    document: dict[str, Any] | None = None

    def _one_source(self, allowed: tuple[str, ...]) -> None:
        given = [name for name in allowed if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(allowed)} (got {len(given)})")


class ValidateIn(_Source):
    @model_validator(mode="after")
    def _check(self) -> ValidateIn:
        self._one_source(("text", "document"))
        return self


class ScenarioIn(_Source):
    library: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    name: Name | None = None

    @model_validator(mode="after")
    def _check(self) -> ScenarioIn:
        self._one_source(("library", "text", "document"))
        return self


class ScenarioUpdate(_Source):
    base_version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    message: Annotated[str, Field(max_length=500)] = ""
    name: Name | None = None

    @model_validator(mode="after")
    def _check(self) -> ScenarioUpdate:
        self._one_source(("text", "document"))
        return self


class ValidationOut(BaseModel):
    valid: bool
    problems: list[ProblemOut]
    document: Any = None
    """The text read as plain data when it is well-formed YAML or JSON (even if invalid as a
    scenario), so a form can follow edits made to the text; else null."""


class DiffLine(BaseModel):
    kind: Literal["same", "added", "removed"]
    text: str
    old: int | None
    new: int | None


class DiffOut(BaseModel):
    old: int
    new: int
    added: int
    removed: int
    lines: list[DiffLine]


class Summary(BaseModel):
    parties: int
    options: int
    states: int | None
    graph_model: bool
    bargaining: bool
    perceptions: bool


class ScenarioListItem(BaseModel):
    id: int
    name: str
    title: str
    version: int
    updated: datetime


class ScenarioList(BaseModel):
    scenarios: list[ScenarioListItem]


class ScenarioOut(BaseModel):
    id: int
    name: str
    title: str
    version: int
    latest: int
    text: str
    document: Any
    created: datetime
    updated: datetime
    summary: Summary


class VersionItem(BaseModel):
    number: int
    created: datetime
    message: str
    title: str


class VersionList(BaseModel):
    versions: list[VersionItem]


class LibraryItem(BaseModel):
    id: str
    title: str
    kind: Literal["example", "catalogue"]
    summary: str | None


class LibraryOut(BaseModel):
    entries: list[LibraryItem]


class StrategiesOut(BaseModel):
    strategies: list[str]


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str


RunKind = Literal[
    "analysis", "simulation", "robustness", "inverse", "change", "report", "tournament"
]


class RunIn(_Strict):
    kind: RunKind
    params: dict[str, Any] = Field(default_factory=dict)
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class ProgressOut(BaseModel):
    done: int
    total: int


class RunOut(BaseModel):
    id: int
    scenario_id: int
    version: int
    kind: str
    params: dict[str, Any]
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: ProgressOut | None
    error: str | None
    created: datetime
    started: datetime | None
    finished: datetime | None
    result: Any = None


class RunList(BaseModel):
    runs: list[RunOut]
