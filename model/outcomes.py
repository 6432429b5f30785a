"""Named outcomes, each a module-level function with a docstring that defines it.

Every outcome is computed in people (row weights applied), never in agent rows, for two
populations (`all` migrants, `poor` = registered poor and minimum-income) and for the city system
as a whole (`city_class` = `all`) and each size class (the class of the city lived in, or, for
flows, the city concerned). An outcome function returns an array of shape (2, 8): populations
(all, poor) x classes (all, then `SizeClass` order). Ratios with an empty denominator are NaN.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from model.access import NEEDS_HOUSING, has_access, identified_poor
from model.enums import (
    IS_EMPLOYED,
    IS_LEGAL_HOME,
    Employment,
    Housing,
    HukouStatus,
    PovertyStatus,
    SizeClass,
)
from model.flows import Flow, people_by_group
from model.national import NationalAccounts
from model.population import Population
from model.processes import fiscal, services, settlement
from model.scenario import Scenario
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
    months_at_settlement: np.ndarray  # people by (SizeClass, poor, months in the city)
    scenario: Scenario
    settlement_rules: settlement.CityRules
    year: int
    accounts: fiscal.Accounts
    quota_people: np.ndarray  # next year's points quota per city (inf where none)
    national: NationalAccounts | None = None  # historical scenarios only

    @cached_property
    def settlement_position(self) -> tuple[np.ndarray, np.ndarray]:
        """Masks over all rows: eligible to settle now, and willing to (prov. 14, 16)."""
        pop = self.population
        a = settlement.assess(pop, self.world, self.scenario, self.settlement_rules, self.year)
        eligible = np.zeros(len(pop), dtype=bool)
        eligible[a.rows[a.eligible]] = True
        willing = np.zeros(len(pop), dtype=bool)
        willing[a.rows] = settlement.willing(pop, a.rows, self.world, self.scenario)
        return eligible, willing


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
    return IS_EMPLOYED[s.population.employment]


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


def settlement_eligible_share(s: Snapshot) -> np.ndarray:
    """Migrants in cities (rural hukou) who meet their city's settlement rule or are exempted
    by a priority group (points queues included) / migrants in cities, at year end."""
    eligible, _ = s.settlement_position
    return ratio(tally(s, eligible), tally(s, _unsettled(s)))


def settlement_willing_share(s: Snapshot) -> np.ndarray:
    """Migrants in cities (rural hukou) who want local hukou / migrants in cities."""
    _, willing = s.settlement_position
    return ratio(tally(s, willing), tally(s, _unsettled(s)))


def flowing_not_settling(s: Snapshot) -> np.ndarray:
    """People who could settle but do not want to (流而不迁): eligible, unwilling, year end."""
    eligible, willing = s.settlement_position
    return tally(s, eligible & ~willing)


def settled_by_rule_open(s: Snapshot) -> np.ndarray:
    """Settlements during the year through an open rule, all conditions met (people)."""
    return by_group(s.flows[Flow.SETTLED_OPEN])


def settled_by_rule_conditions(s: Snapshot) -> np.ndarray:
    """Settlements during the year through a conditions rule, all conditions met (people)."""
    return by_group(s.flows[Flow.SETTLED_CONDITIONS])


def settled_by_rule_points(s: Snapshot) -> np.ndarray:
    """Settlements during the year through a points rule and its quota (people)."""
    return by_group(s.flows[Flow.SETTLED_POINTS])


def settled_by_rule_priority(s: Snapshot) -> np.ndarray:
    """Settlements during the year that needed a priority group's exemption (people)."""
    return by_group(s.flows[Flow.SETTLED_PRIORITY])


def points_applicants(s: Snapshot) -> np.ndarray:
    """People applying in the year's points rounds (willing and eligible to apply)."""
    return by_group(s.flows[Flow.POINTS_APPLICANTS])


def points_success_rate(s: Snapshot) -> np.ndarray:
    """People admitted in the year's points rounds / points applicants (NaN with none)."""
    return ratio(by_group(s.flows[Flow.POINTS_ADMITTED]),
                 by_group(s.flows[Flow.POINTS_APPLICANTS]))


def median_months_to_settlement(s: Snapshot) -> np.ndarray:
    """Median months lived in the city by the people who settled during the year."""
    hist = s.months_at_settlement  # (SizeClass, poor, months)
    table = np.full((2, 1 + len(SizeClass)), np.nan)
    groups = {(0, 0): hist.sum(axis=(0, 1)), (1, 0): hist[:, 1].sum(axis=0)}
    for c in SizeClass:
        groups[(0, 1 + c)] = hist[c].sum(axis=0)
        groups[(1, 1 + c)] = hist[c, 1]
    for (population, column), counts in groups.items():
        total = counts.sum()
        if total > 0:
            table[population, column] = float(np.searchsorted(np.cumsum(counts), total / 2))
    return table


