"""Golden files for console output: the cases, and a script to regenerate them.

    python tests/golden_cli.py     # rewrite tests/golden/* after an intended change of output

Review the diff of tests/golden/ before committing regenerated files.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from detente.catalogue import catalogue_ids
from detente.cli import main as cli
from detente.cli.main import app

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = str(Path(__file__).parents[1] / "examples" / "prisoners-dilemma.yaml")


def cases() -> dict[str, list[str]]:
    """Golden file name → command-line arguments."""
    table = {
        "prisoners-dilemma.table.txt": ["analyze", EXAMPLE],
        "prisoners-dilemma.explain.txt": ["explain", EXAMPLE, "--state", "YY", "--party", "p1"],
    }
    for entry in catalogue_ids():
        table[f"{entry}.json"] = ["analyze", entry, "--format", "json"]
    return table


def render(args: list[str]) -> str:
    cli.out.width = 100  # independent of the terminal (and of COLUMNS) the tests run in
    result = CliRunner().invoke(app, args)
    if result.exit_code != 0:
        raise RuntimeError(f"detente {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name, args in cases().items():
        (GOLDEN / name).write_text(render(args))
        print(f"wrote tests/golden/{name}")


if __name__ == "__main__":
    main()
