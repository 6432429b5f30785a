"""Simulated against observed: every key of the calibration targets, every simulated year.

`TARGETS` maps each key of `data/calibration_targets.csv` to the model quantity that measures
it — an outcome (people, rates), sometimes a proxy, said so — or to `None` when the model does
not represent it yet (the reason is given). `simulate_targets` turns runs into a table
`key, year, value, ci_low, ci_high` for every key and every simulated year.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.experiments.compare import mean_ci
from model.reference import DATA
from model.runner import run_scenario
from model.scenario import Scenario
from model.scenario.inputs import InputError


class TargetsError(InputError):
    """A calibration-targets file that cannot be used."""


@dataclass(frozen=True)
class Target:
    measure: Callable[[pd.DataFrame, Scenario], pd.Series] | None  # per year, from one run
    how: str  # what the model measures, or why it cannot


def _outcome(name: str, population: str = "all") -> Callable[[pd.DataFrame, Scenario], pd.Series]:
    def measure(rows: pd.DataFrame, scenario: Scenario) -> pd.Series:
        chosen = rows[
            (rows["outcome"] == name)
            & (rows["population"] == population)
            & (rows["city_class"] == "all")
        ]
        return chosen.set_index("year")["value"]

    measure.__name__ = f"{name}_{population}"
    return measure


def _gap(rows: pd.DataFrame, scenario: Scenario) -> pd.Series:
    return _outcome("resident_urbanization_rate")(rows, scenario) - _outcome(
        "hukou_urbanization_rate"
    )(rows, scenario)


NOT_MODELLED = "not modelled yet"
TARGETS: dict[str, Target] = {
    "hukou_urbanization_rate": Target(
        _outcome("hukou_urbanization_rate"), "national accounts (model/national.py)"
    ),
    "resident_urbanization_rate": Target(
        _outcome("resident_urbanization_rate"), "national accounts"
    ),
    "resident_minus_hukou_gap": Target(_gap, "resident minus hukou rate"),
    "settlement_target_per_year": Target(
        _outcome("settlements_with_families_per_year"),
        "settling workers and the family members living with them, counted by the agents; "
        "the target is a plan for everyone who takes urban hukou, not an observation",
    ),
    "willing_to_transfer_hukou": Target(
        _outcome("settlement_willing_share"), "share of migrants in cities willing to settle"
    ),
    "intend_to_stay": Target(None, f"{NOT_MODELLED}: intentions beyond settling"),
    "residence_permits_issued": Target(
        _outcome("permits_issued_per_year"),
        "permits issued to migrant workers (the target counts all floating people: a lower bound)",
    ),
    "residence_permits_cumulative": Target(
        _outcome("permit_holders"), "permit holders among migrant workers (proxy)"
    ),
    "migrant_children_compulsory_education": Target(
        _outcome("migrant_pupils"),
        "children in a local public school place, plus the other children living with migrant "
        "parents in the city x the enrolment share, each child counted once",
    ),
    "migrant_children_public_school_share": Target(
        _outcome("migrant_pupils_public_share"), "pupils holding a local public school place"
    ),
    "migrant_children_enrolment_rate": Target(
        None, "an input (population.school_enrolment_share), not an outcome"
    ),
    "left_behind_children": Target(
        _outcome("left_behind_children"),
        "children of migrants in cities at the origin with both parents away, counted once",
    ),
    "migrant_workers_employee_pension": Target(
        _outcome("formal_workers"), "formal workers (jobs with social insurance)"
    ),
    "migrant_workers_work_injury": Target(
        _outcome("formal_workers"),
        "formal workers (proxy: injury cover comes with formal jobs; informal cover not modelled)",
    ),
    "migrant_workers_unemployment_insurance": Target(
        _outcome("formal_workers"), "formal workers (proxy)"
    ),
    "poor_migrant_workers_away": Target(
        _outcome("registered_poor_workers_away"),
        "registered-poor workers a month or more of the year in a city (the statistic also "
        "counts short stints in towns the model does not represent)",
    ),
    "poor_migrant_workers_away_6_months": Target(
        _outcome("registered_poor_workers_away_6_months"),
        "registered-poor workers six months or more of the year in a city",
    ),
    "poor_worker_annual_wage": Target(
        _outcome("registered_poor_annual_earnings_yuan"),
        "wages summed over the months worked in the year, registered-poor workers away",
    ),
    "migrants_living_in_towns": Target(
        _outcome("migrants_in_cities"), "rural-hukou workers living in a city, year end"
    ),
    "inter_provincial_share_of_out_migrants": Target(
        _outcome("inter_provincial_share"),
        "migrants in cities outside their home province (the statistic: of out-migrants)",
    ),
    "mean_monthly_income": Target(
        _outcome("mean_monthly_income_yuan"),
        "employed migrants in cities (the statistic: all migrant workers, local ones included)",
    ),
    "migrant_wage_share_of_poor_household_income": Target(
        None, f"{NOT_MODELLED}: household income at the origin"
    ),
    "rural_poor_population": Target(None, f"{NOT_MODELLED}: rural poverty dynamics"),
    "registered_poor_population": Target(None, f"{NOT_MODELLED}: poverty registration"),
    "feel_local": Target(None, f"{NOT_MODELLED}: social integration"),
}


def load_targets(path: str | Path | None = None) -> pd.DataFrame:
    """The targets file (default: the packaged one) as key, year, value, unit, source, error
    (a share of the value; NaN: the key's stated error); refuses unknown keys, a missing column
    or a non-numeric value, naming the row."""
    if path is None:
        # the packaged targets, and the stocks of migrant_population.csv the model reproduces
        stocks = _read_targets(Path(str(DATA / "migrant_population.csv")), known_only=True)
        return pd.concat(
            [_read_targets(Path(str(DATA / "calibration_targets.csv"))), stocks],
            ignore_index=True,
        )
    return _read_targets(Path(path))


def _read_targets(path: Path, known_only: bool = False) -> pd.DataFrame:
    if not path.is_file():
        raise TargetsError(f"Targets file {path} does not exist.")
    with path.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = {"key", "year", "value"} - set(reader.fieldnames or ())
        if missing:
            raise TargetsError(
                f"Targets file {path}: missing column(s) {sorted(missing)}; the "
                "columns needed are key, year, value (unit, source optional)."
            )
        rows = []
        for line, row in enumerate(reader, start=2):
            if known_only and row["key"] not in TARGETS:
                continue
            if row["key"] not in TARGETS:
                raise TargetsError(
                    f"Targets file {path}, row {line}: unknown key "
                    f"{row['key']!r}; valid keys: {', '.join(TARGETS)}."
                )
            try:
                year, value = int(row["year"]), float(row["value"])
            except (TypeError, ValueError):
                raise TargetsError(
                    f"Targets file {path}, row {line} ({row['key']}): year "
                    f"{row['year']!r} and value {row['value']!r} must be numbers."
                ) from None
            if not math.isfinite(value) or not 1900 <= year <= 2100:
                raise TargetsError(
                    f"Targets file {path}, row {line} ({row['key']}): value {row['value']!r} "
                    f"in year {year}; valid: a finite number (no NaN or infinity) for a year "
                    "between 1900 and 2100."
                )
            if any(r["key"] == row["key"] and r["year"] == year for r in rows):
                raise TargetsError(
                    f"Targets file {path}, row {line}: a second value for {row['key']} in "
                    f"{year}; valid: one row per key and year."
                )
            error = (row.get("error") or "").strip()
            try:
                error = float(error) if error else math.nan
            except ValueError:
                error = -1.0
            if not (math.isnan(error) or (math.isfinite(error) and error > 0)):
                raise TargetsError(
                    f"Targets file {path}, row {line} ({row['key']}): error {row['error']!r}; "
                    "valid: empty (the key's stated error, model/data/target_errors.csv) or a "
                    "positive number, the measurement error as a share of the value."
                )
            rows.append(
                {
                    "key": row["key"],
                    "year": year,
                    "value": value,
                    "unit": row.get("unit", ""),
                    "source": row.get("source", ""),
                    "error": error,
                }
            )
    if not rows and not known_only:
        raise TargetsError(
            f"Targets file {path} has a header but no rows; valid: one row per key, year and "
            "value (see model/data/calibration_targets.csv)."
        )
    return pd.DataFrame(rows, columns=["key", "year", "value", "unit", "source", "error"])


def measures(outcomes: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """One run's value of every target key in every simulated year (NaN where not modelled)."""
    years = sorted(outcomes["year"].unique())
    records = []
    for key, target in TARGETS.items():
        series = (
            target.measure(outcomes, scenario) if target.measure else pd.Series(np.nan, index=years)
        )
        for year in years:
            records.append(
                {"key": key, "year": int(year), "value": float(series.get(year, np.nan))}
            )
    return pd.DataFrame(records)


def simulate_targets(
    scenario: Scenario,
    seeds: Sequence[int],
    migrants: int | None = None,
    years: int | None = None,
    on_run_done: Callable[[], None] | None = None,
) -> pd.DataFrame:
    """Mean and 95 % CI over seeds of every key in every simulated year:
    key, year, value, ci_low, ci_high."""
    frames = []
    for seed in seeds:
        run = run_scenario(scenario, seed, migrants=migrants, years=years)
        frames.append(measures(run, scenario).assign(seed=seed))
        if on_run_done:
            on_run_done()
    runs = pd.concat(frames, ignore_index=True)
    records = []
    for (key, year), block in runs.groupby(["key", "year"], sort=False):
        values = block["value"].dropna().to_numpy()
        mean, low, high = mean_ci(values) if values.size else (np.nan,) * 3
        records.append({"key": key, "year": year, "value": mean, "ci_low": low, "ci_high": high})
    return pd.DataFrame(records)


def against_targets(simulated: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Observed beside simulated for every target year, with the relative error."""
    table = targets.merge(
        simulated, on=["key", "year"], how="left", suffixes=("_observed", "_simulated")
    )
    table = table.rename(columns={"value_observed": "observed", "value_simulated": "simulated"})
    table["relative_error"] = (table["simulated"] - table["observed"]) / table["observed"]
    table["how"] = [TARGETS[k].how for k in table["key"]]
    return table[
        ["key", "year", "observed", "simulated", "ci_low", "ci_high", "relative_error", "how"]
    ]


def plot_against_targets(
    simulated: pd.DataFrame, targets: pd.DataFrame, path: Path, lang: str = "en"
) -> Path:
    """One small panel per modelled key: the simulated series (band: 95 % CI) and targets."""
    from model.output.names import display_name, figure_language
    from model.output.plots import plt, save_figure

    lang = figure_language(lang)

    keys = [k for k in TARGETS if TARGETS[k].measure is not None]
    cols = 4
    fig, axes = plt.subplots(-(-len(keys) // cols), cols, figsize=(16, 3 * -(-len(keys) // cols)))
    for ax, key in zip(axes.flat, keys, strict=False):
        series = simulated[simulated["key"] == key]
        ax.plot(
            series["year"],
            series["value"],
            marker="o",
            ms=3,
            label="模拟" if lang == "zh" else "simulated",
        )
        ax.fill_between(series["year"], series["ci_low"], series["ci_high"], alpha=0.25)
        observed = targets[targets["key"] == key]
        ax.plot(
            observed["year"],
            observed["value"],
            "kx",
            ms=7,
            label="观测" if lang == "zh" else "observed",
        )
        ax.set_title(display_name("target", key, lang), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(keys) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    return save_figure(fig, path)
