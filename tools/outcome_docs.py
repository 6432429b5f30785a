"""Write the outcome tables from the registry (`model/outcomes`): every outcome by theme in
docs/outcomes.md, and the headline outcomes in README.md between its outcome markers. A test
fails when either is out of date.

    make docs        # or: python tools/outcome_docs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTCOMES_DOC = ROOT / "docs" / "outcomes.md"
README = ROOT / "README.md"
START, END = "<!-- outcomes:start (tools/outcome_docs.py) -->", "<!-- outcomes:end -->"
THEME_TITLES = {
    "settlement": "Settlement (prov. 14, 16)",
    "labour": "Migration and labour",
    "services": "Residence permits and public services (prov. 3-12, 19)",
    "fiscal": "Fiscal (prov. 15)",
    "national": "National urbanization",
}


def _row(entry) -> str:
    return f"| `{entry.name}` | {entry.unit} | {entry.definition} |"


def outcomes_doc() -> str:
    from model.outcomes import OUTCOMES, THEMES

    lines = [
        "# Outcomes",
        "",
        "Generated from the outcome registry (`model/outcomes/`) by `make docs`; each "
        "definition is the outcome function's docstring. Every outcome is reported for two "
        "populations (`all` migrants and `poor`: registered-poor 建档立卡 and minimum-income "
        "低保 migrants) and for the city system (`all`) and each size class, in people "
        "(row weights applied), never in agent rows. Fiscal outcomes are accounts of cities "
        "(population `all` only); national outcomes need a scenario with a `national:` "
        "section.",
        "",
    ]
    for theme in THEMES:
        lines += [
            f"## {THEME_TITLES[theme]}",
            "",
            "| outcome | unit | definition |",
            "|---|---|---|",
        ]
        lines += [_row(e) for e in OUTCOMES.values() if e.theme == theme]
        lines.append("")
    return "\n".join(lines)


def readme_block() -> str:
    from model.outcomes import HEADLINE, OUTCOMES

    lines = [START, "", "| outcome | unit | definition |", "|---|---|---|"]
    lines += [_row(OUTCOMES[name]) for name in HEADLINE]
    lines += [
        "",
        f"All {len(OUTCOMES)} outcomes, by theme, are in [docs/outcomes.md](docs/outcomes.md).",
        "",
        END,
    ]
    return "\n".join(lines)


def readme_with_block(text: str) -> str:
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return before + readme_block() + after


def main() -> int:
    sys.path.insert(0, str(ROOT))
    OUTCOMES_DOC.write_text(outcomes_doc(), encoding="utf-8")
    README.write_text(readme_with_block(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {OUTCOMES_DOC.relative_to(ROOT)} and the outcome table in README.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
