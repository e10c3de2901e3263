"""The `detente bargain` command: table, JSON, plot and errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.main import app

TOY = Path(__file__).parent / "fixtures" / "toy-summit.yaml"
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_empty_zone_is_explained_with_the_gap() -> None:
    code, stdout, _ = invoke("bargain", str(TOY))
    assert code == 0
    assert "No zone of possible agreement" in stdout
    # Hand computed: (full, full) gives the US 0.7 and North Korea 0.5 against 0.55: a 0.05 gap.
    assert "0.05 (North Korea by 0.05)" in stdout
    assert "denuclearization=full, sanctions_relief=full" in stdout


def test_json_document(tmp_path: Path) -> None:
    opened = tmp_path / "opened.yaml"
    opened.write_text(TOY.read_text().replace("reservation: 0.55", "reservation: 0.4"))
    code, stdout, _ = invoke("bargain", str(opened), "--format", "json")
    assert code == 0
    document = json.loads(stdout)
    assert document["format"] == "detente/bargaining/1"
    assert document["outcomes"] == 12
    assert document["zone"] == {
        "size": 2,
        "empty": False,
        "best": document["zone"]["best"],
    }
    nash = document["solutions"]["nash"]
    assert nash["values"] == {"denuclearization": "full", "sanctions_relief": "full"}
    assert nash["utilities"] == {"us": 0.7, "dprk": 0.5}
    assert document["gap"] is None
    assert document["frontier"]["size"] == 7 and document["frontier"]["complete"]
    shares = document["rubinstein"]["shares"]
    assert abs(shares["us"] + shares["dprk"] - 1) < 1e-12


def test_plot_is_written(tmp_path: Path) -> None:
    target = tmp_path / "toy.svg"
    code, stdout, _ = invoke("bargain", str(TOY), "--plot", str(target))
    assert code == 0 and "plot written" in stdout
    text = target.read_text()
    assert text.startswith("<?xml") and "<svg" in text


def test_bad_plot_name_and_missing_section(tmp_path: Path) -> None:
    code, _, stderr = invoke("bargain", str(TOY), "--plot", str(tmp_path / "toy.gif"))
    assert code == 2 and ".svg, .png or .pdf" in stderr
    code, _, stderr = invoke("bargain", "prisoners-dilemma")
    assert code == 2 and "no bargaining section" in stderr


GENIUS = Path(__file__).parent / "fixtures" / "genius" / "holiday"


def test_import_genius_then_bargain(tmp_path: Path) -> None:
    target = tmp_path / "holiday.yaml"
    code, stdout, _ = invoke(
        "import",
        "genius",
        str(GENIUS / "holiday_domain.xml"),
        str(GENIUS / "alice.xml"),
        str(GENIUS / "bob.xml"),
        "-o",
        str(target),
        "--deadline",
        "10",
    )
    assert code == 0 and "45 outcomes" in stdout
    assert "deadline: 10" in target.read_text()
    code, stdout, _ = invoke("bargain", str(target), "-f", "json")
    assert code == 0 and json.loads(stdout)["outcomes"] == 45


def test_import_genius_bad_file_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<negotiation_template><utility_space")
    code, stdout, stderr = invoke(
        "import", "genius", str(broken), str(GENIUS / "alice.xml"), str(GENIUS / "bob.xml")
    )
    assert code == 2 and "broken.xml" in stderr
    assert "Traceback" not in stdout + stderr
