"""Tournaments: planning, seeds, metrics, confidence intervals, storage, resume, executors.

The metric tests play negotiations whose course can be followed by hand (a hard-liner against a
Conceder on a one-issue pie, worked out in the comments); determinism is checked by comparing
whole result tables across executors, chunk sizes and interrupted-then-resumed runs.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente.bargaining import BargainingProblem
from detente.errors import DetenteError, ScenarioError
from detente.simulation import tournament
from detente.simulation.tournament import (
    TournamentError,
    agreement_distances,
    batch_engine,
    confidence_interval,
    dask_executor,
    negotiation_seed,
    plan_negotiations,
    result_columns,
    run_tournament,
    student_t_quantile,
    summarize,
)
from detente.simulation.tournament_config import (
    ProblemScenario,
    TournamentConfig,
    TournamentConfigError,
    load_tournament_config,
    resolve_tournament,
    tournament_config_from_data,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
HOLIDAY = FIXTURES / "genius" / "holiday"
SHARES = [round(x / 10, 1) for x in range(11)]


def pie(deadline: int = 10, discount: float = 1.0, reservation: float = 0.0) -> BargainingProblem:
    """Party a's share of a unit pie in tenths; b gets the rest."""
    return BargainingProblem.linear(
        ["a", "b"],
        [("share_of_a", [str(x) for x in SHARES])],
        weights=[[1.0], [1.0]],
        scores=[[SHARES], [[1 - x for x in SHARES]]],
        reservation=[reservation, reservation],
        discount=[discount, discount],
        deadline=deadline,
    )


def three_way() -> BargainingProblem:
    values = ["0", "1", "2"]
    return BargainingProblem.linear(
        ["x", "y", "z"],
        [("i", values), ("j", values)],
        weights=[[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]],
        scores=[
            [[0, 0.5, 1], [1, 0.5, 0]],
            [[1, 0.5, 0], [0, 0.5, 1]],
            [[0.5, 1, 0], [0.5, 1, 0]],
        ],
        reservation=[0.1, 0.1, 0.1],
        deadline=8,
    )


def config(**fields: Any) -> TournamentConfig:
    data: dict[str, Any] = {
        "scenarios": [ProblemScenario(problem=pie(), id="pie")],
        "strategies": ["hardliner", "conceder"],
    }
    data.update(fields)
    return TournamentConfig.model_validate(data)


PIE_YAML = """\
format: detente/1
title: Split the pie
parties:
  - {id: a, name: A}
  - {id: b, name: B}
bargaining:
  issues:
    - id: share
      range: {min: 0, max: 10, step: 1}
  preferences:
    a:
      weights: {share: 1.0}
      scores: {share: {0: 0.0, 10: 1.0}}
      reservation: 0.1
      discount: 0.95
    b:
      weights: {share: 1.0}
      scores: {share: {0: 1.0, 10: 0.0}}
      reservation: 0.2
  deadline: 12
"""


