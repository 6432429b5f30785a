"""The outcome registry: every outcome registers itself with its unit, theme and definition.

    @outcome(unit="share", theme="settlement")
    def hukou_citizenization_rate(s: Snapshot) -> np.ndarray:
        ...  # its docstring is its definition

An outcome is a module-level function of a `Snapshot` returning an array of shape (2, 8):
populations (`all`, `poor`) x city classes (`all`, then `SizeClass` order), in people (weights
applied), never in agent rows. `OUTCOMES` maps names to `Outcome` entries in the order they were
registered (theme by theme); the README's outcome table, the plots' units and the display names
are read from here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from model.enums import SizeClass

if TYPE_CHECKING:
    from model.outcomes.snapshot import Snapshot

POPULATIONS = ("all", "poor")
CITY_CLASSES = ("all", *(c.key for c in SizeClass))

#: "share": a part of a whole, in [0, 1]; "ratio": a quotient that may pass 1.
Unit = Literal["share", "ratio", "people", "children", "yuan", "yuan per month", "m2", "months"]
Theme = Literal["settlement", "labour", "services", "fiscal", "national"]
THEMES: tuple[Theme, ...] = ("settlement", "labour", "services", "fiscal", "national")


@dataclass(frozen=True)
class Outcome:
    """A registered outcome: its function and what it measures."""

    name: str
    function: Callable[[Snapshot], np.ndarray]
    unit: Unit
    theme: Theme

    @property
    def definition(self) -> str:
        """The function's docstring as one paragraph."""
        return " ".join(inspect.getdoc(self.function).split())

    def __call__(self, s: Snapshot) -> np.ndarray:
        return self.function(s)


#: Every outcome, by name, in registration order.
OUTCOMES: dict[str, Outcome] = {}


def outcome(unit: Unit, theme: Theme) -> Callable:
    """Register the decorated function as an outcome with `unit` and `theme`; its docstring is
    its definition (required)."""

    def register(function: Callable[[Snapshot], np.ndarray]) -> Callable:
        name = function.__name__
        if name in OUTCOMES:
            raise ValueError(f"outcome {name!r} registered twice")
        if not inspect.getdoc(function):
            raise ValueError(f"outcome {name!r} needs a docstring that defines it")
        OUTCOMES[name] = Outcome(name, function, unit, theme)
        return function

    return register


def register_family(
    namespace: dict,
    name: str,
    read: Callable[[Snapshot], np.ndarray],
    definition: str,
    unit: Unit,
    theme: Theme,
) -> None:
    """Register `read` as the outcome `name` (one of a family that differ only in what they
    read), made a global of `namespace` under its own name so that it pickles like a function
    written out."""
    read.__name__ = read.__qualname__ = name
    read.__module__ = namespace["__name__"]
    read.__doc__ = definition
    namespace[name] = outcome(unit=unit, theme=theme)(read)


def record(s: Snapshot, year: int) -> pd.DataFrame:
    """Every outcome for the year as tidy rows: year, outcome, population, city_class, value."""
    names = tuple(OUTCOMES)
    values = np.stack([OUTCOMES[name](s) for name in names])  # (outcome, population, class)
    table = _labels(names).copy()
    table.insert(0, "year", year)
    table["value"] = values.ravel()
    return table


@cache
def _labels(names: tuple[str, ...]) -> pd.DataFrame:
    """The outcome, population and class of each value `record` gives, the same every year
    (their string columns built once, not every December)."""
    per_outcome = len(POPULATIONS) * len(CITY_CLASSES)
    return pd.DataFrame(
        {
            "outcome": np.repeat(names, per_outcome),
            "population": np.tile(np.repeat(POPULATIONS, len(CITY_CLASSES)), len(names)),
            "city_class": np.tile(CITY_CLASSES, len(POPULATIONS) * len(names)),
        }
    )


def headline_values(outcomes: pd.DataFrame, year: int | None = None) -> dict[str, float]:
    """`{outcome_population: value}` for the whole city system in one year (default: last)."""
    year = outcomes["year"].max() if year is None else year
    rows = outcomes[(outcomes["year"] == year) & (outcomes["city_class"] == "all")]
    return {f"{r.outcome}_{r.population}": float(r.value) for r in rows.itertuples()}
