"""The workbench answers only to its own names and takes changes only from its own page."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from detente.workbench.app import create_app
from detente.workbench.security import LOCAL_HOSTS


@pytest.fixture
def client(tmp_path: Path):
    app = create_app(f"sqlite:///{tmp_path / 'ws.db'}", start_jobs=False, hosts=LOCAL_HOSTS)
    with TestClient(app, base_url="http://127.0.0.1:8765") as test_client:
        yield test_client


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "localhost"])
def test_its_own_names_are_answered(client: TestClient, host: str) -> None:
    assert client.get("/api/health", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1.evil.example", "10.0.0.5"])
def test_other_names_are_refused_as_a_rebinding_attack_would_use_them(
    client: TestClient, host: str
) -> None:
    answer = client.get("/api/scenarios", headers={"host": host})
    assert answer.status_code == 421
    assert "open it at the address" in answer.json()["detail"]["message"]


def test_changes_from_another_site_are_refused_and_nothing_is_saved(client: TestClient) -> None:
    for origin in ("https://evil.example", "null", "http://127.0.0.1.evil.example:8765"):
        answer = client.post(
            "/api/scenarios", json={"library": "chicken"}, headers={"origin": origin}
        )
        assert answer.status_code == 403, origin
        assert origin in answer.json()["detail"]["message"]
    assert client.get("/api/scenarios").json()["scenarios"] == []
    own = client.post(
        "/api/scenarios",
        json={"library": "chicken"},
        headers={"origin": "http://127.0.0.1:8765"},
    )
    assert own.status_code == 201
    # Reading needs no origin check (other sites cannot read the answers anyway: no CORS).
    assert (
        client.get("/api/scenarios", headers={"origin": "https://evil.example"}).status_code == 200
    )


def test_the_page_may_run_only_its_own_scripts_and_talk_only_to_its_server(
    client: TestClient,
) -> None:
    policy = client.get("/").headers["content-security-policy"]
    rules = dict(rule.strip().split(" ", 1) for rule in policy.split(";"))
    assert rules["script-src"] == "'self'"
    assert rules["connect-src"] == "'self'"
    assert rules["frame-ancestors"] == "'none'"
    assert rules["object-src"] == "'none'"
