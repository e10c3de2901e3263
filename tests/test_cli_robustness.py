"""The `detente robustness` command: same numbers in process and on two workers."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.main import app

EXAMPLES = Path(__file__).parents[1] / "examples"
runner = CliRunner()


def _run(*extra: str) -> dict[str, object]:
    result = runner.invoke(
        app,
        [
            "robustness",
            str(EXAMPLES / "hanoi-2019.yaml"),
            "--uncertainty",
            str(EXAMPLES / "uncertainty" / "hanoi-2019.yaml"),
            "--samples",
            "300",
            "--seed",
            "11",
            "--format",
            "json",
            *extra,
        ],
    )
    assert result.exit_code == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_same_seed_same_numbers_on_one_or_two_workers() -> None:
    assert _run() == _run("--workers", "2")


def test_table_and_bad_uncertainty(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "robustness",
            str(EXAMPLES / "hanoi-2019.yaml"),
            "--uncertainty",
            str(EXAMPLES / "uncertainty" / "hanoi-2019.yaml"),
            "--samples",
            "100",
            "--seed",
            "1",
        ],
    )
    assert result.exit_code == 0
    assert "Probability of being a SEQ equilibrium" in result.stdout
    assert "Zone of agreement open in" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("bargaining:\n  reservation:\n    us: [0.7, 0.2]\n")
    result = runner.invoke(
        app,
        [
            "robustness",
            str(EXAMPLES / "hanoi-2019.yaml"),
            "--uncertainty",
            str(bad),
            "--samples",
            "10",
        ],
    )
    assert result.exit_code == 2
    assert "bargaining.reservation.us" in result.stderr
