"""Speed and memory of the monthly calendar: agent-months per second and bytes per migrant,
side by side with a plain Mesa model measured in the same run.

    python benchmarks/speed_memory.py [--sizes 10000 100000 1000000 4000000] [--months 24]
                                      [--scenario scenarios/policy_2019.yaml] [--no-make-run]

For each population size it builds the world and population (with the spin-up: "build s"),
runs the given months on one core (numpy's threads pinned to 1; kernels are compiled before
the clock starts, and cached on disk), and prints:
  - agent-months per second over the simulated months, and that divided by a plain Mesa model
    of one `mesa.Agent` per migrant (`benchmarks/mesa_toy.py`) timed in the same run: the
    machine is shared, so the ratio is the figure to compare across machines and days;
  - bytes per migrant: the population's columns, and the peak traced by tracemalloc during the
    simulated months (columns plus every temporary array a month allocates), divided by rows;
  - the costliest January or December (demography and the new year; the year's accounts,
    governments and outcome rows) over the median ordinary month.
Then the seconds `make run` takes (the main job: `citizenization compare` of the baseline and
the 2019 opinion at the scenarios' own size and seeds).
"""

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from model.model import CitizenizationModel  # noqa: E402
from model.runner import sized  # noqa: E402
from model.scenario import load_scenario  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mesa_toy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "scenarios" / "policy_2019.yaml"


def measure(n: int, months: int, path: Path) -> dict:
    scenario = sized(load_scenario(path), migrants=n, years=max(1, -(-months // 12)))
    started = time.perf_counter()
    model = CitizenizationModel(scenario, seed=1)
    build = time.perf_counter() - started

    tracemalloc.start()
    tracemalloc.reset_peak()
    baseline_traced = tracemalloc.get_traced_memory()[0]
    for _ in range(months):
        model.step()
    peak = tracemalloc.get_traced_memory()[1] - baseline_traced
    tracemalloc.stop()

    # timing without tracemalloc's overhead, month by month
    model = CitizenizationModel(scenario, seed=1)
    seconds, calendar = [], []
    for _ in range(months):
        started = time.perf_counter()
        model.step()
        seconds.append(time.perf_counter() - started)
        calendar.append(model.clock.month)
    seconds, calendar = np.array(seconds), np.array(calendar)
    ordinary = np.median(seconds[(calendar != 1) & (calendar != 12)])
    columns = model.population.nbytes
    return {
        "migrants": n,
        "build_s": build,
        "run_s": seconds.sum(),
        "agent_months_per_s": n * months / seconds.sum(),
        "column_bytes_per_migrant": columns / n,
        "peak_bytes_per_migrant": (columns + peak) / n,
        "year_end_ratio": seconds[(calendar == 1) | (calendar == 12)].max() / ordinary,
    }


def make_run_seconds() -> float:
    """Seconds of the main job `make run` runs, on this machine, set-up excluded."""
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable, "-m", "model", "compare",
                str(ROOT / "scenarios" / "baseline.yaml"), str(POLICY),
                "--out", out, "--quiet",
            ],
            check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000, 4_000_000]
    )
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--scenario", type=Path, default=POLICY)
    parser.add_argument("--no-make-run", action="store_true", help="skip timing `make run`")
    args = parser.parse_args()
    CitizenizationModel(sized(load_scenario(args.scenario), migrants=2000, years=1)).run()
    toy = mesa_toy.agent_months_per_second()
    print(f"scenario {args.scenario.name}, {args.months} months, one core")
    print(f"plain Mesa toy (one mesa.Agent per migrant, 20,000 agents): {toy:,.0f} agent-months/s")
    print(
        f"{'migrants':>10} {'build s':>8} {'run s':>7} {'agent-months/s':>15} {'x Mesa':>7} "
        f"{'columns B':>9} {'peak B':>7} {'Dec/Jan vs month':>16}"
    )
    for n in args.sizes:
        r = measure(n, args.months, args.scenario)
        print(
            f"{r['migrants']:>10,} {r['build_s']:>8.1f} {r['run_s']:>7.2f} "
            f"{r['agent_months_per_s']:>15,.0f} {r['agent_months_per_s'] / toy:>7.0f} "
            f"{r['column_bytes_per_migrant']:>9.1f} {r['peak_bytes_per_migrant']:>7.1f} "
            f"{r['year_end_ratio']:>16.2f}",
            flush=True,
        )
    if not args.no_make_run:
        print(f"make run (compare baseline vs policy_2019): {make_run_seconds():.1f} s")


if __name__ == "__main__":
    main()
