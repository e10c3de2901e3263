"""`detente whatif phased` and the `bargaining.phasing` section."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.main import app

HANOI = Path(__file__).parents[1] / "examples" / "hanoi-2019.yaml"
runner = CliRunner()


def test_hanoi_phased_deal_falls_short_at_any_trust() -> None:
    # The phased target is worth less than walking away to both sides in the model (the US
    # red line scores phased relief at 0), so no trust level makes a schedule work.
    result = runner.invoke(app, ["whatif", "phased", str(HANOI), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["feasible"] is False and document["least_trust"] is None
    assert "worth less than walking away" in document["reason"]


def test_bad_phasing_is_reported_when_loading(tmp_path: Path) -> None:
    broken = tmp_path / "hanoi.yaml"
    broken.write_text(
        HANOI.read_text()
        .replace("sanctions_relief: us}", "sanctions_relief: uk}")
        .replace("    beliefs: 0.5\n", "    beliefs: 1.5\n")
    )
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 2
    assert "bargaining.phasing.beliefs" in result.stderr
    assert "bargaining.phasing" in result.stderr and "uk" in result.stderr


def test_scenario_without_phasing() -> None:
    result = runner.invoke(app, ["whatif", "phased", "prisoners-dilemma"])
    assert result.exit_code == 2 and "no bargaining.phasing section" in result.stderr
