"""Analysis of a sweep's results, for notebooks and `citizenization analyse`.

- `point_means`: each scenario x design point's mean over replications, with a t-based 95 % CI;
- `paired_differences`: each scenario minus a reference scenario at the same point, paired by
  replication (common random numbers);
- `sensitivity`: Sobol (first and total order) or Morris (mu*, sigma) indices with SALib, from
  the design's samples and the replication means;
- figures of these (response surfaces, sensitivity bars) are in `model/output/plots.py`;
- `to_ema`: the EMA Workbench's `(experiments, outcomes)` pair, for its scenario discovery.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analysis
from SALib.analyze import sobol as sobol_analysis

from model.experiments.compare import mean_ci
from model.experiments.design import MORRIS_DEFAULT_LEVELS, salib_problem
from model.experiments.spec import ExperimentError, read_spec
from model.experiments.store import RUN_COLUMNS, SweepStore


def load_runs(folder: str | Path) -> pd.DataFrame:
    """`runs.parquet` of a sweep folder (gathered first if the sweep has not done it)."""
    folder = Path(folder)
    path = folder / "runs.parquet"
    if not path.is_file():
        SweepStore.open_existing(folder).collect()
    return pd.read_parquet(path)


def factor_columns(runs: pd.DataFrame) -> list[str]:
    """The lever and uncertainty columns of a runs table."""
    fixed = {*RUN_COLUMNS, "year", "outcome", "population", "city_class", "value"}
    return [c for c in runs.columns if c not in fixed]


def _select(
    runs: pd.DataFrame, outcome: str, population: str, city_class: str, year: int | None
) -> pd.DataFrame:
    if outcome not in set(runs["outcome"]):
        raise ExperimentError(
            f"Outcome '{outcome}' is not in these results; they hold "
            f"{sorted(runs['outcome'].unique())}."
        )
    year = int(runs["year"].max()) if year is None else year
    rows = runs[
        (runs["outcome"] == outcome)
        & (runs["population"] == population)
        & (runs["city_class"] == city_class)
        & (runs["year"] == year)
    ]
    if rows.empty:
        raise ExperimentError(
            f"No rows for {outcome}, population {population}, city class {city_class}, year {year}."
        )
    return rows


def point_means(
    runs: pd.DataFrame,
    outcome: str,
    population: str = "all",
    city_class: str = "all",
    year: int | None = None,
) -> pd.DataFrame:
    """Per scenario and design point: the factor values, mean, 95 % CI and replications."""
    rows = _select(runs, outcome, population, city_class, year)
    factors = factor_columns(runs)
    records = []
    for (scenario, point), block in rows.groupby(["scenario", "point"], sort=True):
        mean, low, high = mean_ci(block["value"].to_numpy())
        records.append(
            {
                "scenario": scenario,
                "point": point,
                **block.iloc[0][factors].to_dict(),
                "mean": mean,
                "ci_low": low,
                "ci_high": high,
                "replications": len(block),
            }
        )
    return pd.DataFrame.from_records(records)


def paired_differences(
    runs: pd.DataFrame,
    reference: str,
    outcome: str,
    population: str = "all",
    city_class: str = "all",
    year: int | None = None,
) -> pd.DataFrame:
    """Per design point and scenario: mean of (scenario - reference) over replications, paired
    by replication seed, with a 95 % CI."""
    rows = _select(runs, outcome, population, city_class, year)
    if reference not in set(rows["scenario"]):
        raise ExperimentError(
            f"Reference scenario '{reference}' is not in these results; "
            f"they hold {sorted(rows['scenario'].unique())}."
        )
    wide = rows.pivot_table(index=["point", "replication"], columns="scenario", values="value")
    records = []
    for scenario in wide.columns.drop(reference):
        diff = (wide[scenario] - wide[reference]).groupby(level="point")
        for point, values in diff:
            mean, low, high = mean_ci(values.dropna().to_numpy())
            records.append(
                {
                    "scenario": scenario,
                    "reference": reference,
                    "point": point,
                    "difference": mean,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pd.DataFrame.from_records(records)


def sensitivity(
    folder: str | Path,
    outcome: str,
    scenario: str | None = None,
    population: str = "all",
    city_class: str = "all",
    year: int | None = None,
) -> pd.DataFrame:
    """Sobol or Morris indices per factor for one scenario (default: the first), from the
    replication means at each design point. Needs a sobol or morris design."""
    folder = Path(folder)
    spec = read_spec(folder / "experiment.yaml")
    kind = spec.design.kind
    if kind not in ("sobol", "morris"):
        raise ExperimentError(
            f"Sensitivity indices need a sobol or morris design; this sweep "
            f"used a {kind} design. Its point means and response surfaces "
            "still apply."
        )
    runs = load_runs(folder)
    means = point_means(runs, outcome, population, city_class, year)
    scenario = scenario or sorted(means["scenario"].unique())[0]
    means = means[means["scenario"] == scenario].sort_values("point")
    expected = len(SweepStore(folder).design())
    if len(means) != expected:
        raise ExperimentError(
            f"Sensitivity indices need every design point; {len(means)} of "
            f"{expected} have results. Finish the sweep with --resume."
        )
    problem = salib_problem(spec.factors)
    y = means["mean"].to_numpy()
    if kind == "sobol":
        result = sobol_analysis.analyze(
            problem, y, calc_second_order=spec.design.second_order, seed=spec.design.seed
        )
        table = pd.DataFrame(
            {
                "S1": result["S1"],
                "S1_conf": result["S1_conf"],
                "ST": result["ST"],
                "ST_conf": result["ST_conf"],
            },
            index=problem["names"],
        )
    else:
        x = means[problem["names"]].to_numpy(dtype=float)
        result = morris_analysis.analyze(
            problem,
            x,
            y,
            num_levels=spec.design.levels or MORRIS_DEFAULT_LEVELS,
            seed=spec.design.seed,
        )
        table = pd.DataFrame(
            {
                "mu_star": result["mu_star"],
                "mu_star_conf": result["mu_star_conf"],
                "sigma": result["sigma"],
            },
            index=problem["names"],
        )
    table.index.name = "factor"
    kinds = {k: "lever" for k in spec.levers} | {k: "uncertainty" for k in spec.uncertainties}
    table.insert(0, "kind", [kinds[k] for k in table.index])
    return table


#: The suffix of time-series outcomes in `to_ema`.
BY_YEAR = "_by_year"


def to_ema(
    runs: pd.DataFrame,
    outcomes: list[str] | None = None,
    population: str = "all",
    city_class: str = "all",
    year: int | None = None,
    time_series: bool = False,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The EMA Workbench's result format: an experiments table (one row per run: factor
    values, scenario as the categorical `policy`, replication, seed) and `{outcome: array}` in
    the same order: one value per run (the final year, or `year`), or with `time_series` one
    row per run and a column per year (`ArrayOutcome`s named `<outcome>_by_year`, as EMA
    Workbench keeps one kind per name; the sweep's resolution must be yearly). With EMA
    Workbench installed, the outcomes are declared to it (`ScalarOutcome`, `ArrayOutcome`), so
    that its `save_results`, `load_results`, PRIM and feature scoring take them as they take
    its own."""
    rows = runs[(runs["population"] == population) & (runs["city_class"] == city_class)]
    if not time_series:
        rows = rows[rows["year"] == (int(runs["year"].max()) if year is None else year)]
    order = list(dict.fromkeys(rows["run_id"]))
    first = rows.drop_duplicates("run_id").set_index("run_id").loc[order]
    experiments = first[factor_columns(runs) + ["replication", "seed"]].copy()
    experiments["policy"] = pd.Categorical(first["scenario"].astype(object))
    experiments = experiments.reset_index(drop=True)
    names = outcomes or list(dict.fromkeys(rows["outcome"]))
    if time_series:
        table = rows.pivot_table(index=["run_id", "year"], columns="outcome", values="value")
        years = sorted(rows["year"].unique())
        values = {
            f"{name}{BY_YEAR}": table[name]
            .unstack("year")
            .reindex(index=order, columns=years)
            .to_numpy()
            for name in names
        }
    else:
        wide = rows.pivot_table(index="run_id", columns="outcome", values="value").loc[order]
        values = {name: wide[name].to_numpy() for name in names}
    _declare_to_ema(values)
    return experiments, values


def _declare_to_ema(values: dict[str, np.ndarray]) -> None:
    """Declare the outcomes to EMA Workbench when it is installed (its `save_results` looks
    every outcome up by name)."""
    try:
        from ema_workbench import ArrayOutcome, ScalarOutcome
    except ImportError:
        return
    for name, array in values.items():
        (ArrayOutcome if array.ndim > 1 else ScalarOutcome)(name)
