"""The Python examples in the README and the docs run, and print what their comments say."""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _blocks() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for number, match in enumerate(BLOCK.finditer(page.read_text()), start=1):
            found.append((f"{page.relative_to(ROOT)}#{number}", match.group(1)))
    return found


def _expected_prints(code: str) -> list[str]:
    """The values promised by ``print(...)  # value`` lines, in order."""
    return [
        line.split("#", 1)[1].strip()
        for line in code.splitlines()
        if line.startswith("print(") and "#" in line
    ]


@pytest.mark.parametrize(("where", "code"), _blocks(), ids=[w for w, _ in _blocks()])
def test_python_example_runs(
    where: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Examples refer to the example file either from the repository root or as a local copy.
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copy(ROOT / "examples" / "prisoners-dilemma.yaml", tmp_path)
    monkeypatch.chdir(tmp_path)
    # Examples that call the command line find it beside this interpreter, as in an active venv.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    compiled = compile(ast.parse(code), where, "exec")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compiled, {"__name__": "__docs__"})  # our own documentation, not user input
    lines = printed.getvalue().splitlines()
    for expected in _expected_prints(code):
        assert expected in lines, f"{where}: expected a line {expected!r}, printed {lines}"
