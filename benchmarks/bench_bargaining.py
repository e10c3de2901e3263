"""Speed and memory of the bargaining analysis, side by side with NegMAS on the same problems.

Every problem is linear-additive: 5 to 7 issues whose value counts multiply to the target size,
random issue weights (Dirichlet) and random monotone value scores from a fixed seed, with the
parties' interests opposed on most issues (so the Pareto frontier is a long curve, not a point)
and a common reservation value. The problem is generated from plain arrays outside the timed
part; the timed part is the work both libraries do:

* detente: ``problem.utilities()``, ``pareto_frontier``, the zone of possible agreement, then
  ``nash_bargaining_solution`` and ``kalai_smorodinsky_solution`` over the zone's frontier
  (column *detente s*); separately, the whole ``solve_bargaining(problem)`` (column
  *solve s*: also the egalitarian, utilitarian and time-pressure solutions, the two-party
  continuous points and the best zone members).
* NegMAS: ``pareto_frontier(ufuns, issues=...)`` over ``LinearAdditiveUtilityFunction`` objects
  with reservation values (it enumerates the outcomes and evaluates every utility function on
  each, keeping the individually rational ones), then ``nash_points`` and ``ks_points`` on that
  frontier with the utility ranges ``(reservation, best frontier utility)``, the same ideal
  point detente uses.

Each (size, library) pair runs in a fresh child process so its peak memory (max RSS) is its own;
detente's figures are the median of three such runs (``--repeat``), NegMAS runs once.

    python benchmarks/bench_bargaining.py               # the full table (a few minutes)
    python benchmarks/bench_bargaining.py --quick       # up to 10^6 outcomes
    python benchmarks/bench_bargaining.py --no-negmas   # detente only

NegMAS (AGPL-3.0) is a benchmark-only dependency, never imported by ``detente`` itself; install
it with ``pip install -e '.[bench]'``. Reference (ALGORITHMS.md §2): NegMAS 0.16 needs about 45 s
and 3.4 GiB for the frontier and Nash point of 10^7 outcomes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Value counts per issue, multiplying to each target size.
ISSUE_SIZES = {
    10**4: (10, 10, 10, 5, 2),
    10**5: (10, 10, 10, 10, 5, 2),
    10**6: (10, 10, 10, 10, 10, 5, 2),
    10**7: (20, 10, 10, 10, 10, 10, 5),
}
SIZES_FULL = [(10**4, 2), (10**5, 2), (10**6, 2), (10**7, 2), (10**5, 3), (10**6, 3)]
SIZES_QUICK = [(10**4, 2), (10**5, 2), (10**6, 2), (10**5, 3), (10**6, 3)]
RESERVATION = {2: 0.3, 3: 0.25}
#: NegMAS's cost per outcome and party measured at 10^7 outcomes (ALGORITHMS.md §2: 45 s,
#: 3.4 GiB for two parties); used to skip sizes that would run past the limits below.
NEGMAS_SECONDS_PER_OUTCOME_PARTY = 45.0 / 2e7
NEGMAS_BYTES_PER_OUTCOME = 3.4 * 2**30 / 1e7
NEGMAS_LIMIT_SECONDS = 240.0
NEGMAS_LIMIT_GIB = 8.0
#: (outcomes, parties) -> (seconds, GiB or None, remark): the targets set for the analysis.
TARGETS: dict[tuple[int, int], tuple[float, float | None, str]] = {
    (10**7, 2): (1.5, 2.0, " (NegMAS 0.16: about 45 s and 3.4 GiB)"),
    (10**6, 3): (5.0, None, ""),
}
INSTALL_HINT = ".venv/bin/pip install -e '.[bench]'   (or: pip install 'negmas>=0.16')"


def generate(n_outcomes: int, n_parties: int, seed: int) -> dict[str, Any]:
    """A random linear-additive problem as plain lists (same data for both libraries).

    Each party scores each issue's values by its own random increasing profile from 0 to 1,
    read forwards or backwards: party 1 opposes party 0 on every issue but the last; with
    three parties each pair is opposed on about two issues in three.
    """
    rng = np.random.default_rng(seed)
    sizes = ISSUE_SIZES[n_outcomes]
    m = len(sizes)
    if n_parties == 2:
        direction = np.ones((2, m), dtype=int)
        direction[1, :-1] = -1
    else:
        direction = np.ones((n_parties, m), dtype=int)
        for p in range(1, n_parties):
            for i in range(m):
                if i % 3 in ((0, 1) if p == 1 else (1, 2)):
                    direction[p, i] = -1
    weights = rng.dirichlet(np.ones(m), size=n_parties)
    scores: list[list[list[float]]] = []
    for p in range(n_parties):
        row = []
        for i, size in enumerate(sizes):
            profile = np.sort(rng.random(size))
            profile = (profile - profile[0]) / (profile[-1] - profile[0])
            row.append((profile if direction[p, i] > 0 else profile[::-1]).tolist())
        scores.append(row)
    return {
        "sizes": list(sizes),
        "weights": weights.tolist(),
        "scores": scores,
        "reservation": [RESERVATION[n_parties]] * n_parties,
    }


def _rss_gib() -> float:
    """Current resident set size (Linux), for the baseline before the timed part."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**30


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 2**30