def write_config(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pie.yaml").write_text(PIE_YAML, encoding="utf-8")
    path = directory / "tournament.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def same_rows(first: Sequence[Mapping[str, Any]], second: Sequence[Mapping[str, Any]]) -> bool:
    """Row tables equal value by value, NaN equal to NaN."""

    def same(a: Any, b: Any) -> bool:
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return bool(a == b) and type(a) is type(b)

    return len(first) == len(second) and all(
        list(x) == list(y) and all(same(x[k], y[k]) for k in x)
        for x, y in zip(first, second, strict=True)
    )


def mixed() -> TournamentConfig:
    """Four strategies (one random) on two scenarios, three repetitions: 2 x 16 x 3 rows."""
    return config(
        scenarios=[
            ProblemScenario(problem=pie(), id="pie"),
            ProblemScenario(problem=pie(12, discount=0.9, reservation=0.2), id="tight"),
        ],
        strategies=[
            "boulware",
            "conceder",
            {"name": "random", "p_accept": 0.3},
            "walk_away_aware",
        ],
        repetitions=3,
        seed=11,
    )


# --- Metrics on negotiations followed by hand -----------------------------------------------


def by_strategies(rows: Sequence[Mapping[str, Any]], first: str, second: str) -> dict[str, Any]:
    found = [r for r in rows if (r["strategy_0"], r["strategy_1"]) == (first, second)]
    assert len(found) == 1
    return dict(found[0])


def test_hardliner_against_conceder_on_a_pie() -> None:
    rows = run_tournament(config()).rows
    # a = hard-liner proposes in even rounds, always the whole pie (a gets 1.0) and accepts only
    # that. The Conceder (e = 5, floor 0) accepts an offer at least as good as its own next
    # offer; in round 8 its next offer is at relative time 9/9 = 1, worth 0 to it, so it
    # accepts the hard-liner's 1.0 / 0.0 split: agreement in round 8, nine rounds played.
    row = by_strategies(rows, "hardliner", "conceder")
    assert row["agreement"] is True
    assert row["end"] == "agreement"
    assert (row["round"], row["rounds_played"]) == (8, 9)
    assert (row["utility_0"], row["utility_1"]) == (1.0, 0.0)
    assert row["outcome"] == 10
    assert json.loads(row["outcome_values"]) == {"share_of_a": "1.0"}
    assert row["welfare"] == 1.0
    # (1, 0) is Pareto-optimal; the Nash outcome of the pie with d = 0 is (0.5, 0.5).
    assert row["distance_pareto"] == 0.0
    assert row["distance_nash"] == pytest.approx(math.sqrt(0.5), abs=1e-12)
    # Roles swapped: b = hard-liner proposes in odd rounds; the Conceder gives in when
    # answering in the last round (9), where its next offer would be at time 1.
    swapped = by_strategies(rows, "conceder", "hardliner")
    assert (swapped["round"], swapped["rounds_played"]) == (9, 10)
    assert (swapped["utility_0"], swapped["utility_1"]) == (0.0, 1.0)
    # Two hard-liners never agree: the deadline passes, both keep their reservation value.
    stuck = by_strategies(rows, "hardliner", "hardliner")
    assert stuck["agreement"] is False and stuck["end"] == "deadline"
    assert (stuck["round"], stuck["rounds_played"]) == (10, 10)
    assert stuck["outcome"] is None and stuck["outcome_values"] is None
    assert math.isnan(stuck["distance_pareto"]) and math.isnan(stuck["distance_nash"])
    assert stuck["welfare"] == 0.0


def test_discounted_final_utilities_and_undiscounted_distances() -> None:
    problem = pie(discount=0.9)
    rows = run_tournament(config(scenarios=[ProblemScenario(problem=problem, id="pie")])).rows
    row = by_strategies(rows, "hardliner", "conceder")
    # Same course as without discounting (the floor is 0): agreement on (1, 0) in round 8.
    assert row["round"] == 8
    assert row["utility_0"] == pytest.approx(0.9**8)
    assert row["welfare"] == pytest.approx(0.9**8)
    assert row["distance_pareto"] == 0.0  # measured on (1, 0), not on the discounted vector


def test_walk_away_is_recorded_with_the_party() -> None:
    # Reservation 0.6 for both: no split of the pie gives both 0.6, so the zone is empty and
    # the Nash-seeking strategy walks away at once, in round 0, as the first proposer.
    problem = pie(reservation=0.6)
    setup = config(
        scenarios=[ProblemScenario(problem=problem, id="pie")], strategies=["nash_seeking"]
    )
    (row,) = run_tournament(setup).rows
    assert (row["end"], row["walked_by"], row["round"], row["rounds_played"]) == (
        "walk_away",
        "a",
        0,
        1,
    )
    assert (row["utility_0"], row["utility_1"], row["welfare"]) == (0.6, 0.6, 1.2)


def test_agreement_distances_by_hand() -> None:
    frontier = np.array([[1.0, 0.0], [0.6, 0.6], [0.0, 1.0]])
    to_frontier, to_nash = agreement_distances(np.array([0.3, 0.2]), frontier, frontier[1])
    assert to_frontier == pytest.approx(math.hypot(0.3, 0.4))
    assert to_nash == pytest.approx(math.hypot(0.3, 0.4))
    _, missing = agreement_distances(np.array([1.0, 0.0]), frontier, None)
    assert math.isnan(missing)


def test_every_row_matches_a_direct_simulation() -> None:
    from detente.simulation import make_strategy, simulate

    setup = resolve_tournament(mixed())
    problems = {s.id: s for s in setup.scenarios}
    result = run_tournament(setup)
    for row in result.rows[::7]:
        scenario = problems[row["scenario"]]
        specs = {s.label: s for s in setup.strategies}
        strategies = [specs[row["strategy_0"]].build(), specs[row["strategy_1"]].build()]
        trace = simulate(scenario.problem, strategies, seed=row["seed"], deadline=scenario.deadline)
        assert trace.ending.utilities == (row["utility_0"], row["utility_1"])
        assert trace.ending.round == row["round"]
        assert trace.end.value == row["end"]
    assert make_strategy("random", p_accept=0.3).name == "random"  # labels, not names, identify


# --- Planning and seeds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_swaps", "self_play", "per_scenario"),
    [(True, True, 9), (True, False, 6), (False, True, 6), (False, False, 3)],
)
def test_plan_sizes(role_swaps: bool, self_play: bool, per_scenario: int) -> None:
    # Three strategies, two roles: ordered pairs with repeats 9, without 6; unordered 6 or 3.
    setup = resolve_tournament(
        config(
            strategies=["hardliner", "conceder", "boulware"],
            role_swaps=role_swaps,
            self_play=self_play,
            repetitions=2,
        )
    )
    plan = plan_negotiations(setup)
    assert len(plan) == per_scenario * 2
    assert len({n.key for n in plan}) == len(plan)


