"""Migration and labour outcomes: migrants in cities, returns, employment, jobs and income."""

import numpy as np

from model.enums import Employment
from model.flows import Flow
from model.outcomes.registry import outcome
from model.outcomes.snapshot import Snapshot, by_group, ratio, tally


@outcome(unit="people", theme="labour")
def migrants_in_cities(s: Snapshot) -> np.ndarray:
    """People living in a city with rural hukou at the end of the year (stock)."""
    return tally(s, s.unsettled)


@outcome(unit="people", theme="labour")
def migrants_6_months(s: Snapshot) -> np.ndarray:
    """Migrants who have lived 6 months or more in their city, year end (people)."""
    return tally(s, s.unsettled & (s.population.months_in_city >= 6))


@outcome(unit="share", theme="labour")
def return_migration_rate(s: Snapshot) -> np.ndarray:
    """People who returned to their rural origin during the year / migrants in cities at the
    start of the year."""
    return ratio(by_group(s.flows[Flow.RETURNS]), by_group(s.migrants_at_year_start))


@outcome(unit="share", theme="labour")
def employment_rate(s: Snapshot) -> np.ndarray:
    """Employed (formal or informal) / people in cities in the labour force (migrants and
    settlers below retirement)."""
    in_labour_force = s.population.employment != Employment.RETIRED
    return ratio(tally(s, s.employed), tally(s, in_labour_force))


@outcome(unit="share", theme="labour")
def formal_job_share(s: Snapshot) -> np.ndarray:
    """Formal jobs (with social insurance) / employed people in cities."""
    formal = s.population.employment == Employment.FORMAL
    return ratio(tally(s, formal), tally(s, s.employed))


@outcome(unit="people", theme="labour")
def formal_workers(s: Snapshot) -> np.ndarray:
    """Migrants in cities with a formal job (with social insurance), year end (people)."""
    return tally(s, s.unsettled & (s.population.employment == Employment.FORMAL))


@outcome(unit="yuan per month", theme="labour")
def mean_monthly_income_yuan(s: Snapshot) -> np.ndarray:
    """Mean monthly wage (yuan) of employed people in cities, weighted by people."""
    wage = s.population.wage.astype(np.float64)
    return ratio(tally(s, s.employed, wage), tally(s, s.employed))
