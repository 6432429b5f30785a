"""Figures used by the CLI, reports and notebooks (matplotlib, written as PNG)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from model.enums import SizeClass  # noqa: E402

#: (outcome, population, y-axis label, scale) of the trajectory panels.
PANELS = (
    ("hukou_citizenization_rate", "all", "hukou citizenization rate, all migrants", 1.0),
    ("hukou_citizenization_rate", "poor", "hukou citizenization rate, poor migrants", 1.0),
    ("settlements_per_year", "all", "settlements per year (million people)", 1e-6),
    ("migrants_in_cities", "all", "migrants in cities (million people)", 1e-6),
    ("residence_permit_share", "all", "share of migrants with a residence permit", 1.0),
)


def _grouped_bars(
    ax: plt.Axes,
    labels: list[str] | tuple[str, ...],
    series: dict[str, np.ndarray],
    rotation: int = 0,
) -> None:
    """Bars for each category, one colour per scenario, side by side."""
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    width = 0.8 / max(len(series), 1)
    for i, (name, values) in enumerate(series.items()):
        ax.bar(np.arange(len(labels)) + i * width, values, width, color=colours[i % 10], label=name)
    ax.set_xticks(
        np.arange(len(labels)) + width * (len(series) - 1) / 2,
        labels,
        rotation=rotation,
        fontsize=8,
    )
    ax.grid(alpha=0.3, axis="y")
    ax.tick_params(labelsize=8)


def _save(fig: plt.Figure, path: Path) -> Path:
    """Write the figure atomically (a killed process leaves the old file or none, never a
    truncated one)."""
    import io

    from model.output.results import write_atomic

    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=110, format=path.suffix.lstrip(".") or "png")
    plt.close(fig)
    write_atomic(path, buffer.getvalue())
    return path


def _style(ax: plt.Axes, ylabel: str) -> None:
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_xlabel("year", fontsize=8)
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=8)


def plot_trajectories(runs: pd.DataFrame, path: Path, title: str) -> Path:
    """Headline outcomes over time per scenario (mean over seeds, band = min-max over seeds),
    and the final year's citizenization rate by city class."""
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    scenarios = list(dict.fromkeys(runs["scenario"]))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    whole = runs[runs["city_class"] == "all"]
    for ax, (outcome, population, label, scale) in zip(axes.flat, PANELS, strict=False):
        for i, name in enumerate(scenarios):
            rows = whole[
                (whole["scenario"] == name)
                & (whole["outcome"] == outcome)
                & (whole["population"] == population)
            ]
            by_year = rows.groupby("year")["value"]
            mean, low, high = by_year.mean() * scale, by_year.min() * scale, by_year.max() * scale
            ax.plot(mean.index, mean.values, marker="o", ms=3, color=colours[i % 10], label=name)
            if rows["seed"].nunique() > 1:
                ax.fill_between(
                    mean.index, low.values, high.values, alpha=0.2, color=colours[i % 10]
                )
        _style(ax, label)
    axes.flat[0].legend(fontsize=8)

    ax = axes.flat[-1]
    final = runs[
        (runs["year"] == runs["year"].max())
        & (runs["outcome"] == "hukou_citizenization_rate")
        & (runs["population"] == "all")
        & (runs["city_class"] != "all")
    ]
    classes = [c.key for c in SizeClass]
    _grouped_bars(
        ax,
        classes,
        {
            name: final[final["scenario"] == name]
            .groupby("city_class")["value"]
            .mean()
            .reindex(classes)
            .to_numpy()
            for name in scenarios
        },
        rotation=30,
    )
    ax.set_ylabel(f"citizenization rate {int(runs['year'].max())}, by city class", fontsize=8)
    fig.suptitle(title, fontsize=11)
    return _save(fig, path)


FUNNEL_LABELS = (
    "in city\n>= 12 months",
    "with residence\npermit",
    "eligible\nto settle",
    "eligible and\nwilling",
    "settled",
)


def draw_funnel(ax: plt.Axes, people: list[float]) -> None:
    """One funnel (people at each stage) as bars, in million people."""
    ax.bar(np.arange(len(people)), np.asarray(people) / 1e6, color="tab:blue")
    ax.set_xticks(np.arange(len(people)), FUNNEL_LABELS, fontsize=8)
    ax.set_ylabel("million people", fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    ax.tick_params(labelsize=8)


def plot_funnel(runs: pd.DataFrame, path: Path, title: str, population: str = "all") -> Path:
    """The citizenization funnel in the final year, per scenario (mean over seeds): in a city
    >= 12 months -> residence permit -> eligible to settle -> willing -> settled."""
    from model.outcomes import FUNNEL

    final = runs[
        (runs["year"] == runs["year"].max())
        & (runs["city_class"] == "all")
        & (runs["population"] == population)
        & (runs["outcome"].isin(FUNNEL))
    ]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    _grouped_bars(
        ax,
        FUNNEL_LABELS,
        {
            name: final[final["scenario"] == name]
            .groupby("outcome")["value"]
            .mean()
            .reindex(list(FUNNEL))
            .to_numpy()
            / 1e6
            for name in dict.fromkeys(runs["scenario"])
        },
    )
    ax.set_ylabel(f"million people ({population} migrants), {int(runs['year'].max())}", fontsize=8)
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=10)
    return _save(fig, path)