def funnel_masks(s: Snapshot) -> dict[str, np.ndarray]:
    """Nested stages of citizenization over all rows, each a subset of the one before:
    in a city >= 12 months (or settled) -> with a residence permit -> eligible to settle ->
    eligible and willing -> settled. Settlers count at every stage."""
    pop = s.population
    settled = pop.hukou == HukouStatus.SETTLED
    eligible, willing = s.settlement_position
    stage = settled | (_unsettled(s) & (pop.city >= 0)
                       & (pop.months_in_city >= TARGET_GROUP_MONTHS))
    stages = {"in_city_12_months": stage}
    stage = stage & (settled | pop.permit)
    stages["with_permit"] = stage
    stage = stage & (settled | eligible)
    stages["eligible"] = stage
    stage = stage & (settled | willing)
    stages["willing"] = stage
    stages["settled"] = settled
    return stages


def funnel_in_city_12_months(s: Snapshot) -> np.ndarray:
    """Funnel stage 1: people in a city for 12 months or more, settlers included."""
    return tally(s, funnel_masks(s)["in_city_12_months"])


def funnel_with_permit(s: Snapshot) -> np.ndarray:
    """Funnel stage 2: of stage 1, those holding a residence permit (or settled)."""
    return tally(s, funnel_masks(s)["with_permit"])


def funnel_eligible(s: Snapshot) -> np.ndarray:
    """Funnel stage 3: of stage 2, those eligible to settle (or settled)."""
    return tally(s, funnel_masks(s)["eligible"])


def funnel_willing(s: Snapshot) -> np.ndarray:
    """Funnel stage 4: of stage 3, those who also want local hukou (or settled)."""
    return tally(s, funnel_masks(s)["willing"])


FUNNEL = ("funnel_in_city_12_months", "funnel_with_permit", "funnel_eligible", "funnel_willing",
          "settled_people")


def per_city(s: Snapshot, values: np.ndarray) -> np.ndarray:
    """A per-city quantity summed by size class; the `poor` row is NaN (cities, not people)."""
    table = np.full((2, 1 + len(SizeClass)), np.nan)
    table[0, 1:] = np.bincount(s.world.size_class, weights=values, minlength=len(SizeClass))
    table[0, 0] = table[0, 1:].sum()
    return table


def central_reward_spend_yuan(s: Snapshot) -> np.ndarray:
    """Citizenization rewards the centre paid for the year, by receiving city (yuan)."""
    return per_city(s, s.accounts.rewards)


def infrastructure_subsidy_yuan(s: Snapshot) -> np.ndarray:
    """Infrastructure subsidy the centre paid for the year (yuan)."""
    return per_city(s, s.accounts.infrastructure_subsidy)


def land_quota_m2(s: Snapshot) -> np.ndarray:
    """Construction-land and homestead quota granted for the year's settlers (m2)."""
    return per_city(s, s.accounts.land_quota_m2)


def capacity_investment_yuan(s: Snapshot) -> np.ndarray:
    """Cities' investment in capacity for migrants in the year (yuan)."""
    return per_city(s, s.accounts.capacity_investment)


def public_spending_yuan(s: Snapshot) -> np.ndarray:
    """Public spending on migrants and settlers in the year: services plus capacity investment
    (yuan; rewards and subsidies are transfers within the public sector, not counted again)."""
    return per_city(s, s.accounts.spending)


def city_net_fiscal_cost_yuan(s: Snapshot) -> np.ndarray:
    """Cities' spending less revenue, central transfers and land revenue (yuan; positive:
    migrants and settlers cost the cities more than they bring)."""
    return per_city(s, -s.accounts.balance)


def settlement_quota_total(s: Snapshot) -> np.ndarray:
    """Next year's points quotas set by the governments, summed (people)."""
    return per_city(s, np.where(np.isfinite(s.quota_people), s.quota_people, 0.0))


def _national(s: Snapshot, value: float) -> np.ndarray:
    table = np.full((2, 1 + len(SizeClass)), np.nan)
    if s.national is not None:
        table[0, 0] = value
    return table


def hukou_urbanization_rate(s: Snapshot) -> np.ndarray:
    """Urban-hukou population / total population, year end (national accounts; NaN without
    them)."""
    return _national(s, s.national.hukou_rate if s.national else np.nan)