def test_three_party_plan_and_columns() -> None:
    setup = config(
        scenarios=[
            ProblemScenario(problem=pie(), id="pie"),
            ProblemScenario(problem=three_way(), id="three"),
        ],
        strategies=["hardliner", "conceder"],
    )
    result = run_tournament(setup)
    # pie: 2^2 ordered assignments; three parties: 2^3.
    assert len(result.rows) == 4 + 8
    assert result.columns == result_columns(3)
    two = next(r for r in result.rows if r["scenario"] == "pie")
    assert two["party_2"] is None and two["strategy_2"] is None and math.isnan(two["utility_2"])
    three = [r for r in result.rows if r["scenario"] == "three"]
    assert {r["party_2"] for r in three} == {"z"}
    assert sum(r["welfare"] for r in three) == pytest.approx(
        sum(r["utility_0"] + r["utility_1"] + r["utility_2"] for r in three)
    )


def test_seeds_do_not_depend_on_config_order() -> None:
    forward = plan_negotiations(resolve_tournament(mixed()))
    data = mixed().model_dump()
    backward = config(
        scenarios=list(reversed(mixed().scenarios)),
        strategies=list(reversed(data["strategies"])),
        repetitions=3,
        seed=11,
    )
    reordered = {n.key: n.seed for n in plan_negotiations(resolve_tournament(backward))}
    assert reordered == {n.key: n.seed for n in forward}


def test_seeds_differ_by_repetition_role_scenario_and_tournament_seed() -> None:
    base = negotiation_seed(3, "pie", ["a", "b"], 0)
    others = {
        negotiation_seed(3, "pie", ["a", "b"], 1),
        negotiation_seed(3, "pie", ["b", "a"], 0),
        negotiation_seed(3, "cake", ["a", "b"], 0),
        negotiation_seed(4, "pie", ["a", "b"], 0),
        negotiation_seed(3, "pie", ["a", "c"], 0),
    }
    assert base not in others and len(others) == 5
    assert base == negotiation_seed(3, "pie", ("a", "b"), 0)
    assert 0 <= base < 2**63


# --- Determinism across executors and chunking ----------------------------------------------


def test_chunk_size_does_not_change_results() -> None:
    one = run_tournament(mixed(), chunk_size=1)
    many = run_tournament(mixed(), chunk_size=100)
    assert len(one.rows) == 2 * 16 * 3
    assert same_rows(one.rows, many.rows)
    assert one.summary == many.summary


def test_the_vectorised_engine_gives_the_same_rows() -> None:
    pytest.importorskip("detente.simulation.batch")
    plain = run_tournament(mixed())
    batched = run_tournament(mixed(), engine=batch_engine, chunk_size=1000)
    assert same_rows(plain.rows, batched.rows)


def test_random_strategy_results_depend_on_the_seed() -> None:
    first = run_tournament(mixed())
    other = run_tournament(mixed().model_copy(update={"seed": 12}))
    assert not same_rows(first.rows, other.rows)