def run_detente(data: dict[str, Any], whole: bool) -> dict[str, Any]:
    from detente.bargaining import (
        BargainingProblem,
        kalai_smorodinsky_solution,
        nash_bargaining_solution,
        pareto_frontier,
        solve_bargaining,
        zone,
    )

    k = len(data["weights"])
    problem = BargainingProblem.linear(
        [f"p{p}" for p in range(k)],
        [(f"i{i}", [str(v) for v in range(n)]) for i, n in enumerate(data["sizes"])],
        data["weights"],
        data["scores"],
        data["reservation"],
    )
    d = np.asarray(data["reservation"])
    baseline = _rss_gib()
    start = time.perf_counter()
    if whole:
        result = solve_bargaining(problem)
        seconds = time.perf_counter() - start
        utilities = problem.utilities()
        rational = result.frontier[np.all(utilities[result.frontier] >= d - 1e-12, axis=1)]
        nash = utilities[result.solutions["nash"].outcome]
        ks = utilities[result.solutions["kalai_smorodinsky"].outcome]
    else:
        utilities = problem.utilities()
        frontier = pareto_frontier(utilities)
        inside = zone(utilities, d)
        rational = frontier[inside[frontier]]
        points = utilities[rational]
        nash = points[nash_bargaining_solution(points, d)]
        ks = points[kalai_smorodinsky_solution(points, d)]
        seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "peak_gib": _peak_gib(),
        "baseline_gib": baseline,
        "frontier": sorted(int(i) for i in rational),
        "nash": [float(x) for x in nash],
        "ks": [float(x) for x in ks],
        "ideal": [float(x) for x in utilities[rational].max(axis=0)],
        "reservation": data["reservation"],
    }


def run_negmas(data: dict[str, Any]) -> dict[str, Any]:
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.ops import ks_points, nash_points, pareto_frontier

    issues = [make_issue(values=n, name=f"i{i}") for i, n in enumerate(data["sizes"])]
    space = make_os(issues)
    ufuns = [
        LinearAdditiveUtilityFunction(
            # One table per issue, value -> score (NegMAS's TableFun).
            values=[dict(enumerate(table)) for table in data["scores"][p]],
            weights=data["weights"][p],
            outcome_space=space,
            reserved_value=data["reservation"][p],
        )
        for p in range(len(data["weights"]))
    ]
    baseline = _rss_gib()
    start = time.perf_counter()
    points, indices = pareto_frontier(ufuns, issues=space.issues)
    ideal = np.max(np.asarray(points), axis=0)
    ranges = [(r, float(top)) for r, top in zip(data["reservation"], ideal, strict=True)]
    nash = nash_points(ufuns, points, ranges=ranges)
    ks = ks_points(ufuns, points, ranges=ranges)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "peak_gib": _peak_gib(),
        "baseline_gib": baseline,
        "frontier": sorted(int(i) for i in indices),
        "nash": [float(x) for x in nash[0][0]] if nash else [],
        "ks": [float(x) for x in ks[0][0]] if ks else [],
        "ideal": [float(x) for x in ideal],
        "reservation": data["reservation"],
    }


