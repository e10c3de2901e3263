"""Runs in worker processes: a queue, a few at a time, with progress and cancellation.

Each run gets a process of its own (started from a fork server that has detente imported, so
a start costs milliseconds), talking back through a pipe: progress, then the result or the
error. Cancelling stops the process. The web server's threads only wait on pipes, so it keeps
answering other requests whatever the runs do.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from detente.errors import DetenteError
from detente.graph_model.budget import memory_limit
from detente.workbench.store import Workspace
from detente.workbench.worker import work

__all__ = ["HEARTBEAT", "JobManager"]

_log = logging.getLogger("detente.workbench")
_PROGRESS_INTERVAL = 0.1  # seconds between progress messages from a worker
HEARTBEAT = 5.0
"""Seconds between refreshes of the heartbeat of this server's unfinished runs."""


# Imported once by the fork server, so each worker starts with them loaded. "__main__" too:
# otherwise every worker would run the program's main module again (for `detente serve`,
# the command line with all it imports) before starting its run.
_PRELOAD = [
    "__main__",
    "detente.workbench.worker",
    "detente.workbench.views",
    "detente.report",
    "detente.simulation",
    "detente.whatif.robustness",
    "detente.whatif.inverse",
    "detente.whatif.smallest_change",
]


def _context() -> Any:
    if sys.platform.startswith("linux") or sys.platform == "darwin":
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


@dataclass
class _Job:
    run_id: int
    kind: str
    text: str
    params: dict[str, Any]
    process: Any = None
    cancelled: bool = False
    thread: threading.Thread | None = field(default=None, repr=False)


class JobManager:
    """Starts queued runs in worker processes, at most ``workers`` at a time."""

    def __init__(self, workspace: Workspace, workers: int = 2):
        if workers < 1:
            raise DetenteError("the workbench needs at least one worker process")
        self.workspace = workspace
        self.workers = workers
        # Runs share the engine's memory budget, so that all of them at once still fit.
        self.memory_share = memory_limit() // workers
        self._context = _context()
        self._lock = threading.Condition()
        self._queue: deque[_Job] = deque()
        self._running: dict[int, _Job] = {}
        self._stopped = False
        self._dispatcher = threading.Thread(target=self._dispatch, name="runs", daemon=True)
        self._dispatcher.start()
        self._pulse = threading.Thread(target=self._beat, name="runs-heartbeat", daemon=True)
        self._pulse.start()

    def submit(self, run_id: int, kind: str, text: str, params: dict[str, Any]) -> None:
        with self._lock:
            if self._stopped:
                raise DetenteError("the workbench is shutting down; start the run again later")
            self._queue.append(_Job(run_id, kind, text, params))
            self._lock.notify_all()

    def cancel(self, run_id: int) -> None:
        """Stop a queued or running run (nothing happens to a finished one)."""
        with self._lock:
            for job in list(self._queue):
                if job.run_id == run_id:
                    self._queue.remove(job)
                    self.workspace.update_run(run_id, status="cancelled")
                    return
            running = self._running.get(run_id)
            if running is None:
                return
            running.cancelled = True
            process = running.process
        if process is not None:
            process.terminate()
        self.workspace.update_run(run_id, status="cancelled")

    def active(self) -> list[int]:
        with self._lock:
            return [j.run_id for j in self._queue] + list(self._running)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop every run (they are marked cancelled) and the dispatcher."""
        with self._lock:
            self._stopped = True
            queued = list(self._queue)
            self._queue.clear()
            running = list(self._running.values())
            self._lock.notify_all()
        for job in queued:
            self.workspace.update_run(job.run_id, status="cancelled")
        for job in running:
            self.cancel(job.run_id)
        for job in running:
            if job.thread is not None:
                job.thread.join(timeout)
        self._dispatcher.join(timeout)
        self._pulse.join(timeout)

    # Internals ------------------------------------------------------------------------------

    def _beat(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._stopped, timeout=HEARTBEAT)
                if self._stopped:
                    return
            try:
                self.workspace.touch(self.active())
            except Exception:  # a database hiccup must not stop the heartbeat
                _log.exception("could not refresh the heartbeat of the runs")

    def _dispatch(self) -> None:
        while True:
            with self._lock:
                while not self._stopped and (not self._queue or len(self._running) >= self.workers):
                    self._lock.wait()
                if self._stopped:
                    return
                job = self._queue.popleft()
                self._running[job.run_id] = job
            thread = threading.Thread(
                target=self._supervise, args=(job,), name=f"run-{job.run_id}", daemon=True
            )
            thread.start()
            job.thread = thread  # only once started: shutdown joins the threads it finds

    def _supervise(self, job: _Job) -> None:
        try:
            self._execute(job)
        except Exception:  # keep the dispatcher alive whatever happens to one run
            _log.exception("run %s failed in the supervisor", job.run_id)
            self.workspace.update_run(
                job.run_id, status="failed", error="internal error while supervising the run"
            )
        finally:
            with self._lock:
                self._running.pop(job.run_id, None)
                self._lock.notify_all()

    def _execute(self, job: _Job) -> None:
        receiver, sender = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=work,
            args=(job.kind, job.text, job.params, sender, self.memory_share),
            daemon=True,
        )
        with self._lock:
            if job.cancelled or self._stopped:
                return
            job.process = process
            process.start()
        sender.close()
        self.workspace.update_run(job.run_id, status="running")
        outcome: tuple[Any, ...] | None = None
        while outcome is None:
            try:
                if not receiver.poll(0.5):
                    if not process.is_alive() and not receiver.poll(0):
                        break
                    continue
                message = receiver.recv()
            except (EOFError, OSError):
                break
            if message[0] == "progress":
                self.workspace.update_run(job.run_id, done=message[1], total=message[2])
            else:
                outcome = message
        receiver.close()
        if outcome is None:  # the pipe closed without an answer: wait to learn why
            process.join(5)
        if not job.cancelled:
            self._record(job, outcome, process.exitcode)
        # The answer is recorded; now let the worker finish exiting (or make it).
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()

    def _record(self, job: _Job, outcome: tuple[Any, ...] | None, exitcode: int | None) -> None:
        if outcome is None:
            self.workspace.update_run(
                job.run_id,
                status="failed",
                error=f"the worker process stopped unexpectedly (exit code {exitcode}); it may "
                "have run out of memory",
            )
        elif outcome[0] == "done":
            self.workspace.update_run(
                job.run_id, status="done", result=outcome[1], report=outcome[2]
            )
        else:
            self.workspace.update_run(job.run_id, status="failed", error=str(outcome[1]))
