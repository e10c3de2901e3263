"""Helpers of the workbench's end-to-end tests: the real server in a subprocess, API calls."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from browser import CHROMIUM_FLAGS

__all__ = [
    "CHROMIUM",
    "LAUNCH_ARGS",
    "REPO",
    "SCREENSHOTS",
    "Server",
    "api_json",
    "api_refusal",
    "detente_cli",
]

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium")
LAUNCH_ARGS = CHROMIUM_FLAGS
ADDRESS_PREFIX = "detente workbench at "


def _command() -> list[str]:
    """`python -m detente` when the package has a __main__, else the `detente` script."""
    import detente

    package = Path(detente.__file__).parent
    if (package / "__main__.py").exists():
        return [sys.executable, "-m", "detente"]
    return [str(Path(sys.executable).with_name("detente"))]


def api_json(url: str, method: str = "GET", body: Any = None) -> Any:
    """Call the JSON API directly (to set up a test faster than through the page)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = response.read()
    return json.loads(payload) if payload else None


def api_refusal(url: str, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    """Call the JSON API expecting a refusal: its status and `detail` (the message is there)."""
    try:
        api_json(url, method, body)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")["detail"]
    raise AssertionError(f"{method} {url} was not refused")


def detente_cli(*arguments: str) -> str:
    """Run the `detente` command line (as a user would, outside the server); its output."""
    done = subprocess.run(
        [*_command(), *arguments], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


class Server:
    """`detente serve` on a free port, over a SQLite database in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.database = f"sqlite:///{folder}/ws.db"
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self, timeout: float = 30.0) -> None:
        command = [
            *_command(),
            "serve",
            "--port",
            "0",
            "--database",
            self.database,
            "--workspace",
            str(self.folder),
        ]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=self.folder,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None

        def pump() -> None:
            # Keep reading so the server never blocks on a full pipe.
            for line in stdout:
                lines.put(line)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + timeout
        seen: list[str] = []
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            seen.append(line)
            if line.startswith(ADDRESS_PREFIX):
                self.url = line[len(ADDRESS_PREFIX) :].strip().rstrip("/")
                break
        if not self.url:
            self.stop()
            raise RuntimeError("detente serve did not print its address:\n" + "".join(seen))
        while time.monotonic() < deadline:
            try:
                if api_json(f"{self.url}/api/health")["status"] == "ok":
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"detente serve at {self.url} never answered /api/health")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def api(self, path: str, method: str = "GET", body: Any = None) -> Any:
        return api_json(f"{self.url}{path}", method, body)

    def refusal(self, path: str, method: str = "GET", body: Any = None) -> tuple[int, Any]:
        return api_refusal(f"{self.url}{path}", method, body)
