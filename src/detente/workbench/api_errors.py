"""How the workbench API answers when something is wrong: one JSON shape, a 4xx status.

Every error body is ``{"detail": {"message": ..., "problems": [...]}}`` (problems only for an
invalid scenario). detente's own errors map to statuses here, and the OpenAPI schema is
corrected to describe the 422 answers as they really are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente.errors import DetenteError, NotFoundError, Problem, ScenarioError
from detente.workbench.schemas import ErrorBody, ProblemOut
from detente.workbench.store import ConflictError

__all__ = [
    "APIError",
    "documented",
    "error_response",
    "install_error_handling",
    "problems_out",
]

_MEANING = {
    404: "No such scenario, version, run, state or library entry.",
    409: "Conflict: the scenario changed meanwhile, or the run is not finished.",
    413: "The upload is larger than the limit.",
    422: "Invalid input; the message says what and where.",
}


class APIError(Exception):
    """An answer other than 2xx, with its message (and scenario problems, if any)."""

    def __init__(self, status: int, message: str, problems: Sequence[Problem] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems


def problems_out(problems: Sequence[Problem]) -> list[ProblemOut]:
    return [
        ProblemOut(location=p.location, message=p.message, hint=p.hint, line=p.line)
        for p in problems
    ]


def error_response(
    status: int, message: str, problems: Sequence[Problem] | None = None
) -> JSONResponse:
    detail: dict[str, Any] = {"message": message}
    if problems is not None:
        detail["problems"] = [p.model_dump() for p in problems_out(problems)]
    return JSONResponse({"detail": detail}, status_code=status)


def documented(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route that may answer with these error statuses."""
    return {code: {"model": ErrorBody, "description": _MEANING[code]} for code in codes}


def _status_of(error: DetenteError) -> int:
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, ConflictError):
        return 409
    return 422


def _problems_message(problems: Sequence[Problem]) -> str:
    count = len(problems)
    first = str(problems[0]) if problems else "invalid scenario"
    more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
    return f"the scenario is not valid: {first}{more}"


def install_error_handling(app: FastAPI, body_limit: int) -> None:
    """Exception handlers, the request-size guard and the corrected OpenAPI schema."""

    @app.middleware("http")
    async def _limit_bodies(request: Request, call_next: Callable[[Request], Any]) -> Any:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > 2 * body_limit + 65536:
            return error_response(
                413,
                f"the request body is {int(length):,} bytes; the workbench accepts scenarios "
                f"up to {body_limit:,} bytes",
            )
        return await call_next(request)

    @app.exception_handler(APIError)
    async def _api_error(_request: Request, error: APIError) -> Response:
        return error_response(error.status, error.message, error.problems)

    @app.exception_handler(ScenarioError)
    async def _scenario_error(_request: Request, error: ScenarioError) -> Response:
        return error_response(422, _problems_message(error.problems), error.problems)

    @app.exception_handler(DetenteError)
    async def _detente_error(_request: Request, error: DetenteError) -> Response:
        return error_response(_status_of(error), str(error))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, error: RequestValidationError) -> Response:
        parts = []
        for item in error.errors()[:10]:
            where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "request"
            parts.append(f"{where}: {item.get('msg', 'invalid')}")
        return error_response(422, "invalid request: " + "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 400:  # a body that is not JSON at all
            return error_response(
                422, f"invalid request: {error.detail}; send a JSON object (UTF-8)"
            )
        return error_response(error.status_code, str(error.detail))

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
                "description": _MEANING[422],
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
