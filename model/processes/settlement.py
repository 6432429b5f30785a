"""Settlement (phase 6, prov. 14 and 16): who may take local hukou, who wants to, who does.

Owns the column `hukou` and the cities' remaining annual quotas.

**Eligibility** follows the rule of the size class of the city the migrant lives in:
- *open*: at least `min_residence_months` in the city (and a legal home where required);
- *conditions*: additionally `min_social_insurance_months` paid in the city and, where
  required, a stable job and a legal home.
**Priority groups** (prov. 14; prov. 2 for the poor) settle on residence alone, with at least
`priority_groups.min_residence_months` in the city, except in the classes the scenario lists (the
megacity exception): people who have worked and lived there five years or more, whole-family
migrants, the new generation (born 1980 or later) and registered-poor and minimum-income migrants.

**Willingness** (prov. 16): a migrant wants hukou when their fixed `settle_propensity` quantile is
below
    settlement_willingness * whole_family_factor^[family in the city]
                           * rural_rights_at_risk_factor^[rights not protected].
Eligible and willing migrants apply with a monthly probability. Those who could but do not want
to are "流而不迁" (moving without transferring hukou).

**Quotas**: a class with `annual_quota_people_per_city` admits, in each city, at most that many
people per calendar year, applicants ranked by months of social insurance (most first; a
stand-in for points systems, which come with the settlement rules engine).
"""

from dataclasses import dataclass

import numpy as np

from model.clock import Clock
from model.enums import LEGAL_HOMES, Employment, HukouStatus, PovertyStatus, SizeClass
from model.flows import Flow, Flows
from model.population import Population
from model.scenario import Scenario, Settlement
from model.world import World

NEW_GENERATION_BORN_FROM = 1980  # 新生代农民工: born 1980 or later


@dataclass(frozen=True)
class RuleArrays:
    """The class rules as arrays indexed by `SizeClass`, for vectorised checks."""

    conditions: np.ndarray
    min_residence_months: np.ndarray
    min_social_insurance_months: np.ndarray
    requires_stable_job: np.ndarray
    requires_legal_home: np.ndarray
    quota_people: np.ndarray  # inf where no quota
    priority_applies: np.ndarray

    @classmethod
    def of(cls, settlement: Settlement) -> "RuleArrays":
        rules = [settlement.rules[c] for c in SizeClass]
        quota = [np.inf if r.annual_quota_people_per_city is None
                 else r.annual_quota_people_per_city for r in rules]
        excluded = set(settlement.priority_groups.not_in_classes)
        return cls(
            conditions=np.array([r.kind == "conditions" for r in rules]),
            min_residence_months=np.array([r.min_residence_months for r in rules], np.int16),
            min_social_insurance_months=np.array([r.min_social_insurance_months for r in rules],
                                                 np.int16),
            requires_stable_job=np.array([r.requires_stable_job for r in rules]),
            requires_legal_home=np.array([r.requires_legal_home for r in rules]),
            quota_people=np.array(quota, dtype=np.float64),
            priority_applies=np.array([c.key not in excluded for c in SizeClass]),
        )


def candidates(pop: Population) -> np.ndarray:
    """Indices of migrants who could settle: in a city, still with rural hukou."""
    return np.flatnonzero((pop.city >= 0) & (pop.hukou == HukouStatus.RURAL))


def meets_conditions(pop: Population, rows: np.ndarray, world: World,
                     rules: RuleArrays) -> np.ndarray:
    """For `rows`, whether they pass their city class's rule (prov. 14)."""
    size_class = world.size_class[pop.city[rows]]
    months = pop.months_in_city[rows]
    employed = np.isin(pop.employment[rows], (Employment.INFORMAL, Employment.FORMAL))
    legal_home = np.isin(pop.housing[rows], LEGAL_HOMES)
    conditions = rules.conditions[size_class]
    return ((months >= rules.min_residence_months[size_class])
            & (~rules.requires_legal_home[size_class] | legal_home)
            & (~conditions
               | ((pop.si_months[rows] >= rules.min_social_insurance_months[size_class])
                  & (~rules.requires_stable_job[size_class] | employed))))


