"""Phased agreements: constructed cases with answers worked out by hand, monotonicity, Hanoi."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from detente import load_scenario
from detente.errors import DetenteError, NotFoundError
from detente.whatif.phased import PhasedInputs, PhasedResult, phased_agreement, phased_inputs

HANOI = Path(__file__).resolve().parents[1] / "examples" / "hanoi-2019.yaml"
DELIVERED = {"denuclearization": "dprk", "verification": "dprk", "sanctions_relief": "us"}
BASELINE = {"denuclearization": "yongbyon", "verification": "none", "sanctions_relief": "none"}

# Symmetric case, full trust (p = 1), no discounting, no verification: g = 1, c = 0.6, rho = 0.2.
# Then V = g - c and D_i(k) = g (1 - rho) x_j(k+1) - c x_i(k), so with e = 1 - x (what is left)
# the condition at point k reads c e_i(k) <= g rho + g (1 - rho) e_j(k+1), i.e.
# e_j(k+1) >= (0.6 e_i(k) - 0.2) / 0.8, and the last stage needs e(K-1) <= 0.2 / 0.6 = 1/3.
# Least remainders: e(0) = 1, e(1) >= 0.5, e(2) >= (0.3 - 0.2) / 0.8 = 0.125.
#   K = 1: e(0) = 1 > 1/3: fails.  K = 2: e(1) >= 0.5 > 1/3: fails.
#   K = 3: e(1) in [0.5, 0.778], e(2) in [0.125, 1/3]: e.g. x = (0.45, 0.75, 1) works.
GRADUAL = PhasedInputs(("a", "b"), gain=(1.0, 1.0), cost=(0.6, 0.6), reversible=(0.2, 0.2))

# One stage, v = 0.5: a (g 1, c 0.3, irreversible), b (g 0.8, c 0.2, fully reversible).
# V_i(0) = p (g_i - c_i) - (1 - p) c_i (1 - rho_i), D_i(0) = g_i (1 - rho_j)(1 - v), so
# p_i >= [g_i (1 - rho_j)(1 - v) + c_i (1 - rho_i)] / (g_i - c_i rho_i):
#   a: (0 + 0.3) / 1 = 0.3;  b: (0.8 * 0.5 + 0) / 0.6 = 2/3.  Least common trust: 2/3.
ONE_SHOT = PhasedInputs(("a", "b"), gain=(1.0, 0.8), cost=(0.3, 0.2), reversible=(0.0, 1.0))


def _threshold(inputs: PhasedInputs, v: float) -> float:
    g, c, rho = inputs.gain, inputs.cost, inputs.reversible
    return max(
        (g[i] * (1 - rho[1 - i]) * (1 - v) + c[i] * (1 - rho[i])) / (g[i] - c[i] * rho[i])
        for i in range(2)
    )


def _recheck(result: PhasedResult) -> None:
    """Recompute V and D of the reported schedule straight from the model's formulas."""
    inp = result.inputs
    x = np.array([[0.0, 0.0]] + [list(s.cumulative) for s in result.stages])
    n = len(result.stages)
    for i in range(2):
        j = 1 - i
        g, c, p, v = inp.gain[i], inp.cost[i], result.beliefs[i], result.verification[i]
        rho_i, rho_j, delta = inp.reversible[i], inp.reversible[j], inp.discount[i]
        after = g - c
        for k in range(n - 1, -1, -1):
            loss = g * x[k, j] - c * (1 - rho_i) * x[k + 1, i]
            assert after >= loss - 1e-12  # mutual interest
            value = p * after + (1 - p) * loss
            defect = g * (1 - rho_j) * (v * x[k, j] + (1 - v) * x[k + 1, j]) - c * x[k, i]
            stage = result.stages[k]
            assert stage.continuation[i] == pytest.approx(value, abs=1e-12)
            assert stage.defection[i] == pytest.approx(defect, abs=1e-12)
            assert value >= defect - 1e-12
            after = delta * value
        assert result.stages[0].continuation[i] >= inp.walk_away[i] - inp.baseline[i] - 1e-12


@pytest.mark.parametrize("stages", [1, 2])
def test_gradual_case_fails_with_fewer_than_three_stages(stages: int) -> None:
    result = phased_agreement(GRADUAL, max_stages=stages)
    assert not result.feasible
    assert result.stages == ()
    assert result.least_trust is None  # already at full trust
    assert "even with full trust" in result.reason


