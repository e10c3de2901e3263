"""How quickly the workbench answers: interactive views by model size, and background runs.

Measured against a real ``detente serve`` (a subprocess on a free local port, a fresh SQLite
workspace), as a browser would see it:

* interactive analysis, the state graph (whole or a neighbourhood) and one explanation, on the
  Hanoi scenario and on the random conflicts of ``bench_graph_model.py`` with 8 to 16 options;
* a background run from request to result (worker start through the fork server included):
  a 1-repeat simulation of Hanoi, and the analysis run with its HTML report;
* how long a request waits while both workers are busy with long runs (it should not wait
  for them at all).

Each figure is the median of ``--repeat`` timings (first call excluded: it compiles the
scenario, which is cached afterwards).

    python benchmarks/bench_workbench.py            # median of 5
    python benchmarks/bench_workbench.py --quick    # median of 2, up to 14 options
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_graph_model import random_document

ROOT = Path(__file__).resolve().parents[1]


def median_seconds(call: Callable[[], Any], repeat: int) -> float:
    call()  # warm: compiles and caches the scenario
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def checked(response: Any) -> Any:
    if response.status_code >= 300:
        raise SystemExit(f"{response.request.url}: {response.status_code} {response.text}")
    return response.json()


def serve(folder: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "detente", "serve", "--port", "0", "--workspace", str(folder)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    address = process.stdout.readline().split(" at ", 1)[1].strip()
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(address + "api/health").raise_for_status()
            return process, address
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def wait(client: httpx.Client, run_id: int) -> dict[str, Any]:
    while True:
        run = checked(client.get(f"/api/runs/{run_id}"))
        if run["status"] not in ("queued", "running"):
            return run  # type: ignore[no-any-return]
        time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=None)
    args = parser.parse_args()
    repeat = args.repeat or (2 if args.quick else 5)
    sizes = (8, 12, 14) if args.quick else (8, 12, 14, 16)

    process, address = serve(Path(tempfile.mkdtemp(prefix="detente-bench-")))
    try:
        with httpx.Client(base_url=address, timeout=120) as client:
            measure(client, sizes, repeat)
    finally:
        process.terminate()
        process.wait(30)


def measure(client: httpx.Client, sizes: tuple[int, ...], repeat: int) -> None:
    models: list[tuple[str, int]] = [
        (
            "Hanoi 2019",
            checked(client.post("/api/scenarios", json={"library": "hanoi-2019"}))["id"],
        )
    ]
    for n in sizes:
        text = yaml.safe_dump(random_document(n, 2, seed=n), sort_keys=False)
        made = checked(client.post("/api/scenarios", json={"text": text, "name": f"{n}"}))
        models.append((f"random, {n} options", made["id"]))

    print("Interactive views (median seconds per request)")
    print(f"{'model':<20} {'states':>7} {'analysis':>9} {'graph':>7} {'explain':>8}")
    for label, sid in models:
        states = checked(client.get(f"/api/scenarios/{sid}"))["summary"]["states"]
        first = checked(client.get(f"/api/scenarios/{sid}/analysis"))["analysis"]
        code = first["states"][0]["code"]
        timings = [
            median_seconds(lambda s=sid: client.get(f"/api/scenarios/{s}/analysis"), repeat),
            median_seconds(lambda s=sid: client.get(f"/api/scenarios/{s}/graph"), repeat),
            median_seconds(
                lambda s=sid, c=code: client.get(
                    f"/api/scenarios/{s}/explain", params={"state": c}
                ),
                repeat,
            ),
        ]
        print(f"{label:<20} {states:>7,} {timings[0]:>9.3f} {timings[1]:>7.3f} {timings[2]:>8.3f}")

    hanoi = models[0][1]
    print("\nBackground runs, request to result (median seconds)")
    for kind, params in (
        ("simulation", {"deadline": 20, "repeats": 1, "seed": 1}),
        ("analysis", {}),
    ):
        body = {"kind": kind, "params": params}

        def run_once(body: dict[str, Any] = body) -> None:
            made = checked(client.post(f"/api/scenarios/{hanoi}/runs", json=body))
            assert wait(client, made["id"])["status"] == "done"

        print(f"{kind:<20} {median_seconds(run_once, repeat):>9.3f}")

    uncertainty = yaml.safe_load((ROOT / "examples/uncertainty/hanoi-2019.yaml").read_text())
    long = {"kind": "robustness", "params": {"samples": 100_000, "uncertainty": uncertainty}}
    busy = [checked(client.post(f"/api/scenarios/{hanoi}/runs", json=long)) for _ in range(2)]
    while any(checked(client.get(f"/api/runs/{r['id']}"))["status"] != "running" for r in busy):
        time.sleep(0.01)
    idle_free = median_seconds(lambda: client.get(f"/api/scenarios/{hanoi}/analysis"), repeat)
    for run in busy:
        checked(client.post(f"/api/runs/{run['id']}/cancel"))
    print(f"\nHanoi analysis while both workers run long jobs: {idle_free:.3f} s per request")


if __name__ == "__main__":
    main()
