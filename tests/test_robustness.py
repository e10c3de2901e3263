"""Robustness under uncertain preferences: sampling, exact small cases, intervals, executors,
and bad uncertainty specs.

The oracle for the sampled probabilities is the forward engine run on every variant of the
scenario, each variant built by editing the scenario document and loading it again.
"""

from __future__ import annotations

import copy
import multiprocessing
import subprocess
import sys
import textwrap
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente import DetenteError, ScenarioError, load_scenario, load_scenario_data
from detente.bargaining import solve_bargaining
from detente.graph_model.hypergame import analyze_hypergame
from detente.graph_model.stability import CONCEPTS, analyze_stability
from detente.scenario.document import parse_text
from detente.whatif.robustness import (
    MeanEstimate,
    RobustnessResult,
    dask_executor,
    robustness,
    wilson_interval,
)
from detente.whatif.uncertainty import (
    UncertaintySpec,
    compile_uncertainty,
    load_uncertainty,
    parse_uncertainty,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_graph_model import random_document  # noqa: E402

PRISONERS: dict[str, Any] = {
    "format": "detente/1",
    "title": "Prisoner's Dilemma",
    "parties": [{"id": "p1"}, {"id": "p2"}],
    "graph_model": {
        "options": [{"id": "c1", "party": "p1"}, {"id": "c2", "party": "p2"}],
        "preferences": {"p1": ["c2", "not c1"], "p2": ["c1", "not c2"]},
    },
}

CHICKEN: dict[str, Any] = {
    "format": "detente/1",
    "title": "Chicken with a misjudged opponent",
    "parties": [{"id": "p1"}, {"id": "p2"}],
    "graph_model": {
        "options": [{"id": "f1", "party": "p1"}, {"id": "f2", "party": "p2"}],
        "preferences": {
            "p1": {"ranking": ["YN", "NN", "NY", "YY"]},
            "p2": {"ranking": ["NY", "NN", "YN", "YY"]},
        },
        "perceptions": {"p1": {"p2": {"ranking": ["NN", "NY", "YN", "YY"]}}},
    },
}


#: P1 believes P2 would never defect, so it discounts P2's sanction for SEQ.
TRUSTING = {
    **PRISONERS,
    "graph_model": {**PRISONERS["graph_model"], "perceptions": {"p1": {"p2": ["c2", "c1"]}}},
}


def split_problem(a_half: float = 0.5) -> dict[str, Any]:
    """Two parties split a prize three ways; a values the even split at ``a_half``."""
    return {
        "format": "detente/1",
        "title": "A split",
        "parties": [{"id": "a"}, {"id": "b"}],
        "bargaining": {
            "issues": [{"id": "split", "values": ["a_all", "half", "b_all"]}],
            "preferences": {
                "a": {
                    "weights": {"split": 1.0},
                    "scores": {"split": {"a_all": 1.0, "half": a_half, "b_all": 0.0}},
                    "reservation": 0.2,
                },
                "b": {
                    "weights": {"split": 1.0},
                    "scores": {"split": {"a_all": 0.0, "half": 0.5, "b_all": 1.0}},
                    "reservation": 0.3,
                    "discount": 0.9,
                },
            },
        },
    }


def hanoi() -> Any:
    data, _ = parse_text((EXAMPLES / "hanoi-2019.yaml").read_text(encoding="utf-8"), "hanoi")
    return data


HANOI_UNCERTAINTY: dict[str, Any] = {
    "graph_model": {
        "swappable": {"us": [[1, 2], [3, 4]], "dprk": [{"positions": [0, 1], "probability": 0.3}]}
    },
    "perceptions": {"dprk": {"probability": 0.7}, "us": 0.5},
    "bargaining": {
        "weights": {"us": {"denuclearization": [0.2, 0.4]}},
        "term_weights": {"us": {0: [0.3, 0.5]}},
        "scores": {"dprk": {"denuclearization": {"yongbyon": [0.5, 0.7]}}},
        "reservation": {
            "us": [0.45, 0.6],
            "dprk": {"values": [0.5, 0.55], "probabilities": [0.4, 0.6]},
        },
        "discount": {"dprk": [0.85, 0.95]},
    },
}


def swapped(document: dict[str, Any], party: str, first: int) -> dict[str, Any]:
    """The document with ``party``'s statements (or ranking entries) ``first``, ``first+1``
    exchanged."""
    edited = copy.deepcopy(document)
    prefs = edited["graph_model"]["preferences"]
    items = prefs[party]["ranking"] if isinstance(prefs[party], dict) else prefs[party]
    items[first], items[first + 1] = items[first + 1], items[first]
    return edited


def assert_two_scenarios(
    counts: np.ndarray, without: np.ndarray, with_: np.ndarray, samples: int
) -> int | None:
    """Counts from a mixture of two exactly known scenarios: states that are equilibria in
    both are counted in every sample, in neither in none, and in one of them in exactly the
    samples that drew it. Returns that number of samples (``None`` if no state tells)."""
    assert counts[without & with_].tolist() == [samples] * int((without & with_).sum())
    assert not counts[~without & ~with_].any()
    only_with = counts[~without & with_]
    only_without = counts[without & ~with_]
    drawn = set(only_with.tolist()) | {samples - c for c in only_without.tolist()}
    assert len(drawn) <= 1, f"inconsistent counts: {counts}"
    return drawn.pop() if drawn else None


# --- exact small cases -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "party", "first", "probability"),
    [
        (PRISONERS, "p1", 0, 0.5),
        (PRISONERS, "p2", 0, 0.2),
        (CHICKEN, "p1", 1, 0.5),
        (CHICKEN, "p2", 0, 0.9),
    ],
    ids=["pd-p1", "pd-p2-0.2", "chicken-ranking-p1", "chicken-ranking-p2-0.9"],
)
def test_one_swappable_pair_mixes_two_exact_scenarios(
    document: dict[str, Any], party: str, first: int, probability: float
) -> None:
    samples = 600
    doc = {**document, "graph_model": {**document["graph_model"], "perceptions": {}}}
    original = analyze_stability(load_scenario_data(doc).graph_model)  # type: ignore[arg-type]
    variant = analyze_stability(load_scenario_data(swapped(doc, party, first)).graph_model)  # type: ignore[arg-type]
    spec = {
        "graph_model": {
            "swappable": {party: [{"positions": [first, first + 1], "probability": probability}]}
        }
    }
    result = robustness(load_scenario_data(doc), spec, samples=samples, seed=11)
    graph = result.graph_model
    assert graph is not None
    differing = 0
    drawn = set()
    for k, concept in enumerate(CONCEPTS):
        without = original.equilibrium_mask(concept)
        with_ = variant.equilibrium_mask(concept)
        differing += int((without != with_).sum())
        drawn.add(assert_two_scenarios(graph.equilibrium_counts[k], without, with_, samples))
        # Per party too.
        for i in range(len(graph.model.parties)):
            drawn.add(
                assert_two_scenarios(
                    graph.stable_counts[k, i],
                    original.stable[concept][i],
                    variant.stable[concept][i],
                    samples,
                )
            )
        # The exact probability lies in the reported interval.
        exact = (1 - probability) * without + probability * with_
        for s, code in enumerate(graph.model.codes()):
            low, high = graph.equilibrium(concept, code).interval
            assert low - 1e-12 <= exact[s] <= high + 1e-12
    assert differing > 0, "the swap must change some verdict for the test to mean anything"
    drawn -= {None, 0, samples}
    (swapping,) = drawn
    assert isinstance(swapping, int)
    share = swapping / samples
    assert abs(share - probability) < 4 * np.sqrt(probability * (1 - probability) / samples)


