"""Display names in English and Chinese for outcomes, levers, city classes, populations,
settlement routes and provisions (issue 16), from `model/data/display_names.csv`; and the CJK
font that lets figures show the Chinese ones.

Figures in Chinese need a font with CJK glyphs: `make` installs Noto Sans SC from a registry
package (`tools/cjk_font.sh`; or set `CITIZENIZATION_CJK_FONT` to a .ttf/.otf). Without one,
`figure_language("zh")` warns once and falls back to English, so labels are never boxes.
"""

from __future__ import annotations

import os
import sys
import warnings
from functools import cache
from pathlib import Path
from typing import Literal

from model.reference import read_csv

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")
KINDS = ("outcome", "lever", "city_class", "population", "route", "provision")
FONT_FILE = "NotoSansSC-Regular.ttf"


@cache
def _table() -> dict[tuple[str, str], dict[str, str]]:
    return {
        (r["kind"], r["key"]): {"en": r["en"], "zh": r["zh"]} for r in read_csv("display_names.csv")
    }


def display_name(kind: str, key: str, lang: Language = "en") -> str:
    """The name of `key` (of `kind`) in `lang`; the key itself where the table has none."""
    names = _table().get((kind, str(key)))
    return names[lang] if names else str(key)


def known(kind: str) -> set[str]:
    """The keys of `kind` the table names."""
    return {key for k, key in _table() if k == kind}


def cjk_font_path() -> Path | None:
    """The CJK font figures use: `$CITIZENIZATION_CJK_FONT`, else the one `make` installs."""
    configured = os.environ.get("CITIZENIZATION_CJK_FONT")
    path = (
        Path(configured)
        if configured
        else Path(sys.prefix) / "share/citizenization/fonts" / FONT_FILE
    )
    return path if path.is_file() else None


@cache
def _register_cjk_font() -> str | None:
    """Add the CJK font to Matplotlib's font list; its family name, or None without one."""
    path = cjk_font_path()
    if path is None:
        return None
    from matplotlib import font_manager

    try:
        font_manager.fontManager.addfont(str(path))
        return font_manager.FontProperties(fname=str(path)).get_name()
    except (OSError, RuntimeError, ValueError):
        return None


def figure_language(lang: Language) -> Language:
    """Set Matplotlib up for figures in `lang` and return the language figures will use:
    Chinese needs the CJK font (Latin text keeps DejaVu Sans, CJK glyphs fall back to it);
    without it, English, with a warning."""
    import matplotlib

    if lang != "zh":
        return "en"
    family = _register_cjk_font()
    if family is None:
        warnings.warn(
            "No CJK font found (run `make`, which installs Noto Sans SC, or set "
            "CITIZENIZATION_CJK_FONT): figures use English labels.",
            stacklevel=2,
        )
        return "en"
    # a list of families: Matplotlib draws each glyph from the first family that has it
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", family]
    return "zh"
