"""Figures used by the CLI, reports and notebooks (matplotlib, written as PNG)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from model.enums import SizeClass  # noqa: E402
from model.output.names import Language, display_name, figure_language, known  # noqa: E402

#: (outcome, population) of the trajectory panels.
PANELS = (
    ("hukou_citizenization_rate", "all"),
    ("hukou_citizenization_rate", "poor"),
    ("settlements_per_year", "all"),
    ("migrants_in_cities", "all"),
    ("residence_permit_share", "all"),
)
#: Words of the figures that are not names of outcomes, classes or populations.
WORDS = {
    "year": {"en": "year", "zh": "年份"},
    "by class": {"en": "by city class", "zh": "按城市类型"},
    "people": {"en": "people", "zh": "人"},
    "extra central money": {
        "en": "extra central money over the run (billion yuan)",
        "zh": "中央财政新增投入（亿元）",
    },
    "additional poor settlers": {
        "en": "additional poor settlers, final year (thousand people)",
        "zh": "新增贫困落户人口（千人）",
    },
    "per billion": {
        "en": "additional poor settlers per billion yuan of central money",
        "zh": "每亿元中央资金新增贫困落户人数",
    },
    "by class, blank": {
        "en": "by city class (blank: not bounded)",
        "zh": "按城市类型（空白：无法确定）",
    },
}
#: How amounts are shown, by unit and language: (scale, suffix). Chinese readers count in 万
#: (10^4) and 亿 (10^8).
SCALES = {
    "people": {"en": (1e-6, "million people"), "zh": (1e-4, "万人")},
    "yuan": {"en": (1e-9, "billion yuan"), "zh": (1e-8, "亿元")},
    "m2": {"en": (1e-6, "million m2"), "zh": (1e-4, "万平方米")},
}


def word(key: str, lang: Language) -> str:
    return WORDS[key][lang]


def amount_unit(outcome: str) -> str | None:
    """The unit family an outcome's amounts are scaled in (None: a share, shown as is)."""
    from model.outcomes import OUTCOMES

    unit = OUTCOMES[outcome].unit if outcome in OUTCOMES else "share"
    return {"people": "people", "children": "people", "yuan": "yuan", "m2": "m2"}.get(unit)


def label(outcome: str, lang: Language, population: str | None = None) -> tuple[str, float]:
    """An outcome's axis label in `lang` (with its population and unit) and the scale of its
    values."""
    text = display_name("outcome", outcome, lang)
    if population is not None:
        text += ("，" if lang == "zh" else ", ") + display_name("population", population, lang)
    unit = amount_unit(outcome)
    if unit is None:
        return text, 1.0
    scale, suffix = SCALES[unit][lang]
    return f"{text}（{suffix}）" if lang == "zh" else f"{text} ({suffix})", scale


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


def save_figure(fig: plt.Figure, path: Path) -> Path:
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


def _style(ax: plt.Axes, ylabel: str, lang: Language = "en") -> None:
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_xlabel(word("year", lang), fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, not 2019.25
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=8)


def plot_trajectories(runs: pd.DataFrame, path: Path, title: str, lang: Language = "en") -> Path:
    """Headline outcomes over time per scenario (mean over seeds, band = min-max over seeds),
    and the final year's citizenization rate by city class."""
    lang = figure_language(lang)
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    scenarios = list(dict.fromkeys(runs["scenario"]))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    whole = runs[runs["city_class"] == "all"]
    for ax, (outcome, population) in zip(axes.flat, PANELS, strict=False):
        text, scale = label(outcome, lang, population)
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
        _style(ax, text, lang)
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
        [display_name("city_class", c, lang) for c in classes],
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
    year = int(runs["year"].max())
    rate = display_name("outcome", "hukou_citizenization_rate", lang)
    ax.set_ylabel(f"{rate} {year}, {word('by class', lang)}", fontsize=8)
    fig.suptitle(title, fontsize=11)
    return save_figure(fig, path)


