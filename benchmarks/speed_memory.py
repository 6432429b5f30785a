"""Speed and memory of the monthly calendar: agent-months per second and bytes per migrant.

    python benchmarks/speed_memory.py [--sizes 10000 100000 1000000] [--months 24]
                                      [--scenario scenarios/baseline.yaml]

For each population size it builds the baseline world and population, runs the given months on
one core (numpy's threads pinned to 1), and prints:
  - agent-months per second over the simulated months (synthesis excluded, shown apart);
  - bytes per migrant: the population's columns, and the peak traced by tracemalloc during the
    simulated months (columns plus every temporary array a month allocates), divided by rows.
"""

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

from model.model import CitizenizationModel  # noqa: E402
from model.runner import sized  # noqa: E402
from model.scenario import load_scenario  # noqa: E402

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def measure(n: int, months: int, path: Path) -> dict:
    scenario = sized(load_scenario(path), migrants=n, years=max(1, -(-months // 12)))
    started = time.perf_counter()
    model = CitizenizationModel(scenario, seed=1)
    build = time.perf_counter() - started

    tracemalloc.start()
    tracemalloc.reset_peak()
    baseline_traced = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    for _ in range(months):
        model.step()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] - baseline_traced
    tracemalloc.stop()

    # timing without tracemalloc's overhead
    model = CitizenizationModel(scenario, seed=1)
    started = time.perf_counter()
    for _ in range(months):
        model.step()
    elapsed = time.perf_counter() - started
    columns = model.population.nbytes
    return {
        "migrants": n,
        "months": months,
        "build_s": build,
        "run_s": elapsed,
        "agent_months_per_s": n * months / elapsed,
        "column_bytes_per_migrant": columns / n,
        "peak_bytes_per_migrant": (columns + peak) / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--scenario", type=Path, default=BASELINE)
    args = parser.parse_args()
    print(f"scenario {args.scenario.name}")
    print(
        f"{'migrants':>10} {'months':>6} {'build s':>8} {'run s':>8} "
        f"{'agent-months/s':>15} {'columns B/agent':>16} {'peak B/agent':>13}"
    )
    for n in args.sizes:
        r = measure(n, args.months, args.scenario)
        print(
            f"{r['migrants']:>10,} {r['months']:>6} {r['build_s']:>8.2f} {r['run_s']:>8.2f} "
            f"{r['agent_months_per_s']:>15,.0f} {r['column_bytes_per_migrant']:>16.1f} "
            f"{r['peak_bytes_per_migrant']:>13.1f}"
        )
    print(
        "10-year run at the largest size would take about "
        f"{args.sizes[-1] * 120 / r['agent_months_per_s']:.1f} s (extrapolated)."
    )


if __name__ == "__main__":
    main()