def test_perception_probability_mixes_hypergame_with_real_game() -> None:
    samples = 500
    scenario = load_scenario_data(TRUSTING)
    model = scenario.graph_model
    assert model is not None
    believed = analyze_hypergame(model, scenario.perceptions)
    truth = analyze_hypergame(model, {})
    result = robustness(
        scenario, {"perceptions": {"p1": {"probability": 0.7}}}, samples=samples, seed=3
    )
    graph = result.graph_model
    assert graph is not None and graph.hypergame_counts is not None
    believers = set()
    for k, concept in enumerate(CONCEPTS):
        # Real-game verdicts do not depend on beliefs.
        real = analyze_stability(model).equilibrium_mask(concept)
        assert graph.equilibrium_counts[k].tolist() == (real * samples).tolist()
        believers.add(
            assert_two_scenarios(
                graph.hypergame_counts[k],
                truth.stable[concept].all(axis=0),
                believed.stable[concept].all(axis=0),
                samples,
            )
        )
    believers -= {None, 0, samples}
    (believing,) = believers
    assert isinstance(believing, int)
    assert abs(believing / samples - 0.7) < 4 * np.sqrt(0.21 / samples)


def test_a_discrete_reservation_value_gives_an_exact_mixture() -> None:
    samples = 400
    spec = {
        "bargaining": {"reservation": {"a": {"values": [0.2, 0.9], "probabilities": [0.25, 0.75]}}}
    }
    result = robustness(load_scenario_data(split_problem()), spec, samples=samples, seed=5)
    bargaining = result.bargaining
    assert bargaining is not None
    # Oracle: the two variants, solved directly.
    low_doc, high_doc = split_problem(), split_problem()
    high_doc["bargaining"]["preferences"]["a"]["reservation"] = 0.9
    low = solve_bargaining(load_scenario_data(low_doc).bargaining)  # type: ignore[arg-type]
    high = solve_bargaining(load_scenario_data(high_doc).bargaining)  # type: ignore[arg-type]
    assert not low.zone_empty and high.zone_empty
    deals = bargaining.zone_open.count
    assert abs(deals / samples - 0.25) < 4 * np.sqrt(0.25 * 0.75 / samples)
    for name, solution in low.solutions.items():
        dist = bargaining.solutions[name]
        assert dist.deals == deals
        assert [(o.outcome, o.share.count) for o in dist.outcomes] == [(solution.outcome, deals)]
        for estimate, exact in zip(dist.utilities, solution.utilities, strict=True):
            assert estimate.mean == pytest.approx(exact, abs=1e-12)
            assert estimate.high - estimate.low == pytest.approx(0.0, abs=1e-9)


