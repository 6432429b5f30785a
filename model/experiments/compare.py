"""Paired comparison of scenarios on common seeds.

Every scenario runs on the same seeds; because each phase has its own random stream and draws a
fixed number of numbers a month (`model.streams`), run k of scenario B differs from run k of
scenario A by policy, not by noise. Differences are therefore taken seed by seed, and their mean
gets a t-based 95 % confidence interval over seeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from model.outcomes import HEADLINE, OUTCOMES
from model.runner import run_scenario
from model.scenario import Scenario


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-based confidence interval; the interval is NaN with fewer than two values."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean()) if values.size else float("nan")
    if values.size < 2:
        return mean, float("nan"), float("nan")
    half = stats.t.ppf(0.5 + level / 2, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return mean, mean - half, mean + half


def share_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of shares and a t-interval computed on the logit scale and mapped back, so that it
    stays within [0, 1] (widened, if need be, to hold the mean)."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean()) if values.size else float("nan")
    if values.size < 2 or np.isnan(values).any():
        return mean_ci(values, level)
    p = np.clip(values, 1e-6, 1 - 1e-6)
    _, low, high = mean_ci(np.log(p / (1 - p)), level)
    low, high = 1 / (1 + np.exp(-low)), 1 / (1 + np.exp(-high))
    return mean, float(min(low, mean)), float(max(high, mean))


def posterior_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and central credible interval of values over posterior draws (each draw's mean
    over its seeds): parameter and seed uncertainty together; it does not shrink with more
    draws."""
    values = np.asarray(values, dtype=float)
    if values.size < 2:
        return float(values.mean()) if values.size else float("nan"), float("nan"), float("nan")
    low, high = np.quantile(values, [0.5 - level / 2, 0.5 + level / 2])
    return float(values.mean()), float(low), float(high)


@dataclass(frozen=True)
class Comparison:
    """All runs of a comparison (tidy rows with `scenario` and `seed`) and their order."""

    runs: pd.DataFrame
    scenarios: tuple[str, ...]

    @property
    def with_posterior(self) -> bool:
        """Runs over posterior draws (a `draw` column): intervals include parameter
        uncertainty."""
        return "draw" in self.runs.columns

    @property
    def draw_of_seed(self) -> pd.Series:
        return self.runs.groupby("seed")["draw"].first()

    @property
    def seeds(self) -> list[int]:
        return sorted(self.runs["seed"].unique())

    @property
    def final_year(self) -> int:
        return int(self.runs["year"].max())

    def summary(
        self,
        outcomes: Sequence[str] = HEADLINE,
        populations: Sequence[str] = ("all", "poor"),
        city_class: str = "all",
        year: int | None = None,
    ) -> pd.DataFrame:
        """Per outcome and population: each scenario's mean and CI, and the paired difference
        of each scenario from the first (the reference) with its CI."""
        year = self.final_year if year is None else year
        rows = self.runs[(self.runs["year"] == year) & (self.runs["city_class"] == city_class)]
        wide = rows.pivot_table(
            index=["outcome", "population", "seed"],
            columns="scenario",
            values="value",
            dropna=False,
        )
        reference = self.scenarios[0]
        records = []
        for outcome in outcomes:
            for population in populations:
                if (outcome, population) not in wide.index.droplevel("seed"):
                    continue
                block = wide.loc[(outcome, population)]
                level_ci = (
                    share_ci
                    if OUTCOMES.get(outcome) and OUTCOMES[outcome].unit == "share"
                    else mean_ci
                )
                if self.with_posterior:  # one value per draw (its seeds' mean), and quantiles
                    block = block.groupby(self.draw_of_seed).mean()
                    level_ci = posterior_interval
                for name in self.scenarios:
                    mean, low, high = level_ci(block[name].to_numpy())
                    diff = (
                        (posterior_interval if self.with_posterior else mean_ci)(
                            (block[name] - block[reference]).to_numpy()
                        )
                        if name != reference
                        else (np.nan, np.nan, np.nan)
                    )
                    records.append(
                        {
                            "outcome": outcome,
                            "population": population,
                            "scenario": name,
                            "year": year,
                            "mean": mean,
                            "ci_low": low,
                            "ci_high": high,
                            "difference": diff[0],
                            "difference_ci_low": diff[1],
                            "difference_ci_high": diff[2],
                        }
                    )
        records.extend(self._cost_per_additional_settler(reference))
        return pd.DataFrame.from_records(records)

    def _cost_per_additional_settler(self, reference: str) -> list[dict]:
        """cost_per_additional_citizenized_poor_yuan: the extra public spending over the whole
        run (services and capacity investment) per additional poor settler at the final year,
        against the reference: a ratio of means over every seed with a bootstrap 95 % interval
        (`model/experiments/cost.py`, which also splits it by payer and city class)."""
        from model.experiments.cost import extra_by_seed, ratio_of_means

        needed = {"public_spending_yuan", "settled_people"}
        if not needed <= set(self.runs["outcome"].unique()):
            return []
        rng = np.random.default_rng(0)
        records = []
        for name in self.scenarios:
            if name == reference:
                continue
            extra = extra_by_seed(self, name)
            cost = ratio_of_means(extra["public"], extra["poor_settlers"], rng)
            unbounded = cost["denominator_ci_includes_zero"]
            records.append(
                {
                    "outcome": "cost_per_additional_citizenized_poor_yuan",
                    "population": "poor",
                    "scenario": name,
                    "year": self.final_year,
                    "mean": np.nan,
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "difference": np.nan if unbounded else cost["value"],
                    "difference_ci_low": np.nan if unbounded else cost["ci_low"],
                    "difference_ci_high": np.nan if unbounded else cost["ci_high"],
                }
            )
        return records