def test_gradual_case_succeeds_with_three_stages() -> None:
    result = phased_agreement(GRADUAL, max_stages=4, grid=10)
    assert result.feasible
    assert len(result.stages) == 3  # the fewest stages that work
    assert result.stages[-1].cumulative == (1.0, 1.0)
    e1 = 1 - np.array(result.stages[0].cumulative)
    e2 = 1 - np.array(result.stages[1].cumulative)
    assert np.all(e1 >= 0.5 - 1e-12) and np.all(e2 <= 1 / 3 + 1e-12)
    assert result.margin >= 0
    _recheck(result)


def test_one_shot_threshold_is_exact() -> None:
    expected = _threshold(ONE_SHOT, 0.5)
    assert expected == pytest.approx(2 / 3, abs=1e-15)
    below = phased_agreement(ONE_SHOT, max_stages=1, beliefs=0.66, verification=0.5)
    assert not below.feasible
    assert below.least_trust is not None
    assert abs(below.least_trust - expected) < 1e-9
    above = phased_agreement(ONE_SHOT, max_stages=1, beliefs=0.67, verification=0.5)
    assert above.feasible
    _recheck(above)


@pytest.mark.parametrize("v", [0.0, 0.25, 0.9])
def test_one_shot_threshold_follows_the_formula(v: float) -> None:
    inputs = replace(ONE_SHOT, reversible=(0.3, 0.6))
    expected = _threshold(inputs, v)
    result = phased_agreement(inputs, max_stages=1, beliefs=0.0, verification=v)
    if expected > 1:
        assert result.least_trust is None
    else:
        assert result.least_trust is not None
        assert abs(result.least_trust - expected) < 1e-9


def test_more_stages_never_need_more_trust() -> None:
    one = phased_agreement(ONE_SHOT, max_stages=1, verification=0.5).least_trust
    three = phased_agreement(ONE_SHOT, max_stages=3, verification=0.5).least_trust
    assert one is not None and three is not None
    assert three <= one + 1e-12


def _random_inputs(rng: np.random.Generator) -> PhasedInputs:
    gain = rng.uniform(0.2, 1.0, 2)
    return PhasedInputs(
        ("a", "b"),
        gain=(float(gain[0]), float(gain[1])),
        cost=(float(gain[0] * rng.uniform(0, 1)), float(gain[1] * rng.uniform(0, 1))),
        reversible=(float(rng.uniform()), float(rng.uniform())),
        discount=(float(rng.uniform(0.8, 1)), float(rng.uniform(0.8, 1))),
    )


@pytest.mark.parametrize("seed", range(12))
def test_feasibility_is_monotone_in_belief_and_verification(seed: int) -> None:
    rng = np.random.default_rng(seed)
    inputs = _random_inputs(rng)
    levels = np.linspace(0, 1, 6)
    by_belief = [
        phased_agreement(inputs, max_stages=3, beliefs=p, verification=0.3, grid=8).feasible
        for p in levels
    ]
    by_verification = [
        phased_agreement(inputs, max_stages=3, beliefs=0.7, verification=v, grid=8).feasible
        for v in levels
    ]
    for series in (by_belief, by_verification):
        assert all(not a or b for a, b in pairwise(series))
    least = phased_agreement(inputs, max_stages=3, verification=0.3, grid=8).least_trust
    if least is not None:
        assert least <= 1
        assert phased_agreement(
            inputs, max_stages=3, beliefs=min(1.0, least + 1e-9), verification=0.3, grid=8
        ).feasible
        if least > 1e-6:
            assert not phased_agreement(
                inputs, max_stages=3, beliefs=least - 1e-6, verification=0.3, grid=8
            ).feasible


def test_walk_away_above_the_target_rules_out_any_schedule() -> None:
    inputs = replace(GRADUAL, walk_away=(0.5, 0.0))  # the deal is worth 0.4 to a
    result = phased_agreement(inputs, max_stages=4)
    assert not result.feasible and result.least_trust is None
    assert "walking away to a" in result.reason


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"beliefs": 1.5}, "beliefs"),
        ({"beliefs": (0.5, -0.1)}, "beliefs"),
        ({"verification": -0.2}, "verification"),
        ({"verification": (0.1, 0.2, 0.3)}, "verification"),
        ({"max_stages": 0}, "max_stages"),
        ({"grid": 0}, "grid"),
        ({"max_stages": 6, "grid": 40}, "pairs of schedules"),
    ],
)
def test_bad_parameters(kwargs: dict[str, object], match: str) -> None:
    call: dict[str, object] = {"max_stages": 2, **kwargs}
    with pytest.raises(DetenteError, match=match):
        phased_agreement(GRADUAL, **call)  # type: ignore[arg-type]