def resident_urbanization_rate(s: Snapshot) -> np.ndarray:
    """Urban residents (any hukou) / total population, year end (national accounts)."""
    return _national(s, s.national.resident_rate if s.national else np.nan)


def permits_issued_per_year(s: Snapshot) -> np.ndarray:
    """Residence permits issued during the year (people)."""
    return by_group(s.flows[Flow.PERMITS])


def permit_holders(s: Snapshot) -> np.ndarray:
    """Migrants in cities holding a residence permit at year end (people)."""
    return tally(s, _unsettled(s) & s.population.permit)


def migrant_children_in_cities(s: Snapshot) -> np.ndarray:
    """Migrants' school-age children in local schools, living with them (children), year end;
    each worker row counts its own children."""
    pop = s.population
    return tally(s, pop.family_with & pop.schooled, pop.children.astype(np.float64))


def left_behind_children(s: Snapshot) -> np.ndarray:
    """School-age children of migrants in cities who are not in a local school with them:
    left at the rural origin (children)."""
    pop = s.population
    return tally(s, _unsettled(s) & ~(pop.family_with & pop.schooled),
                 pop.children.astype(np.float64))


def service_citizenization_rate(s: Snapshot) -> np.ndarray:
    """Share of the target group (unsettled migrants >= 12 months in their city, and settlers)
    with the full basic package: a residence permit or hukou, children (if any) in a local
    school, local medical insurance, pension cover and a legal stable home (DESIGN §6)."""
    pop = s.population
    settled = pop.hukou == HukouStatus.SETTLED
    group = settled | (_unsettled(s) & (pop.months_in_city >= TARGET_GROUP_MONTHS))
    package = ((settled | pop.permit) & ((pop.children == 0) | (pop.family_with & pop.schooled))
               & pop.local_medical & pop.pension & IS_LEGAL_HOME[pop.housing])
    return ratio(tally(s, group & package), tally(s, group))


def children_schooled_locally_share(s: Snapshot) -> np.ndarray:
    """Migrants' school-age children in local schools / all their school-age children."""
    children = s.population.children.astype(np.float64)
    return ratio(migrant_children_in_cities(s), tally(s, _unsettled(s) | ~_unsettled(s),
                                                      children))


def public_rental_housing_share(s: Snapshot) -> np.ndarray:
    """People in cities (migrants and settlers) living in public rental housing / all."""
    pop = s.population
    return ratio(tally(s, pop.housing == Housing.PUBLIC_RENTAL), tally(s, pop.city >= 0))


def local_medical_insurance_share(s: Snapshot) -> np.ndarray:
    """Migrants in cities (rural hukou) in local medical insurance / migrants in cities."""
    return ratio(tally(s, _unsettled(s) & s.population.local_medical), tally(s, _unsettled(s)))


def pension_coverage_share(s: Snapshot) -> np.ndarray:
    """Migrants in cities covered by a local or employee pension / migrants in cities."""
    return ratio(tally(s, _unsettled(s) & s.population.pension), tally(s, _unsettled(s)))


def identified_poor_share(s: Snapshot) -> np.ndarray:
    """Poor migrants in cities identified as poor at their destination / poor migrants in
    cities (prov. 19); the same figure in both population rows."""
    pop = s.population
    rows = np.arange(len(pop))
    poor = pop.poverty != PovertyStatus.NOT_POOR
    identified = identified_poor(pop, rows, s.scenario.services.identified_poor_share)
    table = ratio(tally(s, identified & poor), tally(s, poor))
    table[0] = table[1]
    return table


def _with_access(s: Snapshot, need: np.ndarray, access: str) -> np.ndarray:
    """Mask of rows in a city that need a service and have its access basis."""
    pop = s.population
    rows = np.flatnonzero(need & (pop.city >= 0))
    mask = np.zeros(len(pop), dtype=bool)
    mask[rows[has_access(pop, rows, access)]] = True
    return mask


def schooling_queue(s: Snapshot) -> np.ndarray:
    """Children eligible for a local school (family in the city, access basis met) without a
    place, year end (children)."""
    pop = s.population
    need = pop.family_with & (pop.children > 0) & ~pop.schooled
    return tally(s, _with_access(s, need, s.scenario.services.schooling.access),
                 pop.children.astype(np.float64))


def public_rental_housing_queue(s: Snapshot) -> np.ndarray:
    """People eligible for public rental housing (access basis met, renting or in dormitories
    or sheds) without a flat, year end."""
    pop = s.population
    need = NEEDS_HOUSING[pop.housing]
    return tally(s, _with_access(s, need, s.scenario.services.public_rental_housing.access))