def in_priority_group(pop: Population, rows: np.ndarray, world: World, scenario: Scenario,
                      rules: RuleArrays) -> np.ndarray:
    """For `rows`, whether a priority group exempts them from the conditions (prov. 2, 14)."""
    groups = scenario.settlement.priority_groups
    months = pop.months_in_city[rows]
    member = np.zeros(len(rows), dtype=bool)
    if groups.five_years_in_city:
        member |= months >= 60
    if groups.whole_family:
        member |= pop.family_with[rows]
    if groups.new_generation:
        member |= pop.birth_year[rows] >= NEW_GENERATION_BORN_FROM
    if groups.poor:
        member |= pop.poverty[rows] != PovertyStatus.NOT_POOR
    size_class = world.size_class[pop.city[rows]]
    return member & (months >= groups.min_residence_months) & rules.priority_applies[size_class]


def eligible_rows(pop: Population, world: World, scenario: Scenario,
                  rules: RuleArrays) -> np.ndarray:
    """Indices of migrants who may settle in their city now."""
    rows = candidates(pop)
    ok = meets_conditions(pop, rows, world, rules) | in_priority_group(
        pop, rows, world, scenario, rules)
    return rows[ok]


def eligible(pop: Population, world: World, scenario: Scenario) -> np.ndarray:
    """Mask of migrants who may settle in their city now."""
    mask = np.zeros(len(pop), dtype=bool)
    mask[eligible_rows(pop, world, scenario, RuleArrays.of(scenario.settlement))] = True
    return mask


def willingness_probability(pop: Population, rows: np.ndarray, scenario: Scenario) -> np.ndarray:
    """For `rows`, the probability of wanting local hukou (prov. 16)."""
    b = scenario.behaviour
    p = np.full(len(rows), b.settlement_willingness, dtype=np.float32)
    p = np.where(pop.family_with[rows], p * np.float32(b.willingness_whole_family_factor), p)
    if not scenario.settlement.rural_rights_protected:
        p *= np.float32(b.willingness_rural_rights_at_risk_factor)
    return np.minimum(p, 1.0)


def admit_within_quota(pop: Population, applicants: np.ndarray, world: World,
                       rules: RuleArrays, quota_left: np.ndarray) -> np.ndarray:
    """The applicants admitted under their cities' remaining quotas; updates `quota_left`."""
    city = pop.city[applicants]
    limited = np.isfinite(quota_left[city])
    queue = applicants[limited]
    if queue.size == 0:
        return applicants
    # rank within each city by social-insurance months, most first (stable for ties)
    order = np.lexsort((-pop.si_months[queue].astype(np.int32), pop.city[queue]))
    queue = queue[order]
    queue_city = pop.city[queue]
    weight = pop.weight[queue].astype(np.float64)
    cumulative = np.cumsum(weight)
    starts = np.searchsorted(queue_city, queue_city, side="left")
    before = cumulative - weight - np.where(starts > 0, cumulative[starts - 1], 0.0)
    admitted = queue[before + weight <= quota_left[queue_city] + 1e-9]
    np.subtract.at(quota_left, pop.city[admitted], pop.weight[admitted].astype(np.float64))
    return np.concatenate([applicants[~limited], admitted])


def new_year_quotas(world: World, rules: RuleArrays) -> np.ndarray:
    """Each city's quota for a new calendar year (people; inf where there is none)."""
    return rules.quota_people[world.size_class].copy()


def step(pop: Population, world: World, scenario: Scenario, clock: Clock,
         rng: np.random.Generator, flows: Flows, rules: RuleArrays,
         quota_left: np.ndarray) -> None:
    u_apply = rng.random(len(pop), dtype=np.float32)
    rows = eligible_rows(pop, world, scenario, rules)
    willing = pop.settle_propensity[rows] < willingness_probability(pop, rows, scenario)
    p_apply = scenario.behaviour.settlement_monthly_application_probability
    applying = willing & (u_apply[rows] < p_apply)
    settlers = admit_within_quota(pop, rows[applying], world, rules, quota_left)
    pop.hukou[settlers] = HukouStatus.SETTLED
    flows.add(Flow.SETTLEMENTS, pop, settlers)
