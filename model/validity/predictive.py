"""Posterior predictive checks and forecasts: what the calibrated model says, with intervals.

Each of `draws` parameter sets resampled from the posterior runs once on its own seed through
the scenario's last year (2020 for the historical scenario). A predicted observation is the
simulated value plus its measurement error (the same error the calibration used, drawn from a
fixed generator), so the intervals are for what a statistic would report; keys without a stated
error (derived rows, plans) get the model's spread alone. `predictive` gives, for every target
key and simulated year, the median and the 50 % and 90 % intervals and, where there is an
observation, whether it lies inside them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.output.names import Language, display_name, figure_language
from model.scenario import Scenario
from model.validity import calibration
from model.validity.validation import TARGETS, measures


@dataclass(frozen=True)
class DrawTask:
    scenario: Scenario
    parameters: dict
    seed: int
    migrants: int | None
    run_id: str


def simulate_draw(task: DrawTask) -> pd.DataFrame:
    """In a worker: one posterior draw's value of every target key in every simulated year."""
    from model.runner import run_scenario

    trial = task.scenario.override(task.parameters)
    return measures(run_scenario(trial, task.seed, migrants=task.migrants), trial)


def predictive(
    scenario: Scenario,
    posterior: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    draws: int = 50,
    migrants: int | None = None,
    seed: int = 0,
    executor=None,
    on_run_done: Callable[[], None] | None = None,
) -> pd.DataFrame:
    """key, year, observed, median, q05, q25, q75, q95, inside_50, inside_90, calibrated
    (the row was fitted), error (share of the value)."""
    from model.experiments.executors import InProcessExecutor

    chosen = calibration.draws(posterior, draws, seed)
    names = [n for n in chosen.columns if calibration.has_parameter(scenario, n)]
    tasks = [
        DrawTask(
            scenario,
            {n: float(chosen.loc[k, n]) for n in names},
            seed * 100_003 + k,
            migrants,
            f"posterior draw {k + 1}",
        )
        for k in range(draws)
    ]
    frames = {}
    for task, result in (executor or InProcessExecutor()).run(simulate_draw, tasks):
        if isinstance(result, BaseException):
            raise calibration.CalibrationError(
                f"{task.run_id} failed ({type(result).__name__}: {result})"
            ) from result
        frames[task.seed] = result.assign(draw=task.seed)
        if on_run_done:
            on_run_done()
    runs = pd.concat([frames[t.seed] for t in tasks], ignore_index=True)
    errors = calibration.stated_errors()
    fitted = calibration.calibration_rows(targets, first_year=scenario.simulation.start_year)
    observed = targets.set_index(["key", "year"])["value"]
    row_errors = targets.set_index(["key", "year"])["error"]
    fitted_stats = set(fitted["stat"])
    rng = np.random.default_rng(seed)
    records = []
    for (key, year), block in runs.groupby(["key", "year"], sort=True):
        if TARGETS[key].measure is None:
            continue
        values = block["value"].to_numpy(dtype=float)
        if not np.isfinite(values).any():
            continue
        error = row_errors.get((key, year), np.nan)
        error = error if np.isfinite(error) else errors.get(key, np.nan)
        noise = rng.standard_normal(values.size)
        predicted = values * (1 + error * noise) if np.isfinite(error) else values
        q05, q25, q50, q75, q95 = np.nanquantile(predicted, [0.05, 0.25, 0.5, 0.75, 0.95])
        value = observed.get((key, year), np.nan)
        records.append(
            {
                "key": key,
                "year": int(year),
                "observed": value,
                "median": q50,
                "q05": q05,
                "q25": q25,
                "q75": q75,
                "q95": q95,
                "inside_50": bool(q25 <= value <= q75) if np.isfinite(value) else None,
                "inside_90": bool(q05 <= value <= q95) if np.isfinite(value) else None,
                "calibrated": f"{key}/{year}" in fitted_stats,
                "error": error,
            }
        )
    return pd.DataFrame(records)


def coverage(table: pd.DataFrame, calibrated: bool = True) -> tuple[float, int]:
    """Share of observations inside their 90 % predictive interval, and how many there are,
    among the fitted rows (or the rows not fitted)."""
    rows = table[table["observed"].notna() & (table["calibrated"] == calibrated)]
    return (float(rows["inside_90"].astype(bool).mean()) if len(rows) else float("nan")), len(rows)


def plot_predictive(
    table: pd.DataFrame, path: Path, last_fitted_year: int, lang: Language = "en"
) -> Path:
    """One panel per key: predictive median, 50 % and 90 % bands, observations (filled: fitted;
    open: not fitted), a line after the last year the calibration saw."""
    from model.output.plots import plt, save_figure

    lang = figure_language(lang)

    keys = list(dict.fromkeys(table["key"]))
    cols = 4
    rows = -(-len(keys) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(16, 2.8 * rows), squeeze=False)
    for ax, key in zip(axes.flat, keys, strict=False):
        block = table[table["key"] == key]
        ax.fill_between(block["year"], block["q05"], block["q95"], alpha=0.2, color="tab:blue")
        ax.fill_between(block["year"], block["q25"], block["q75"], alpha=0.35, color="tab:blue")
        ax.plot(block["year"], block["median"], color="tab:blue", lw=1)
        seen = block[block["observed"].notna()]
        fit = seen[seen["calibrated"]]
        ax.plot(fit["year"], fit["observed"], "ko", ms=4)
        other = seen[~seen["calibrated"]]
        ax.plot(other["year"], other["observed"], "o", mfc="none", mec="k", ms=4)
        ax.axvline(last_fitted_year + 0.5, color="grey", ls=":", lw=1)
        ax.set_title(display_name("target", key, lang), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(keys) :]:
        ax.axis("off")
    fig.suptitle(
        "后验预测：中位数、50% 与 90% 区间；● 用于校准的观测值，○ 未用于校准；"
        "虚线：校准所用最后一年"
        if lang == "zh"
        else "Posterior predictive: median, 50 % and 90 % intervals; ● fitted observation, "
        "○ not fitted; dotted: last year the calibration saw",
        fontsize=10,
    )
    return save_figure(fig, path)


def write_predictive(table: pd.DataFrame, out: Path, lang: Language = "en") -> None:
    """predictive.csv and predictive.png in `out`."""
    from model.output.results import write_text

    write_text(table.to_csv(index=False), out / "predictive.csv")
    plot_predictive(table, out / "predictive.png", calibration.LAST_CALIBRATION_YEAR, lang)
