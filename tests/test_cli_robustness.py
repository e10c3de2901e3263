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


def test_uncertainty_section_inside_the_scenario(tmp_path: Path) -> None:
    section = (EXAMPLES / "uncertainty" / "hanoi-2019.yaml").read_text()
    inline = tmp_path / "hanoi.yaml"
    inline.write_text(
        (EXAMPLES / "hanoi-2019.yaml").read_text()
        + "uncertainty:\n"
        + "".join(f"  {line}\n" for line in section.splitlines())
    )
    result = runner.invoke(
        app, ["robustness", str(inline), "--samples", "300", "--seed", "11", "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == _run()
    broken = tmp_path / "broken.yaml"
    broken.write_text(inline.read_text().replace("us: [0.5, 0.6]", "us: [0.6, 0.5]"))
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 2
    assert "uncertainty.bargaining.reservation.us" in result.stderr
    result = runner.invoke(app, ["robustness", str(EXAMPLES / "hanoi-2019.yaml")])
    assert result.exit_code == 2 and "states no uncertainty" in result.stderr
