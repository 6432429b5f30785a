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
            rows = whole[(whole["scenario"] == name) & (whole["outcome"] == outcome)
                         & (whole["population"] == population)]
            by_year = rows.groupby("year")["value"]
            mean, low, high = by_year.mean() * scale, by_year.min() * scale, by_year.max() * scale
            ax.plot(mean.index, mean.values, marker="o", ms=3, color=colours[i % 10], label=name)
            if rows["seed"].nunique() > 1:
                ax.fill_between(mean.index, low.values, high.values, alpha=0.2,
                                color=colours[i % 10])
        _style(ax, label)
    axes.flat[0].legend(fontsize=8)

    ax = axes.flat[-1]
    final = runs[(runs["year"] == runs["year"].max())
                 & (runs["outcome"] == "hukou_citizenization_rate")
                 & (runs["population"] == "all") & (runs["city_class"] != "all")]
    classes = [c.key for c in SizeClass]
    width = 0.8 / max(len(scenarios), 1)
    for i, name in enumerate(scenarios):
        means = final[final["scenario"] == name].groupby("city_class")["value"].mean()
        ax.bar(np.arange(len(classes)) + i * width, means.reindex(classes).values, width,
               color=colours[i % 10], label=name)
    ax.set_xticks(np.arange(len(classes)) + width * (len(scenarios) - 1) / 2, classes,
                  rotation=30, fontsize=8)
    ax.set_ylabel(f"citizenization rate {int(runs['year'].max())}, by city class", fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    ax.tick_params(labelsize=8)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
