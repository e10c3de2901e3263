"""Speed and memory of the graph-model stability engine on random conflicts.

Each size runs in a fresh child process so its peak memory (max RSS) is its own. The conflict is
generated as a scenario document (random infeasibility rule, random prioritised preference
statements) and compiled outside the timed part; the timed part is Nash, GMR, SMR and SEQ for
every party and state; *sq s* is status-quo analysis (both searches from a state: by unilateral
improvements and by any moves).

    python benchmarks/bench_graph_model.py            # the full table (a few minutes)
    python benchmarks/bench_graph_model.py --quick    # sizes up to 20 options

Reference: the GMCR+ tool needs about 100 s and 3.8 GiB for 14 options with 2 parties and cannot
hold 16 options (dense N×N matrices; ALGORITHMS.md §1).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

from detente import analyze_stability, load_scenario_data
from detente.graph_model.status_quo import reachable_from

GMCR_PLUS_14 = {"seconds": 100.0, "memory_gib": 3.8}
SIZES_FULL = [
    (10, 2),
    (14, 2),
    (16, 2),
    (18, 2),
    (20, 2),
    (22, 2),
    (24, 2),
    (12, 3),
    (15, 3),
    (18, 3),
    (20, 3),
]
SIZES_QUICK = [(10, 2), (14, 2), (16, 2), (18, 2), (20, 2), (12, 3), (15, 3), (18, 3)]


def random_document(n_options: int, n_parties: int, seed: int) -> dict[str, Any]:
    """A random conflict: options dealt round-robin (about one in six irreversible), one
    infeasibility rule, 8 prioritised preference statements per party."""
    rng = np.random.default_rng(seed)
    parties = [f"p{i}" for i in range(n_parties)]
    moves = rng.choice(["both", "forward", "backward"], size=n_options, p=[0.84, 0.08, 0.08])
    options = [
        {"id": f"o{k}", "party": parties[k % n_parties], "moves": str(moves[k])}
        for k in range(n_options)
    ]

    def literal() -> str:
        return f"{'not ' if rng.random() < 0.4 else ''}o{rng.integers(n_options)}"

    def statement() -> str:
        terms = [literal() for _ in range(rng.integers(1, 4))]
        joiner = " and " if rng.random() < 0.6 else " or "
        return joiner.join(terms)

    first, second = rng.choice(n_options, size=2, replace=False)
    return {
        "format": "detente/1",
        "title": f"random {n_options} options, {n_parties} parties",
        "parties": [{"id": p} for p in parties],
        "graph_model": {
            "options": options,
            "infeasible": [f"o{first} and o{second}"],
            "preferences": {p: [statement() for _ in range(8)] for p in parties},
        },
    }


def run_one(n_options: int, n_parties: int, seed: int) -> dict[str, Any]:
    start = time.perf_counter()
    model = load_scenario_data(random_document(n_options, n_parties, seed)).graph_model
    assert model is not None
    compiled = time.perf_counter() - start
    start = time.perf_counter()
    result = analyze_stability(model)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    reach = reachable_from(model, int(model.states[0]), improving=True)
    reachable_from(model, int(model.states[0]), improving=False)
    status_quo_seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "options": n_options,
        "parties": n_parties,
        "states": model.n_states,
        "irreversible": sum(o.moves != "both" for o in model.options),
        "compile_s": compiled,
        "analyze_s": seconds,
        "status_quo_s": status_quo_seconds,
        "reached": int((reach.distance >= 0).sum()),
        "peak_gib": peak / 2**30,
        "equilibria": {c: int(result.equilibrium_mask(c).sum()) for c in result.concepts},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes up to 20 options only")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument(
        "--one", nargs=2, type=int, metavar=("OPTIONS", "PARTIES"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.seed)))
        return
    sizes = SIZES_QUICK if args.quick else SIZES_FULL
    print(
        f"{'options':>7} {'parties':>7} {'states':>11} {'irrev.':>6} {'compile s':>10} "
        f"{'analyze s':>10} {'sq s':>7} {'peak GiB':>9}  equilibria (nash/gmr/smr/seq)"
    )
    for n_options, n_parties in sizes:
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(n_options),
                str(n_parties),
                "--seed",
                str(args.seed),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            print(f"{n_options:>7} {n_parties:>7}  failed: {child.stderr.strip()[-300:]}")
            continue
        row = json.loads(child.stdout)
        counts = "/".join(str(v) for v in row["equilibria"].values())
        print(
            f"{row['options']:>7} {row['parties']:>7} {row['states']:>11,} "
            f"{row['irreversible']:>6} "
            f"{row['compile_s']:>10.3f} {row['analyze_s']:>10.3f} {row['status_quo_s']:>7.3f} "
            f"{row['peak_gib']:>9.2f}  "
            f"{counts}",
            flush=True,
        )
        if (n_options, n_parties) == (14, 2):
            ratio = GMCR_PLUS_14["seconds"] / row["analyze_s"]
            memory = GMCR_PLUS_14["memory_gib"] / row["peak_gib"]
            print(
                f"{'':>7} vs GMCR+ (100 s, 3.8 GiB at 14 options): {ratio:,.0f}x faster, "
                f"{memory:,.1f}x less memory"
            )


if __name__ == "__main__":
    main()
