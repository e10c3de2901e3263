"""The workbench API: the workspace survives a restart; two clients work side by side."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml

from .api_support import (
    HANOI_EDITED,
    HANOI_TEXT,
    LONG_ROBUSTNESS,
    PD_TEXT,
    TRADE_TEXT,
    RecordingClient,
    TestClient,
    Workspace,
    create,
    create_app,
    ok,
    refused,
    save,
    start,
    versions,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


# --- persistence and concurrent clients ----------------------------------------------------------


def _snapshot(client: TestClient) -> dict[str, Any]:
    scenarios = ok(client.get("/api/scenarios"))["scenarios"]
    return {
        "scenarios": scenarios,
        "versions": {
            s["id"]: [
                ok(client.get(f"/api/scenarios/{s['id']}/versions/{v['number']}"))
                for v in versions(client, s["id"])
            ]
            for s in scenarios
        },
    }


def test_everything_survives_a_restart(database: str) -> None:
    with RecordingClient(create_app(database)) as client:
        hanoi_sid = create(client, library="hanoi-2019", name="hanoi")["id"]
        save(client, hanoi_sid, text=HANOI_EDITED, message="second")
        save(client, hanoi_sid, document=yaml.safe_load(HANOI_TEXT), message="third")
        pd_sid = create(client, library="prisoners-dilemma")["id"]
        run = wait_for(client, start(client, pd_sid, "inverse", {"state": "NN"})["id"])
        assert run["status"] == "done"
        exported = client.get(f"/api/runs/{run['id']}/export?format=csv").text
        before = _snapshot(client)
        interrupted = start(client, hanoi_sid, "robustness", LONG_ROBUSTNESS)

    with RecordingClient(create_app(database)) as client:
        assert _snapshot(client) == before
        assert [v["number"] for v in versions(client, hanoi_sid)] == [3, 2, 1]
        assert ok(client.get(f"/api/scenarios/{hanoi_sid}/versions/2"))["text"] == HANOI_EDITED
        assert ok(client.get(f"/api/runs/{run['id']}")) == run
        assert client.get(f"/api/runs/{run['id']}/export?format=csv").text == exported
        # A run stopped with the server is over, not waiting forever.
        stopped = ok(client.get(f"/api/runs/{interrupted['id']}"))
        assert stopped["status"] in ("cancelled", "failed")
        assert stopped["finished"] is not None
        # The workspace goes on where it was.
        assert save(client, hanoi_sid, text=PD_TEXT)["version"] == 4
        assert create(client, library="chicken")["id"] > pd_sid


def test_runs_left_unfinished_by_a_stopped_server_come_back_failed(database: str) -> None:
    workspace = Workspace(database)
    record = workspace.create_scenario("pd", "Prisoner's Dilemma", PD_TEXT, "created")
    running = workspace.create_run(record.id, 1, "analysis", {"concepts": None})
    workspace.update_run(running.id, status="running", done=1, total=3)
    queued = workspace.create_run(record.id, 1, "report", {})
    finished = workspace.create_run(record.id, 1, "report", {})
    workspace.update_run(finished.id, status="running")
    workspace.update_run(finished.id, status="done", result={"sentences": ["kept"]})
    # Their server stopped a minute ago: nothing has refreshed their heartbeat since.
    silent = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1)
    for run_id in (running.id, queued.id):
        workspace.update_run(run_id, heartbeat=silent)
    workspace.close()

    with RecordingClient(create_app(database)) as client:
        for run_id in (running.id, queued.id):
            run = ok(client.get(f"/api/runs/{run_id}"))
            assert run["status"] == "failed"
            assert isinstance(run["error"], str)
            assert "again" in run["error"]  # tells what to do
            assert run["finished"] is not None
            refused(client.get(f"/api/runs/{run_id}/export"), 409)
        assert ok(client.get(f"/api/runs/{running.id}"))["progress"] == {"done": 1, "total": 3}
        kept = ok(client.get(f"/api/runs/{finished.id}"))
        assert kept["status"] == "done"
        assert kept["result"] == {"sentences": ["kept"]}
        # The scenario is intact and a new run of it works.
        assert ok(client.get(f"/api/scenarios/{record.id}"))["text"] == PD_TEXT
        again = wait_for(client, start(client, record.id, "analysis")["id"])
        assert again["status"] == "done"


def test_two_clients_editing_two_scenarios_do_not_interfere(database: str) -> None:
    first_app, second_app = create_app(database), create_app(database, start_jobs=False)
    with RecordingClient(first_app) as one, RecordingClient(second_app) as two:
        a = create(one, library="prisoners-dilemma", name="a")["id"]
        b = create(two, text=TRADE_TEXT, name="b")["id"]
        texts: dict[int, list[str]] = {a: [PD_TEXT], b: [TRADE_TEXT]}
        for step in range(1, 4):
            a_text = PD_TEXT.replace("title: Prisoner's Dilemma", f"title: PD edit {step}")
            b_text = TRADE_TEXT.replace("title: Two-issue trade", f"title: Trade edit {step}")
            assert save(one, a, text=a_text, base_version=step)["version"] == step + 1
            assert save(two, b, text=b_text, base_version=step)["version"] == step + 1
            texts[a].append(a_text)
            texts[b].append(b_text)
            # Each sees the other's work at once.
            assert ok(two.get(f"/api/scenarios/{a}"))["text"] == a_text
            assert ok(one.get(f"/api/scenarios/{b}"))["text"] == b_text
        for client in (one, two):
            for sid, saved in texts.items():
                listed = versions(client, sid)
                assert [v["number"] for v in listed] == [4, 3, 2, 1]
                for number, text in enumerate(saved, start=1):
                    got = ok(client.get(f"/api/scenarios/{sid}/versions/{number}"))
                    assert got["text"] == text

        # The same again with both saving at the very same time, from two threads.
        def edit(client: TestClient, sid: int, base: str, title: str) -> None:
            for step in range(5, 11):
                text = base.replace(f"title: {title}", f"title: {title} {step}")
                assert save(client, sid, text=text)["version"] == step
                texts[sid].append(text)

        with ThreadPoolExecutor(2) as pool:
            edits = [
                pool.submit(edit, one, a, PD_TEXT, "Prisoner's Dilemma"),
                pool.submit(edit, two, b, TRADE_TEXT, "Two-issue trade"),
            ]
            for future in edits:
                future.result(timeout=30)  # re-raises what failed in the thread
        for sid, saved in texts.items():
            assert [v["number"] for v in versions(one, sid)] == list(range(10, 0, -1))
            for number in (5, 7, 10):
                got = ok(two.get(f"/api/scenarios/{sid}/versions/{number}"))
                assert got["text"] == saved[number - 1]
        # Both save scenario a from version 10: the second is told to reload.
        save(one, a, text=PD_TEXT, base_version=10)
        refused(two.put(f"/api/scenarios/{a}", json={"text": HANOI_TEXT, "base_version": 10}), 409)
        assert ok(one.get(f"/api/scenarios/{a}"))["text"] == PD_TEXT
        assert len(versions(two, a)) == 11
        assert len(versions(two, b)) == 10
