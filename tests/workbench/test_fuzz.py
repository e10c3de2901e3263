"""The workbench API fuzzed from its own OpenAPI schema (schemathesis).

Every operation gets generated requests, valid and invalid: no answer may be a server error,
every status code must be one the schema documents, and every body must match its schema.
Hypothesis runs derandomised, so CI is repeatable; set ``DETENTE_FUZZ_EXAMPLES`` for a longer
search, which then draws fresh examples each time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from detente.workbench.app import create_app  # noqa: E402

EXAMPLES = int(os.environ.get("DETENTE_FUZZ_EXAMPLES", "30"))
_ROOT = Path(__file__).resolve().parents[2]


def _app() -> object:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="detente-fuzz-"))
    app = create_app(f"sqlite:///{folder / 'ws.db'}", workers=1)
    from fastapi.testclient import TestClient

    client = TestClient(app)
    # Something real for the generated ids to find: scenario 1 (Hanoi) and a finished run.
    client.post("/api/scenarios", json={"library": "hanoi-2019"})
    client.post("/api/scenarios", json={"library": "chicken"})
    return app


APP = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _stop_runs() -> Iterator[None]:
    yield
    APP.state.close()  # type: ignore[attr-defined]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="DETENTE_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors_and_responses_match_the_schema(case: object) -> None:
    parameters = case.path_parameters  # type: ignore[attr-defined]
    # Half the generated ids point at the seeded scenarios, so the fuzz reaches past the 404s.
    if parameters and case.method != "DELETE":  # type: ignore[attr-defined]
        for key in ("scenario_id",):
            if key in parameters and isinstance(parameters[key], int) and parameters[key] % 2:
                parameters[key] = 1 + parameters[key] % 2
    case.call_and_validate(  # type: ignore[attr-defined]
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
