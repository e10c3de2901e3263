"""The `detente whatif` commands on the Hanoi model: inverse, change, deal."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente import analyze_stability, load_scenario
from detente.cli.main import app

HANOI = str(Path(__file__).parents[1] / "examples" / "hanoi-2019.yaml")
OFFER = "civilian_relief and yongbyon and not dismantle_all and not resume_tests"
runner = CliRunner()


def test_inverse_counts_the_orderings_that_would_have_held() -> None:
    result = runner.invoke(
        app,
        [
            "whatif",
            "inverse",
            HANOI,
            "--state",
            OFFER,
            "--concept",
            "gmr",
            "--party",
            "us",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["total"] == 5040 and 0 < document["count"] < document["total"]
    assert document["state"] == "YNNYNN"


def test_change_writes_a_scenario_where_the_offer_holds(tmp_path: Path) -> None:
    target = tmp_path / "changed.yaml"
    result = runner.invoke(
        app, ["whatif", "change", HANOI, "--target", OFFER, "--concept", "gmr", "-o", str(target)]
    )
    assert result.exit_code == 0, result.stderr
    assert "cost 1" in result.stdout
    changed = load_scenario(target).graph_model
    assert changed is not None
    assert "YNNYNN" in analyze_stability(changed, ["gmr"]).equilibria("gmr")


def test_impossible_target_and_deal_change() -> None:
    result = runner.invoke(app, ["whatif", "change", HANOI, "--target", OFFER])
    assert result.exit_code == 2 and "no reordering" in result.stderr
    result = runner.invoke(app, ["whatif", "deal", HANOI, "--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    # The reservation change equals the zone gap of the bargaining analysis.
    assert abs(document["cost"] - 0.125) < 1e-9
