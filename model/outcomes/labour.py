"""Migration and labour outcomes: migrants in cities, returns, employment, jobs and income."""

import numpy as np

from model.enums import Employment, PovertyStatus, SizeClass
from model.flows import Flow
from model.kernels import Rows, look_up
from model.outcomes.registry import outcome
from model.outcomes.snapshot import (
    Snapshot,
    by_group,
    national,
    national_tally,
    once_per_snapshot,
    per_city,
    ratio,
    tally,
    tally_and_national,
)
from model.processes import migration


@outcome(unit="people", theme="labour")
def migrants_in_cities(s: Snapshot) -> np.ndarray:
    """People living in a city with rural hukou at the end of the year (stock)."""
    return tally(s, s.unsettled)


@outcome(unit="people", theme="labour")
def migrants_6_months(s: Snapshot) -> np.ndarray:
    """Migrants who have lived 6 months or more in their city, year end (people)."""
    return tally(s, s.unsettled & (s.population.months_in_city >= 6))


def stays_in_cities(s: Snapshot) -> np.ndarray:
    """Stays of migrants in cities during the year, by group: those there at its start plus
    those who came (from the origin or another city) or became poor there during it. Each stay
    ends at most once, so departures of the year never outnumber stays."""
    stays = by_group(
        s.migrants_at_year_start + s.flows[Flow.ARRIVALS] + s.flows[Flow.ONWARD_ARRIVALS]
    )
    stays[1] += by_group(s.flows[Flow.BECAME_POOR])[1]  # a new poor stay, already in `all`
    return stays


@outcome(unit="share", theme="labour")
def return_migration_rate(s: Snapshot) -> np.ndarray:
    """Returns to the rural origin during the year / migrants' stays in cities during the year
    (those in a city at its start, plus arrivals from the origin or another city; for the poor,
    plus those who became poor in a city): the share of the year's stays that ended at home."""
    return ratio(by_group(s.flows[Flow.RETURNS]), stays_in_cities(s))


@outcome(unit="people", theme="labour")
def settlers_leaving_per_year(s: Snapshot) -> np.ndarray:
    """Settled workers without a job who left their city during the year (by the city left;
    they keep the hukou they took)."""
    return by_group(s.flows[Flow.SETTLED_LEAVING])


@outcome(unit="share", theme="labour")
def onward_migration_rate(s: Snapshot) -> np.ndarray:
    """Moves on from a city to another city during the year (by the city left) / migrants'
    stays in cities during the year (as for `return_migration_rate`)."""
    return ratio(by_group(s.flows[Flow.ONWARD]), stays_in_cities(s))


@outcome(unit="people", theme="labour")
def arrivals_per_year(s: Snapshot) -> np.ndarray:
    """People who came to a city from their rural origin during the year (by the city they
    came to)."""
    return by_group(s.flows[Flow.ARRIVALS])


@outcome(unit="ratio", theme="labour")
def city_load(s: Snapshot) -> np.ndarray:
    """People living in cities (migrants and settlers) / the cities' carrying capacity for
    them, year end (cities of the class together; `poor` row NaN)."""
    return ratio(tally(s, s.in_city)[:1].repeat(2, axis=0), capacity(s))


@outcome(unit="ratio", theme="labour")
def employed_per_job(s: Snapshot) -> np.ndarray:
    """Employed people in cities / jobs for migrants and settlers, year end (1: every job
    filled; `poor` row NaN)."""
    return ratio(tally(s, s.employed)[:1].repeat(2, axis=0), per_city(s, s.world.jobs_people))


@outcome(unit="yuan per month", theme="labour")
def living_cost_yuan(s: Snapshot) -> np.ndarray:
    """Mean monthly living cost (yuan) of people in cities, rents rising with their city's load
    (the cost the city choice weighs; `model/processes/migration.py`)."""
    p = s.scenario.behaviour.migration
    people = s.people_by_city  # (city, poor)
    load = people.sum(axis=1) / s.world.capacity_people
    rent_change = s.scenario.services.urban_villages.rent_change
    cost = migration.living_cost(s.world, load, p, rent_change)
    spent, living = np.zeros((len(SizeClass), 2)), np.zeros((len(SizeClass), 2))
    np.add.at(spent, s.world.size_class, people * cost[:, None])
    np.add.at(living, s.world.size_class, people)
    return ratio(by_group(spent), by_group(living))