def funnel_labels(lang: Language = "en") -> list[str]:
    """The funnel's stages, wrapped for the axis."""
    import textwrap

    from model.outcomes import FUNNEL

    names = [display_name("outcome", stage, lang) for stage in FUNNEL]
    return names if lang == "zh" else [textwrap.fill(n, 16) for n in names]


def draw_funnel(ax: plt.Axes, people: list[float], lang: Language = "en") -> None:
    """One funnel (people at each stage) as bars."""
    scale, suffix = SCALES["people"][lang]
    ax.bar(np.arange(len(people)), np.asarray(people) * scale, color="tab:blue")
    ax.set_xticks(np.arange(len(people)), funnel_labels(lang), fontsize=8)
    ax.set_ylabel(suffix, fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    ax.tick_params(labelsize=8)


def plot_funnel(
    runs: pd.DataFrame, path: Path, title: str, population: str = "all", lang: Language = "en"
) -> Path:
    """The citizenization funnel in the final year, per scenario (mean over seeds): in a city
    >= 12 months -> residence permit -> eligible to settle -> willing -> settled."""
    from model.outcomes import FUNNEL

    lang = figure_language(lang)
    scale, suffix = SCALES["people"][lang]

    final = runs[
        (runs["year"] == runs["year"].max())
        & (runs["city_class"] == "all")
        & (runs["population"] == population)
        & (runs["outcome"].isin(FUNNEL))
    ]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    _grouped_bars(
        ax,
        funnel_labels(lang),
        {
            name: final[final["scenario"] == name]
            .groupby("outcome")["value"]
            .mean()
            .reindex(list(FUNNEL))
            .to_numpy()
            * scale
            for name in dict.fromkeys(runs["scenario"])
        },
    )
    who = display_name("population", population, lang)
    ax.set_ylabel(
        f"{suffix}，{who}，{int(runs['year'].max())}"
        if lang == "zh"
        else f"{suffix} ({who}), {int(runs['year'].max())}",
        fontsize=8,
    )
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=10)
    return save_figure(fig, path)


#: The outcomes of the fiscal panels.
FISCAL = (
    "public_spending_yuan",
    "central_reward_spend_yuan",
    "infrastructure_subsidy_yuan",
    "capacity_investment_yuan",
    "city_net_fiscal_cost_yuan",
    "land_quota_m2",
)


def plot_fiscal(runs: pd.DataFrame, path: Path, title: str, lang: Language = "en") -> Path:
    """Fiscal flows per year and scenario (mean over seeds): billion yuan (亿元), land in million
    m2 (万平方米)."""
    lang = figure_language(lang)
    scenarios = list(dict.fromkeys(runs["scenario"]))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    whole = runs[(runs["city_class"] == "all") & (runs["population"] == "all")]
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for ax, outcome in zip(axes.flat, FISCAL, strict=True):
        text, scale = label(outcome, lang)
        for i, name in enumerate(scenarios):
            rows = whole[(whole["scenario"] == name) & (whole["outcome"] == outcome)]
            series = rows.groupby("year")["value"].mean() * scale
            ax.plot(
                series.index, series.values, marker="o", ms=3, color=colours[i % 10], label=name
            )
        _style(ax, text, lang)
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(title, fontsize=11)
    return save_figure(fig, path)


def plot_response_surface(
    runs: pd.DataFrame,
    x: str,
    y: str,
    outcome: str,
    path: Path,
    scenario: str | None = None,
    population: str = "all",
    lang: Language = "en",
) -> Path:
    """Mean outcome over two factors (replications averaged; other factors averaged)."""
    from model.experiments.analysis import point_means

    lang = figure_language(lang)

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
    fig.colorbar(mesh, ax=ax, label=label(outcome, lang, population)[0])
    ax.set_xlabel(factor_name(x, lang), fontsize=8)
    ax.set_ylabel(factor_name(y, lang), fontsize=8)
    mean_over = "重复运行均值" if lang == "zh" else "mean over replications"
    ax.set_title(f"{scenario}{'：' if lang == 'zh' else ': '}{mean_over}", fontsize=10)
    return save_figure(fig, path)


