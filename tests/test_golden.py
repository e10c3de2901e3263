"""Console output matches the reviewed golden files (regenerate with tests/golden_cli.py)."""

from __future__ import annotations

import pytest

from golden_cli import GOLDEN, cases, render


@pytest.mark.parametrize(("name", "args"), sorted(cases().items()), ids=sorted(cases()))
def test_output_matches_golden_file(name: str, args: list[str]) -> None:
    expected = (GOLDEN / name).read_text()
    assert render(args) == expected, "output changed; if intended, run tests/golden_cli.py"
