"""Every console command, its output shape and its exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli.main import app

EXAMPLE = str(Path(__file__).parents[1] / "examples" / "prisoners-dilemma.yaml")
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_analyze_json_has_exactly_the_documented_shape() -> None:
    code, stdout, _ = invoke("analyze", EXAMPLE, "--format", "json")
    assert code == 0
    document = json.loads(stdout)
    assert list(document) == [
        "format",
        "title",
        "options",
        "parties",
        "concepts",
        "equilibria",
        "states",
    ]
    assert document["format"] == "detente/analysis/1"
    assert document["options"] == ["c1", "c2"]
    assert document["parties"] == ["p1", "p2"]
    assert document["equilibria"] == {
        "nash": ["NN"],
        "gmr": ["NN", "YY"],
        "smr": ["NN", "YY"],
        "seq": ["NN", "YY"],
    }
    assert [s["code"] for s in document["states"]] == ["NN", "YN", "NY", "YY"]
    # The row given as the example in the format's specification.
    assert document["states"][0] == {
        "code": "NN",
        "payoff": {"p1": 1, "p2": 1},
        "stable": {
            "nash": ["p1", "p2"],
            "gmr": ["p1", "p2"],
            "smr": ["p1", "p2"],
            "seq": ["p1", "p2"],
        },
        "equilibrium": ["nash", "gmr", "smr", "seq"],
    }
    yy = document["states"][3]
    assert yy["stable"]["nash"] == [] and yy["equilibrium"] == ["gmr", "smr", "seq"]


def test_analyze_table_names_the_equilibria() -> None:
    code, stdout, _ = invoke("analyze", EXAMPLE)
    assert code == 0
    assert "Prisoner's Dilemma" in stdout
    assert "NN, YY" in stdout


def test_analyze_a_catalogue_entry_by_id() -> None:
    code, stdout, _ = invoke("analyze", "chicken", "--concepts", "nash,seq", "-f", "json")
    assert code == 0
    document = json.loads(stdout)
    assert document["concepts"] == ["nash", "seq"]
    assert sorted(document["equilibria"]["nash"]) == ["NY", "YN"]


def test_large_models_show_counts_only_unless_asked(tmp_path: Path) -> None:
    options = "\n".join(f"    - {{id: o{k}, party: {'a' if k % 2 else 'b'}}}" for k in range(8))
    file = tmp_path / "big.yaml"
    file.write_text(
        "format: detente/1\ntitle: big\nparties: [{id: a}, {id: b}]\n"
        f"graph_model:\n  options:\n{options}\n"
        "  preferences: {a: [o1, not o2], b: [o0, o3]}\n"
    )
    code, stdout, _ = invoke("analyze", str(file))
    assert code == 0 and "per-state table omitted" in stdout
    code, stdout, _ = invoke("analyze", str(file), "--all-states")
    assert code == 0 and "per-state table omitted" not in stdout and "NNNNNNNN" in stdout


def test_explain_in_plain_words() -> None:
    code, stdout, _ = invoke("explain", EXAMPLE, "--state", "YY", "--party", "p1")
    assert code == 0
    assert "Prisoner 1 withdraws 'Cooperate' (to NY)" in stdout
    assert "GMR: blocked" in stdout and "Prisoner 2 withdraws 'Cooperate' (to NN)" in stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--state", "XX", "--party", "p1"), "state code"),
        (("--state", "NN", "--party", "p9"), "unknown party 'p9'"),
    ],
)
def test_explain_bad_arguments(args: tuple[str, ...], message: str) -> None:
    code, stdout, stderr = invoke("explain", EXAMPLE, *args)
    assert code == 2
    assert message in stderr
    assert "Traceback" not in stdout + stderr


def test_validate_ok_and_failing(tmp_path: Path) -> None:
    code, stdout, _ = invoke("validate", EXAMPLE)
    assert code == 0 and "valid scenario" in stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        Path(EXAMPLE).read_text().replace("party: p2", "party: p3").replace("- c2\n", "- c2 and\n")
    )
    code, stdout, stderr = invoke("validate", str(broken))
    assert code == 2
    assert "2 problems found" in stderr
    assert "unknown party 'p3'" in stderr
    assert "Traceback" not in stdout + stderr


def test_bad_format_and_concepts_exit_2() -> None:
    code, _, stderr = invoke("analyze", EXAMPLE, "--format", "xml")
    assert code == 2 and "unknown format" in stderr
    code, _, stderr = invoke("analyze", EXAMPLE, "--concepts", "nash,foo")
    assert code == 2 and "unknown solution concept(s) foo" in stderr


def test_missing_file_exit_2() -> None:
    code, _, stderr = invoke("analyze", "no-such-file.yaml")
    assert code == 2 and "cannot read scenario file" in stderr
    code, _, stderr = invoke("analyze", "elmria")
    assert code == 2 and "no catalogue entry" in stderr and "elmira" in stderr


def test_schema_is_json_schema_of_the_format() -> None:
    code, stdout, _ = invoke("schema")
    assert code == 0
    schema = json.loads(stdout)
    assert schema["properties"]["format"]["const"] == "detente/1"
    assert {"parties", "graph_model", "sources"} <= set(schema["properties"])


def test_catalogue_lists_the_entries() -> None:
    code, stdout, _ = invoke("catalogue")
    assert code == 0
    for entry in ("prisoners-dilemma", "chicken", "syria-iraq-1975", "elmira"):
        assert entry in stdout


GMCR_FIXTURES = Path(__file__).parent / "fixtures" / "gmcr"


def test_import_gmcr_writes_a_scenario_with_the_same_equilibria(tmp_path: Path) -> None:
    target = tmp_path / "pd.yaml"
    code, stdout, _ = invoke(
        "import", "gmcr", str(GMCR_FIXTURES / "prisoners.gmcr"), "-o", str(target)
    )
    assert code == 0 and "wrote" in stdout and "4 feasible states" in stdout
    code, stdout, _ = invoke("analyze", str(target), "-f", "json")
    assert json.loads(stdout)["equilibria"]["gmr"] == ["NN", "YY"]


def test_import_gmcr_to_standard_output() -> None:
    code, stdout, _ = invoke("import", "gmcr", str(GMCR_FIXTURES / "chicken.gmcr"))
    assert code == 0
    assert stdout.startswith("format: detente/1")


def test_import_gmcr_malformed_exit_2() -> None:
    code, stdout, stderr = invoke("import", "gmcr", str(GMCR_FIXTURES / "malformed_json.gmcr"))
    assert code == 2
    assert "not valid JSON" in stderr
    assert "Traceback" not in stdout + stderr
