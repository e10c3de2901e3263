"""The workspace database on SQLite and, when one is configured, PostgreSQL.

Set ``DETENTE_TEST_POSTGRES`` to a SQLAlchemy URL of an empty test database (``.ci/run`` starts
one) to run every test on PostgreSQL too; its tables are dropped and recreated per test.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")

from detente.errors import NotFoundError
from detente.workbench import store
from detente.workbench.store import ConflictError, Workspace

POSTGRES = os.environ.get("DETENTE_TEST_POSTGRES")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ws.db'}"
    if not POSTGRES:
        pytest.skip("set DETENTE_TEST_POSTGRES to a test database URL to test PostgreSQL")
    pytest.importorskip("psycopg")
    workspace = Workspace(POSTGRES)
    store._Base.metadata.drop_all(workspace.engine)
    workspace.close()
    return POSTGRES


def test_versions_are_appended_and_never_rewritten(url: str) -> None:
    workspace = Workspace(url)
    record = workspace.create_scenario("Hanoi", "Hanoi 2019", "one", "created")
    assert record.version == 1
    workspace.add_version(record.id, "Hanoi 2019", "two", "edited", base=1)
    workspace.add_version(record.id, "Hanoi (revised)", "three", "", base=None)
    assert [v.number for v in workspace.versions(record.id)] == [3, 2, 1]
    assert [workspace.version(record.id, n).text for n in (1, 2, 3)] == ["one", "two", "three"]
    assert workspace.version(record.id).text == "three"
    latest = workspace.scenario(record.id)
    assert (latest.version, latest.title) == (3, "Hanoi (revised)")
    assert latest.created.tzinfo is not None and latest.updated >= latest.created
    workspace.close()


def test_a_save_from_an_old_version_is_refused_and_changes_nothing(url: str) -> None:
    workspace = Workspace(url)
    record = workspace.create_scenario("s", "s", "one", "")
    workspace.add_version(record.id, "s", "two", "", base=1)
    with pytest.raises(ConflictError, match="version 2, not 1"):
        workspace.add_version(record.id, "s", "lost?", "", base=1)
    assert [v.text for v in workspace.versions(record.id)] == ["two", "one"]
    workspace.close()


def test_unknown_ids_are_not_found(url: str) -> None:
    workspace = Workspace(url)
    record = workspace.create_scenario("s", "s", "one", "")
    for call in (
        lambda: workspace.scenario(record.id + 1),
        lambda: workspace.version(record.id, 2),
        lambda: workspace.versions(record.id + 1),
        lambda: workspace.run(1),
        lambda: workspace.create_run(record.id, 5, "analysis", {}),
        lambda: workspace.delete_scenario(record.id + 1),
    ):
        with pytest.raises(NotFoundError):
            call()
    workspace.close()


def test_deleting_a_scenario_takes_its_versions_and_runs_and_nothing_else(url: str) -> None:
    workspace = Workspace(url)
    gone = workspace.create_scenario("gone", "g", "g1", "")
    kept = workspace.create_scenario("kept", "k", "k1", "")
    workspace.add_version(gone.id, "g", "g2", "", base=1)
    run = workspace.create_run(gone.id, 2, "analysis", {})
    other = workspace.create_run(kept.id, 1, "report", {})
    workspace.delete_scenario(gone.id)
    assert [s.id for s in workspace.scenarios()] == [kept.id]
    with pytest.raises(NotFoundError):
        workspace.run(run.id)
    assert workspace.run(other.id).kind == "report"
    assert workspace.version(kept.id).text == "k1"
    workspace.close()


def test_runs_finish_once(url: str) -> None:
    workspace = Workspace(url)
    record = workspace.create_scenario("s", "s", "one", "")
    run = workspace.create_run(record.id, 1, "simulation", {"repeats": 3})
    assert workspace.run(run.id).status == "queued"
    workspace.update_run(run.id, status="running")
    workspace.update_run(run.id, done=2, total=3)
    workspace.update_run(run.id, status="done", result={"agreements": 1}, report="<p>r</p>")
    # A late update (a cancel racing the end, a stray progress message) changes nothing.
    assert workspace.update_run(run.id, status="cancelled") is None
    finished = workspace.run(run.id)
    assert (finished.status, finished.done, finished.total) == ("done", 2, 3)
    assert finished.result == {"agreements": 1} and finished.report == "<p>r</p>"
    assert finished.params == {"repeats": 3}
    assert finished.started is not None and finished.finished is not None
    assert workspace.run(run.id, full=False).result is None
    workspace.close()


def test_runs_left_unfinished_by_a_stopped_server_are_failed_on_restart(url: str) -> None:
    workspace = Workspace(url)
    record = workspace.create_scenario("s", "s", "one", "")
    running = workspace.create_run(record.id, 1, "analysis", {})
    workspace.update_run(running.id, status="running")
    queued = workspace.create_run(record.id, 1, "analysis", {})
    done = workspace.create_run(record.id, 1, "analysis", {})
    workspace.update_run(done.id, status="done", result={})
    workspace.close()

    restarted = Workspace(url)
    assert restarted.interrupt_unfinished() == 2
    for run_id in (running.id, queued.id):
        run = restarted.run(run_id)
        assert run.status == "failed" and "stopped before this run finished" in run.error
    assert restarted.run(done.id).status == "done"
    assert restarted.version(record.id).text == "one"
    restarted.close()


def test_concurrent_saves_never_lose_or_duplicate_a_version(url: str) -> None:
    workspace = Workspace(url)
    own = [workspace.create_scenario(f"s{k}", "s", "v1", "").id for k in range(4)]
    shared = workspace.create_scenario("shared", "s", "v1", "").id
    outcomes: list[str] = []
    lock = threading.Lock()

    def editor(scenario: int, name: str) -> None:
        for step in range(5):
            workspace.add_version(scenario, "s", f"{name}-{step}", "", base=None)
            try:
                latest = workspace.version(shared).number
                workspace.add_version(shared, "s", f"{name}-{step}", "", base=latest)
                result = "saved"
            except ConflictError:
                result = "conflict"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=editor, args=(s, f"e{s}")) for s in own]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for scenario in own:
        texts = [v.text for v in workspace.versions(scenario)]
        assert texts == [f"e{scenario}-{k}" for k in reversed(range(5))] + ["v1"]
    numbers = [v.number for v in workspace.versions(shared)]
    assert numbers == list(range(len(numbers), 0, -1))  # no gap, no duplicate
    assert len(numbers) - 1 == outcomes.count("saved")
    workspace.close()


def test_a_bad_database_url_says_what_to_give() -> None:
    from detente.errors import DetenteError

    with pytest.raises(DetenteError, match="SQLAlchemy URL"):
        Workspace("nosuchdialect://x")


def test_the_workbench_api_works_on_the_database(url: str) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from detente.workbench.app import create_app

    with TestClient(create_app(url, start_jobs=False)) as client:
        created = client.post("/api/scenarios", json={"library": "chicken"}).json()
        text = created["text"].replace("title: Chicken", "title: Chicken (edited)", 1)
        saved = client.put(
            f"/api/scenarios/{created['id']}", json={"text": text, "base_version": 1}
        )
        assert saved.status_code == 200 and saved.json()["version"] == 2
        stale = client.put(
            f"/api/scenarios/{created['id']}", json={"text": text, "base_version": 1}
        )
        assert stale.status_code == 409
        listed = client.get("/api/scenarios").json()["scenarios"]
        assert [(s["id"], s["version"], s["title"]) for s in listed] == [
            (created["id"], 2, "Chicken (edited)")
        ]


def test_only_runs_whose_heartbeat_stopped_are_interrupted(url: str) -> None:
    from datetime import UTC, datetime, timedelta

    workspace = Workspace(url)
    record = workspace.create_scenario("s", "s", "one", "")
    alive = workspace.create_run(record.id, 1, "analysis", {})
    abandoned = workspace.create_run(record.id, 1, "analysis", {})
    for run in (alive, abandoned):
        workspace.update_run(run.id, status="running")
    long_ago = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=5)
    workspace.update_run(abandoned.id, heartbeat=long_ago)
    workspace.update_run(alive.id, heartbeat=long_ago)
    workspace.touch([alive.id])  # its server is still there
    assert workspace.interrupt_unfinished(stale_after=60) == 1
    assert workspace.run(alive.id).status == "running"
    failed = workspace.run(abandoned.id)
    assert failed.status == "failed" and "stopped before this run finished" in failed.error
    workspace.close()