def compare_scenarios(
    scenarios: Sequence[Scenario],
    seeds: Sequence[int],
    *,
    migrants: int | None = None,
    years: int | None = None,
    on_run_done: Callable[[], None] | None = None,
    progress: bool = False,
) -> Comparison:
    """Run every scenario on every seed (common random numbers) and collect the outcomes."""
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ValueError(f"scenarios need distinct names to be compared, got {names}")
    frames = []
    for scenario in scenarios:
        for seed in seeds:
            frames.append(
                run_scenario(scenario, seed, migrants=migrants, years=years, progress=progress)
            )
            if on_run_done is not None:
                on_run_done()
    return Comparison(pd.concat(frames, ignore_index=True), tuple(names))


def compare_over_posterior(
    scenarios: Sequence[Scenario],
    parameters: pd.DataFrame,
    seeds_per_draw: int,
    first_seed: int = 0,
    *,
    on_run_done: Callable[[], None] | None = None,
) -> Comparison:
    """Every scenario under every posterior draw (a row of `parameters`) on the draw's seeds:
    draw k of every scenario shares its parameters and seeds (first_seed + k x seeds_per_draw
    + s), so differences are paired and their intervals include parameter uncertainty. A
    parameter a scenario does not have (the national accounts of historical scenarios) is
    left out for that scenario."""
    from model.validity.calibration import has_parameter

    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ValueError(f"scenarios need distinct names to be compared, got {names}")
    frames = []
    for k, row in parameters.reset_index(drop=True).iterrows():
        for scenario in scenarios:
            values = {n: float(v) for n, v in row.items() if has_parameter(scenario, n)}
            trial = scenario.override(values)
            for s in range(seeds_per_draw):
                seed = first_seed + int(k) * seeds_per_draw + s
                frames.append(run_scenario(trial, seed).assign(draw=int(k)))
                if on_run_done is not None:
                    on_run_done()
    return Comparison(pd.concat(frames, ignore_index=True), tuple(names))


