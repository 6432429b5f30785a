"""A printable HTML report of a comparison (A4 portrait, English or Chinese): what each variant
changes against the reference, in policy language; the headline outcomes as a real table
(each scenario's mean and the paired difference, with 95 % intervals); the figures, embedded,
so the single file can be mailed or printed; and the line that says how it was made."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from model.experiments.compare import Comparison, format_value, summary_cells
from model.output.names import Language, cjk_font_path, display_name
from model.output.results import git_commit, write_text
from model.scenario import Scenario

#: Sections of a scenario that are not policy (their differences are not listed).
NOT_POLICY = {"name", "description", "before_start", "simulation", "behaviour", "population"}
WORDS = {
    "title": {"en": "Policy comparison", "zh": "政策方案比较"},
    "changes": {"en": "What each variant changes", "zh": "各方案的政策变化"},
    "against": {"en": "against", "zh": "相对于"},
    "no change": {"en": "no policy change", "zh": "无政策变化"},
    "outcomes": {"en": "Outcomes in", "zh": "年结果"},
    "figures": {"en": "Figures", "zh": "图表"},
    "outcome": {"en": "outcome", "zh": "指标"},
    "population": {"en": "population", "zh": "人群"},
    "made": {"en": "How this was made", "zh": "生成信息"},
    "intro": {
        "en": "{seeds} seeds per scenario on common random numbers, through {year}. Differences "
        "are paired by seed against {reference}, with 95% confidence intervals. People, not "
        "agent rows; yuan at the model's prices.",
        "zh": "每个方案{seeds}个随机种子（共同随机数），模拟至{year}年。差值按种子与{reference}"
        "配对计算，附95%置信区间。单位为人（非代理行），金额按模型价格计。",
    },
}


def _word(key: str, lang: Language, **values) -> str:
    return WORDS[key][lang].format(**values)


def _image(path: Path, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(caption)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _flat(data: object, prefix: str = "") -> dict[str, object]:
    if isinstance(data, dict):
        out: dict[str, object] = {}
        for key, value in data.items():
            out.update(_flat(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: data}


def lever_name(key: str, lang: Language) -> str:
    """A scenario key in policy language: a rule of a city class reads as that class's rule."""
    parts = key.split(".")
    if parts[:2] == ["settlement", "rules"] and len(parts) > 3:
        generic = ".".join(["settlement", "city_rules", *parts[3:]])
        name = display_name("lever", generic, lang)
        return f"{display_name('city_class', parts[2], lang)}: {name}"
    return display_name("lever", key, lang)


#: Rule kinds, access bases and settlement conditions in Chinese.
VALUES_ZH = {
    "open": "全面放开",
    "conditions": "条件落户",
    "points": "积分落户",
    "hukou": "户籍",
    "permit": "居住证",
    "id_card": "身份证",
    "residence": "居住年限",
    "social_insurance": "社保缴纳年限",
    "stable_job": "稳定就业",
    "legal_home": "合法住所",
}


def policy_value(value: object, lang: Language) -> str:
    """A scenario value as a planner reads it: yes/no, a list, a whole number; rule kinds,
    access bases and conditions in Chinese with `lang="zh"`."""
    if lang == "zh" and isinstance(value, str):
        return VALUES_ZH.get(value, value)
    if lang == "zh" and isinstance(value, list):
        value = [VALUES_ZH.get(v, v) if isinstance(v, str) else v for v in value]
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, list):
        return ", ".join(map(str, value)) or ("无" if lang == "zh" else "none")
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if value is None:
        return "—"
    return str(value)


def policy_differences(reference: Scenario, variant: Scenario, lang: Language) -> list[str]:
    """The policy values `variant` changes against `reference`, each as 'name: old → new'."""
    before = _flat(reference.model_dump(mode="json"))
    after = _flat(variant.model_dump(mode="json"))
    lines = []
    for key in sorted(set(before) | set(after)):
        if key.split(".")[0] in NOT_POLICY or key.endswith(".source"):
            continue
        if before.get(key) != after.get(key):
            old, new = policy_value(before.get(key), lang), policy_value(after.get(key), lang)
            lines.append(f"{lever_name(key, lang)}: {old} → {new}")
    return lines


def _cell(
    outcome: str, mean: float, low: float, high: float, lang: Language, signed: bool = False
) -> str:
    if np.isnan(mean):
        return "n/a"
    low_text = format_value(outcome, low, lang, difference=signed)
    high_text = format_value(outcome, high, lang, difference=signed)
    return (
        f"{format_value(outcome, mean, lang, signed, difference=signed)}<br><small>"
        f"[{low_text}, {high_text}]</small>"
    )


