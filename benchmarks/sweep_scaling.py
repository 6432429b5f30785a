"""Parallel efficiency and memory of sweeps.

    python benchmarks/sweep_scaling.py [--runs 16] [--migrants 250000] [--years 3]

1. Runs the same experiment (runs of >= 2 s each) with 1 worker and with 2 workers and prints
   the speed-up (ideal: 2.0 on 2 cores) and whether the two runs.parquet files are identical.
2. Runs 300 small models in one process and prints its resident memory before and after
   (a worker that builds many models must keep flat memory).
"""

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import yaml

from model.experiments.sweep import sweep
from model.runner import run_scenario
from model.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=16)
    parser.add_argument("--migrants", type=int, default=250_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--models", type=int, default=300)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    experiment = {
        "name": "scaling",
        "description": "parallel efficiency benchmark",
        "scenarios": [str(ROOT / "scenarios" / "policy_2019.yaml")],
        "uncertainties": {"behaviour.settlement_willingness": {"values": [0.37]}},
        "design": {"kind": "grid"},
        "replications": args.runs,
        "seed": 1,
        "simulation": {"migrants": args.migrants, "years": args.years},
        "outcomes": ["hukou_citizenization_rate"],
    }
    path = work / "scaling.yaml"
    path.write_text(yaml.safe_dump(experiment))
    timings = {}
    for workers in (1, 2):
        started = time.perf_counter()
        summary = sweep(path, out=work / f"w{workers}", workers=workers, progress=False)
        timings[workers] = time.perf_counter() - started
        assert summary.failed == 0
    per_run = timings[1] / args.runs
    identical = (work / "w1" / "runs.parquet").read_bytes() == (
        work / "w2" / "runs.parquet"
    ).read_bytes()
    print(
        f"{args.runs} runs of {args.migrants:,} migrants x {args.years} years "
        f"({per_run:.2f} s each on 1 worker)"
    )
    print(
        f"  1 worker: {timings[1]:.1f} s   2 workers: {timings[2]:.1f} s   "
        f"speed-up: {timings[1] / timings[2]:.2f}x   identical runs.parquet: {identical}"
    )

    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml").override(
        {"simulation.migrants": 5000, "simulation.years": 1}
    )
    for seed in range(20):
        run_scenario(scenario, seed)
    before = rss_mb()
    for seed in range(20, 20 + args.models):
        run_scenario(scenario, seed)
    after = rss_mb()
    print(
        f"one process, {args.models} more models of 5,000 migrants: resident memory "
        f"{before:.1f} MB -> {after:.1f} MB ({after - before:+.1f} MB)"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
