"""Misperception: perceived games, hypergame verdicts and bad `perceptions` sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente import ScenarioError, load_scenario_text
from detente.graph_model.hypergame import analyze_hypergame

CHICKEN = """\
format: detente/1
title: Chicken with a misjudged opponent
parties: [{id: p1}, {id: p2}]
graph_model:
  options:
    - {id: f1, party: p1, label: stand firm}
    - {id: f2, party: p2, label: stand firm}
  preferences:
    p1: {ranking: [YN, NN, NY, YY]}
    p2: {ranking: [NY, NN, YN, YY]}
  perceptions:
    p1:
      p2: {ranking: [NN, NY, YN, YY]}   # P1 thinks P2 would rather both swerve than win
"""


def test_each_party_analyses_the_game_it_sees() -> None:
    scenario = load_scenario_text(CHICKEN)
    assert scenario.graph_model is not None
    assert set(scenario.perceptions) == {"p1"}
    result = analyze_hypergame(scenario.graph_model, scenario.perceptions)
    assert result.misperceiving() == ["p1"]
    # Real Chicken: Nash equilibria YN and NY.
    assert result.real.equilibria("nash") == ["YN", "NY"]
    # In P1's picture P2 never gains by standing firm, so P1 expects to win: YN only.
    assert result.expected("p1", "nash") == ["YN"]
    assert result.surprises("p1", "nash") == ([], ["NY"])
    # P2 sees the real game.
    assert result.expected("p2", "nash") == ["YN", "NY"]
    # Nash stability depends only on a party's own preferences, so misperceiving the other
    # side changes no Nash verdict: the hypergame's Nash equilibria are the real ones.
    assert result.equilibria("nash") == result.real.equilibria("nash")


def test_perceptions_change_the_verdict_only_for_the_perceiver() -> None:
    scenario = load_scenario_text(CHICKEN)
    assert scenario.graph_model is not None
    result = analyze_hypergame(scenario.graph_model, scenario.perceptions)
    p2 = scenario.graph_model.party_index("p2")
    for concept in result.concepts:
        assert (result.stable[concept][p2] == result.real.stable[concept][p2]).all()


@pytest.mark.parametrize(
    ("perceptions", "message", "location"),
    [
        ("    p9:\n      p2: [f2]\n", "'p9' is not a party", "graph_model.perceptions.p9"),
        ("    p1:\n      p9: [f2]\n", "'p9' is not a party", "graph_model.perceptions.p1.p9"),
        (
            "    p1:\n      p1: [f2]\n",
            "cannot misperceive its own",
            "graph_model.perceptions.p1.p1",
        ),
        ("    p1:\n      p2: {ranking: [NN, NY]}\n", "misses 2", "graph_model.perceptions.p1.p2"),
        ("    p1:\n      p2: ['f2 and']\n", "position", "graph_model.perceptions.p1.p2[0]"),
    ],
)
def test_bad_perceptions(perceptions: str, message: str, location: str) -> None:
    text = CHICKEN.split("  perceptions:\n")[0] + "  perceptions:\n" + perceptions
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text)
    (problem,) = caught.value.problems
    assert message in problem.message
    assert problem.location.startswith(location)
    assert problem.line is not None


def test_analyze_command_shows_what_each_party_expected(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from detente.cli.main import app

    file = tmp_path / "chicken.yaml"
    file.write_text(CHICKEN)
    result = CliRunner().invoke(app, ["analyze", str(file)])
    assert result.exit_code == 0
    assert "the equilibria each party expected" in result.stdout
    nash_row = [line for line in result.stdout.splitlines() if "NASH" in line][-1]
    assert nash_row.count("YN") == 4  # real, as p1 sees it, as p2 sees it, hypergame