def run_child(size: int, parties: int, library: str, seed: int) -> dict[str, Any] | str:
    """Run one (size, library) in a fresh process; the parsed row, or a reason it failed."""
    try:
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(size),
                str(parties),
                library,
                "--seed",
                f"{seed}",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=NEGMAS_LIMIT_SECONDS * 2,
        )
    except subprocess.TimeoutExpired:
        return f"stopped after {NEGMAS_LIMIT_SECONDS * 2:.0f} s"
    if child.returncode != 0:
        return "failed: " + child.stderr.strip()[-300:]
    row: dict[str, Any] = json.loads(child.stdout)
    return row


def _ratios(point: list[float], row: dict[str, Any]) -> NDArray[np.float64]:
    d, ideal = np.asarray(row["reservation"]), np.asarray(row["ideal"])
    return np.asarray((np.asarray(point) - d) / (ideal - d), dtype=np.float64)


def median_run(
    size: int, parties: int, library: str, seed: int, repeat: int
) -> dict[str, Any] | str:
    """The run with the median time of ``repeat`` fresh processes (machines are shared)."""
    rows = []
    for _ in range(repeat):
        row = run_child(size, parties, library, seed)
        if isinstance(row, str):
            return row
        rows.append(row)
    rows.sort(key=lambda r: float(r["seconds"]))
    return rows[len(rows) // 2]


def agreement(ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    """Whether both found the same frontier (same outcomes) and the same Nash and KS points.

    On a finite frontier the two libraries read Kalai–Smorodinsky differently: detente takes the
    point whose smallest gain ratio ``(u_i - d_i) / (ideal_i - d_i)`` is largest, NegMAS's
    ``ks_points`` the point whose ratios are closest together (smallest max − min). When the
    points differ, each is checked to beat the other by its own rule and reported as ``KS rule``.
    """
    problems = []
    if ours["frontier"] != theirs["frontier"]:
        problems.append(f"frontier {len(ours['frontier'])} vs {len(theirs['frontier'])}")
    if not np.allclose(ours["nash"], theirs["nash"], atol=1e-9):
        problems.append(f"nash {ours['nash']} vs {theirs['nash']}")
    if not np.allclose(ours["ideal"], theirs["ideal"], atol=1e-9):
        problems.append(f"ideal point {ours['ideal']} vs {theirs['ideal']}")
    ks_note = ""
    if not problems and not np.allclose(ours["ks"], theirs["ks"], atol=1e-9):
        mine, other = _ratios(ours["ks"], ours), _ratios(theirs["ks"], ours)
        own_rules_hold = mine.min() >= other.min() - 1e-12 and np.ptp(other) <= np.ptp(mine) + 1e-12
        if own_rules_hold:
            ks_note = f" (KS rule: smallest ratio {mine.min():.4f} vs {other.min():.4f})"
        else:
            problems.append(f"ks {ours['ks']} vs {theirs['ks']}")
    return "NO: " + "; ".join(problems) if problems else "yes" + ks_note


def negmas_skip_reason(size: int, parties: int) -> str | None:
    seconds = size * parties * NEGMAS_SECONDS_PER_OUTCOME_PARTY
    gib = size * NEGMAS_BYTES_PER_OUTCOME / 2**30
    if seconds > NEGMAS_LIMIT_SECONDS or gib > NEGMAS_LIMIT_GIB:
        return f"NegMAS skipped: would need about {seconds:.0f} s and {gib:.1f} GiB"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes up to 10^6 outcomes only")
    parser.add_argument("--no-negmas", action="store_true", help="run detente only")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument(
        "--repeat", type=int, default=3, help="detente runs per size; the median is shown"
    )
    parser.add_argument(
        "--one", nargs=3, metavar=("OUTCOMES", "PARTIES", "LIBRARY"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.one:
        size, parties, library = int(args.one[0]), int(args.one[1]), args.one[2]
        data = generate(size, parties, args.seed)
        if library == "negmas":
            row = run_negmas(data)
        else:
            row = run_detente(data, whole=library == "solve")
        print(json.dumps(row))
        return
    with_negmas = not args.no_negmas and importlib.util.find_spec("negmas") is not None
    if not with_negmas and not args.no_negmas:
        print(f"NegMAS is not installed: timing detente alone. To compare: {INSTALL_HINT}\n")
    sizes = SIZES_QUICK if args.quick else SIZES_FULL
    print(
        f"{'outcomes':>11} {'parties':>7} {'frontier':>8} {'detente s':>9} {'GiB':>5} "
        f"{'solve s':>8} {'GiB':>5} {'NegMAS s':>9} {'GiB':>5} {'speed':>7} {'memory':>6}  agree"
    )
    targets = []
    baseline = {"detente": 0.0, "NegMAS": 0.0}
    ks_rule = False
    for size, parties in sizes:
        ours = median_run(size, parties, "detente", args.seed, args.repeat)
        whole = median_run(size, parties, "solve", args.seed, args.repeat)
        if isinstance(ours, str) or isinstance(whole, str):
            print(f"{size:>11,} {parties:>7}  detente {ours if isinstance(ours, str) else whole}")
            continue
        theirs: dict[str, Any] | str | None = None
        skip = negmas_skip_reason(size, parties) if with_negmas else None
        if with_negmas and skip is None:
            theirs = run_child(size, parties, "negmas", args.seed)
        line = (
            f"{size:>11,} {parties:>7} {len(ours['frontier']):>8,} {ours['seconds']:>9.3f} "
            f"{ours['peak_gib']:>5.2f} {whole['seconds']:>8.3f} {whole['peak_gib']:>5.2f}"
        )
        baseline["detente"] = max(baseline["detente"], ours["baseline_gib"])
        if isinstance(theirs, dict):
            agree = agreement(ours, theirs)
            ks_rule = ks_rule or "KS rule" in agree
            baseline["NegMAS"] = max(baseline["NegMAS"], theirs["baseline_gib"])
            line += (
                f" {theirs['seconds']:>9.2f} {theirs['peak_gib']:>5.2f} "
                f"{theirs['seconds'] / ours['seconds']:>6,.0f}x "
                f"{theirs['peak_gib'] / ours['peak_gib']:>5.1f}x  {agree}"
            )
        elif isinstance(theirs, str):
            line += f"  NegMAS {theirs}"
        elif skip is not None:
            line += f"  {skip}"
        print(line, flush=True)
        if (size, parties) in TARGETS:
            seconds, gib, remark = TARGETS[size, parties]
            met = ours["seconds"] < seconds and (gib is None or ours["peak_gib"] < gib)
            wanted = f"under {seconds:g} s" + (f" and {gib:g} GiB" if gib else "")
            targets.append(
                f"target {size:,} outcomes, {parties} parties: {wanted}{remark}; measured "
                f"{ours['seconds']:.2f} s, {ours['peak_gib']:.2f} GiB "
                f"(solve_bargaining {whole['seconds']:.2f} s): {'met' if met else 'MISSED'}"
            )
    print()
    print(
        "frontier: Pareto-optimal outcomes that every party prefers to walking away."
        + (" speed, memory: NegMAS / detente." if with_negmas else "")
        + "\n"
        "Peak memory is the child process's maximum resident size; before the timed part "
        + ", ".join(f"{k} used at most {v:.2f} GiB" for k, v in baseline.items() if v)
        + "."
    )
    if ks_rule:
        print(
            "KS rule: on a finite frontier detente picks the point whose smallest gain ratio "
            "(u - d) / (ideal - d) is largest, NegMAS's ks_points the one whose ratios are "
            "closest together; each point beats the other by its own rule (checked)."
        )
    for line in targets:
        print(line)


if __name__ == "__main__":
    main()
