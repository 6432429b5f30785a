"""The packaged reference data (`model/data/`, sources in `SOURCES.md`)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

DATA = resources.files("model") / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of a packaged data file (`model/data/NAME`)."""
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def named_cities() -> dict[str, str]:
    """English name -> full name ("Beijing" -> "北京 Beijing") of the 21 named megacities."""
    return {row["city"].split(" ", 1)[1]: row["city"] for row in read_csv("megacities_2020.csv")}