#: (outcome, label) of the fiscal panels.
FISCAL = (
    ("public_spending_yuan", "public spending on migrants and settlers"),
    ("central_reward_spend_yuan", "central citizenization rewards"),
    ("infrastructure_subsidy_yuan", "infrastructure subsidy"),
    ("capacity_investment_yuan", "cities' capacity investment"),
    ("city_net_fiscal_cost_yuan", "cities' net fiscal cost"),
    ("land_quota_m2", "land quota (million m2)"),
)


def plot_fiscal(runs: pd.DataFrame, path: Path, title: str) -> Path:
    """Fiscal flows per year and scenario (mean over seeds): billion yuan, land in million m2."""
    scenarios = list(dict.fromkeys(runs["scenario"]))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    whole = runs[(runs["city_class"] == "all") & (runs["population"] == "all")]
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for ax, (outcome, label) in zip(axes.flat, FISCAL, strict=True):
        scale = 1e-6 if outcome.endswith("_m2") else 1e-9
        for i, name in enumerate(scenarios):
            rows = whole[(whole["scenario"] == name) & (whole["outcome"] == outcome)]
            series = rows.groupby("year")["value"].mean() * scale
            ax.plot(
                series.index, series.values, marker="o", ms=3, color=colours[i % 10], label=name
            )
        _style(ax, label + ("" if outcome.endswith("_m2") else " (billion yuan)"))
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(title, fontsize=11)
    return _save(fig, path)


def plot_response_surface(
    runs: pd.DataFrame,
    x: str,
    y: str,
    outcome: str,
    path: Path,
    scenario: str | None = None,
    population: str = "all",
) -> Path:
    """Mean outcome over two factors (replications averaged; other factors averaged)."""
    from model.experiments.analysis import point_means

    means = point_means(runs, outcome, population)
    scenario = scenario or sorted(means["scenario"].unique())[-1]
    means = means[means["scenario"] == scenario]
    grid = means.groupby([y, x])["mean"].mean().unstack(x)
    fig, ax = plt.subplots(figsize=(6.5, 5))
    if grid.shape[0] > 1 and grid.shape[1] > 1 and not grid.isna().any().any():
        mesh = ax.contourf(
            grid.columns.astype(float),
            grid.index.astype(float),
            grid.to_numpy(),
            levels=12,
            cmap="viridis",
        )
    else:
        mesh = ax.scatter(means[x], means[y], c=means["mean"], cmap="viridis", s=60)
    fig.colorbar(mesh, ax=ax, label=f"{outcome} ({population})")
    ax.set_xlabel(x, fontsize=8)
    ax.set_ylabel(y, fontsize=8)
    ax.set_title(f"{scenario}: mean over replications", fontsize=10)
    return _save(fig, path)


def plot_sensitivity(indices: pd.DataFrame, path: Path, title: str) -> Path:
    """Horizontal bars of total-order Sobol indices or Morris mu*, with confidence."""
    column, conf = ("ST", "ST_conf") if "ST" in indices else ("mu_star", "mu_star_conf")
    order = indices.sort_values(column)
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(order) + 1.5))
    colours = ["tab:blue" if k == "lever" else "tab:orange" for k in order["kind"]]
    ax.barh(order.index, order[column], xerr=order[conf], color=colours)
    ax.set_xlabel(f"{column} (blue: lever, orange: uncertainty)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_title(title, fontsize=10)
    return _save(fig, path)


def plot_cost_effectiveness(table: pd.DataFrame, path: Path, title: str) -> Path:
    """Left: each variant's extra central money over the run against its additional poor
    settlers (95 % intervals of the per-seed means), the frontier of what the centre's money
    buys; right: additional poor settlers per billion yuan of central money, by city class.
    `table` is `model.experiments.cost.cost_effectiveness`."""
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    per_bn = table[table["measure"] == "additional poor settlers per billion yuan"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    overall = per_bn[per_bn["city_class"] == "all"]
    for i, r in enumerate(overall.itertuples()):
        left.scatter(
            r.extra_yuan / 1e9, r.additional_people / 1e3, color=colours[i % 10], label=r.scenario
        )
        left.annotate(
            r.scenario,
            (r.extra_yuan / 1e9, r.additional_people / 1e3),
            fontsize=7,
            xytext=(4, 4),
            textcoords="offset points",
        )
    left.axhline(0, color="grey", lw=0.6)
    left.axvline(0, color="grey", lw=0.6)
    left.set_xlabel("extra central money over the run (billion yuan)", fontsize=8)
    left.set_ylabel("additional poor settlers, final year (thousand people)", fontsize=8)
    left.grid(alpha=0.3)
    left.tick_params(labelsize=8)
    classes = [c.key for c in SizeClass if c.key in set(per_bn["city_class"])]
    bounded = per_bn.assign(
        value=np.where(per_bn["denominator_ci_includes_zero"], np.nan, per_bn["value"])
    )
    _grouped_bars(
        right,
        classes,
        {
            name: bounded[bounded["scenario"] == name]
            .set_index("city_class")["value"]
            .reindex(classes)
            .to_numpy()
            for name in overall["scenario"]
        },
        rotation=30,
    )
    right.set_ylabel("additional poor settlers per billion yuan of central money", fontsize=8)
    right.set_title("by city class (blank: not bounded)", fontsize=9)
    if len(overall):
        right.legend(fontsize=7)
    fig.suptitle(title, fontsize=11)
    return _save(fig, path)
