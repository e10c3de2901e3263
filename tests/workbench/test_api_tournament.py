"""Tournament runs: every pairing of the chosen strategies on the scenario, with progress."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

import pytest

from .api_support import TestClient, create, ok, refused, start, wait_for

pytestmark = pytest.mark.usefixtures("no_server_errors")

STRATEGIES = ["boulware", "conceder", "hardliner"]


def test_a_tournament_plays_every_pairing_and_sums_them_up(client: TestClient) -> None:
    sid = create(client, library="singapore-2018")["id"]
    params = {"strategies": STRATEGIES, "repetitions": 2, "deadline": 12, "seed": 4}
    run = wait_for(client, start(client, sid, "tournament", params)["id"])
    assert run["status"] == "done", run
    result = run["result"]
    # 3 strategies in both roles, meeting themselves too: 9 ordered pairings, twice each.
    assert result["played"] == len(result["rows"]) == 18
    assert run["progress"] == {"done": 18, "total": 18}
    assert {(r["strategy_0"], r["strategy_1"]) for r in result["rows"]} == {
        (a, b) for a in STRATEGIES for b in STRATEGIES
    }
    # The per-pair table and the per-strategy means follow from the rows.
    by_pair: dict[tuple[str, str], list[dict]] = defaultdict(list)
    by_strategy: dict[str, list[float]] = defaultdict(list)
    for row in result["rows"]:
        by_pair[(row["strategy_0"], row["strategy_1"])].append(row)
        by_strategy[row["strategy_0"]].append(row["utility_0"])
        by_strategy[row["strategy_1"]].append(row["utility_1"])
    for pair in result["pairs"]:
        rows = by_pair[(pair["first"], pair["second"])]
        assert pair["negotiations"] == len(rows) == 2
        assert pair["agreement"] == pytest.approx(sum(r["agreement"] for r in rows) / 2)
        assert pair["utility_first"] == pytest.approx(sum(r["utility_0"] for r in rows) / 2)
    means = {s["strategy"]: s["utility_mean"] for s in result["strategies"]}
    for name, values in by_strategy.items():
        assert means[name] == pytest.approx(sum(values) / len(values))
    ranked = [s["utility_mean"] for s in result["strategies"]]
    assert ranked == sorted(ranked, reverse=True)
    assert result["strategies"][0]["strategy"] in result["summary"][1]
    # Same seed, same tournament.
    again = wait_for(client, start(client, sid, "tournament", params)["id"])
    assert again["result"]["rows"] == result["rows"]
    table = list(
        csv.DictReader(io.StringIO(client.get(f"/api/runs/{run['id']}/export?format=csv").text))
    )
    assert len(table) == 18 and {"strategy_0", "utility_1", "agreement"} <= set(table[0])


def test_tournaments_that_cannot_be_played_are_refused(client: TestClient) -> None:
    sid = create(client, library="singapore-2018")["id"]
    pd = create(client, library="prisoners-dilemma")["id"]
    before = ok(client.get("/api/runs"))["runs"]
    for scenario, params, words in [
        (sid, {"strategies": ["boulware", "nosuch"], "deadline": 5}, "nosuch"),
        (sid, {"strategies": ["boulware"], "deadline": 5}, "strategies"),
        (sid, {"strategies": ["boulware:e=0.1", "boulware:e=0.1"], "deadline": 5}, "once"),
        (sid, {"repetitions": 0, "deadline": 5}, "repetitions"),
        (pd, {"deadline": 5}, "bargaining"),
    ]:
        answer = client.post(
            f"/api/scenarios/{scenario}/runs", json={"kind": "tournament", "params": params}
        )
        assert answer.status_code in (404, 422), answer.text  # an unknown strategy: 404
        assert words in refused(answer, answer.status_code)["message"]
    assert ok(client.get("/api/runs"))["runs"] == before