def test_two_processes_give_the_same_results() -> None:
    alone = run_tournament(mixed())
    with ProcessPoolExecutor(max_workers=2) as executor:
        pooled = run_tournament(mixed(), executor=executor, chunk_size=5)
    assert same_rows(alone.rows, pooled.rows)
    assert alone.summary == pooled.summary


def test_a_local_dask_cluster_gives_the_same_results() -> None:
    pytest.importorskip("dask.distributed")
    alone = run_tournament(mixed())
    with dask_executor(
        None, n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as executor:
        remote = run_tournament(mixed(), executor=executor, chunk_size=5)
    assert same_rows(alone.rows, remote.rows)


def test_dask_executor_without_dask(monkeypatch: pytest.MonkeyPatch) -> None:
    real = tournament.importlib.import_module

    def missing(name: str, package: str | None = None) -> Any:
        if name.startswith("dask"):
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(tournament.importlib, "import_module", missing)
    with pytest.raises(TournamentError, match=r"pip install 'dask\[distributed\]'"):
        dask_executor("tcp://127.0.0.1:1")


# --- Storage, interruption and resume -------------------------------------------------------


class StopRequestedError(Exception):
    pass


def stop_after(chunks: int) -> Any:
    calls = iter(range(chunks + 2))

    def progress(done: int, total: int) -> None:
        if next(calls) > chunks:  # the first call reports the starting point
            raise StopRequestedError(f"stopped at {done}/{total}")

    return progress


def interrupted_then_resumed(output: Path, storage: str) -> tuple[Any, Any, Any]:
    fresh = run_tournament(mixed())
    with pytest.raises(StopRequestedError):
        run_tournament(
            mixed(), output=output, storage=storage, chunk_size=5, progress=stop_after(3)
        )  # type: ignore[arg-type]
    seen: list[tuple[int, int]] = []
    resumed = run_tournament(
        mixed(), output=output, resume=True, chunk_size=5, progress=lambda d, t: seen.append((d, t))
    )
    return fresh, resumed, seen


def test_interrupted_csv_tournament_keeps_its_rows_and_resumes(tmp_path: Path) -> None:
    fresh, resumed, seen = interrupted_then_resumed(tmp_path / "out", "csv")
    # Four chunks of five were stored before the interruption (the fourth's report raised).
    assert resumed.resumed == 20
    assert resumed.played == len(fresh.rows) - 20
    assert seen[0] == (20, len(fresh.rows)) and seen[-1] == (len(fresh.rows), len(fresh.rows))
    assert same_rows(fresh.rows, resumed.rows)
    assert resumed.summary == fresh.summary
    stored = (tmp_path / "out" / "negotiations.csv").read_text(encoding="utf-8").splitlines()
    assert stored[0].split(",") == list(fresh.columns)
    assert len(stored) == 1 + len(fresh.rows)
    assert (tmp_path / "out" / "summary.csv").is_file()


def test_resume_drops_a_line_cut_short(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(StopRequestedError):
        run_tournament(mixed(), output=out, storage="csv", chunk_size=5, progress=stop_after(1))
    path = out / "negotiations.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write('"[""pie"", [""boul')  # an interruption in the middle of a line
    resumed = run_tournament(mixed(), output=out, resume=True)
    assert resumed.resumed == 10
    assert same_rows(resumed.rows, run_tournament(mixed()).rows)
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1 + len(resumed.rows)


def test_interrupted_parquet_tournament_resumes(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    fresh, resumed, _ = interrupted_then_resumed(tmp_path / "out", "parquet")
    assert resumed.resumed == 20
    assert same_rows(fresh.rows, resumed.rows)
    table = parquet.read_table(tmp_path / "out" / "negotiations")
    assert table.column_names == list(fresh.columns)
    assert sorted(table.column("key").to_pylist()) == sorted(r["key"] for r in fresh.rows)


def test_parquet_and_csv_hold_the_same_table(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    parquet = run_tournament(mixed(), output=tmp_path / "p", storage="parquet")
    csv = run_tournament(mixed(), output=tmp_path / "c", storage="csv")
    assert parquet.results_path == tmp_path / "p" / "negotiations"
    assert csv.results_path == tmp_path / "c" / "negotiations.csv"
    # Read both back through resume (nothing left to play) and compare with memory.
    again_p = run_tournament(mixed(), output=tmp_path / "p", resume=True)
    again_c = run_tournament(mixed(), output=tmp_path / "c", resume=True)
    assert again_p.played == again_c.played == 0
    assert same_rows(again_p.rows, parquet.rows)
    assert same_rows(again_c.rows, csv.rows)
    assert same_rows(again_p.rows, again_c.rows)


def test_csv_is_the_fallback_without_pyarrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tournament, "_arrow", lambda: None)
    result = run_tournament(mixed(), output=tmp_path / "out")
    assert result.results_path == tmp_path / "out" / "negotiations.csv"
    manifest = json.loads((tmp_path / "out" / "tournament.json").read_text(encoding="utf-8"))
    assert manifest["storage"] == "csv" and manifest["columns"] == list(result.columns)
    with pytest.raises(TournamentError, match="pyarrow"):
        run_tournament(mixed(), storage="parquet")


def test_output_of_another_run_is_not_overwritten(tmp_path: Path) -> None:
    run_tournament(mixed(), output=tmp_path / "out", storage="csv")
    with pytest.raises(TournamentError, match="already holds tournament results"):
        run_tournament(mixed(), output=tmp_path / "out")
    with pytest.raises(TournamentError, match="different tournament"):
        run_tournament(
            mixed().model_copy(update={"seed": 99}), output=tmp_path / "out", resume=True
        )
    with pytest.raises(TournamentError, match="output directory"):
        run_tournament(mixed(), resume=True)


def test_interruption_with_a_process_pool_keeps_rows(tmp_path: Path) -> None:
    with ProcessPoolExecutor(max_workers=2) as executor, pytest.raises(StopRequestedError):
        run_tournament(
            mixed(),
            executor=executor,
            output=tmp_path / "out",
            storage="csv",
            chunk_size=4,
            progress=stop_after(2),
        )
    with ProcessPoolExecutor(max_workers=2) as executor:
        resumed = run_tournament(mixed(), executor=executor, output=tmp_path / "out", resume=True)
    assert resumed.resumed == 12
    assert same_rows(resumed.rows, run_tournament(mixed()).rows)


# --- Confidence intervals and the summary ---------------------------------------------------


@pytest.mark.parametrize("p", [0.6, 0.9, 0.975, 0.995])
def test_t_quantiles_with_closed_forms(p: float) -> None:
    # df = 1 (Cauchy): tan(pi (p - 1/2)); df = 2: (2p - 1) / sqrt(2 p (1 - p)).
    assert student_t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-9)
    assert student_t_quantile(p, 2) == pytest.approx(
        (2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-9
    )
    # Many degrees of freedom: the normal quantile.
    normal = statistics.NormalDist().inv_cdf(p)
    assert student_t_quantile(p, 10**7) == pytest.approx(normal, rel=1e-6)
    assert student_t_quantile(1 - p, 5) == -student_t_quantile(p, 5)


def test_t_quantiles_against_scipy() -> None:
    scipy_stats = pytest.importorskip("scipy.stats")
    for df in (1, 2, 3, 4.5, 9, 29, 100, 1000):
        for p in (0.55, 0.9, 0.975, 0.999):
            expected = float(scipy_stats.t.ppf(p, df))
            assert student_t_quantile(p, df) == pytest.approx(expected, rel=1e-9)


def test_t_interval_by_hand() -> None:
    # Values 1..4: mean 2.5, sample sd sqrt(5/3); the interval is mean +- q * sd / 2.
    estimate = confidence_interval([1.0, 2.0, 3.0, 4.0])
    half = student_t_quantile(0.975, 3) * math.sqrt(5 / 3) / 2
    assert (estimate.mean, estimate.n) == (2.5, 4)
    assert estimate.low == pytest.approx(2.5 - half) and estimate.high == pytest.approx(2.5 + half)
    assert 3.18 < student_t_quantile(0.975, 3) < 3.19  # the printed tables' 3.182
    constant = confidence_interval([0.5] * 6)
    assert (constant.low, constant.high) == (0.5, 0.5)
    single = confidence_interval([0.7])
    assert single.mean == 0.7 and math.isnan(single.low) and math.isnan(single.high)
    assert confidence_interval([]).n == 0


@pytest.mark.parametrize(("method", "n"), [("t", 5), ("bootstrap", 40)])
def test_intervals_cover_the_mean_about_95_percent_of_the_time(method: Any, n: int) -> None:
    rng = np.random.default_rng(2024)
    trials = 1000 if method == "t" else 300
    covered = 0
    for _ in range(trials):
        sample = rng.normal(3.0, 2.0, size=n)
        estimate = confidence_interval(sample, method=method, resamples=500, rng=rng)
        covered += estimate.low <= 3.0 <= estimate.high
    assert 0.92 <= covered / trials <= 0.975


def test_bootstrap_is_reproducible_with_its_seed() -> None:
    values = np.random.default_rng(1).random(30)
    first = confidence_interval(values, method="bootstrap", rng=np.random.default_rng(5))
    again = confidence_interval(values, method="bootstrap", rng=np.random.default_rng(5))
    other = confidence_interval(values, method="bootstrap", rng=np.random.default_rng(6))
    assert first == again and first != other
    assert first.low < first.mean < first.high
    with pytest.raises(DetenteError, match="unknown interval method"):
        confidence_interval(values, method="jackknife")  # type: ignore[arg-type]


def test_summary_counts_every_role_a_strategy_held() -> None:
    rows = [
        {"strategy_0": "s", "utility_0": 1.0, "strategy_1": "t", "utility_1": 0.0,
         "agreement": True, "rounds_played": 3},
        {"strategy_0": "t", "utility_0": 0.2, "strategy_1": "s", "utility_1": 0.4,
         "agreement": False, "rounds_played": 10},
        {"strategy_0": "s", "utility_0": 0.5, "strategy_1": "s", "utility_1": 0.5,
         "agreement": True, "rounds_played": 5},
        {"strategy_0": "t", "utility_0": 0.3, "strategy_1": None, "utility_1": math.nan,
         "agreement": False, "rounds_played": 4},
    ]  # fmt: skip
    s, t = summarize(rows, strategies=["s", "t"])
    assert s.observations == 4 and t.observations == 3
    assert s.utility.mean == pytest.approx((1.0 + 0.4 + 0.5 + 0.5) / 4)
    assert s.agreement.mean == pytest.approx(3 / 4)
    assert s.rounds.mean == pytest.approx((3 + 10 + 5 + 5) / 4)
    assert t.utility.mean == pytest.approx(0.5 / 3)
    assert t.agreement.mean == pytest.approx(1 / 3)
    assert s.as_row()["utility_low"] == s.utility.low


def test_summary_of_a_tournament_and_its_file(tmp_path: Path) -> None:
    result = run_tournament(config(), output=tmp_path / "out", storage="csv")
    hard, conceder = result.summary
    assert (hard.strategy, conceder.strategy) == ("hardliner", "conceder")
    # Hard-liner: 1.0 twice against the Conceder, 0 twice against itself (no deal).
    assert hard.utility.mean == pytest.approx(0.5)
    assert hard.agreement.mean == pytest.approx(0.5)
    text = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert text[0].startswith("strategy,n,utility_mean,utility_low,utility_high")
    assert text[1].startswith("hardliner,4,0.5,")


# --- Configuration files and bad input ------------------------------------------------------

EXAMPLE = """\
format: detente/tournament/1
title: Example
scenarios:
  - pie.yaml
  - {path: pie.yaml, id: pie_short, deadline: 6}
  - genius:
      domain: HOLIDAY/holiday_domain.xml
      profiles: [HOLIDAY/alice.xml, HOLIDAY/bob.xml]
    id: holiday
  - id: inline
    scenario:
      format: detente/1
      title: Inline pie
      parties: [{id: p, name: P}, {id: q, name: Q}]
      bargaining:
        issues: [{id: x, values: [lo, hi]}]
        preferences:
          p: {weights: {x: 1}, scores: {x: {lo: 0, hi: 1}}, reservation: 0}
          q: {weights: {x: 1}, scores: {x: {lo: 1, hi: 0}}, reservation: 0}
strategies:
  - conceder
  - {name: boulware, e: 0.1}
  - {name: random, p_accept: 0.2, label: picky}
repetitions: 2
deadline: 20
seed: 5
"""


def test_example_config_loads_and_runs(tmp_path: Path) -> None:
    path = write_config(tmp_path / "cfg", EXAMPLE.replace("HOLIDAY", str(HOLIDAY)))
    setup = resolve_tournament(load_tournament_config(path))
    assert [s.id for s in setup.scenarios] == ["pie", "pie_short", "holiday", "inline"]
    assert [s.deadline for s in setup.scenarios] == [20, 6, 20, 20]
    assert [s.label for s in setup.strategies] == ["conceder", "boulware(e=0.1)", "picky"]
    result = run_tournament(path)
    assert len(result.rows) == 4 * 9 * 2
    assert {r["scenario"] for r in result.rows} == {"pie", "pie_short", "holiday", "inline"}


def test_relative_paths_are_resolved_from_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "pie.yaml").write_text(PIE_YAML, encoding="utf-8")
    nested = tmp_path / "configs" / "deep"
    nested.mkdir(parents=True)
    path = nested / "t.yaml"
    path.write_text(
        "format: detente/tournament/1\nscenarios: [../../pie.yaml]\nstrategies: [linear]\n",
        encoding="utf-8",
    )
    (scenario,) = resolve_tournament(load_tournament_config(path)).scenarios
    assert scenario.id == "pie" and scenario.deadline == 12


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = write_config(tmp_path, text)
    with pytest.raises(TournamentConfigError) as caught:
        resolve_tournament(load_tournament_config(path))
    assert isinstance(caught.value, ScenarioError) and caught.value.source == str(path)
    return [str(p) for p in caught.value.problems]


HEAD = "format: detente/tournament/1\n"


def test_bad_strategies_are_reported_with_their_place(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        HEAD + "scenarios: [pie.yaml]\n"
        "strategies:\n"
        "  - boulwar\n"
        "  - {name: conceder, e: 0.5}\n"
        "  - {name: linear, speed: 2}\n"
        "  - hardliner\n"
        "  - hardliner\n",
    )
    assert len(found) == 4
    assert found[0].startswith("line 4, strategies[0]: unknown strategy 'boulwar'")
    assert "did you mean boulware" in found[0]
    assert found[1].startswith("line 5, strategies[1]: conceder: e must be above 1")
    assert found[2].startswith("line 6, strategies[2]: linear takes no parameters; got speed")
    assert found[3].startswith("line 8, strategies[4]: strategy 'hardliner' is listed twice")


def test_missing_scenarios_and_files_are_reported(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        HEAD + "scenarios:\n"
        "  - nowhere/pie.yaml\n"
        "  - elmra\n"
        "  - chicken\n"
        "  - {genius: {domain: missing.xml, profiles: [a.xml, b.xml]}, deadline: 5}\n"
        "  - pie.yaml\n"
        "  - {path: pie.yaml}\n"
        "strategies: [linear]\n",
    )
    assert len(found) == 5
    assert found[0].startswith("line 3, scenarios[0]: scenario file ")
    assert "nowhere/pie.yaml' does not exist" in found[0] and "paths are relative to" in found[0]
    assert found[1].startswith("line 4, scenarios[1]: no catalogue entry 'elmra'")
    assert "did you mean 'elmira'" in found[1]
    assert found[2].startswith("line 5, scenarios[2]: scenario 'chicken'")
    assert "has no bargaining section" in found[2]
    assert found[3].startswith("line 6, scenarios[3]: Genius file ")
    assert found[4].startswith("line 8, scenarios[5]: scenario id 'pie' is used twice")


def test_a_scenario_without_a_deadline_needs_one_from_the_config(tmp_path: Path) -> None:
    inline = "  - id: open\n    scenario:\n" + "".join(
        "      " + line + "\n" for line in PIE_YAML.replace("  deadline: 12\n", "").splitlines()
    )
    text = HEAD + "scenarios:\n" + inline + "strategies: [linear]\n"
    found = problems_of(tmp_path, text)
    assert found == [
        "line 3, scenarios[0]: no deadline for scenario 'open': it sets none (add `deadline: "
        "ROUNDS` to the config (or to this scenario's entry))"
    ]
    (tmp_path / "ok.yaml").write_text(text + "deadline: 7\n", encoding="utf-8")
    (scenario,) = resolve_tournament(load_tournament_config(tmp_path / "ok.yaml")).scenarios
    assert scenario.deadline == 7


def test_errors_inside_a_scenario_name_the_config_entry(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        PIE_YAML.replace("weights: {share: 1.0}", "weights: {share: 2.0}", 1), encoding="utf-8"
    )
    found = problems_of(tmp_path, HEAD + "scenarios: [broken.yaml]\nstrategies: [linear]\n")
    assert found and all(p.startswith("line 2, scenarios[0]: ") for p in found)
    assert "broken.yaml" in found[0]


def test_schema_problems_have_locations_and_lines(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        HEAD + "scenarios:\n"
        "  - {path: pie.yaml, deadline: 0}\n"
        "  - {what: pie.yaml}\n"
        "strategies: [linear]\n"
        "repetitions: '3'\n"
        "role_swap: true\n",
    )
    joined = "\n".join(found)
    assert "line 3, scenarios[0].deadline: Input should be greater than or equal to 1" in joined
    assert "line 4, scenarios[1]: a scenario is a file path, a catalogue id" in joined
    assert "line 6, repetitions: Input should be a valid integer" in joined
    assert "line 7, role_swap: unknown field" in joined


def test_format_and_file_errors(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "scenarios: [pie.yaml]\n")[0].startswith(
        "line 1, format: expected format 'detente/tournament/1', found None"
    )
    with pytest.raises(TournamentConfigError, match="cannot read tournament config"):
        load_tournament_config(tmp_path / "absent.yaml")
    assert "invalid YAML" in problems_of(tmp_path, HEAD + "scenarios: [pie.yaml\n")[0]
    with pytest.raises(TournamentConfigError, match="mapping of fields"):
        tournament_config_from_data(["not", "a", "mapping"])


def test_too_few_strategies_without_self_play() -> None:
    with pytest.raises(TournamentConfigError, match="cannot fill the 2 roles"):
        resolve_tournament(config(strategies=["linear"], self_play=False))


def test_a_failing_negotiation_names_itself() -> None:
    setup = config(
        scenarios=[ProblemScenario(problem=three_way(), id="three")], strategies=["rubinstein"]
    )
    with pytest.raises(TournamentError, match=r'negotiation \["three".*two-party'):
        run_tournament(setup)


def test_bad_run_arguments() -> None:
    with pytest.raises(TournamentError, match="chunk_size"):
        run_tournament(config(), chunk_size=0)
    with pytest.raises(TournamentError, match="storage"):
        run_tournament(config(), storage="excel")  # type: ignore[arg-type]


# --- Speed ----------------------------------------------------------------------------------


def five_by_five() -> Iterator[ProblemScenario]:
    for k, deadline in enumerate((10, 20, 30, 40, 50)):
        yield ProblemScenario(problem=pie(deadline, discount=1 - 0.01 * k), id=f"pie{k}")


@pytest.mark.slow
def test_five_strategies_five_scenarios_ten_repetitions_in_seconds() -> None:
    setup = config(
        scenarios=list(five_by_five()),
        strategies=["boulware", "conceder", "linear", "hardliner", "walk_away_aware"],
        repetitions=10,
    )
    started = time.perf_counter()
    result = run_tournament(setup)
    elapsed = time.perf_counter() - started
    assert len(result.rows) == 5 * 25 * 10
    assert elapsed < 20.0, f"{len(result.rows)} negotiations took {elapsed:.1f} s"


def test_agreement_rates_have_intervals_inside_zero_and_one() -> None:
    rows = [
        {"strategy_0": "s", "utility_0": 0.5, "strategy_1": "t", "utility_1": 0.5,
         "agreement": k == 0, "rounds_played": 3}
        for k in range(12)
    ]  # fmt: skip
    s, _ = summarize(rows, strategies=["s", "t"])
    assert s.agreement.mean == pytest.approx(1 / 12)
    # Wilson's interval for 1 of 12 (Wilson 1927), where a t interval would go below 0.
    z = 1.959963984540054
    centre = (1 / 12 + z * z / 24) / (1 + z * z / 12)
    half = z / (1 + z * z / 12) * math.sqrt((1 / 12) * (11 / 12) / 12 + z * z / (4 * 144))
    assert (s.agreement.low, s.agreement.high) == pytest.approx((centre - half, centre + half))
    assert 0.0 < s.agreement.low < s.agreement.mean < s.agreement.high < 1.0