def test_without_uncertainty_every_sample_is_the_scenario_itself() -> None:
    scenario = load_scenario(EXAMPLES / "hanoi-2019.yaml")
    result = robustness(scenario, UncertaintySpec(), samples=7, seed=0)
    graph, bargaining = result.graph_model, result.bargaining
    assert graph is not None and bargaining is not None and scenario.graph_model is not None
    forward = analyze_stability(scenario.graph_model)
    hyper = analyze_hypergame(scenario.graph_model, scenario.perceptions)
    for k, concept in enumerate(CONCEPTS):
        assert (
            graph.equilibrium_counts[k].tolist() == (forward.equilibrium_mask(concept) * 7).tolist()
        )
        assert graph.stable_counts[k].tolist() == (forward.stable[concept] * 7).tolist()
        assert graph.hypergame_counts is not None
        expected = hyper.stable[concept].all(axis=0) * 7
        assert graph.hypergame_counts[k].tolist() == expected.tolist()
    solved = solve_bargaining(scenario.bargaining)  # type: ignore[arg-type]
    assert bargaining.zone_open.count == (0 if solved.zone_empty else 7)


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_unswapped_plan_rebuilds_the_compiled_preferences(name: str) -> None:
    scenario = load_scenario(EXAMPLES / name)
    plan = compile_uncertainty(UncertaintySpec(), scenario)
    if plan.graph is not None:
        identity = tuple(tuple(range(p.size)) for p in plan.graph.preferences)
        rebuilt = plan.graph.sampled_model(identity)
        assert np.array_equal(rebuilt.payoff, plan.graph.model.payoff)
        assert rebuilt.status_quo == plan.graph.model.status_quo
    if plan.bargaining is not None:
        rebuilt_problem = plan.bargaining.sampled_problem(())
        assert np.array_equal(rebuilt_problem.utilities(), plan.bargaining.problem.utilities())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_conflicts_rebuild_and_swap_like_the_loader(seed: int) -> None:
    document = random_document(6, 2, seed)
    scenario = load_scenario_data(document)
    plan = compile_uncertainty(
        parse_uncertainty({"graph_model": {"swappable": {"p0": "all"}}}), scenario
    )
    assert plan.graph is not None
    first = plan.graph.preferences[0]
    assert [s for s, _ in first.swaps] == list(range(first.size - 1))
    # Swapping statements 2 and 3 of p0 in the plan matches editing the document.
    order = list(range(first.size))
    order[2], order[3] = 3, 2
    orders = (tuple(order), tuple(range(plan.graph.preferences[1].size)))
    edited = load_scenario_data(swapped(document, "p0", 2)).graph_model
    assert edited is not None
    assert np.array_equal(plan.graph.sampled_model(orders).payoff, edited.payoff)


