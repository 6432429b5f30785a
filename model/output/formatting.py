"""Numbers as people read them (issue 16): shares as percentages, people in millions (万 in
Chinese), yuan in billions (亿), by the outcome's unit; used by the command line and reports."""

from __future__ import annotations

import math

from model.output.names import Language

#: (scale, suffix) of amounts by unit family and language.
AMOUNTS = {
    "people": {"en": (1e-6, " M"), "zh": (1e-4, " 万")},
    "yuan": {"en": (1e-9, " bn"), "zh": (1e-8, " 亿")},
    "m2": {"en": (1e-6, " M m2"), "zh": (1e-4, " 万m2")},
}
SHARE_UNITS = {"share"}


def unit_of(outcome: str) -> str:
    from model.outcomes import OUTCOMES

    if outcome in OUTCOMES:
        return OUTCOMES[outcome].unit
    return "yuan" if outcome.endswith("_yuan") else "share"


def format_number(
    outcome: str,
    value: float,
    lang: Language = "en",
    signed: bool = False,
    difference: bool = False,
) -> str:
    """`value` of `outcome` for a reader: 38.3%, 1.63 M (163 万), 24.9 bn (249 亿), 4,244; a
    `difference` of shares in percentage points (pp)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "+" if signed and value >= 0 else ""
    unit = unit_of(outcome)
    if unit in SHARE_UNITS:
        return f"{sign}{100 * value:.1f} pp" if difference else f"{sign}{100 * value:.1f}%"
    family = {"people": "people", "children": "people", "yuan": "yuan", "m2": "m2"}.get(unit)
    if family == "yuan" and abs(value) < 1e8:  # a cost per person: yuan (万元 in Chinese)
        if lang == "zh" and abs(value) >= 1e4:
            return f"{sign}{value * 1e-4:,.1f} 万"
        return f"{sign}{value:,.0f}"
    if family is not None and abs(value) >= 1e4:
        scale, suffix = AMOUNTS[family][lang]
        if lang == "zh" and family == "people" and abs(value) >= 1e8:
            scale, suffix = 1e-8, " 亿"
        scaled = value * scale
        digits = 2 if abs(scaled) < 100 else 1 if abs(scaled) < 1000 else 0
        return f"{sign}{scaled:,.{digits}f}{suffix}"
    if unit == "ratio":
        return f"{sign}{value:.3f}"
    return f"{sign}{value:,.0f}" if abs(value) >= 100 else f"{sign}{value:.3g}"
