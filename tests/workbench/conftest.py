"""Fixtures shared by the API test modules (test_api_*.py); none is autouse.

Each test_api_* module applies ``no_server_errors`` to all its tests with
``pytestmark = pytest.mark.usefixtures("no_server_errors")``; the other modules here (store,
jobs, fuzz, end to end) are not affected. The helpers come from ``api_support``, imported
inside the fixtures: importing it skips when the web extras are missing, which at the top of
this file would break the collection of the whole directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from detente.scenario.loader import Scenario

    from .api_support import Oracle, RecordingClient


@pytest.fixture
def no_server_errors() -> Iterator[None]:
    """Fails the test if the server answered with a status of 500 or more during it."""
    from .api_support import check_new_responses

    yield
    check_new_responses()


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/ws.db"


@pytest.fixture
def client(database: str) -> Iterator[RecordingClient]:
    from .api_support import RecordingClient, create_app

    with RecordingClient(create_app(database)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    from .api_support import HANOI_TEXT, Oracle

    return Oracle.of(HANOI_TEXT)


@pytest.fixture(scope="module")
def hanoi() -> Scenario:
    from detente.scenario import load_scenario

    from .api_support import HANOI_PATH

    return load_scenario(HANOI_PATH)