def test_sampled_weights_are_renormalised() -> None:
    scenario = load_scenario(EXAMPLES / "hanoi-2019.yaml")
    plan = compile_uncertainty(parse_uncertainty(HANOI_UNCERTAINTY), scenario)
    assert plan.bargaining is not None
    rng = np.random.default_rng(0)
    for _ in range(20):
        sample = plan.sample(rng)
        problem = plan.bargaining.sampled_problem(sample.values)
        us, dprk = problem.terms
        assert sum(t.weight for t in us) == pytest.approx(1.0)
        assert [t.weight for t in dprk] == [t.weight for t in plan.bargaining.problem.terms[1]]
        assert 0.45 <= problem.reservation[0] <= 0.6
        assert problem.reservation[1] in (0.5, 0.55)
        assert 0.85 <= problem.discount[1] <= 0.95
        utilities = problem.utilities()
        assert utilities.min() >= 0.0 and utilities.max() <= 1.0 + 1e-12


# --- reproducibility across executors ----------------------------------------------------------


def hanoi_run(**kwargs: Any) -> RobustnessResult:
    scenario = load_scenario(EXAMPLES / "hanoi-2019.yaml")
    return robustness(scenario, HANOI_UNCERTAINTY, samples=300, seed=2019, **kwargs)


def assert_same(a: RobustnessResult, b: RobustnessResult) -> None:
    assert a.to_dict() == b.to_dict()
    assert a.graph_model is not None and b.graph_model is not None
    assert np.array_equal(a.graph_model.stable_counts, b.graph_model.stable_counts)


def test_same_seed_same_result_whatever_the_chunks() -> None:
    reference = hanoi_run()
    assert_same(reference, hanoi_run(chunk_size=1))
    assert_same(reference, hanoi_run(chunk_size=7))
    assert_same(reference, hanoi_run(chunk_size=10_000))
    other = robustness(
        load_scenario(EXAMPLES / "hanoi-2019.yaml"), HANOI_UNCERTAINTY, samples=300, seed=2020
    )
    assert other.to_dict() != reference.to_dict()


def test_same_result_in_process_and_on_two_processes() -> None:
    reference = hanoi_run()
    context = multiprocessing.get_context("spawn")
    calls: list[tuple[int, int]] = []
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        parallel = hanoi_run(
            executor=pool, chunk_size=40, progress=lambda d, t: calls.append((d, t))
        )
    assert_same(reference, parallel)
    assert len(calls) == 8 and calls[-1] == (300, 300)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_no_seed_records_one_that_reproduces_the_result() -> None:
    scenario = load_scenario_data(split_problem())
    spec = {"bargaining": {"reservation": {"a": [0.0, 1.0]}}}
    first = robustness(scenario, spec, samples=50, seed=None)
    again = robustness(scenario, spec, samples=50, seed=first.seed)
    assert first.to_dict() == again.to_dict()


@pytest.mark.slow
def test_same_result_on_a_local_dask_cluster() -> None:
    distributed = pytest.importorskip("dask.distributed")
    reference = hanoi_run()
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        executor = dask_executor(cluster.scheduler_address)
        try:
            on_dask = hanoi_run(executor=executor, chunk_size=40)
        finally:
            executor.shutdown()
            executor._client.close()  # type: ignore[attr-defined]
    assert_same(reference, on_dask)


