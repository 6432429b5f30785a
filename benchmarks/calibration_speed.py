"""How many calibration simulations a machine runs per minute.

    python benchmarks/calibration_speed.py [--rows 5000 10000 20000] [--simulations 20]
                                           [--workers 1 2]

A calibration simulation is one run of the historical scenario from January 2015 to December
2017 (with its spin-up) at a parameter set drawn from the priors, measured on every target row:
what `citizenization calibrate` does thousands of times. For each number of agent rows and of
worker processes it prints simulations per minute, and what that means for the default
calibration (200 particles, 6 generations: about 3,000 simulations at the acceptance rates of
docs/validation.md).
"""

import argparse
import time
from pathlib import Path

import numpy as np

from model.experiments.executors import make_executor
from model.scenario import load_scenario
from model.validity import calibration
from model.validity.validation import load_targets

HISTORICAL = Path(__file__).resolve().parent.parent / "scenarios" / "historical_2015.yaml"


def simulate(task: tuple) -> None:
    simulator, parameters, seed = task
    np.random.seed(seed)  # noqa: NPY002 - the simulator draws its run seed as pyabc's would
    simulator(parameters)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000, 10000, 20000])
    parser.add_argument("--simulations", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    scenario = load_scenario(HISTORICAL)
    priors = calibration.chosen_priors(scenario)
    rows = calibration.calibration_rows(load_targets(), first_year=2015)
    stats = list(zip(rows["stat"], rows["key"], rows["year"], strict=True))
    rng = np.random.default_rng(0)
    draws = [
        {k: float(calibration.scipy_prior(p).ppf(rng.uniform())) for k, p in priors.items()}
        for _ in range(args.simulations)
    ]
    print(f"{'rows':>7} {'workers':>7} {'simulations/min':>16} {'default calibration':>20}")
    for n in args.rows:
        simulator = calibration.Simulator(scenario, stats, n, 3)
        for workers in args.workers:
            executor = make_executor(workers, None)
            tasks = [(simulator, d, i) for i, d in enumerate(draws)]
            try:
                list(executor.run(simulate, tasks[: min(workers, len(tasks))]))  # warm-up
                started = time.perf_counter()
                for _, result in executor.run(simulate, tasks):
                    if isinstance(result, BaseException):
                        raise result
                per_minute = len(tasks) / (time.perf_counter() - started) * 60
            finally:
                executor.close()
            print(f"{n:>7,} {workers:>7} {per_minute:>16.0f} {3000 / per_minute:>15.0f} min")


if __name__ == "__main__":
    main()