def factor_name(key: str, lang: Language) -> str:
    """A sweep factor's name: a lever's or an uncertainty's (a class's settlement rule: the
    class and the rule's field), else the dotted key."""
    for kind in ("lever", "uncertainty"):
        if key in known(kind):
            return display_name(kind, key, lang)
    parts = key.split(".")
    rule = f"settlement.city_rules.{parts[-1]}"
    if parts[:2] == ["settlement", "rules"] and len(parts) == 4 and rule in known("lever"):
        sep = "：" if lang == "zh" else ": "
        return display_name("city_class", parts[2], lang) + sep + display_name("lever", rule, lang)
    return key


def plot_sensitivity(indices: pd.DataFrame, path: Path, title: str, lang: Language = "en") -> Path:
    """Horizontal bars of total-order Sobol indices or Morris mu*, with confidence."""
    lang = figure_language(lang)
    column, conf = ("ST", "ST_conf") if "ST" in indices else ("mu_star", "mu_star_conf")
    order = indices.sort_values(column)
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(order) + 1.5))
    colours = ["tab:blue" if k == "lever" else "tab:orange" for k in order["kind"]]
    ax.barh(
        [factor_name(k, lang) for k in order.index],
        order[column],
        xerr=order[conf],
        color=colours,
    )
    key = (
        "（蓝：政策杠杆，橙：不确定参数）"
        if lang == "zh"
        else " (blue: lever, orange: uncertainty)"
    )
    ax.set_xlabel(f"{column}{key}", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_title(title, fontsize=10)
    return save_figure(fig, path)


def plot_cost_effectiveness(
    table: pd.DataFrame, path: Path, title: str, lang: Language = "en"
) -> Path:
    """Left: each variant's extra central money over the run against its additional poor
    settlers (95 % intervals of the per-seed means), the frontier of what the centre's money
    buys; right: additional poor settlers per billion yuan of central money, by city class.
    `table` is `model.experiments.cost.cost_effectiveness`."""
    lang = figure_language(lang)
    money = 1e8 if lang == "zh" else 1e9  # 亿元 or billion yuan
    per_money = 10.0 if lang == "zh" else 1.0  # per 亿 = a tenth of per billion
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    per_bn = table[table["measure"] == "additional poor settlers per billion yuan"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    overall = per_bn[per_bn["city_class"] == "all"]
    for i, r in enumerate(overall.itertuples()):
        left.scatter(
            r.extra_yuan / money, r.additional_people / 1e3, color=colours[i % 10], label=r.scenario
        )
        left.annotate(
            r.scenario,
            (r.extra_yuan / money, r.additional_people / 1e3),
            fontsize=7,
            xytext=(4, 4),
            textcoords="offset points",
        )
    left.axhline(0, color="grey", lw=0.6)
    left.axvline(0, color="grey", lw=0.6)
    left.set_xlabel(word("extra central money", lang), fontsize=8)
    left.set_ylabel(word("additional poor settlers", lang), fontsize=8)
    left.grid(alpha=0.3)
    left.tick_params(labelsize=8)
    classes = [c.key for c in SizeClass if c.key in set(per_bn["city_class"])]
    bounded = per_bn.assign(
        value=np.where(per_bn["denominator_ci_includes_zero"], np.nan, per_bn["value"] / per_money)
    )
    _grouped_bars(
        right,
        [display_name("city_class", c, lang) for c in classes],
        {
            name: bounded[bounded["scenario"] == name]
            .set_index("city_class")["value"]
            .reindex(classes)
            .to_numpy()
            for name in overall["scenario"]
        },
        rotation=30,
    )
    right.set_ylabel(word("per billion", lang), fontsize=8)
    right.set_title(word("by class, blank", lang), fontsize=9)
    if len(overall):
        right.legend(fontsize=7)
    fig.suptitle(title, fontsize=11)
    return save_figure(fig, path)