def schooling_places_used_share(s: Snapshot) -> np.ndarray:
    """Pupils / school places for migrants' children, by the cities' class."""
    pupils = np.bincount(s.population.city[s.population.city >= 0],
                         services.pupils(s.population)[s.population.city >= 0],
                         minlength=s.world.n_cities)
    return ratio(per_city(s, pupils),
                 per_city(s, services.school_places(s.world, s.scenario.services)))


def public_rental_places_used_share(s: Snapshot) -> np.ndarray:
    """Tenants / public rental places, by the cities' class."""
    pop = s.population
    tenants = np.flatnonzero(pop.housing == Housing.PUBLIC_RENTAL)
    used = np.bincount(pop.city[tenants], pop.weight[tenants], minlength=s.world.n_cities)
    return ratio(per_city(s, used),
                 per_city(s, services.housing_places(s.world, s.scenario.services)))


def employment_service_reach_poor(s: Snapshot) -> np.ndarray:
    """Poor job-seekers in cities served by employment services (identified, services on) /
    poor job-seekers in cities, year end (prov. 3); the same figure in both rows."""
    pop = s.population
    seeking = (pop.employment == Employment.UNEMPLOYED) & (pop.poverty != PovertyStatus.NOT_POOR)
    served = seeking & s.scenario.services.employment_services.enabled & identified_poor(
        pop, np.arange(len(pop)), s.scenario.services.identified_poor_share)
    table = ratio(tally(s, served), tally(s, seeking))
    table[0] = table[1]
    return table


def training_uptake_poor(s: Snapshot) -> np.ndarray:
    """Migrants in cities who have been trained (prov. 4) / migrants in cities; read the poor
    row for the poor."""
    return ratio(tally(s, _unsettled(s) & s.population.trained), tally(s, _unsettled(s)))


def employment_services_cost_yuan(s: Snapshot) -> np.ndarray:
    """Cities' cost of employment services in the year (yuan)."""
    return per_city(s, s.accounts.employment_services_cost)


def training_cost_yuan(s: Snapshot) -> np.ndarray:
    """Cities' cost of skills training in the year (yuan)."""
    return per_city(s, s.accounts.training_cost)


def assistance_cost_yuan(s: Snapshot) -> np.ndarray:
    """Cities' cost of hardship assistance in the year (yuan)."""
    return per_city(s, s.accounts.assistance_cost)


def other_insurance_cost_yuan(s: Snapshot) -> np.ndarray:
    """Cities' cost of living subsidies and informal workers' injury cover (prov. 10, yuan)."""
    return per_city(s, s.accounts.other_insurance_cost)


def work_injury_cover_share(s: Snapshot) -> np.ndarray:
    """Employed migrants with work-injury cover (every formal worker; the covered share of
    informal ones) / employed migrants in cities (prov. 10)."""
    pop = s.population
    unsettled = _unsettled(s)
    share = s.scenario.services.other_insurance.informal_injury_cover_share
    covered = tally(s, unsettled & (pop.employment == Employment.FORMAL)) + share * tally(
        s, unsettled & (pop.employment == Employment.INFORMAL))
    return ratio(covered, tally(s, unsettled & _employed(s)))


def schooling_eligible(s: Snapshot) -> np.ndarray:
    """Children of migrants whose family lives in the city and who have the access basis for
    a local school, in a school or not (children)."""
    pop = s.population
    need = pop.family_with & (pop.children > 0)
    return tally(s, _with_access(s, need, s.scenario.services.schooling.access)
                 | (need & pop.schooled), pop.children.astype(np.float64))


def public_rental_housing_eligible(s: Snapshot) -> np.ndarray:
    """People with the access basis for public rental housing who rent, live in dormitories or
    sheds, or already have a flat."""
    pop = s.population
    tenants = pop.housing == Housing.PUBLIC_RENTAL
    return tally(s, _with_access(s, NEEDS_HOUSING[pop.housing],
                                 s.scenario.services.public_rental_housing.access) | tenants)


def public_rental_housing_enrolled(s: Snapshot) -> np.ndarray:
    """People living in public rental housing (tenants)."""
    return tally(s, s.population.housing == Housing.PUBLIC_RENTAL)


def medical_insurance_eligible(s: Snapshot) -> np.ndarray:
    """Migrants in cities with the access basis for local medical insurance or covered."""
    pop = s.population
    access = s.scenario.services.medical_insurance.access
    return tally(s, _unsettled(s) & (_with_access(s, pop.city >= 0, access) | pop.local_medical))


