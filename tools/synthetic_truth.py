"""Can the calibration recover a known truth? Simulate the 2015-2017 targets at known
parameters (historical_2015.yaml's values: the shipped posterior's means), at 20,000 rows and
with measurement noise of the stated errors, calibrate to them, and print which true values
fall inside their 90 % posterior intervals.

    python tools/synthetic_truth.py [--particles 100] [--generations 4] [--migrants 5000]
                                    [--out results/synthetic_truth]
"""

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from model.experiments.executors import make_executor
from model.runner import run_scenario
from model.scenario import load_scenario
from model.validity import calibration
from model.validity.validation import load_targets, measures

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--particles", type=int, default=100)
    parser.add_argument("--generations", type=int, default=4)
    parser.add_argument("--migrants", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "synthetic_truth")
    args = parser.parse_args()

    scenario = load_scenario(ROOT / "scenarios" / "historical_2015.yaml")
    priors = calibration.chosen_priors(scenario)
    truth = {k: float(calibration.current_value(scenario, k)) for k in priors}
    rows = calibration.calibration_rows(load_targets(), first_year=2015)
    simulated = measures(
        run_scenario(scenario.override({"simulation.migrants": 20_000}), 99, years=3), scenario
    ).set_index(["key", "year"])["value"]
    rng = np.random.default_rng(99)
    values = [
        simulated[(k, y)] * (1 + e * rng.standard_normal())
        for k, y, e in zip(rows["key"], rows["year"], rows["error"], strict=True)
    ]
    targets = pd.DataFrame(
        {
            "key": rows["key"],
            "year": rows["year"],
            "value": values,
            "unit": "",
            "source": "synthetic",
            "error": rows["error"],
        }
    )
    args.out.mkdir(parents=True, exist_ok=True)
    targets.to_csv(args.out / "synthetic_targets.csv", index=False)
    settings = calibration.Settings(
        scenario=scenario.name,
        parameters=list(priors),
        stats=[],
        particles=args.particles,
        generations=args.generations,
        migrants=args.migrants,
        seed=11,
    )
    executor = make_executor(None, None)
    try:
        fit = calibration.calibrate(
            scenario, targets, args.out, settings, executor=executor, resume=True
        )
    finally:
        executor.close()
    report = fit.identifiability.set_index("parameter")
    report["truth"] = pd.Series(truth)
    report["inside_90"] = (report["q05"] <= report["truth"]) & (report["truth"] <= report["q95"])
    report.to_csv(args.out / "recovery.csv")
    print(report[["truth", "posterior_mean", "q05", "q95", "sd_ratio", "inside_90"]].to_string())
    print(f"true values inside their 90 % interval: {report['inside_90'].sum()} of {len(report)}")


if __name__ == "__main__":
    main()
