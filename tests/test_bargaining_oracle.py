"""The bargaining analysis against a brute-force oracle, on random problems.

The oracle (``tests/bargaining_oracle.py``) shares no code with ``detente.bargaining``: it builds
random linear-additive problems from integers, computes what they mean exactly, and checks the
frontier, the zone of possible agreement, every solution, the zone gap, the two-party continuous
solutions and Rubinstein's split. Problems have 2-4 parties and up to 5 issues of 1-5 values;
scores come either from {0, .25, .5, .75, 1} (many ties and duplicated utility vectors) or from
a fine grid, and reservation values are sometimes set to an outcome's utility exactly (on the
edge of the zone).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from bargaining_oracle import (
    ExactProblem,
    egalitarian_value,
    exact_utilities,
    float_utilities,
    frontier_violations,
    kalai_smorodinsky_value,
    nash_over_hull,
    nash_product,
    outcomes,
    pareto_set,
    ray_reach,
    rubinstein_finite,
    rubinstein_infinite,
    under_hull,
    weighted_nash_value,
    zone_gap_value,
    zone_set,
)
from detente.bargaining import (
    BargainingProblem,
    BargainingResult,
    bargaining_powers,
    kalai_smorodinsky_solution,
    nash_bargaining_solution,
    pareto_frontier,
    rubinstein_split,
    solve_bargaining,
    zone,
)

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
DISCOUNTS = (0.5, 0.8, 0.9, 0.95, 0.99, 1.0)

# -- random problems ---------------------------------------------------------------------------


@st.composite
def exact_problems(draw: st.DrawFn, min_parties: int = 2, max_parties: int = 4) -> ExactProblem:
    """A linear-additive problem given by integers (see :class:`ExactProblem`)."""
    k = draw(st.integers(min_parties, max_parties))
    sizes = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=5)))
    m = len(sizes)
    scale = draw(st.sampled_from((4, 1000)))  # 4: scores in {0, .25, .5, .75, 1}, many ties
    weights = []
    for _ in range(k):
        row = draw(st.lists(st.integers(0, 4), min_size=m, max_size=m))
        if sum(row) == 0:
            row[draw(st.integers(0, m - 1))] = 1
        weights.append(tuple(row))
    scores = tuple(
        tuple(tuple(draw(st.lists(st.integers(0, scale), min_size=n, max_size=n))) for n in sizes)
        for _ in range(k)
    )
    denominators = [sum(row) * scale for row in weights]
    mode = draw(st.sampled_from(("low", "any", "outcome")))
    if mode == "outcome":
        # Reservation values at (or just under) the utilities of one outcome: edges of the zone.
        combo = draw(st.sampled_from(outcomes(sizes)))
        reservation = []
        for p in range(k):
            exact = sum(weights[p][i] * scores[p][i][v] for i, v in enumerate(combo))
            reservation.append(max(0, exact - draw(st.integers(0, 2))))
    else:
        top = {"low": 2, "any": 1}[mode]
        reservation = [draw(st.integers(0, den // top)) for den in denominators]
    discount = tuple(
        draw(st.one_of(st.sampled_from(DISCOUNTS), st.floats(0.05, 1.0))) for _ in range(k)
    )
    return ExactProblem(sizes, tuple(weights), scores, scale, tuple(reservation), discount)


def build(
    problem: ExactProblem,
    issue_order: Sequence[int] | None = None,
    value_orders: Sequence[Sequence[int]] | None = None,
) -> BargainingProblem:
    """The project's problem for the same numbers; issues and values optionally reordered
    (``issue_order[j]`` is the original issue put in position ``j``, ``value_orders[i][v]`` the
    original value of issue ``i`` put in position ``v``)."""
    m = len(problem.sizes)
    issue_order = list(range(m)) if issue_order is None else list(issue_order)
    value_orders = [list(range(n)) for n in problem.sizes] if value_orders is None else value_orders
    weights, scores = problem.float_weights(), problem.float_scores()
    issues = [(f"issue{i}", [f"v{v}" for v in value_orders[i]]) for i in issue_order]
    return BargainingProblem.linear(
        [f"p{p}" for p in range(problem.n_parties)],
        issues,
        [[weights[p][i] for i in issue_order] for p in range(problem.n_parties)],
        [
            [[scores[p][i][v] for v in value_orders[i]] for i in issue_order]
            for p in range(problem.n_parties)
        ],
        problem.float_reservation(),
        list(problem.discount),
    )


def expected_powers(discount: Sequence[float]) -> NDArray[np.float64]:
    """Powers proportional to 1 / (-ln delta) (Binmore, Rubinstein & Wolinsky 1986); parties
    that do not discount at all share all the power."""
    delta = np.asarray(discount, dtype=np.float64)
    if np.any(delta == 1.0):
        return np.asarray((delta == 1.0) / np.sum(delta == 1.0), dtype=np.float64)
    inverse = np.array([1.0 / -math.log(x) for x in discount])
    return np.asarray(inverse / inverse.sum(), dtype=np.float64)


def close(a: Fraction | float, b: Fraction | float, tolerance: float = 1e-12) -> bool:
    return abs(float(a) - float(b)) <= tolerance * max(1.0, abs(float(b)))


# -- the oracle itself on a case worked by hand -------------------------------------------------


def test_oracle_on_a_hand_worked_case() -> None:
    # Two issues of two values; party 0 weighs them 1:1, party 1 only cares about issue 1.
    # Utilities (exact): (0,0) -> (0, 1); (0,1) -> (1/2, 0); (1,0) -> (1/2, 1); (1,1) -> (1, 0).
    problem = ExactProblem(
        sizes=(2, 2),
        weights=((1, 1), (0, 1)),
        scores=(((0, 1), (0, 1)), ((1, 1), (1, 0))),
        scale=1,
        reservation=(1, 0),  # party 0: 1/2, party 1: 0
        discount=(0.9, 0.9),
    )
    u = exact_utilities(problem)
    assert u == [[0, 1], [Fraction(1, 2), 0], [Fraction(1, 2), 1], [1, 0]]
    assert pareto_set(np.array(u, dtype=float)) == {2, 3}
    d = problem.exact_reservation()
    assert zone_set(u, d) == {1, 2, 3}
    assert [nash_product(u[o], d) for o in (1, 2, 3)] == [0, 0, 0]
    assert egalitarian_value(u[2], d) == 0
    assert zone_gap_value(u, [Fraction(1), Fraction(1)]) == Fraction(1, 2)
    assert rubinstein_finite((0.9, 0.9), 0, 3) == pytest.approx((0.91, 0.09))
    assert rubinstein_infinite((0.9, 0.9), 0)[0] == pytest.approx(1 / 1.9)
    square = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert ray_reach(square, (0.0, 0.0), (1.0, 1.0)) == pytest.approx(0.5)
    value, argmax = nash_over_hull(square, (0.0, 0.0))
    assert value == pytest.approx(0.25) and argmax == pytest.approx([0.5, 0.5])
    assert under_hull(square, (0.5, 0.5)) and not under_hull(square, (0.5, 0.51))


# -- utilities, frontier, zone -----------------------------------------------------------------


@SETTINGS
@given(exact_problems())
def test_utilities_follow_the_definition(case: ExactProblem) -> None:
    utilities = build(case).utilities()
    assert utilities.shape == (math.prod(case.sizes), case.n_parties)
    np.testing.assert_allclose(utilities, float_utilities(case), rtol=0, atol=1e-12)
    exact = np.array(exact_utilities(case), dtype=float)
    np.testing.assert_allclose(utilities, exact, rtol=0, atol=1e-12)


@SETTINGS
@given(exact_problems(min_parties=1))
def test_frontier_is_exactly_the_non_dominated_outcomes(case: ExactProblem) -> None:
    utilities = build(case).utilities()
    frontier = pareto_frontier(utilities)
    assert len(set(frontier.tolist())) == len(frontier), "an index is listed twice"
    assert set(frontier.tolist()) == pareto_set(utilities)
    # Documented order: decreasing utility of the first party.
    assert np.all(np.diff(utilities[frontier, 0]) <= 0)


@st.composite
def clouds(draw: st.DrawFn) -> NDArray[np.float64]:
    """Large point clouds (where the frontier filter uses its grid prefilter), with ties."""
    k = draw(st.integers(2, 4))
    shape = draw(st.sampled_from(("cube", "ties", "shell", "flat")))
    n = draw(st.integers(5_000, 30_000 if shape != "shell" else 6_000))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if shape == "ties":
        levels = draw(st.integers(2, 40))
        points = rng.integers(0, levels, size=(n, k)) / (levels - 1)
    elif shape == "shell":
        # Near the positive part of a sphere: a large share of the points is non-dominated.
        direction = np.abs(rng.normal(size=(n, k)))
        direction /= np.linalg.norm(direction, axis=1, keepdims=True)
        points = direction * (1.0 - 0.1 * rng.random((n, 1)))
        points = np.round(points, draw(st.integers(2, 6)))
    else:
        points = rng.random((n, k))
        if shape == "flat":
            points[:, draw(st.integers(0, k - 1))] = 0.5  # one party indifferent
    # Exact copies of some points, including frontier points.
    copies = rng.integers(0, n, size=n // 10)
    points[rng.integers(0, n, size=n // 10)] = points[copies]
    best = int(np.argmax(points.sum(axis=1)))
    points[rng.integers(0, n, size=3)] = points[best]
    return points


@settings(max_examples=10, deadline=None, derandomize=True)
@given(clouds())
def test_frontier_of_large_clouds(points: NDArray[np.float64]) -> None:
    frontier = pareto_frontier(points)
    assert frontier_violations(points, frontier.tolist()) == []


def test_frontier_keeps_every_copy_of_a_frontier_point() -> None:
    points = np.array([[0.5, 0.5], [1.0, 0.0], [0.5, 0.5], [0.4, 0.4], [0.0, 1.0], [1.0, 0.0]])
    assert sorted(pareto_frontier(points).tolist()) == [0, 1, 2, 4, 5]
    tripled = np.repeat(points, 3, axis=0)[:, [0, 1, 0]]
    assert set(pareto_frontier(tripled).tolist()) == pareto_set(tripled)


def test_frontier_with_a_dominator_of_equal_float_sum_across_blocks() -> None:
    # a dominates b by one unit in the last place of its third utility; their float sums are
    # equal. 2047 points with larger sums (dominating neither) come first, so b ends one block
    # of the many-party filter and a starts the next. Found by reading frontier._many_parties:
    # it assumes a dominator has a strictly larger sum.
    b = np.array([0.5, 0.25, 0.1])
    a = np.array([0.5, 0.25, np.nextafter(0.1, 1.0)])
    assert a.sum() == b.sum()
    filler = np.column_stack([0.86 + 1e-5 * np.arange(2047), np.zeros(2047), np.zeros(2047)])
    points = np.vstack([filler, b, a])
    frontier = set(pareto_frontier(points).tolist())
    assert frontier == pareto_set(points)
    assert 2047 not in frontier, "b is dominated by a but kept"


def test_outcomes_equal_up_to_rounding_do_not_dominate_each_other() -> None:
    # Party a weighs issues x, y 0.1 : 0.9. Outcome (x1, y1) gives it 0.1 * 0.9 + 0.9 * 0.4 and
    # outcome (x0, y0) 0.1 * 0 + 0.9 * 0.5: both exactly 0.45, but the first sum rounds to
    # 0.45000000000000007. Party b prefers (x0, y0) (0.6 against 0.2), so (x1, y1) is dominated;
    # rounding makes it look non-dominated and it is reported as Pareto-optimal. Found by
    # test_reordering_issues_and_values_changes_nothing (a 4-party case where the extra frontier
    # point came and went with the order of the issues).
    problem = BargainingProblem.linear(
        ["a", "b"],
        [("x", ["x0", "x1"]), ("y", ["y0", "y1"])],
        [[0.1, 0.9], [0.5, 0.5]],
        [[[0.0, 0.9], [0.5, 0.4]], [[1.0, 0.0], [0.2, 0.4]]],
        [0.0, 0.0],
    )
    frontier = solve_bargaining(problem).frontier
    names = [tuple(problem.outcome(int(o)).values()) for o in frontier]
    assert sorted(names) == [("x0", "y0"), ("x0", "y1"), ("x1", "y0")]


@SETTINGS
@given(exact_problems())
def test_zone_is_exactly_the_acceptable_outcomes(case: ExactProblem) -> None:
    problem = build(case)
    expected = zone_set(exact_utilities(case), case.exact_reservation())
    mask = zone(problem.utilities(), problem.reservation)
    assert set(np.flatnonzero(mask).tolist()) == expected
    result = solve_bargaining(problem)
    assert result.zone_size == len(expected)
    assert result.zone_empty == (not expected)


# -- solutions ---------------------------------------------------------------------------------


def _check_solution_records(result: BargainingResult, frontier: set[int]) -> None:
    problem = result.problem
    utilities = problem.utilities()
    for name, solution in result.solutions.items():
        assert solution.name == name
        assert solution.outcome in frontier, f"{name} is not Pareto-optimal"
        assert dict(solution.values) == problem.outcome(solution.outcome)
        assert solution.utilities == tuple(utilities[solution.outcome].tolist())


@SETTINGS
@given(exact_problems())
def test_solutions_are_optimal_over_the_zone(case: ExactProblem) -> None:
    problem = build(case)
    result = solve_bargaining(problem)
    u = exact_utilities(case)
    d = case.exact_reservation()
    members = zone_set(u, d)
    if not members:
        assert result.solutions == {}
        assert result.zone_best == ()
        return
    assert result.gap is None
    assert set(result.solutions) == {
        "nash",
        "kalai_smorodinsky",
        "egalitarian",
        "utilitarian",
        "time_pressure",
    }
    _check_solution_records(result, pareto_set(problem.utilities()))
    chosen = {name: s.outcome for name, s in result.solutions.items()}
    assert all(o in members for o in chosen.values())

    best_nash = max(nash_product(u[o], d) for o in members)
    assert close(nash_product(u[chosen["nash"]], d), best_nash)

    best_egalitarian = max(egalitarian_value(u[o], d) for o in members)
    assert close(egalitarian_value(u[chosen["egalitarian"]], d), best_egalitarian)

    best_total = max(sum(u[o]) for o in members)
    assert close(sum(u[chosen["utilitarian"]]), best_total)

    np.testing.assert_allclose(result.powers, expected_powers(case.discount), rtol=1e-12)

    # The zone's best few Pareto-optimal members, by Nash product.
    optimal = members & set(result.frontier.tolist())
    products = sorted((nash_product(u[o], d) for o in optimal), reverse=True)
    listed = [nash_product(u[o], d) for o in result.zone_best]
    assert set(result.zone_best) <= optimal
    assert len(listed) == min(5, len(optimal))
    assert all(close(x, y) for x, y in zip(listed, products, strict=False))


@SETTINGS
@given(exact_problems())
def test_time_pressure_maximises_the_weighted_nash_product(case: ExactProblem) -> None:
    # Powers proportional to 1 / (-ln delta) (Binmore, Rubinstein & Wolinsky 1986); a party
    # that does not discount has all the power, and one with power 0 has no say (0 ** 0 = 1).
    problem = build(case)
    result = solve_bargaining(problem)
    members = zone_set(exact_utilities(case), case.exact_reservation())
    if not members:
        return
    powers = expected_powers(case.discount)
    floats, d = problem.utilities(), case.float_reservation()
    best = max(weighted_nash_value(floats[o], d, powers) for o in members)
    value = weighted_nash_value(floats[result.solutions["time_pressure"].outcome], d, powers)
    assert value >= best * (1 - 1e-9) - 1e-15


@SETTINGS
@given(exact_problems())
def test_kalai_smorodinsky_maximises_the_smallest_normalised_gain(case: ExactProblem) -> None:
    result = solve_bargaining(build(case))
    u = exact_utilities(case)
    d = case.exact_reservation()
    members = zone_set(u, d)
    if not members:
        return
    ideal = [max(u[o][p] for o in members) for p in range(case.n_parties)]
    values = {o: kalai_smorodinsky_value(u[o], d, ideal) for o in members}
    chosen = result.solutions["kalai_smorodinsky"].outcome
    if values[chosen] is None:  # nobody can gain anything: every zone member is as good
        assert all(v is None for v in values.values())
        return
    best = max(v for v in values.values() if v is not None)
    assert close(values[chosen], best)


def test_kalai_smorodinsky_when_one_party_cannot_gain() -> None:
    # Party 2 gets its reservation value in every outcome (ideal = d), so its normalised gain is
    # 0/0; the solution should balance the parties that can gain (Kalai & Smorodinsky 1975
    # define the solution for problems where everyone can gain). Among A, B, E with ideal
    # (1, 0.5) the smallest ratio of parties 0 and 1 is 0, 0.7 and 0.75: E. Found by
    # test_kalai_smorodinsky_maximises_the_smallest_normalised_gain; the code ranks every
    # outcome 0 and breaks the tie by the sum of ratios, which picks B (1.7 against 1.65).
    points = np.array([[1.0, 0.0, 0.0], [0.7, 0.5, 0.0], [0.75, 0.45, 0.0]])
    assert kalai_smorodinsky_solution(points, [0.0, 0.0, 0.0]) == 2


@pytest.mark.parametrize("stuck", [0.3, 0.1 + 0.2], ids=["exact", "one-ulp-above"])
def test_nash_solution_when_one_party_cannot_gain(stuck: float) -> None:
    # Party 0 gets its reservation value 0.3 everywhere (0.1 + 0.2 is 0.3 plus one unit in the
    # last place, which the zone's tolerance treats as equal). Every Nash product is 0; the
    # choice must not depend on that rounding. Leaving out the party that cannot gain, the
    # product of the others is largest at outcome 0 (0.0625 against 0). Found by
    # test_reordering_issues_and_values_changes_nothing: with exactly 0.3 the code sees only
    # zero products and takes the largest total (outcome 2); one unit above, it takes outcome 0.
    points = np.array([[stuck, 0.25, 0.25], [stuck, 0.5, 0.0], [stuck, 0.6, 0.0]])
    assert zone(points, [0.3, 0.0, 0.0]).all()
    assert nash_bargaining_solution(points, [0.3, 0.0, 0.0]) == 0


@SETTINGS
@given(exact_problems())
def test_zone_gap_is_the_smallest_total_concession(case: ExactProblem) -> None:
    problem = build(case)
    result = solve_bargaining(problem)
    u = exact_utilities(case)
    d = case.exact_reservation()
    if zone_set(u, d):
        assert result.gap is None
        return
    gap = result.gap
    assert gap is not None
    assert close(gap.total, zone_gap_value(u, d))
    # The named outcome needs exactly those concessions, and they add up to the total.
    shortfall = [max(Fraction(0), dp - up) for up, dp in zip(u[gap.outcome], d, strict=True)]
    assert all(close(c, s) for c, s in zip(gap.concessions, shortfall, strict=True))
    assert close(sum(gap.concessions), gap.total)
    assert gap.total > 0


# -- two parties: solutions on the convexified frontier -----------------------------------------


def _on_the_boundary(points: NDArray[np.float64], q: NDArray[np.float64]) -> bool:
    """``q`` is in the convexified set and no point above-right of it is."""
    return under_hull(points, q) and not under_hull(points, q + 1e-7)


@SETTINGS
@given(exact_problems(min_parties=2, max_parties=2))
def test_continuous_solutions_of_two_parties(case: ExactProblem) -> None:
    # The bargaining set is conv(outcomes) with free disposal, cut at u >= d (Nash 1950):
    # lotteries between outcomes, individually rational ones only.
    problem = build(case)
    result = solve_bargaining(problem)
    if result.zone_empty:
        return
    points = problem.utilities()[result.frontier]
    d = np.asarray(case.float_reservation())
    ideal = d + [ray_reach(points, d, axis) for axis in np.eye(2)]
    for name, direction in (("kalai_smorodinsky", ideal - d), ("egalitarian", np.ones(2))):
        # The furthest point of the ray d + s * direction in the set; when it is strictly
        # Pareto-optimal it is the solution (Kalai & Smorodinsky 1975; Kalai 1977). Otherwise
        # (the ray leaves through a flat part, e.g. one single outcome) nothing Pareto-optimal
        # is on the ray, and the solution must still be on the frontier with at least the same
        # normalised gains.
        point = result.solutions[name].point
        assert point is not None
        q = np.asarray(point)
        assert _on_the_boundary(points, q), f"{name} point {q} is not on the frontier"
        assert np.all(q >= d - 1e-12), f"{name} point {q} is below a reservation value"
        moving = direction > 1e-12  # a party that cannot gain is left out of the ratios
        reach = ray_reach(points, d, direction) if np.any(moving) else 0.0
        on_ray = d + reach * direction
        nudge = 1e-7 * np.eye(2)
        pareto = not any(under_hull(points, on_ray + step) for step in nudge)
        if pareto and np.all(moving):
            np.testing.assert_allclose(q, on_ray, atol=1e-9, err_msg=name)
            cross = direction[0] * (q[1] - d[1]) - direction[1] * (q[0] - d[0])
            assert abs(cross) <= 1e-9, f"{name} point {q} is off the ray from d"
        elif np.any(moving):
            gains = (q - d)[moving] / direction[moving]
            assert np.min(gains) >= reach - 1e-9, f"{name} point {q} gains too little"
    for name, powers in (("nash", (1.0, 1.0)), ("time_pressure", result.powers)):
        point = result.solutions[name].point
        assert point is not None
        q = np.asarray(point)
        assert under_hull(points, q), f"{name} point {q} is above the frontier"
        assert np.all(q >= d - 1e-12), f"{name} point {q} is below a reservation value"
        best, argmax = nash_over_hull(points, d, powers)
        value = weighted_nash_value(q, d, powers)
        assert value >= best - 1e-9 or np.allclose(q, argmax, atol=1e-6), (
            f"{name}: {value} at {q}, below the best {best} (at {argmax}) on the hull"
        )
    assert result.solutions["utilitarian"].point is None


# -- invariance --------------------------------------------------------------------------------


@st.composite
def reordered(draw: st.DrawFn) -> tuple[ExactProblem, list[int], list[list[int]]]:
    case = draw(exact_problems())
    issue_order = draw(st.permutations(range(len(case.sizes))))
    value_orders = [draw(st.permutations(range(n))) for n in case.sizes]
    return case, list(issue_order), [list(v) for v in value_orders]


def _distinct(rows: NDArray[np.float64]) -> set[tuple[float, ...]]:
    return {tuple(np.round(row, 9).tolist()) for row in rows}


@SETTINGS
@given(reordered())
def test_reordering_issues_and_values_changes_nothing(
    data: tuple[ExactProblem, list[int], list[list[int]]],
) -> None:
    case, issue_order, value_orders = data
    original, permuted = build(case), build(case, issue_order, value_orders)
    first, second = solve_bargaining(original), solve_bargaining(permuted)
    u1, u2 = original.utilities(), permuted.utilities()
    assert _distinct(u1[first.frontier]) == _distinct(u2[second.frontier])
    assert first.zone_size == second.zone_size
    assert set(first.solutions) == set(second.solutions)
    for name, solution in first.solutions.items():
        other = second.solutions[name]
        np.testing.assert_allclose(other.utilities, solution.utilities, atol=1e-9, err_msg=name)
        if solution.point is not None:
            assert other.point is not None
            np.testing.assert_allclose(other.point, solution.point, atol=1e-9, err_msg=name)
    if first.gap is not None:
        assert second.gap is not None
        assert second.gap.total == pytest.approx(first.gap.total, abs=1e-12)


# -- alternating offers ------------------------------------------------------------------------

deltas = st.floats(0.05, 1.0)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(deltas, deltas, st.integers(0, 1), st.integers(1, 40))
def test_finite_horizon_split_is_backward_induction(
    delta_1: float, delta_2: float, first: int, horizon: int
) -> None:
    split = rubinstein_split((delta_1, delta_2), first, horizon)
    expected = rubinstein_finite((delta_1, delta_2), first, horizon)
    assert split.shares == pytest.approx(expected, abs=1e-12)
    assert split.first_proposer == first and split.horizon == horizon


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.floats(0.05, 0.99), st.floats(0.05, 0.99), st.integers(0, 1))
def test_infinite_split_solves_the_stationary_equations(
    delta_1: float, delta_2: float, first: int
) -> None:
    split = rubinstein_split((delta_1, delta_2), first)
    assert split.shares == pytest.approx(rubinstein_infinite((delta_1, delta_2), first), abs=1e-12)
    # ... and is the limit of ever longer deadlines (Rubinstein 1982, section 5).
    assert split.shares == pytest.approx(
        rubinstein_finite((delta_1, delta_2), first, 2000), abs=1e-9
    )


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    st.lists(st.one_of(st.sampled_from(DISCOUNTS), st.floats(0.01, 1.0)), min_size=2, max_size=4)
)
def test_powers_are_proportional_to_patience(discount: list[float]) -> None:
    np.testing.assert_allclose(bargaining_powers(discount), expected_powers(discount), rtol=1e-12)
