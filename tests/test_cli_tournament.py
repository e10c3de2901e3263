"""The `detente tournament` command: a small tournament, its files, resume and bad configs."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from detente.cli.main import app

ROOT = Path(__file__).parents[1]
runner = CliRunner()


def _config(folder: Path, strategies: str = "[boulware, conceder, hardliner]") -> Path:
    file = folder / "tournament.yaml"
    file.write_text(
        "format: detente/tournament/1\ntitle: small\nscenarios:\n"
        f"  - {ROOT / 'examples' / 'hanoi-2019.yaml'}\n"
        f"  - {ROOT / 'tests' / 'fixtures' / 'toy-full.yaml'}\n"
        f"strategies: {strategies}\nrepetitions: 2\ndeadline: 20\nseed: 5\n"
    )
    return file


def test_tournament_writes_rows_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["tournament", str(_config(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "36 negotiations" in result.stdout  # 2 scenarios x 9 ordered pairs x 2 repetitions
    assert "boulware" in result.stdout and "95% confidence" in result.stdout
    assert (out / "summary.csv").is_file()
    again = runner.invoke(app, ["tournament", str(_config(tmp_path)), "-o", str(out), "--resume"])
    assert again.exit_code == 0 and "36 negotiations" in again.stdout


def test_bad_config_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["tournament", str(_config(tmp_path, "[bolware]"))])
    assert result.exit_code == 2
    assert "did you mean boulware" in result.stderr
