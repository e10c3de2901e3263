"""``detente serve``: prints its address, answers there, and refuses bad set-ups clearly."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

COMMAND = [sys.executable, "-m", "detente", "serve"]


def _start(*args: str, cwd: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [*COMMAND, *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("detente workbench at http://127.0.0.1:"), line
    return process, line.split(" at ", 1)[1].strip()


def _stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    _out, err = process.communicate(timeout=20)
    return err


def _get(url: str) -> object:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return json.load(answer)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_serve_prints_its_address_and_keeps_the_workspace_in_the_folder(tmp_path: Path) -> None:
    process, address = _start("--port", "0", "--workspace", "ws", cwd=tmp_path)
    try:
        assert _get(address + "api/health") == {"status": "ok", "version": "0.1.0"}
        with urllib.request.urlopen(address, timeout=5) as page:
            assert "<html" in page.read().decode().lower()
    finally:
        _stop(process)
    assert (tmp_path / "ws" / "workspace.db").is_file()


def test_a_port_in_use_is_refused_with_a_way_out(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*COMMAND, "--port", str(port), "--workspace", "ws"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_database_url_is_refused_clearly(tmp_path: Path) -> None:
    result = subprocess.run(
        [*COMMAND, "--port", "0", "--database", "nosuchdb://x"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "cannot open the workspace database" in result.stderr
    assert "Traceback" not in result.stderr