def format_value(
    outcome: str, value: float, lang: str = "en", signed: bool = False, difference: bool = False
) -> str:
    """A value of `outcome` as people read it (`model/output/formatting.py`)."""
    from model.output.formatting import format_number

    return format_number(outcome, value, lang, signed, difference)


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal (CJK characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Rows aligned in columns (by display width), with a rule under the header."""
    widths = [max(display_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(
            str(c) + " " * (w - display_width(str(c))) for c, w in zip(row, widths, strict=True)
        ).rstrip()

    return [line(header), line(["-" * w for w in widths]), *map(line, rows)]


def summary_cells(
    comparison: Comparison,
    summary: pd.DataFrame,
    cell: Callable[[str, float, float, float, bool], str],
    population: str | None = None,
):
    """For each outcome and population of `summary` with a value (of `population` if given):
    `(outcome, population, cells)`, a cell per scenario's mean then per paired difference from
    the first, each `cell(outcome, value, ci_low, ci_high, is_difference)` ("" where a
    scenario has no row). Tables in text and in HTML share it."""
    for (outcome, pop), block in summary.groupby(["outcome", "population"], sort=False):
        if population is not None and pop != population:
            continue
        if block[["mean", "difference"]].isna().all().all():
            continue  # e.g. fiscal outcomes, which are per city, for the poor
        block = block.set_index("scenario")
        cells = []
        for scenario in comparison.scenarios:
            if scenario not in block.index:
                cells.append("")
                continue
            r = block.loc[scenario]
            cells.append(cell(outcome, r["mean"], r["ci_low"], r["ci_high"], False))
        for scenario in comparison.scenarios[1:]:
            r = block.loc[scenario]
            cells.append(
                cell(
                    outcome,
                    r["difference"],
                    r["difference_ci_low"],
                    r["difference_ci_high"],
                    True,
                )
            )
        yield outcome, pop, cells


def format_summary(
    comparison: Comparison, summary: pd.DataFrame, lang: str = "en", wide: bool = False
) -> str:
    """The summary as plain text: one narrow table per population (each scenario's mean, each
    paired difference from the first with its 95 % CI), or with `wide` one table with every
    CI; outcome names in Chinese with `lang="zh"`, amounts formatted by unit."""
    from model.output.names import display_name

    reference = comparison.scenarios[0]
    others = comparison.scenarios[1:]

    def name(outcome: str) -> str:
        return display_name("outcome", outcome, "zh") if lang == "zh" else outcome

    def cell(outcome: str, mean: float, low: float, high: float, signed: bool, ci: bool) -> str:
        text = format_value(outcome, mean, lang, signed, difference=signed)
        if ci and not np.isnan(mean):
            low_text = format_value(outcome, low, lang, difference=signed)
            text += f" [{low_text}, {format_value(outcome, high, lang, difference=signed)}]"
        return text

    def rows_of(population: str | None) -> list[list[str]]:
        rows = []
        for outcome, pop, cells in summary_cells(
            comparison,
            summary,
            lambda o, mean, low, high, diff: cell(o, mean, low, high, diff, diff or wide),
            population,
        ):
            label = [name(outcome)]
            if population is None:
                label.append(display_name("population", pop, lang) if lang == "zh" else pop)
            rows.append(label + cells)
        return rows

    differences = [f"{scenario} - {reference}" for scenario in others]
    units = "M = million people, bn = billion yuan" if lang != "zh" else "万 = 万人, 亿 = 亿元"
    title = (
        f"Year {comparison.final_year}, {len(comparison.seeds)} seeds on common random numbers;\n"
        f"differences paired by seed, with 95% CIs; {units}."
    )
    first = "outcome"
    if lang == "zh":
        title = (
            f"{comparison.final_year}年，每个方案{len(comparison.seeds)}个随机种子（共同随机数）；\n"
            f"差值按种子配对，附95%置信区间；{units}。"
        )
        first = "指标"
    if wide:
        header = [
            first,
            "population" if lang != "zh" else "人群",
            *comparison.scenarios,
            *differences,
        ]
        return "\n".join([title, *text_table(header, rows_of(None))])
    lines = [title]
    for population in dict.fromkeys(summary["population"]):
        rows = rows_of(population)
        if not rows:
            continue
        label = display_name("population", population, lang) if lang == "zh" else population
        lines += [
            "",
            f"{label}：" if lang == "zh" else f"{label}:",
            *text_table([first, *comparison.scenarios, *differences], rows),
        ]
    return "\n".join(lines)
