"""What a variant's extra citizenization costs, and who pays (prov. 15).

For each scenario against the reference of a paired comparison, seed by seed:

- **extra spending over the run**, by payer: the **centre** (citizenization rewards and the
  infrastructure subsidy, `central_reward_spend_yuan` + `infrastructure_subsidy_yuan`), the
  **cities** from their own funds (`public_spending_yuan` less those transfers) and the whole
  **public** sector (`public_spending_yuan`: services and capacity investment; the transfers pay
  part of it, so they are not counted twice);
- **additional settlers**: the difference in `settled_people` (former migrants living in a city
  with its hukou) at the final year, all and poor.

The cost per additional settler is the ratio of the mean extra spending to the mean additional
settlers over seeds (every seed kept; a seed with no additional settler is not dropped, it lowers
the denominator). Its 95 % interval is a percentile bootstrap over seeds (paired: a resampled seed
brings its spending and its settlers), and the row says when the t-interval of the
denominator includes zero: the ratio is then not bounded and should not be read. The same table
gives, per billion yuan of central money, the additional poor settlers, overall and by city
class (the class of the city the money went to and the settlers live in).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.experiments.compare import Comparison, mean_ci

CENTRE = ("central_reward_spend_yuan", "infrastructure_subsidy_yuan")
PUBLIC = "public_spending_yuan"
SETTLED = "settled_people"
PAYERS = ("centre", "cities", "public")
BOOTSTRAP_DRAWS = 2000


def extra_by_seed(comparison: Comparison, scenario: str, city_class: str = "all") -> pd.DataFrame:
    """Per seed: extra spending over the run by payer (yuan) and additional settlers at the
    final year (all, poor), of `scenario` against the reference."""
    runs = comparison.runs[comparison.runs["city_class"] == city_class]
    reference = comparison.scenarios[0]
    seeds = comparison.seeds

    def total(outcomes, population="all", year=None) -> pd.DataFrame:
        rows = runs[runs["outcome"].isin(outcomes) & (runs["population"] == population)]
        if year is not None:
            rows = rows[rows["year"] == year]
        table = rows.pivot_table(index="seed", columns="scenario", values="value", aggfunc="sum")
        table = table.reindex(index=seeds, columns=[reference, scenario], fill_value=0.0)
        return table[scenario] - table[reference]

    centre = total(CENTRE)
    public = total((PUBLIC,))
    final = comparison.final_year
    return pd.DataFrame(
        {
            "centre": centre,
            "cities": public - centre,
            "public": public,
            "settlers": total((SETTLED,), "all", final),
            "poor_settlers": total((SETTLED,), "poor", final),
        }
    )


def ratio_of_means(
    numerator: np.ndarray, denominator: np.ndarray, rng: np.random.Generator
) -> dict[str, float | bool]:
    """mean(numerator) / mean(denominator) with a paired percentile-bootstrap 95 % interval,
    and whether the denominator's t-interval includes zero."""
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    d_mean, d_low, d_high = mean_ci(denominator)
    unbounded = bool(d_mean == 0 or (np.isfinite(d_low) and d_low <= 0 <= d_high))
    value = numerator.mean() / d_mean if d_mean != 0 else np.nan
    low = high = np.nan
    if numerator.size >= 2:
        picks = rng.integers(0, numerator.size, size=(BOOTSTRAP_DRAWS, numerator.size))
        den = denominator[picks].mean(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            draws = numerator[picks].mean(axis=1) / den
        draws = draws[np.isfinite(draws)]
        if draws.size:
            low, high = np.percentile(draws, [2.5, 97.5])
    return {
        "value": float(value),
        "ci_low": float(low),
        "ci_high": float(high),
        "denominator_ci_includes_zero": unbounded,
    }


def cost_effectiveness(comparison: Comparison, seed: int = 0) -> pd.DataFrame:
    """The cost-effectiveness table of every scenario against the reference (module docstring):
    one row per scenario, city class and measure."""
    rng = np.random.default_rng(seed)
    classes = ["all", *sorted(set(comparison.runs["city_class"]) - {"all"})]
    records = []
    for scenario in comparison.scenarios[1:]:
        for city_class in classes:
            extra = extra_by_seed(comparison, scenario, city_class)
            if extra.empty:
                continue
            base = {"scenario": scenario, "city_class": city_class, "seeds": len(extra)}
            for payer in PAYERS:
                for who, column in (("settler", "settlers"), ("poor settler", "poor_settlers")):
                    records.append(
                        {
                            **base,
                            "measure": f"yuan per additional {who}",
                            "payer": payer,
                            "extra_yuan": extra[payer].mean(),
                            "additional_people": extra[column].mean(),
                            **ratio_of_means(extra[payer], extra[column], rng),
                        }
                    )
            records.append(
                {
                    **base,
                    "measure": "additional poor settlers per billion yuan",
                    "payer": "centre",
                    "extra_yuan": extra["centre"].mean(),
                    "additional_people": extra["poor_settlers"].mean(),
                    **ratio_of_means(extra["poor_settlers"] * 1e9, extra["centre"], rng),
                }
            )
    return pd.DataFrame.from_records(records)


#: (measure, payer) printed by `format_cost_effectiveness`; the CSV holds every payer and class.
PRINTED = (
    ("yuan per additional settler", "public"),
    ("yuan per additional poor settler", "public"),
    ("yuan per additional poor settler", "centre"),
    ("additional poor settlers per billion yuan", "centre"),
)


#: The printed lines in Chinese: measure, payer, the words of a line.
ZH = {
    "yuan per additional settler": "每新增一名落户人口的支出",
    "yuan per additional poor settler": "每新增一名贫困落户人口的支出",
    "additional poor settlers per billion yuan": "每亿元中央资金新增贫困落户人数",
    "centre": "中央",
    "cities": "城市",
    "public": "全部财政",
}


def format_cost_effectiveness(table: pd.DataFrame, lang: str = "en") -> str:
    """The main all-classes rows (`PRINTED`) as short text lines, in English or Chinese."""
    keys = list(zip(table["measure"], table["payer"], strict=True))
    rows = table[(table["city_class"] == "all").to_numpy() & np.array([k in PRINTED for k in keys])]
    zh = lang == "zh"
    lines = [
        "成本效益（相对于参照方案；各种子均值之比，95% bootstrap 区间）："
        if zh
        else "Cost-effectiveness against the reference (ratio of means over seeds, 95% bootstrap):"
    ]
    for r in rows.itertuples():
        per_yi = zh and not r.measure.startswith("yuan")  # per 亿 = a tenth of per billion
        value, low, high = (v / 10 if per_yi else v for v in (r.value, r.ci_low, r.ci_high))
        if r.denominator_ci_includes_zero:
            shown = (
                "无法确定（分母区间含0）" if zh else "not bounded (the denominator's CI includes 0)"
            )
        elif r.measure.startswith("yuan"):
            shown = f"{value:,.0f} [{low:,.0f}, {high:,.0f}] " + ("元" if zh else "yuan")
        else:
            shown = f"{value:,.1f} [{low:,.1f}, {high:,.1f}] " + ("人" if zh else "people")
        if zh:
            lines.append(f"  {r.scenario}：{ZH[r.measure]}（{ZH[r.payer]}）：{shown}")
        else:
            lines.append(f"  {r.scenario}: {r.measure}, paid by {r.payer}: {shown}")
    return "\n".join(lines)
