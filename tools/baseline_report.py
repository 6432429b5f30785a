"""The baseline's credibility in numbers (issue 12), for docs/validation.md: the historical run
against the 2015-2017 statistics, the 2019 baseline's stocks and flows, and the paired effect
of the 2019 opinion per year. Prints markdown tables; writes docs/figures/policy_effect.png.

    python tools/baseline_report.py [--seeds 3] [--migrants 100000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
FIGURE = ROOT / "docs" / "figures" / "policy_effect.png"
#: A statistic is held when the run is within this many of its stated measurement errors
#: (model/data/target_errors.csv: the errors the calibration weighs the rows by).
ERRORS_ALLOWED = 3


def markdown(frame: pd.DataFrame, index: bool = False) -> str:
    """A markdown table (numbers to 4 significant digits)."""
    frame = frame.reset_index() if index else frame

    def cell(v) -> str:
        return f"{v:.4g}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join(lines)


def runs(scenario, seeds, migrants) -> pd.DataFrame:
    from model import run_scenario

    return pd.concat([run_scenario(scenario, s, migrants=migrants) for s in seeds])


def series(rows: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Seed x year table of an outcome (all migrants, whole system)."""
    chosen = rows[
        (rows["outcome"] == outcome) & (rows["population"] == "all") & (rows["city_class"] == "all")
    ]
    return chosen.pivot(index="seed", columns="year", values="value")


def history_table(seeds, migrants) -> tuple[pd.DataFrame, pd.DataFrame]:
    from model import load_scenario
    from model.validity import validation

    history = load_scenario(ROOT / "scenarios" / "historical_2015.yaml")
    simulated = validation.simulate_targets(history, seeds, migrants=migrants)
    table = validation.against_targets(simulated, validation.load_targets())
    from model.validity.calibration import stated_errors

    errors = stated_errors().dropna()
    table = table[table["key"].isin(errors.index) & table["simulated"].notna()].copy()
    table["tolerance"] = ERRORS_ALLOWED * table["key"].map(errors)
    table["within"] = table["relative_error"].abs() <= table["tolerance"]
    settlements = series(runs(history, seeds, migrants), "settlements_per_year")
    return table, settlements


def policy_effect(seeds, migrants) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from model import load_scenario
    from model.national import NationalAccounts

    scenarios = {
        n: load_scenario(ROOT / "scenarios" / f"{n}.yaml") for n in ("baseline", "policy_2019")
    }
    results = {n: runs(s, seeds, migrants) for n, s in scenarios.items()}
    # China's population by year: the historical accounts' start and natural growth (assumed)
    national = load_scenario(ROOT / "scenarios" / "historical_2015.yaml").national
    total = NationalAccounts.start(national).total
    growth = 1 + national.natural_growth_per_year
    effect = {}
    for outcome in (
        "settlements_with_families_per_year",
        "settlements_per_year",
        "hukou_citizenization_rate",
        "migrants_in_cities",
    ):
        diff = series(results["policy_2019"], outcome) - series(results["baseline"], outcome)
        effect[outcome] = diff
    years = effect["settlements_per_year"].columns
    population = pd.Series([total * growth ** (y - 2015) for y in years], index=years)
    effect["hukou_urbanization_points"] = (
        effect["settlements_with_families_per_year"] / population * 100
    )
    summary = pd.DataFrame(
        {
            name: [
                f"{d[y].mean():.4g} ± {1.96 * d[y].std(ddof=1) / np.sqrt(len(d)):.2g}"
                for y in years
            ]
            for name, d in effect.items()
        },
        index=years,
    )
    return (
        summary,
        series(results["baseline"], "settlements_per_year"),
        series(results["baseline"], "migrants_in_cities"),
        effect,
    )


def plot(effect: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, name, label in (
        (axes[0], "settlements_with_families_per_year", "extra people settled a year (millions)"),
        (axes[1], "hukou_urbanization_points", "hukou urbanization rate, points a year"),
    ):
        d = effect[name] / (1e6 if "settlements" in name else 1)
        mean, half = d.mean(), 1.96 * d.std(ddof=1) / np.sqrt(len(d))
        ax.bar(d.columns.astype(str), mean, yerr=half, color="tab:blue", capsize=3)
        ax.set_ylabel(label)
        ax.set_xlabel("year")
    axes[1].axhspan(1.1, 1.3, color="tab:grey", alpha=0.2, label="observed total rise 2015-2017")
    axes[1].legend(loc="upper right", fontsize=8)
    fig.suptitle("policy_2019 - baseline, paired by seed (95 % CI)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--migrants", type=int, default=100_000)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    seeds = range(args.seeds)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)

    table, settlements = history_table(seeds, args.migrants)
    print(f"## Historical run, {args.seeds} seeds x {args.migrants:,} rows\n")
    columns = ["key", "year", "observed", "simulated", "relative_error", "tolerance", "within"]
    print(markdown(table[columns]))
    first, third = settlements[2015].mean(), settlements[2017].mean()
    print(f"\nsettlements 2015 / 2017: {first:,.0f} / {third:,.0f} = {first / third:.2f}")

    summary, base_settlements, base_migrants, effect = policy_effect(seeds, args.migrants)
    years = list(base_settlements.columns)
    ratio = base_settlements[years[0]].mean() / base_settlements[years[2]].mean()
    drift = base_migrants[years[-1]].mean() / base_migrants[years[0]].mean() - 1
    print(f"\n## Baseline from {years[0]}\n")
    start, end = base_migrants[years[0]].mean() / 1e6, base_migrants[years[-1]].mean() / 1e6
    print(
        f"settlements {years[0]} / {years[2]}: {ratio:.2f}; migrants in cities "
        f"{start:.1f} M -> {end:.1f} M ({drift:+.1%})"
    )
    print("\n## policy_2019 - baseline, paired by seed (mean ± 95 % half-width)\n")
    print(markdown(summary, index=True))
    plot(effect, FIGURE)
    print(f"\nfigure: {FIGURE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
