"""The workbench API: cancelling queued and running runs stops their worker processes."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from .api_support import (
    LONG_ROBUSTNESS,
    RecordingClient,
    create,
    create_app,
    ok,
    refused,
    start,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


def process_running(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/self/stat").exists():
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        return state not in ("Z", "X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_cancelling_runs(database: str) -> None:
    with RecordingClient(create_app(database, workers=1)) as client:
        sid = create(client, library="hanoi-2019")["id"]
        before = {p.pid for p in multiprocessing.active_children()}
        long = start(client, sid, "robustness", LONG_ROBUSTNESS)
        queued = start(client, sid, "inverse", {"state": "NNNNNN"})
        waiting = start(client, sid, "analysis")
        deadline = time.monotonic() + 30
        while True:
            run = ok(client.get(f"/api/runs/{long['id']}"))
            if run["status"] == "running" and run["progress"] and run["progress"]["done"] > 0:
                break
            assert run["status"] in ("queued", "running"), run
            assert time.monotonic() < deadline, "the long run never made progress"
            time.sleep(0.05)
        assert run["progress"]["total"] == LONG_ROBUSTNESS["samples"]
        workers = [p for p in multiprocessing.active_children() if p.pid not in before]
        assert len(workers) == 1
        pid = workers[0].pid
        assert process_running(pid)

        # One worker: the others wait, and a queued run cannot export yet.
        assert ok(client.get(f"/api/runs/{queued['id']}"))["status"] == "queued"
        refused(client.get(f"/api/runs/{queued['id']}/export"), 409)
        refused(client.get(f"/api/runs/{long['id']}/export"), 409)

        # A queued run is cancelled without ever starting.
        cancelled = ok(client.post(f"/api/runs/{waiting['id']}/cancel"))
        assert cancelled["status"] == "cancelled"
        assert cancelled["started"] is None

        # The running one: its process stops, it stays cancelled, it does not export.
        stopped = ok(client.post(f"/api/runs/{long['id']}/cancel"))
        assert stopped["status"] == "cancelled"
        assert stopped["finished"] is not None
        deadline = time.monotonic() + 10
        while process_running(pid):
            assert time.monotonic() < deadline, f"worker {pid} still runs after the cancel"
            time.sleep(0.05)

        # The worker is free again: the queued inverse run goes to the end.
        answered = wait_for(client, queued["id"])
        assert answered["status"] == "done", answered
        for run_id in (long["id"], waiting["id"]):
            run = ok(client.get(f"/api/runs/{run_id}"))
            assert run["status"] == "cancelled"
            assert run["result"] is None
            refused(client.get(f"/api/runs/{run_id}/export"), 409)
        assert ok(client.get(f"/api/runs/{waiting['id']}"))["started"] is None
        progress = ok(client.get(f"/api/runs/{long['id']}"))["progress"]
        assert progress["done"] < progress["total"]

        # Cancelling what is finished changes nothing.
        for run_id in (queued["id"], long["id"]):
            before_cancel = ok(client.get(f"/api/runs/{run_id}"))
            assert ok(client.post(f"/api/runs/{run_id}/cancel")) == before_cancel
        assert ok(client.get(f"/api/runs/{queued['id']}"))["result"] == answered["result"]
