"""Fit the structural levels the 2015-2017 stocks set, one parameter to one statistic.

Bisection on common random numbers (issue 12). The uncertainties with a prior in the schema are
inferred by `citizenization calibrate` instead (their posterior mean is in
scenarios/baseline.yaml); these are the levels that remain:

    population.school_age_children_share                  pupils + left-behind children, 2017
    population.whole_family_share                         the pupils' share of them (E5)
    behaviour.labour.formal_job_probability (level)       employee pension, 2017 (S2)
    cities.wage_yuan_per_month (level)                    mean monthly income, 2016 (M16a)
    cities.jobs_per_capacity                              employment rate 0.95, 2016-2017
                                                          (assumed: no statistic in the data)

Each statistic moves monotonically with its parameter, so bisection finds the value where the
simulated mean over the seeds crosses the observation; two sweeps over the four settle their
interplay. The run is scenarios/historical_2015.yaml (with its spin-up) at the given rows. Paste
the printed values into scenarios/baseline.yaml, where every scenario reads them.

    python tools/fit_stocks.py [--migrants 50000] [--seeds 2] [--sweeps 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


#: parameter, (low, high), outcome, years, observed, +1 if the outcome rises with the parameter
PUPILS_2017, LEFT_BEHIND_2017 = 14_066_300, 15_505_600  # E5


def pupils_share(table):
    """Migrants' pupils / (pupils + left-behind children)."""
    return table["migrant_pupils"] / (table["migrant_pupils"] + table["left_behind_children"])


FITS = (
    ("population.school_age_children_share", (0.05, 1.0),
     ("migrant_pupils", "left_behind_children"), (2017,), PUPILS_2017 + LEFT_BEHIND_2017, +1),
    ("population.whole_family_share", (0.05, 1.0),
     pupils_share, (2017,), PUPILS_2017 / (PUPILS_2017 + LEFT_BEHIND_2017), +1),
    # a table: its level is fitted (a common factor on every education's chance), its shape kept
    ("behaviour.labour.formal_job_probability", (0.3, 2.5),
     "formal_workers", (2017,), 62_020_000, +1),
    ("cities.wage_yuan_per_month", (0.6, 1.4),
     "mean_monthly_income_yuan", (2016,), 3275, +1),
    # no statistic of migrants' unemployment is in the data: the jobs are set so that the
    # employment rate agrees with the assumed unemployment share of the start (5 %)
    ("cities.jobs_per_capacity", (0.3, 3.0),
     "employment_rate", (2016, 2017), 0.95, +1),
)  # fmt: skip


def with_value(scenario, key: str, value: float, base):
    """`scenario` with `key` set to `value`; a table (`base`, a mapping) is scaled by it."""
    if isinstance(base, dict):
        cap = 1.0 if max(base.values()) <= 1.0 else float("inf")  # a table of probabilities
        return scenario.override({f"{key}.{k}": min(v * value, cap) for k, v in base.items()})
    return scenario.override({key: value})


def simulated(scenario, outcome, years: tuple[int, ...], seeds: range) -> float:
    """The mean over seeds and `years` of an outcome, of the sum of several, or of a function
    of the year-by-outcome table."""
    from model import run_scenario

    values = []
    for seed in seeds:
        rows = run_scenario(scenario, seed, years=max(years) - 2014)
        chosen = rows[
            (rows["population"] == "all") & (rows["city_class"] == "all") & rows["year"].isin(years)
        ]
        table = chosen.pivot(index="year", columns="outcome", values="value")
        if callable(outcome):
            values.append(float(outcome(table).mean()))
        else:
            names = [outcome] if isinstance(outcome, str) else list(outcome)
            values.append(float(table[names].sum(axis=1).mean()))
    return sum(values) / len(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--migrants", type=int, default=50_000)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--sweeps", type=int, default=2)
    parser.add_argument("--steps", type=int, default=9, help="bisection steps per parameter")
    parser.add_argument("--only", nargs="*", help="fit only these parameters (dotted keys)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from model import load_scenario
    from model.validity.calibration import current_value

    scenario = load_scenario(ROOT / "scenarios" / "historical_2015.yaml").override(
        {"simulation.migrants": args.migrants}
    )
    seeds = range(args.seeds)
    for sweep in range(args.sweeps):
        for key, (low, high), outcome, years, observed, sign in FITS:
            if args.only and key not in args.only:
                continue
            base = current_value(scenario, key)
            for _ in range(args.steps):
                middle = (low + high) / 2
                value = simulated(with_value(scenario, key, middle, base), outcome, years, seeds)
                if (value - observed) * sign > 0:
                    high = middle
                else:
                    low = middle
            fitted = (low + high) / 2
            scenario = with_value(scenario, key, fitted, base)
            name = getattr(outcome, "__name__", outcome)
            print(
                f"sweep {sweep + 1}: {key} = {fitted:.5g} ({name} {years}: "
                f"{value:.5g} against {observed:.5g})",
                flush=True,
            )
    print("\nfitted (paste into scenarios/baseline.yaml):")
    for key, *_ in FITS:
        if args.only and key not in args.only:
            continue
        value = current_value(scenario, key)
        if isinstance(value, dict):
            print(f"  {key}: {{{', '.join(f'{k}: {v:.3g}' for k, v in value.items())}}}")
        else:
            print(f"  {key}: {value:.4g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