def test_core_imports_and_runs_without_dask() -> None:
    program = textwrap.dedent(
        """
        import sys
        sys.modules["dask"] = None
        sys.modules["distributed"] = None
        import detente
        from detente.whatif.robustness import dask_executor, robustness
        from detente import DetenteError, load_scenario
        scenario = load_scenario(sys.argv[1])
        result = robustness(scenario, {"perceptions": {"dprk": 0.5}}, samples=5, seed=1)
        assert result.graph_model is not None
        try:
            dask_executor("tcp://127.0.0.1:1")
        except DetenteError as error:
            assert "detente[dask]" in str(error)
            print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program, str(EXAMPLES / "hanoi-2019.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_importing_detente_does_not_import_dask() -> None:
    program = "import sys, detente.whatif.robustness; print('dask' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


# --- intervals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("p", "n"), [(0.05, 60), (0.3, 40), (0.5, 200), (0.9, 100)])
def test_wilson_interval_covers_about_95_percent(p: float, n: int) -> None:
    rng = np.random.default_rng(42)
    counts = rng.binomial(n, p, size=4000)
    covered = [low <= p <= high for low, high in (wilson_interval(int(k), n) for k in counts)]
    assert 0.92 <= np.mean(covered) <= 0.98


def test_wilson_interval_known_values() -> None:
    # 0 of 10: the upper bound is z^2 / (n + z^2).
    z2 = 1.959963984540054**2
    assert wilson_interval(0, 10) == pytest.approx((0.0, z2 / (10 + z2)))
    low, high = wilson_interval(5, 10)
    assert low == pytest.approx(1 - high) and low == pytest.approx(0.2365931, abs=1e-6)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_zone_probability_interval_covers_the_truth() -> None:
    # a's reservation is uniform on [0, 1]; the zone is open exactly when it is at most 0.3.
    scenario = load_scenario_data(split_problem(a_half=0.3))
    spec = parse_uncertainty({"bargaining": {"reservation": {"a": [0.0, 1.0]}}})
    covered = []
    for seed in range(150):
        zone = robustness(scenario, spec, samples=40, seed=seed).bargaining
        assert zone is not None
        low, high = zone.zone_open.interval
        covered.append(low <= 0.3 <= high)
    assert 0.88 <= np.mean(covered) <= 1.0


def test_mean_estimate_matches_numpy() -> None:
    values = np.array([0.125, 0.5, 0.75, 0.25, 0.375])
    units = [round(v * 10**12) for v in values]
    estimate = MeanEstimate.from_sums(5, sum(units), sum(u * u for u in units))
    half = 1.959963984540054 * values.std(ddof=1) / np.sqrt(5)
    assert estimate.mean == pytest.approx(values.mean())
    assert (estimate.low, estimate.high) == pytest.approx(
        (values.mean() - half, values.mean() + half)
    )


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "location", "message"),
    [
        (
            {"bargaining": {"reservation": {"us": [0.7, 0.5]}}},
            "uncertainty.bargaining.reservation.us",
            "above high",
        ),
        (
            {"bargaining": {"reservation": {"us": [0.5, 1.2]}}},
            "uncertainty.bargaining.reservation.us",
            "outside [0, 1]",
        ),
        (
            {"bargaining": {"weights": {"us": {"price": [-0.1, 0.2]}}}},
            "uncertainty.bargaining.weights.us.price",
            "outside [0, 1]",
        ),
        (
            {"bargaining": {"discount": {"us": [0.0, 0.9]}}},
            "uncertainty.bargaining.discount.us",
            "outside (0, 1]",
        ),
        (
            {"bargaining": {"reservation": {"us": 0.5}}},
            "uncertainty.bargaining.reservation.us",
            "expected a range",
        ),
        (
            {"bargaining": {"reservation": {"us": [0.1, 0.2, 0.3]}}},
            "uncertainty.bargaining.reservation.us",
            "two numbers",
        ),
        (
            {
                "bargaining": {
                    "reservation": {"us": {"values": [0.2, 0.4], "probabilities": [0.5, 0.6]}}
                }
            },
            "uncertainty.bargaining.reservation.us",
            "sum to 1.1, not 1",
        ),
        (
            {"bargaining": {"reservation": {"us": {"values": [0.2, 0.4], "probabilities": [1.0]}}}},
            "uncertainty.bargaining.reservation.us",
            "one probability per value",
        ),
        (
            {"graph_model": {"swappable": {"us": [[1, 3]]}}},
            "uncertainty.graph_model.swappable.us[0]",
            "not adjacent",
        ),
        (
            {"graph_model": {"swappable": {"us": [1, 2]}}},
            "uncertainty.graph_model.swappable.us[0]",
            "pair of positions",
        ),
        (
            {"graph_model": {"swappable": {"us": [{"positions": [0, 1], "probability": 1.5}]}}},
            "uncertainty.graph_model.swappable.us[0].probability",
            "less than or equal to 1",
        ),
        (
            {"graph_model": {"swappable": {"us": "some"}}},
            "uncertainty.graph_model.swappable.us",
            "'all'",
        ),
        (
            {"perceptions": {"dprk": {"probability": -0.2}}},
            "uncertainty.perceptions.dprk.probability",
            "greater than or equal to 0",
        ),
        (
            {"perceptions": {"dprk": {"chance": 0.2}}},
            "uncertainty.perceptions.dprk.chance",
            "unknown field",
        ),
        ({"bargain": {}}, "uncertainty.bargain", "unknown field"),
    ],
)
def test_malformed_uncertainty_is_refused_with_its_location(
    spec: dict[str, Any], location: str, message: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_uncertainty(spec)
    problems = caught.value.problems
    assert any(p.location == location and message in p.message for p in problems), problems


@pytest.mark.parametrize(
    ("spec", "location", "message"),
    [
        (
            {"graph_model": {"swappable": {"china": [[0, 1]]}}},
            "uncertainty.graph_model.swappable.china",
            "unknown party",
        ),
        (
            {"graph_model": {"swappable": {"us": [[6, 7]]}}},
            "uncertainty.graph_model.swappable.us[0]",
            "no position 7",
        ),
        (
            {"graph_model": {"swappable": {"dprk": [[5, 6]]}}},
            "uncertainty.graph_model.swappable.dprk[0]",
            "6 statements",
        ),
        ({"perceptions": {"china": 0.5}}, "uncertainty.perceptions.china", "unknown party"),
        (
            {"bargaining": {"reservation": {"china": [0.1, 0.2]}}},
            "uncertainty.bargaining.reservation.china",
            "not a bargaining party",
        ),
        (
            {"bargaining": {"weights": {"us": {"price": [0.1, 0.2]}}}},
            "uncertainty.bargaining.weights.us.price",
            "unknown issue",
        ),
        (
            {"bargaining": {"weights": {"dprk": {"sanctions_relief": [0.1, 0.2]}}}},
            "uncertainty.bargaining.weights.dprk.sanctions_relief",
            "only through terms",
        ),
        (
            {"bargaining": {"term_weights": {"us": {1: [0.1, 0.2]}}}},
            "uncertainty.bargaining.term_weights.us[1]",
            "no term 1",
        ),
        (
            {"bargaining": {"scores": {"us": {"verification": {"total": [0.1, 0.2]}}}}},
            "uncertainty.bargaining.scores.us.verification.total",
            "not a value of 'verification'",
        ),
    ],
)
def test_unknown_targets_are_refused_with_their_location(
    spec: dict[str, Any], location: str, message: str
) -> None:
    scenario = load_scenario(EXAMPLES / "hanoi-2019.yaml")
    with pytest.raises(ScenarioError) as caught:
        robustness(scenario, spec, samples=1, seed=0)
    problems = caught.value.problems
    assert any(p.location == location and message in p.message for p in problems), problems


def test_scores_of_a_range_issue_are_keyed_by_its_values() -> None:
    document = split_problem()
    document["bargaining"]["issues"].append(
        {"id": "aid", "range": {"min": 0, "max": 100, "step": 25}}
    )
    for party in ("a", "b"):
        prefs = document["bargaining"]["preferences"][party]
        prefs["weights"] = {"split": 0.5, "aid": 0.5}
        prefs["scores"]["aid"] = {0: 0.0, 100: 1.0} if party == "a" else {0: 1.0, 100: 0.0}
    scenario = load_scenario_data(document)
    spec = {"bargaining": {"scores": {"a": {"aid": {50: [0.9, 1.0], 75.0: [0.0, 0.1]}}}}}
    plan = compile_uncertainty(parse_uncertainty(spec), scenario)
    assert plan.bargaining is not None
    problem = plan.bargaining.sampled_problem((0.95, 0.05))
    aid = problem.terms[0][1].table
    assert aid.tolist() == [0.0, 0.25, 0.95, 0.05, 1.0]
    bad = {"bargaining": {"scores": {"a": {"aid": {30: [0.1, 0.2]}}}}}
    with pytest.raises(ScenarioError, match="'30' is not a value of 'aid'"):
        compile_uncertainty(parse_uncertainty(bad), scenario)


def test_every_problem_is_reported_at_once() -> None:
    scenario = load_scenario(EXAMPLES / "hanoi-2019.yaml")
    spec = {
        "graph_model": {"swappable": {"china": [[0, 1]], "us": [[9, 10]]}},
        "bargaining": {"reservation": {"china": [0.1, 0.2]}, "discount": {"japan": [0.5, 0.6]}},
    }
    with pytest.raises(ScenarioError) as caught:
        robustness(scenario, spec, samples=1, seed=0)
    assert len(caught.value.problems) == 4


def test_uncertainty_about_a_missing_section_is_refused() -> None:
    scenario = load_scenario_data(split_problem())
    with pytest.raises(ScenarioError, match="no graph model"):
        robustness(scenario, {"perceptions": {"a": 0.5}}, samples=1, seed=0)
    with pytest.raises(ScenarioError, match="states no perception"):
        robustness(load_scenario_data(PRISONERS), {"perceptions": {"p1": 0.5}}, samples=1, seed=0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"samples": 0, "seed": 1}, "samples must be a positive integer"),
        ({"samples": 5, "seed": -1}, "seed must be a non-negative integer"),
        ({"samples": 5, "seed": 1, "chunk_size": 0}, "chunk_size must be a positive integer"),
        ({"samples": 5, "seed": 1, "concepts": ["nash", "cnash"]}, "unknown solution concept"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    scenario = load_scenario_data(PRISONERS)
    with pytest.raises(DetenteError, match=message):
        robustness(scenario, {}, **kwargs)


def test_uncertainty_file_problems_carry_line_numbers(tmp_path: Path) -> None:
    file = tmp_path / "uncertainty.yaml"
    file.write_text(
        "graph_model:\n"
        "  swappable:\n"
        "    us: [[1, 2]]\n"
        "bargaining:\n"
        "  reservation:\n"
        "    us: [0.6, 0.5]\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as caught:
        load_uncertainty(file)
    (problem,) = caught.value.problems
    assert (problem.location, problem.line) == ("bargaining.reservation.us", 6)
    file.write_text("graph_model:\n  swappable:\n    us: [[7, 8]]\n", encoding="utf-8")
    scenario = load_scenario(EXAMPLES / "hanoi-2019.yaml")
    with pytest.raises(ScenarioError) as caught:
        load_uncertainty(file, scenario)
    (problem,) = caught.value.problems
    assert (problem.location, problem.line) == ("graph_model.swappable.us[0]", 3)
    file.write_text("graph_model:\n  swappable:\n    us: [[5, 6]]\n", encoding="utf-8")
    spec = load_uncertainty(file, scenario)
    assert spec.graph_model.swappable["us"][0].positions == (5, 6)  # type: ignore[index]


def test_uncertainty_section_of_a_scenario_file(tmp_path: Path) -> None:
    text = (EXAMPLES / "prisoners-dilemma.yaml").read_text(encoding="utf-8")
    file = tmp_path / "pd.yaml"
    file.write_text(text + "uncertainty:\n  graph_model:\n    swappable:\n      p1: all\n", "utf-8")
    spec = load_uncertainty(file)
    assert spec.graph_model.swappable == {"p1": "all"}


def test_results_serialise_to_json() -> None:
    import json

    result = hanoi_run()
    data = json.loads(json.dumps(result.to_dict()))
    assert data["samples"] == 300 and data["seed"] == 2019
    states = data["graph_model"]["states"]
    assert states and all("hypergame" in s for s in states)
    assert set(data["bargaining"]["solutions"]) == {
        "nash",
        "kalai_smorodinsky",
        "egalitarian",
        "utilitarian",
        "time_pressure",
    }
