"""Speed of the negotiation engines, side by side with NegMAS on the same scenarios.

Scenarios are generated from a fixed seed as plain arrays, outside the timed part: two parties
with linear-additive utilities (random increasing value scores from 0 to 1, read forwards by
one party and backwards by the other on every issue, Dirichlet issue weights), reservation
value 0.3 each, no discounting. Four sizes: one issue of 1,000 values, three issues of 10
(1,000 outcomes), one issue of 10,000 values, four issues of 10 (10,000 outcomes).

**Head to head.** Boulware against Conceder with a 100-round deadline, the Boulware side
proposing first:

* NegMAS 0.16: ``BoulwareTBNegotiator`` and ``ConcederTBNegotiator`` in a ``SAOMechanism``
  with ``n_steps=100`` (a new mechanism and negotiators per negotiation; the utility functions
  are built once). Its curves are ``1 - t ** 4`` and ``1 - t ** 0.25`` of the utility range.
* detente, plain engine: :func:`detente.simulation.simulate` with ``boulware(e=0.25)`` and
  ``conceder(e=4)`` (the same exponents), one negotiation at a time.
* detente, vectorised engine: :func:`detente.simulation.batch.simulate_batch_summary` (endings
  only) and :func:`~detente.simulation.batch.simulate_batch` (full traces) on a batch of
  ``--batch`` negotiations, timed from the call (planning included) to the result. Every
  negotiation of the batch is played on the arrays, none is skipped as a duplicate; the
  *mixed* column plays 25 different line-ups (Boulware ``e`` in 0.1..0.5 against Conceder
  ``e`` in 2..10) with alternating first proposers in one batch.

Each engine plays one warm-up negotiation (or batch) first; the rate is negotiations per
second of wall-clock time. NegMAS and detente do not play the same moves (different acceptance
rules and curves' reference points), so the mean round of agreement is printed for each.

**Tournament.** 5 strategies (Boulware, Conceder, hard-liner, relative tit-for-tat, random)
in every ordered pairing (25, so each plays each role against each, itself included) × 5
scenarios (the four above and five issues with 5,000 outcomes and discount factors 0.98) ×
10 repetitions (seeds 0-9): 1,250 negotiations of up to 100 rounds, with the plain engine and
with the vectorised engine (one batch per scenario). The endings of both are checked equal.

    python benchmarks/bench_simulation.py              # everything (about a minute)
    python benchmarks/bench_simulation.py --quick      # smaller samples
    python benchmarks/bench_simulation.py --no-negmas  # detente only

NegMAS (AGPL-3.0) is a benchmark-only dependency, never imported by ``detente`` itself;
install it with ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from detente.bargaining import BargainingProblem
from detente.simulation import boulware, conceder, simulate
from detente.simulation.batch import simulate_batch, simulate_batch_summary

DEADLINE = 100
RESERVATION = 0.3
SCENARIOS: list[tuple[str, tuple[int, ...]]] = [
    ("1 issue, 10^3", (1000,)),
    ("3 issues, 10^3", (10, 10, 10)),
    ("1 issue, 10^4", (10000,)),
    ("4 issues, 10^4", (10, 10, 10, 10)),
]
EXTRA_SCENARIO = ("5 issues, 5x10^3, discount 0.98", (10, 10, 5, 5, 2), 0.98)
BOULWARE_E, CONCEDER_E = 0.25, 4.0  # NegMAS's PolyAspiration exponents 4 and 0.25
TOURNAMENT = ("boulware", "conceder", "hardliner", "relative_tit_for_tat", "random")
INSTALL_HINT = ".venv/bin/pip install -e '.[bench]'   (or: pip install 'negmas>=0.16')"


def generate(sizes: Sequence[int], seed: int) -> dict[str, Any]:
    """Plain data for a two-party linear-additive problem (the same for both libraries)."""
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(len(sizes)), size=2)
    scores: list[list[list[float]]] = [[], []]
    for size in sizes:
        for party in (0, 1):
            profile = np.sort(rng.random(size))
            profile = (profile - profile[0]) / (profile[-1] - profile[0])
            scores[party].append((profile if party == 0 else profile[::-1]).tolist())
    return {"sizes": list(sizes), "weights": weights.tolist(), "scores": scores}


def detente_problem(data: dict[str, Any], discount: float = 1.0) -> BargainingProblem:
    return BargainingProblem.linear(
        ["a", "b"],
        [(f"i{i}", [str(v) for v in range(n)]) for i, n in enumerate(data["sizes"])],
        data["weights"],
        data["scores"],
        [RESERVATION, RESERVATION],
        [discount, discount],
        deadline=DEADLINE,
    )


def rate(run: Callable[[int], Any], budget: float, at_least: int) -> tuple[float, int, Any]:
    """Negotiations per second of ``run(i)`` (one negotiation each), for ``budget`` seconds
    and at least ``at_least`` negotiations; also how many and the last result."""
    run(-1)  # warm-up
    count, result = 0, None
    start = time.perf_counter()
    while True:
        result = run(count)
        count += 1
        elapsed = time.perf_counter() - start
        if count >= at_least and elapsed >= budget:
            return count / elapsed, count, result


def negmas_runner(data: dict[str, Any]) -> Callable[[int], tuple[bool, int]]:
    from negmas import (  # type: ignore[import-untyped,unused-ignore]
        BoulwareTBNegotiator,
        ConcederTBNegotiator,
        SAOMechanism,
    )
    from negmas.outcomes import make_issue, make_os  # type: ignore[import-untyped,unused-ignore]
    from negmas.preferences import (  # type: ignore[import-untyped,unused-ignore]
        LinearAdditiveUtilityFunction,
    )

    issues = [make_issue(values=n, name=f"i{i}") for i, n in enumerate(data["sizes"])]
    space = make_os(issues)
    ufuns = [
        LinearAdditiveUtilityFunction(
            values=[dict(enumerate(table)) for table in data["scores"][p]],
            weights=data["weights"][p],
            outcome_space=space,
            reserved_value=RESERVATION,
        )
        for p in (0, 1)
    ]

    def run(_: int) -> tuple[bool, int]:
        mechanism = SAOMechanism(outcome_space=space, n_steps=DEADLINE)
        mechanism.add(BoulwareTBNegotiator(name="a"), preferences=ufuns[0])
        mechanism.add(ConcederTBNegotiator(name="b"), preferences=ufuns[1])
        state = mechanism.run()
        return state.agreement is not None, int(state.step)

    return run


def mixed_lineups() -> list[list[tuple[str, dict[str, float]]]]:
    return [
        [("boulware", {"e": b}), ("conceder", {"e": c})]
        for b in (0.1, 0.2, 0.3, 0.4, 0.5)
        for c in (2.0, 3.0, 5.0, 7.0, 10.0)
    ]


def vectorised_rate(
    problem: BargainingProblem, lineups: list[Any], traces: bool, alternate: bool, args: Any
) -> float:
    """Negotiations per second of one ``--batch`` batch (best of ``--repeat`` runs)."""
    batch = args.batch
    first = [b % 2 for b in range(batch)] if alternate else 0
    call = simulate_batch if traces else simulate_batch_summary
    call(problem, lineups[:1], seeds=np.arange(8))  # warm-up
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        call(problem, lineups, seeds=np.arange(batch), first_proposer=first)
        best = min(best, time.perf_counter() - start)
    return float(batch / best)


def scenario_row(label: str, sizes: Sequence[int], args: Any, use_negmas: bool) -> str:
    data = generate(sizes, seed=args.seed)
    problem = detente_problem(data)
    negmas_rate, negmas_round = float("nan"), float("nan")
    if use_negmas:
        runner = negmas_runner(data)
        negmas_rate, _, _ = rate(runner, args.negmas_seconds, 3)
        negmas_round = float(np.mean([runner(i)[1] for i in range(3)]))

    def plain(i: int) -> Any:
        return simulate(problem, [boulware(BOULWARE_E), conceder(CONCEDER_E)], seed=max(i, 0))

    plain_rate, _, trace = rate(plain, args.plain_seconds, 50)
    lineup = [("boulware", {"e": BOULWARE_E}), ("conceder", {"e": CONCEDER_E})]
    if not simulate_batch(problem, [lineup], seeds=[0])[0].equals(trace):
        raise SystemExit("the vectorised engine disagrees with the plain engine")
    summary_rate = vectorised_rate(problem, [lineup], False, False, args)
    traces_rate = vectorised_rate(problem, [lineup], True, False, args)
    mixed = mixed_lineups()
    spread = [mixed[b % len(mixed)] for b in range(args.batch)]
    mixed_rate = vectorised_rate(problem, spread, False, True, args)
    versus = [
        f"{ours / negmas_rate:,.0f}x" if use_negmas else "-" for ours in (plain_rate, summary_rate)
    ]
    return (
        f"| {label} | {negmas_rate:,.0f} | {plain_rate:,.0f} | {summary_rate:,.0f} "
        f"| {traces_rate:,.0f} | {mixed_rate:,.0f} | {versus[0]} | {versus[1]} "
        f"| {summary_rate / plain_rate:,.0f}x | {negmas_round:.0f} / {trace.ending.round} |"
    )


def head_to_head(args: argparse.Namespace, use_negmas: bool) -> None:
    print(f"## Boulware vs Conceder, {DEADLINE}-round deadline (negotiations per second)\n")
    print(
        "| scenario | NegMAS | plain | vectorised | vectorised, traces | vectorised, mixed "
        "| plain / NegMAS | vectorised / NegMAS | vectorised / plain | round of the end "
        "(NegMAS step / detente) |"
    )
    print("|---" * 10 + "|")
    for label, sizes in SCENARIOS:
        print(scenario_row(label, sizes, args, use_negmas))
    print()


def tournament(args: argparse.Namespace) -> None:
    problems = [
        (label, detente_problem(generate(sizes, args.seed + 1 + k)))
        for k, (label, sizes) in enumerate(SCENARIOS)
    ]
    extra, extra_sizes, discount = EXTRA_SCENARIO
    problems.append((extra, detente_problem(generate(extra_sizes, args.seed + 9), discount)))
    pairs = [[a, b] for a in TOURNAMENT for b in TOURNAMENT]
    repetitions = args.repetitions
    for _, problem in problems:  # outside the timed part, as for NegMAS: sorted utilities
        simulate(problem, [boulware(), conceder()], seed=0)
    total = len(problems) * len(pairs) * repetitions

    start = time.perf_counter()
    plain_endings = [
        simulate(problem, [*map(_make, pair)], seed=rep).ending
        for _, problem in problems
        for pair in pairs
        for rep in range(repetitions)
    ]
    plain_seconds = time.perf_counter() - start

    def vectorised(traces: bool) -> tuple[float, list[Any]]:
        endings: list[Any] = []
        start = time.perf_counter()
        for _, problem in problems:
            lineups = [pair for pair in pairs for _ in range(repetitions)]
            seeds = [rep for _ in pairs for rep in range(repetitions)]
            if traces:
                endings += [t.ending for t in simulate_batch(problem, lineups, seeds=seeds)]
            else:
                summary = simulate_batch_summary(problem, lineups, seeds=seeds)
                endings += [summary.ending(i) for i in range(len(summary))]
        return time.perf_counter() - start, endings

    summary_seconds, summary_endings = vectorised(False)
    traces_seconds, trace_endings = vectorised(True)
    same = plain_endings == summary_endings == trace_endings
    agreed = sum(e.end.value == "agreement" for e in plain_endings)
    print(
        f"## Tournament: {len(TOURNAMENT)} strategies ({len(pairs)} ordered pairings) x "
        f"{len(problems)} scenarios x {repetitions} repetitions = {total:,} negotiations\n"
    )
    print("| engine | seconds | negotiations per second |")
    print("|---|---|---|")
    for name, seconds in (
        ("plain", plain_seconds),
        ("vectorised (endings)", summary_seconds),
        ("vectorised (traces)", traces_seconds),
    ):
        print(f"| {name} | {seconds:.3f} | {total / seconds:,.0f} |")
    print(
        f"\nendings identical across engines: {'yes' if same else 'NO'}; "
        f"agreements: {agreed:,} of {total:,}"
    )
    if not same:
        raise SystemExit("the engines disagree")


def _make(name: str) -> Any:
    from detente.simulation import make_strategy

    return make_strategy(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller samples")
    parser.add_argument("--no-negmas", action="store_true", help="detente only")
    parser.add_argument("--batch", type=int, default=20000, help="vectorised batch size")
    parser.add_argument("--repeat", type=int, default=3, help="vectorised runs (best kept)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repetitions", type=int, default=10, help="tournament repetitions")
    args = parser.parse_args()
    args.negmas_seconds = 1.0 if args.quick else 4.0
    args.plain_seconds = 0.5 if args.quick else 2.0
    if args.quick:
        args.batch = min(args.batch, 5000)
    use_negmas = not args.no_negmas
    if use_negmas and importlib.util.find_spec("negmas") is None:
        print(f"NegMAS is not installed; running detente only. To compare: {INSTALL_HINT}\n")
        use_negmas = False
    if use_negmas:
        import negmas  # type: ignore[import-untyped,unused-ignore]

        negmas_version = negmas.__version__
    else:
        negmas_version = "not run"
    print(
        f"Python {platform.python_version()}, NumPy {np.__version__}, NegMAS {negmas_version}; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
        f"command: {' '.join([Path(sys.executable).name, *sys.argv])}\n"
    )
    head_to_head(args, use_negmas)
    tournament(args)


if __name__ == "__main__":
    main()
