"""Throughput of robustness sampling: samples per second with 1 and 2 workers.

Two workloads, each loaded and checked outside the timed part:

* the random 14-option, 2-party conflict of ``bench_graph_model.py`` (12,288 feasible states),
  every adjacent pair of each party's 8 statements swappable (nearly every sample is a new
  scenario: four stability concepts on 12k states each time);
* the Hanoi scenario (``examples/hanoi-2019.yaml``) with swappable statements, uncertain
  perceptions and ranges on weights, scores, reservation values and discount factors (the
  graph model repeats across samples and is analysed once per distinct draw; the bargaining
  problem is new every sample).

Workers: in this process (no executor), and a ``ProcessPoolExecutor`` with 1 and 2 processes
(started and warmed up outside the timed part). Every run with the same seed must give the same
result; the table says whether it did.

    python benchmarks/bench_robustness.py            # 14 options: 240 samples; Hanoi: 6000
    python benchmarks/bench_robustness.py --quick    # a tenth of that
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from detente import load_scenario, load_scenario_data
from detente.scenario.loader import Scenario
from detente.whatif.robustness import robustness
from detente.whatif.uncertainty import UncertaintySpec, compile_uncertainty, parse_uncertainty

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_graph_model import random_document

ROOT = Path(__file__).resolve().parents[1]
HANOI_UNCERTAINTY: dict[str, Any] = {
    "graph_model": {
        "swappable": {
            "us": [[1, 2], [2, 3], [3, 4], [5, 6]],
            "dprk": [{"positions": [0, 1], "probability": 0.3}, [3, 4], [4, 5]],
        }
    },
    "perceptions": {"us": {"probability": 0.8}, "dprk": {"probability": 0.6}},
    "bargaining": {
        "weights": {"us": {"denuclearization": [0.2, 0.4]}},
        "term_weights": {"us": {0: [0.3, 0.5]}},
        "scores": {"dprk": {"denuclearization": {"yongbyon": [0.5, 0.7]}}},
        "reservation": {"us": [0.45, 0.6], "dprk": [0.45, 0.6]},
        "discount": {"dprk": [0.85, 0.95]},
    },
}


def workloads(quick: bool) -> list[tuple[str, Scenario, UncertaintySpec, int, int]]:
    """(name, scenario, uncertainty, samples, chunk size), all checked before timing."""
    random14 = load_scenario_data(random_document(14, 2, 2019))
    all_pairs = parse_uncertainty({"graph_model": {"swappable": {"p0": "all", "p1": "all"}}})
    hanoi = load_scenario(ROOT / "examples" / "hanoi-2019.yaml")
    hanoi_spec = parse_uncertainty(HANOI_UNCERTAINTY)
    scale = 10 if quick else 1
    chosen = [
        ("random 14 options", random14, all_pairs, 240 // scale, 20),
        ("Hanoi 2019", hanoi, hanoi_spec, 6000 // scale, 250),
    ]
    for _, scenario, spec, _, _ in chosen:
        compile_uncertainty(spec, scenario)
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the samples")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()
    print(f"CPUs available: {os.cpu_count()}")
    print(
        f"{'workload':<20} {'samples':>8} {'workers':<14} {'seconds':>8} {'samples/s':>10} "
        f"{'vs 1 process':>12}  same result"
    )
    pools: dict[str, Executor | None] = {"in process": None}
    for n in (1, 2):
        pool = ProcessPoolExecutor(n)
        list(pool.map(abs, range(4 * n)))  # start the workers outside the timed part
        pools[f"{n} process{'es' if n > 1 else ''}"] = pool
    try:
        for name, scenario, spec, samples, chunk in workloads(args.quick):
            reference: dict[str, Any] | None = None
            one_process: float | None = None
            for label, executor in pools.items():
                # Warm up: imports and first-call costs in the workers.
                robustness(
                    scenario, spec, samples=2 * chunk, seed=0, executor=executor, chunk_size=chunk
                )
                start = time.perf_counter()
                result = robustness(
                    scenario,
                    spec,
                    samples=samples,
                    seed=args.seed,
                    executor=executor,
                    chunk_size=chunk,
                )
                seconds = time.perf_counter() - start
                data = result.to_dict()
                reference = reference or data
                if label == "1 process":
                    one_process = seconds
                ratio = f"{one_process / seconds:.2f}x" if one_process else ""
                same = "yes" if data == reference else "NO"
                print(
                    f"{name:<20} {samples:>8} {label:<14} {seconds:>8.2f} "
                    f"{samples / seconds:>10.1f} {ratio:>12}  {same}",
                    flush=True,
                )
    finally:
        for pool in pools.values():
            if pool is not None:
                pool.shutdown()


if __name__ == "__main__":
    main()