def test_bad_inputs() -> None:
    with pytest.raises(DetenteError, match="reversible"):
        replace(GRADUAL, reversible=(1.2, 0.0))
    with pytest.raises(DetenteError, match="discount"):
        replace(GRADUAL, discount=(0.0, 1.0))
    with pytest.raises(DetenteError, match="two distinct"):
        replace(GRADUAL, parties=("a", "a"))
    with pytest.raises(DetenteError, match="apply to a bargaining problem"):
        phased_agreement(GRADUAL, {"x": "y"}, max_stages=1)


def test_unknown_target_values_in_a_problem() -> None:
    problem = load_scenario(HANOI).bargaining
    assert problem is not None
    target = {"denuclearization": "full", "sanctions_relief": "full", "sequencing": "phased"}
    target["verification"] = "declaration"
    with pytest.raises(NotFoundError, match="not a value"):
        phased_inputs(problem, {**target, "sanctions_relief": "most"}, DELIVERED, BASELINE)
    with pytest.raises(NotFoundError, match="unknown issues"):
        phased_inputs(problem, {**target, "tariffs": "none"}, DELIVERED, BASELINE)
    with pytest.raises(NotFoundError, match="unknown party"):
        phased_inputs(problem, target, {**DELIVERED, "verification": "un"}, BASELINE)
    with pytest.raises(DetenteError, match="needs target"):
        phased_agreement(problem, target, max_stages=2)


def test_hanoi_full_for_full_phased_has_no_schedule_at_any_trust() -> None:
    # Utilities from the scenario (target: full, full relief, phased, declaration):
    # US  u(T) = 0.3 + 0.15 + 0 + 0 (red line: phased relief scores 0) = 0.45 < 0.55;
    # DPRK u(T) = 0 + 0 + 0.45 * 1.0 = 0.45 < 0.55. Baseline (Yongbyon offered, nothing else):
    # US 0.09 + 0.15 + 0.4 = 0.64, DPRK 0.21 + 0.2 = 0.41. US-only: US 0.09, so c = 0.55,
    # g = 0.36; DPRK-only: DPRK 0, so c = 0.41, g = 0.45.
    problem = load_scenario(HANOI).bargaining
    assert problem is not None
    target = {
        "denuclearization": "full",
        "sanctions_relief": "full",
        "sequencing": "phased",
        "verification": "declaration",
    }
    result = phased_agreement(
        problem,
        target,
        max_stages=5,
        grid=10,
        beliefs=0.9,
        verification=0.5,
        delivered_by=DELIVERED,
        baseline=BASELINE,
        reversible={"us": 1.0},
    )
    inp = result.inputs
    assert inp.parties == ("us", "dprk")
    assert inp.gain == pytest.approx((0.36, 0.45))
    assert inp.cost == pytest.approx((0.55, 0.41))
    assert inp.baseline == pytest.approx((0.64, 0.41))
    assert inp.reversible == (1.0, 0.0) and inp.discount == pytest.approx((0.99, 0.9))
    assert not result.feasible and result.least_trust is None
    assert "us, dprk" in result.reason


def test_hanoi_if_the_us_judged_the_end_state() -> None:
    # Counterfactual: the US values the finished deal as all-at-once (its red line is met at
    # the end) and the DPRK accepts observed verification: US g = 0.67, c = 0.55; DPRK g = 0.45,
    # c = 0.27. Then one stage needs near-certain trust even with verification 0.9, and a
    # phased schedule lowers the trust needed.
    problem = load_scenario(HANOI).bargaining
    assert problem is not None
    end = {"denuclearization": "full", "sanctions_relief": "full", "verification": "observed"}
    us = phased_inputs(problem, {**end, "sequencing": "all_at_once"}, DELIVERED, BASELINE)
    dprk = phased_inputs(problem, {**end, "sequencing": "phased"}, DELIVERED, BASELINE)
    inputs = replace(
        dprk,
        gain=(us.gain[0], dprk.gain[1]),
        cost=(us.cost[0], dprk.cost[1]),
        baseline=(us.baseline[0], dprk.baseline[1]),
        reversible=(1.0, 0.0),
    )
    assert inputs.gain == pytest.approx((0.67, 0.45))
    assert inputs.cost == pytest.approx((0.55, 0.27))
    one = phased_agreement(inputs, max_stages=1, beliefs=0.8, verification=0.9, grid=10)
    many = phased_agreement(inputs, max_stages=4, beliefs=0.8, verification=0.9, grid=10)
    assert not one.feasible and not many.feasible
    assert one.least_trust is not None and many.least_trust is not None
    assert many.least_trust < one.least_trust
    trusted = phased_agreement(
        inputs, max_stages=4, beliefs=many.least_trust, verification=0.9, grid=10
    )
    assert trusted.feasible and len(trusted.stages) > 1
    _recheck(trusted)
