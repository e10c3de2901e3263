"""The `detente simulate` command: transcript, JSON, plot and errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.main import app

ROOT = Path(__file__).parents[1]
HANOI = str(ROOT / "examples" / "hanoi-2019.yaml")
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_patient_hard_bargainer_against_a_side_under_time_pressure() -> None:
    # Hanoi: the United States concedes slowly (Boulware); North Korea, discounting 0.9 a round
    # against a walk-away value of 0.55, leaves once no deal it could still get beats leaving.
    code, stdout, _ = invoke(
        "simulate", HANOI, "--a", "boulware", "--b", "walk_away_aware", "--deadline", "20"
    )
    assert code == 0
    assert "dprk walks away" in stdout and "dprk walked away in round" in stdout


def test_json_and_plot(tmp_path: Path) -> None:
    target = tmp_path / "offers.svg"
    code, stdout, _ = invoke(
        "simulate",
        str(ROOT / "tests" / "fixtures" / "toy-full.yaml"),
        "--a",
        "conceder",
        "--b",
        "boulware:e=0.1",
        "--deadline",
        "30",
        "--seed",
        "3",
        "--format",
        "json",
        "--plot",
        str(target),
    )
    assert code == 0
    document = json.loads(stdout)
    assert document["format"] == "detente/simulation/1"
    assert document["strategies"]["dprk"] == "boulware(e=0.1)"
    assert document["ending"]["end"] in {"agreement", "walk_away", "deadline"}
    assert [r["round"] for r in document["rounds"]] == list(range(len(document["rounds"])))
    assert "<svg" in target.read_text()
    # Same seed, same negotiation.
    _, again, _ = invoke(
        "simulate",
        str(ROOT / "tests" / "fixtures" / "toy-full.yaml"),
        "--a",
        "conceder",
        "--b",
        "boulware:e=0.1",
        "--deadline",
        "30",
        "--seed",
        "3",
        "--format",
        "json",
    )
    assert json.loads(again) == document


def test_bad_strategies_and_missing_deadline() -> None:
    code, _, stderr = invoke("simulate", HANOI, "--a", "bolware", "--deadline", "5")
    assert code == 2 and "boulware" in stderr
    code, _, stderr = invoke("simulate", HANOI, "--a", "linear:speed=2", "--deadline", "5")
    assert code == 2 and "takes no parameters" in stderr
    code, _, stderr = invoke("simulate", HANOI, "--a", "boulware:e", "--deadline", "5")
    assert code == 2 and "needs a value" in stderr
    code, _, stderr = invoke("simulate", HANOI)
    assert code == 2 and "--deadline" in stderr
    code, _, stderr = invoke("simulate", "prisoners-dilemma", "--deadline", "5")
    assert code == 2 and "no bargaining section" in stderr
