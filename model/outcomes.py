"""Named outcomes, each a module-level function with a docstring that defines it.

Every outcome is computed in people (row weights applied), never in agent rows, for two
populations (`all` migrants, `poor` = registered poor and minimum-income) and for the city system
as a whole (`city_class` = `all`) and each size class (the class of the city lived in, or, for
flows, the city concerned). An outcome function returns an array of shape (2, 8): populations
(all, poor) x classes (all, then `SizeClass` order). Ratios with an empty denominator are NaN.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.enums import Employment, HukouStatus, SizeClass
from model.flows import Flow, people_by_group
from model.population import Population
from model.world import World

POPULATIONS = ("all", "poor")
CITY_CLASSES = ("all", *(c.key for c in SizeClass))
#: Months in a city after which a migrant is in the target group (prov. 2: one year).
TARGET_GROUP_MONTHS = 12


@dataclass(frozen=True)
class Snapshot:
    """What outcomes read at the end of a year: the population, the world and the year's flows."""

    population: Population
    world: World
    flows: np.ndarray  # people by (Flow, SizeClass, poor)
    migrants_at_year_start: np.ndarray  # people by (SizeClass, poor)


def by_group(people: np.ndarray) -> np.ndarray:
    """(SizeClass, poor) people -> (population, class) table with the `all` margins."""
    table = np.zeros((2, 1 + len(SizeClass)))
    table[0, 1:] = people.sum(axis=1)
    table[1, 1:] = people[:, 1]
    table[:, 0] = table[:, 1:].sum(axis=1)
    return table


def tally(s: Snapshot, mask: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
    """Weighted sum (of `values`, or of people) over `mask`ed rows living in a city, by group."""
    in_city = mask & (s.population.city >= 0)
    return by_group(people_by_group(s.population, s.world.size_class, in_city, values))


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def _unsettled(s: Snapshot) -> np.ndarray:
    return s.population.hukou == HukouStatus.RURAL


def _employed(s: Snapshot) -> np.ndarray:
    employment = s.population.employment
    return (employment == Employment.INFORMAL) | (employment == Employment.FORMAL)


def hukou_citizenization_rate(s: Snapshot) -> np.ndarray:
    """Settled migrants / (settled migrants + unsettled migrants who have lived in their city
    for at least 12 months) (DESIGN §6; prov. 2's target group). Settlers count from the start of
    the run."""
    settled = tally(s, s.population.hukou == HukouStatus.SETTLED)
    waiting = tally(s, _unsettled(s) & (s.population.months_in_city >= TARGET_GROUP_MONTHS))
    return ratio(settled, settled + waiting)


def settled_people(s: Snapshot) -> np.ndarray:
    """People who took local hukou since the start of the run and live in a city (stock)."""
    return tally(s, s.population.hukou == HukouStatus.SETTLED)


def settlements_per_year(s: Snapshot) -> np.ndarray:
    """People who took local hukou during the year (flow)."""
    return by_group(s.flows[Flow.SETTLEMENTS])


def migrants_in_cities(s: Snapshot) -> np.ndarray:
    """People living in a city with rural hukou at the end of the year (stock)."""
    return tally(s, _unsettled(s))


def return_migration_rate(s: Snapshot) -> np.ndarray:
    """People who returned to their rural origin during the year / migrants in cities at the
    start of the year."""
    return ratio(by_group(s.flows[Flow.RETURNS]), by_group(s.migrants_at_year_start))


def employment_rate(s: Snapshot) -> np.ndarray:
    """Employed (formal or informal) / people in cities in the labour force (migrants and
    settlers below retirement)."""
    in_labour_force = s.population.employment != Employment.RETIRED
    return ratio(tally(s, _employed(s)), tally(s, in_labour_force))


def formal_job_share(s: Snapshot) -> np.ndarray:
    """Formal jobs (with social insurance) / employed people in cities."""
    formal = s.population.employment == Employment.FORMAL
    return ratio(tally(s, formal), tally(s, _employed(s)))


def residence_permit_share(s: Snapshot) -> np.ndarray:
    """Migrants in cities (rural hukou) holding a residence permit / migrants in cities."""
    unsettled = _unsettled(s)
    return ratio(tally(s, unsettled & s.population.permit), tally(s, unsettled))


def mean_monthly_income_yuan(s: Snapshot) -> np.ndarray:
    """Mean monthly wage (yuan) of employed people in cities, weighted by people."""
    employed = _employed(s)
    wage = s.population.wage.astype(np.float64)
    return ratio(tally(s, employed, wage), tally(s, employed))


OUTCOMES: dict[str, Callable[[Snapshot], np.ndarray]] = {
    f.__name__: f
    for f in (hukou_citizenization_rate, settled_people, settlements_per_year,
              migrants_in_cities, return_migration_rate, employment_rate, formal_job_share,
              residence_permit_share, mean_monthly_income_yuan)
}

#: The outcomes a comparison leads with.
HEADLINE = ("hukou_citizenization_rate", "settlements_per_year", "migrants_in_cities",
            "residence_permit_share", "return_migration_rate", "employment_rate",
            "mean_monthly_income_yuan")


def record(s: Snapshot, year: int) -> pd.DataFrame:
    """Every outcome for the year as tidy rows: year, outcome, population, city_class, value."""
    frames = []
    for name, function in OUTCOMES.items():
        table = function(s)
        frames.append(pd.DataFrame({
            "year": year,
            "outcome": name,
            "population": np.repeat(POPULATIONS, len(CITY_CLASSES)),
            "city_class": np.tile(CITY_CLASSES, len(POPULATIONS)),
            "value": table.ravel(),
        }))
    return pd.concat(frames, ignore_index=True)


def headline_values(outcomes: pd.DataFrame, year: int | None = None) -> dict[str, float]:
    """`{outcome_population: value}` for the whole city system in one year (default: last)."""
    year = outcomes["year"].max() if year is None else year
    rows = outcomes[(outcomes["year"] == year) & (outcomes["city_class"] == "all")]
    return {f"{r.outcome}_{r.population}": float(r.value) for r in rows.itertuples()}