def capacity(s: Snapshot) -> np.ndarray:
    return per_city(s, s.world.capacity_people)


@outcome(unit="share", theme="labour")
def employment_rate(s: Snapshot) -> np.ndarray:
    """Employed (formal or informal) / people in cities in the labour force (migrants and
    settlers below retirement)."""
    in_labour_force = s.population.employment != Employment.RETIRED
    return ratio(tally(s, s.employed), tally(s, in_labour_force))


@outcome(unit="share", theme="labour")
def formal_job_share(s: Snapshot) -> np.ndarray:
    """Formal jobs (with social insurance) / employed people in cities."""
    formal = s.rows("employment", Employment.FORMAL)
    return ratio(tally(s, formal), tally(s, s.employed))


@outcome(unit="people", theme="labour")
def formal_workers(s: Snapshot) -> np.ndarray:
    """Migrants in cities with a formal job (with social insurance), year end (people)."""
    return tally(s, s.migrants_with("employment", Employment.FORMAL))


@outcome(unit="yuan per month", theme="labour")
def mean_monthly_income_yuan(s: Snapshot) -> np.ndarray:
    """Mean monthly wage (yuan) of employed people in cities, weighted by people."""
    return ratio(tally(s, s.employed, s.population.wage), tally(s, s.employed))


@outcome(unit="share", theme="labour")
def inter_provincial_share(s: Snapshot) -> np.ndarray:
    """Migrants in cities (rural hukou) living outside their home province / migrants in
    cities, year end (M17a: the inter-provincial share of out-migrants)."""
    pop = s.population
    # rows at the origin (city -1) read the last city's province; `tally` drops them
    outside = look_up(s.world.province, pop.city) != pop.origin_province
    return ratio(tally(s, s.unsettled & outside), tally(s, s.unsettled))


@once_per_snapshot
def _registered_poor_away(s: Snapshot, min_months: int) -> Rows:
    """Registered-poor (建档立卡) workers at least `min_months` of the year in a city."""
    return s.rows("poverty", PovertyStatus.REGISTERED_POOR) & _away(s, min_months)


@once_per_snapshot
def _away(s: Snapshot, min_months: int) -> Rows:
    """Rural-hukou workers who spent at least `min_months` of the year in a city (wherever
    they are at year end)."""
    return s.unsettled & (s.population.months_in_city_this_year >= min_months)


@outcome(unit="people", theme="labour")
def registered_poor_workers_away(s: Snapshot) -> np.ndarray:
    """Registered-poor (建档立卡) workers who worked away from home in a city for at least a
    month of the year, wherever they are at year end (P11: registered-poor workers working away
    from home; national figure)."""
    return national(national_tally(s, _registered_poor_away(s, 1))[0])


@outcome(unit="people", theme="labour")
def registered_poor_workers_away_6_months(s: Snapshot) -> np.ndarray:
    """Registered-poor workers who spent six months or more of the year in a city (P11: of
    which away six months or more; national figure)."""
    return national(national_tally(s, _registered_poor_away(s, 6))[0])


@outcome(unit="yuan", theme="labour")
def registered_poor_annual_earnings_yuan(s: Snapshot) -> np.ndarray:
    """Mean wages earned over the calendar year (the months worked summed) by registered-poor
    workers who worked away in a city for at least a month of it (P11: registered-poor migrant
    workers' annual wage; national figure)."""
    away = _registered_poor_away(s, 1)
    earned = national_tally(s, away, s.population.earnings_this_year)[0]
    return national(ratio(earned, national_tally(s, away)[0]))


@outcome(unit="yuan", theme="labour")
def annual_earnings_yuan(s: Snapshot) -> np.ndarray:
    """Mean wages earned over the calendar year (the months worked summed) by rural-hukou
    workers who spent at least a month of it in a city; by the class of the city lived in at
    year end, and in the whole system (national figure in `all`)."""
    away = _away(s, 1)
    earned, national_earned = tally_and_national(s, away, s.population.earnings_this_year)
    table = ratio(earned, tally(s, away))
    table[:, 0] = ratio(np.array(national_earned), np.array(national_tally(s, away)))
    return table