def pension_eligible(s: Snapshot) -> np.ndarray:
    """Migrants in cities with the access basis for local pension cover or covered."""
    pop = s.population
    access = s.scenario.services.pension.access
    return tally(s, _unsettled(s) & (_with_access(s, pop.city >= 0, access) | pop.pension))


def training_eligible(s: Snapshot) -> np.ndarray:
    """Migrants in cities with the access basis for subsidised training (trained or not)."""
    pop = s.population
    access = s.scenario.services.training.access
    return tally(s, _unsettled(s) & (_with_access(s, pop.city >= 0, access) | pop.trained))


def training_enrolled(s: Snapshot) -> np.ndarray:
    """Migrants in cities who have been trained (people)."""
    return tally(s, _unsettled(s) & s.population.trained)


def schooling_cost_yuan(s: Snapshot) -> np.ndarray:
    """Cities' cost of migrants' children's school places in the year (yuan)."""
    return per_city(s, s.accounts.schooling_cost)


def public_rental_housing_cost_yuan(s: Snapshot) -> np.ndarray:
    """Cities' cost of public rental flats for migrants in the year (yuan)."""
    return per_city(s, s.accounts.public_rental_housing_cost)


def medical_insurance_cost_yuan(s: Snapshot) -> np.ndarray:
    """Cities' cost of migrants' local medical insurance, premium subsidies included (yuan)."""
    return per_city(s, s.accounts.medical_insurance_cost)


def pension_cost_yuan(s: Snapshot) -> np.ndarray:
    """Cities' cost of migrants' pension cover, premiums paid for the poor included (yuan)."""
    return per_city(s, s.accounts.pension_cost)


def formal_workers(s: Snapshot) -> np.ndarray:
    """Migrants in cities with a formal job (with social insurance), year end (people)."""
    return tally(s, _unsettled(s) & (s.population.employment == Employment.FORMAL))


def migrants_6_months(s: Snapshot) -> np.ndarray:
    """Migrants who have lived 6 months or more in their city, year end (people)."""
    return tally(s, _unsettled(s) & (s.population.months_in_city >= 6))


OUTCOMES: dict[str, Callable[[Snapshot], np.ndarray]] = {
    f.__name__: f
    for f in (hukou_citizenization_rate, settled_people, settlements_per_year,
              migrants_in_cities, return_migration_rate, employment_rate, formal_job_share,
              residence_permit_share, mean_monthly_income_yuan, settlement_eligible_share,
              settlement_willing_share, flowing_not_settling, settled_by_rule_open,
              settled_by_rule_conditions, settled_by_rule_points, settled_by_rule_priority,
              points_applicants, points_success_rate, median_months_to_settlement,
              central_reward_spend_yuan, infrastructure_subsidy_yuan, land_quota_m2,
              capacity_investment_yuan, public_spending_yuan, city_net_fiscal_cost_yuan,
              settlement_quota_total, funnel_in_city_12_months, funnel_with_permit,
              funnel_eligible, funnel_willing, hukou_urbanization_rate,
              resident_urbanization_rate, permits_issued_per_year, permit_holders,
              migrant_children_in_cities, left_behind_children, formal_workers,
              migrants_6_months, service_citizenization_rate, children_schooled_locally_share,
              public_rental_housing_share, local_medical_insurance_share,
              pension_coverage_share, identified_poor_share, schooling_queue,
              public_rental_housing_queue, schooling_places_used_share,
              public_rental_places_used_share, schooling_cost_yuan,
              public_rental_housing_cost_yuan, medical_insurance_cost_yuan, pension_cost_yuan,
              employment_service_reach_poor, training_uptake_poor,
              employment_services_cost_yuan, training_cost_yuan, assistance_cost_yuan,
              other_insurance_cost_yuan, work_injury_cover_share, schooling_eligible,
              public_rental_housing_eligible, public_rental_housing_enrolled,
              medical_insurance_eligible, pension_eligible, training_eligible,
              training_enrolled)
}

#: The outcomes a comparison leads with.
HEADLINE = ("hukou_citizenization_rate", "service_citizenization_rate", "settlements_per_year",
            "migrants_in_cities", "children_schooled_locally_share",
            "residence_permit_share", "settlement_willing_share", "flowing_not_settling",
            "return_migration_rate", "employment_rate", "mean_monthly_income_yuan",
            "public_spending_yuan", "central_reward_spend_yuan", "city_net_fiscal_cost_yuan")


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