def summary_table(comparison: Comparison, summary: pd.DataFrame, lang: Language) -> str:
    """The headline outcomes as an HTML table: a row per outcome and population, a column per
    scenario and per difference from the reference."""
    reference, others = comparison.scenarios[0], comparison.scenarios[1:]
    head = [_word("outcome", lang), _word("population", lang), *comparison.scenarios]
    head += [f"{name} − {reference}" for name in others]
    rows = []
    for outcome, population, cells in summary_cells(
        comparison,
        summary,
        lambda o, mean, low, high, diff: _cell(o, mean, low, high, lang, signed=diff),
    ):
        names = [
            display_name("outcome", outcome, lang),
            display_name("population", population, lang),
        ]
        rows.append(
            "<tr>"
            + "".join(f"<td>{html.escape(c)}</td>" for c in names)
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    header = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def write_report(
    comparison: Comparison,
    summary: pd.DataFrame,
    figures: dict[str, Path],
    path: Path,
    scenarios: Sequence[Scenario],
    lang: Language = "en",
) -> Path:
    """Write `path` (HTML, A4 portrait when printed)."""
    names = " vs ".join(comparison.scenarios)
    reference = scenarios[0]
    described = "".join(
        f"<li><b>{html.escape(s.name)}</b>: {html.escape(s.description)}</li>" for s in scenarios
    )
    changes = []
    for variant in scenarios[1:]:
        lines = policy_differences(reference, variant, lang) or [_word("no change", lang)]
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        changes.append(
            f"<h3>{html.escape(variant.name)} {_word('against', lang)} "
            f"{html.escape(reference.name)}</h3><ul class='changes'>{items}</ul>"
        )
    intro = _word(
        "intro",
        lang,
        seeds=len(comparison.seeds),
        year=comparison.final_year,
        reference=html.escape(reference.name),
    )
    made = (
        f"seeds {comparison.seeds}; rows {[s.simulation.migrants for s in scenarios]}; "
        f"scenario hashes {[s.hash() for s in scenarios]}; code {git_commit()}; written "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; the files beside this one (manifest.json) "
        "say the rest."
    )
    body = "\n".join(_image(p, caption) for caption, p in figures.items())
    font = cjk_font_path()
    # Chinese readers' systems have a CJK font; where one is missing, the installed one helps
    font_face = (
        f'@font-face {{ font-family: "Noto Sans SC"; src: local("Noto Sans SC"), '
        f'url("{font.resolve().as_uri()}"); }}'
        if font is not None
        else ""
    )
    year = comparison.final_year
    outcomes_heading = f"{year}{_word('outcomes', lang)}" if lang == "zh" else f"Outcomes in {year}"
    page = f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">
<title>{_word("title", lang)}: {html.escape(names)}</title>
<style>
 {font_face}
 @page {{ size: A4 portrait; margin: 14mm; }}
 body {{ font-family: "Noto Sans SC", "Microsoft YaHei", sans-serif; max-width: 180mm;
        margin: 1em auto; color: #222; font-size: 11px; }}
 table {{ border-collapse: collapse; width: 100%; font-size: 9.5px; }}
 th, td {{ border-bottom: 1px solid #ddd; padding: 3px 4px; text-align: right;
          vertical-align: top; }}
 th:nth-child(-n+2), td:nth-child(-n+2) {{ text-align: left; }}
 thead th {{ background: #f0f0f0; }}
 small {{ color: #666; }}
 figure {{ margin: 1em 0; page-break-inside: avoid; }} img {{ width: 100%; }}
 figcaption {{ font-size: 10px; color: #555; }}
 tr {{ page-break-inside: avoid; }}
 ul.changes {{ columns: 2; font-size: 9.5px; }}
</style></head><body>
<h1>{_word("title", lang)}: {html.escape(names)}</h1>
<p>{intro}</p>
<ul>{described}</ul>
<h2>{_word("changes", lang)}</h2>
{"".join(changes)}
<h2>{outcomes_heading}</h2>
{summary_table(comparison, summary, lang)}
<h2>{_word("figures", lang)}</h2>
{body}
<h2>{_word("made", lang)}</h2>
<p><small>{html.escape(made)}</small></p>
</body></html>
"""
    write_text(page, path)
    return path
