"""Settlement (phase 6, prov. 14 and 16): who may take local hukou, who wants to, who does.

Owns the column `hukou` and the cities' remaining annual quotas.

**Eligibility** follows the rule of the city the migrant lives in (its class's rule, or its own
in `settlement.city_rules`; see `model/scenario/settlement.py`). Each rule imposes some of five
conditions: `residence` (months in the city), `social_insurance` (months paid in the city;
conditions and points rules), `stable_job`, `legal_home` and, in points rules, `points` (a score
of at least `min_score`). A member of an enabled **priority group** (prov. 14; prov. 2 for the
poor, who count only once identified at the destination, prov. 19) who has lived
`priority_groups.min_residence_months` in the city is **first in line** (优先): exempt only from
the conditions that group `exempts` (`points` waives the minimum score), and ranked before
everyone else in a points queue, never outside it: a quota binds priority groups too. None of
this applies in the classes and cities the scenario lists (the megacity exception). A migrant is
eligible when every condition is met or exempted. Where a city does not implement the scenario's
rules (`settlement.implementation`, prov. 18), the rule before the start applies, without
priority groups.

**Route** (recorded as `settled_by_rule`): the rule's kind when the migrant met every condition,
`priority` when an exemption was needed. Every settler of a points city came through its queue,
so settlers labelled `points` never outnumber points admissions.

**Willingness** (prov. 16) is a logit on what local hukou is worth to the household against the
rural rights settling costs:
    u = intercept + whole_family_value [family in the city]
        + children_in_city_value [children in a local school] (schooling and exams, prov. 5-6)
        + city_class_value[class] + income_value * log(wage / the city's base wage)
        + home_owner_value [owns its home]
        + public_housing_value [renting or in a dormitory, flats for hukou holders only]
        + medical_insurance_value [no local medical insurance] (prov. 8)
        + amenity_value (of `services.urban_villages`) * the city's renovated share (prov. 13)
        - rural_loss_weight_per_10000_yuan * loss / 10,000
    loss = 0 if rights are protected, else
           max(0, land_value - paid_exit_per_mu) * land_mu
           + max(0, homestead_value - paid_exit_per_homestead)
A migrant is willing when their fixed `settle_propensity` quantile is below 1 / (1 + e^-u) (a
fixed taste for the city, varying between people). What the permit already gives (flats, medical
insurance, schooling where access is by permit) adds nothing to hukou's value: extending services
to permit holders makes settling worth less, as it should.
Eligible migrants who are not willing are "流而不迁" (`flowing_not_settling`).

**Applying.** Outside points queues, an eligible, willing migrant applies in a month with
`settlement_monthly_application_probability` and settles. A points queue (eligible through a
points rule) is one round a year, in December: the willing apply with the year's probability
1 - (1 - p)^12, are ranked priority groups first, then by score (most first; ties keep row order)
and settle while the city's annual quota lasts (the row at which it runs out by lottery, in
proportion to the quota left); the others may apply again next year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import get_args

import numba
import numpy as np

from model.enums import (
    IS_LEGAL_HOME,
    Employment,
    Housing,
    HukouStatus,
    PovertyStatus,
    SizeClass,
)
from model.flows import Flow
from model.population import Population
from model.processes.access import NEEDS_HOUSING
from model.processes.allocation import allocate
from model.processes.context import Month
from model.processes.households import family_members_in_city
from model.processes.labour import wage_index
from model.reference import named_cities
from model.scenario import Scenario
from model.scenario.settlement import ItemSource, PointsRule, Settlement
from model.streams import uniform_at
from model.world import World

#: Columns this phase writes (a test checks it writes no other).
WRITES = ("hukou",)

NEW_GENERATION_BORN_FROM = 1980  # 新生代农民工: born 1980 or later
FIVE_YEARS_MONTHS = 60
POINTS_ROUND_MONTH = 12  # points applications are decided once a year, in December
PRIORITY_RANK = 1e9  # added to a priority-group member's points score in the queue
AGE_BONUS_LIMIT = 45  # points item years_under_45


class Route(IntEnum):
    """How a settler qualified."""

    OPEN = 0
    CONDITIONS = 1
    POINTS = 2
    PRIORITY = 3


ROUTE_OF_KIND = {"open": Route.OPEN, "conditions": Route.CONDITIONS, "points": Route.POINTS}
SETTLED_FLOW = {
    Route.OPEN: Flow.SETTLED_OPEN,
    Route.CONDITIONS: Flow.SETTLED_CONDITIONS,
    Route.POINTS: Flow.SETTLED_POINTS,
    Route.PRIORITY: Flow.SETTLED_PRIORITY,
}


# --- points items: what each source counts -----------------------------------------------------

#: The sources a points item counts, as the schema lists them; `_item_value` reads them by
#: their index in this order.
ITEM_SOURCES = get_args(ItemSource)


@numba.njit(cache=True, inline="always")
def _item_value(source, r, si_months, months_in_city, education, birth_year, housing,
                employment, family_with, children, year):  # fmt: skip
    """What item `source` (an index of ITEM_SOURCES) counts for row `r`."""
    if source == 0:
        return np.float64(si_months[r])
    if source == 1:
        return np.float64(months_in_city[r])
    if source == 2:
        return np.float64(education[r])
    if source == 3:
        return np.float64(max(AGE_BONUS_LIMIT - (year - np.int64(birth_year[r])), 0))
    if source == 4:
        return np.float64(housing[r] == Housing.OWNED)
    if source == 5:
        return np.float64(employment[r] == Employment.FORMAL)
    if source == 6:
        return np.float64(family_with[r])
    return np.float64(children[r] * family_with[r])


@numba.njit(cache=True)
def _points(rows, si_months, months_in_city, education, birth_year, housing, employment,
            family_with, children, year, sources, per_unit, caps):  # fmt: skip
    total = np.zeros(rows.size)
    for i in range(rows.size):
        r = rows[i]
        for k in range(sources.size):
            value = _item_value(
                sources[k], r, si_months, months_in_city, education, birth_year, housing,
                employment, family_with, children, year,
            )  # fmt: skip
            total[i] += min(value * per_unit[k], caps[k])
    return total


def points_score(pop: Population, rows: np.ndarray, rule: PointsRule, year: int) -> np.ndarray:
    """The points score of `rows` under a points rule: the sum of its capped items."""
    items = list(rule.items.values())
    sources = np.array([ITEM_SOURCES.index(item.source) for item in items], dtype=np.int64)
    per_unit = np.array([item.points_per_unit for item in items], dtype=np.float64)
    caps = np.array([np.inf if i.max_points is None else i.max_points for i in items])
    return _points(
        np.asarray(rows, dtype=np.int64), pop.si_months, pop.months_in_city, pop.education,
        pop.birth_year, pop.housing, pop.employment, pop.family_with, pop.children, year,
        sources, per_unit, caps,
    )  # fmt: skip


# --- each city's rule as arrays ---------------------------------------------------------------


@dataclass(frozen=True)
class CityRules:
    """Every city's settlement rule as arrays indexed by city, for vectorised checks."""

    rules: tuple  # the distinct SettlementRule objects
    rule_id: np.ndarray  # int16, index into rules
    kind: np.ndarray  # int8, Route of the rule's kind
    min_residence_months: np.ndarray
    min_social_insurance_months: np.ndarray
    requires_stable_job: np.ndarray
    requires_legal_home: np.ndarray
    min_score: np.ndarray  # 0 where not points
    quota_people: np.ndarray  # inf where no quota
    priority_applies: np.ndarray
    exemptions: dict[str, frozenset[str]]  # enabled group -> conditions it exempts

    @property
    def points_rule_ids(self) -> list[int]:
        return [i for i, r in enumerate(self.rules) if r.kind == "points"]

    @classmethod
    def build(cls, settlement: Settlement, world: World) -> CityRules:
        rules = [settlement.rules[c] for c in SizeClass]
        rule_id = world.size_class.astype(np.int16)
        index = {name: i for i, name in enumerate(world.names)}
        full = named_cities()
        for name, rule in settlement.city_rules.items():
            rules.append(rule)
            rule_id[index[full[name]]] = len(rules) - 1

        def per_city(values, dtype):
            return np.asarray(values, dtype=dtype)[rule_id]

        groups = settlement.priority_groups
        excluded = np.isin(world.size_class, [SizeClass[c.upper()] for c in groups.not_in_classes])
        excluded |= np.isin(
            np.arange(world.n_cities), [index[full[n]] for n in groups.not_in_cities]
        )
        exemptions = {
            name: frozenset(getattr(groups, name).exempts)
            for name in ("five_years_in_city", "whole_family", "new_generation", "poor")
            if getattr(groups, name).enabled
        }
        return cls(
            rules=tuple(rules),
            rule_id=rule_id,
            kind=per_city([ROUTE_OF_KIND[r.kind] for r in rules], np.int8),
            min_residence_months=per_city([r.min_residence_months for r in rules], np.int16),
            min_social_insurance_months=per_city(
                [r.min_social_insurance_months for r in rules], np.int16
            ),
            requires_stable_job=per_city([r.requires_stable_job for r in rules], bool),
            requires_legal_home=per_city([r.requires_legal_home for r in rules], bool),
            min_score=per_city(
                [r.points.min_score if r.points else 0.0 for r in rules], np.float64
            ),
            quota_people=per_city(
                [
                    np.inf
                    if r.annual_quota_people_per_city is None
                    else r.annual_quota_people_per_city
                    for r in rules
                ],
                np.float64,
            ),
            priority_applies=~excluded,
            exemptions=exemptions,
        )

    def relaxed(self, factor: np.ndarray) -> CityRules:
        """The rules with each city's months of residence and social insurance scaled by
        `factor` (governments' response to incentives; 1 = as written)."""
        if np.all(factor == 1.0):
            return self
        return replace(
            self,
            min_residence_months=np.floor(self.min_residence_months * factor).astype(np.int16),
            min_social_insurance_months=np.floor(self.min_social_insurance_months * factor).astype(
                np.int16
            ),
        )

    def where(self, mask: np.ndarray, other: CityRules) -> CityRules:
        """These rules in the cities of `mask`, `other`'s elsewhere (with no priority there:
        cities that do not implement a policy keep the rules before it, prov. 18)."""
        offset = len(self.rules)

        def pick(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
            return np.where(mask, mine, theirs).astype(mine.dtype)

        return CityRules(
            rules=self.rules + other.rules,
            rule_id=pick(self.rule_id, other.rule_id + offset),
            kind=pick(self.kind, other.kind),
            min_residence_months=pick(self.min_residence_months, other.min_residence_months),
            min_social_insurance_months=pick(
                self.min_social_insurance_months, other.min_social_insurance_months
            ),
            requires_stable_job=pick(self.requires_stable_job, other.requires_stable_job),
            requires_legal_home=pick(self.requires_legal_home, other.requires_legal_home),
            min_score=pick(self.min_score, other.min_score),
            quota_people=pick(self.quota_people, other.quota_people),
            priority_applies=self.priority_applies & mask,
            exemptions=self.exemptions,
        )

    def new_year_quotas(self) -> np.ndarray:
        """Each city's points quota for a new calendar year (people; inf where none)."""
        return self.quota_people.copy()


def implementing_cities(scenario: Scenario, world: World) -> np.ndarray:
    """Which cities implement the scenario's settlement rules (prov. 18): a city implements when
    its fixed rank (drawn once from the layout seed) is below its province's share."""
    implementation = scenario.settlement.implementation
    shares = np.full(len(world.provinces), implementation.share_of_cities)
    for name, share in implementation.by_province.items():
        shares[world.provinces.names.index(name)] = share
    rank = np.random.default_rng([scenario.cities.layout_seed, 18]).random(world.n_cities)
    return rank < shares[world.province]


def rules_in_force(scenario: Scenario, reference: Scenario, world: World) -> CityRules:
    """Every city's rule: the scenario's where it is implemented, the reference's (the rules
    before the start) elsewhere."""
    rules = CityRules.build(scenario.settlement, world)
    implements = implementing_cities(scenario, world)
    if implements.all():
        return rules
    return rules.where(implements, CityRules.build(reference.settlement, world))


# --- eligibility ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """The settlement position of every candidate (a migrant in a city with rural hukou)."""

    rows: np.ndarray  # candidate indices
    eligible: np.ndarray  # bool per candidate
    route: np.ndarray  # Route per candidate (meaningful where eligible)
    queued: np.ndarray  # eligible in a points city: settles through its queue, under its quota
    #: points score where it decides eligibility (in a points city, every other condition met
    #: or exempted); nan elsewhere
    score: np.ndarray
    first_in_line: np.ndarray  # a priority-group member where priority applies (prov. 14)
    #: willingness probability per candidate (prov. 16), where asked for (`ask`)
    probability: np.ndarray | None = None

    def queue_rank(self, of: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Rank in a points queue (of the candidates at positions `of`, all by default):
        priority-group members before all others, by score within each (scores are far below
        `PRIORITY_RANK`)."""
        score = self.score[of]
        return np.where(np.isnan(score), 0.0, score) + PRIORITY_RANK * self.first_in_line[of]


def candidates(pop: Population) -> np.ndarray:
    """Indices of migrants who could settle: in a city, still with rural hukou."""
    return np.flatnonzero(pop.migrants())


#: The conditions a rule may impose, in the order of `_assess`'s bits.
CONDITIONS = ("residence", "social_insurance", "stable_job", "legal_home", "points")
#: The priority groups, in the order `_assess` reads their exemptions.
PRIORITY_GROUPS = ("five_years_in_city", "whole_family", "new_generation", "poor")


@numba.njit(cache=True)
def _assess(
    rows, city, months_in_city, si_months, employment, housing, family_with, birth_year,
    poverty, identification_rank, education, children, year, kind, rule_id, item_source,
    item_per_unit, item_cap, min_residence, min_social_insurance, requires_stable_job,
    requires_legal_home, min_score, priority_applies, priority_min_months, group_exempts,
    identified_rank, legal_home, score, eligible, route, queued, first_in_line,
):  # fmt: skip
    """Each condition met (a bit per condition of CONDITIONS) or exempted by a priority group
    the row counts in (`group_exempts`: the bits each group of PRIORITY_GROUPS exempts, -1
    where the group is not enabled); the points score in points cities (the items of the
    city's rule: `item_source`, -1 past its last item, as in `points_score`), computed only
    where it decides (every other condition met or exempted: elsewhere the row is not
    eligible and its route is the same whatever its score; NaN where not computed); then
    eligibility, route and queue (`assess`)."""
    five_years, whole_family = group_exempts[0], group_exempts[1]
    new_generation, poor = group_exempts[2], group_exempts[3]
    everything = (1 << len(CONDITIONS)) - 1
    for i in range(rows.size):
        r = rows[i]
        c = city[r]
        k = kind[c]
        months = months_in_city[r]
        e = employment[r]
        job = (e == Employment.INFORMAL) | (e == Employment.FORMAL)
        met = (
            (months >= min_residence[c]) * 1
            | ((k == Route.OPEN) | (si_months[r] >= min_social_insurance[c])) * 2
            | ((not requires_stable_job[c]) | job) * 4
            | ((not requires_legal_home[c]) | legal_home[housing[r]]) * 8
        )  # bitwise, not `or`: no branch to mispredict
        # a priority group counts where priority applies and the group is enabled; the poor
        # only once identified at the destination (prov. 19); branch-free
        applies = priority_applies[c] & (months >= priority_min_months)
        in_five = (months >= FIVE_YEARS_MONTHS) & (five_years >= 0)
        in_family = family_with[r] & (whole_family >= 0)
        in_new = (birth_year[r] >= NEW_GENERATION_BORN_FROM) & (new_generation >= 0)
        in_poor = (
            (poverty[r] != PovertyStatus.NOT_POOR)
            & (identification_rank[r] < identified_rank)
            & (poor >= 0)
        )
        member = applies & (in_five | in_family | in_new | in_poor)
        exempt = applies * (
            five_years * in_five | whole_family * in_family | new_generation * in_new
            | poor * in_poor
        )  # fmt: skip
        score[i] = np.nan
        if k != Route.POINTS:
            met |= 16
        elif (met | exempt) & 15 == 15:  # every other condition met or exempted: it decides
            rule = rule_id[c]
            total = 0.0
            for item in range(item_source.shape[1]):
                source = item_source[rule, item]
                if source < 0:
                    break
                value = _item_value(
                    source, r, si_months, months_in_city, education, birth_year, housing,
                    employment, family_with, children, year,
                )  # fmt: skip
                total += min(value * item_per_unit[rule, item], item_cap[rule, item])
            score[i] = total
            met |= (total >= min_score[c]) * 16
        first_in_line[i] = member
        eligible[i] = (met | exempt) == everything
        route[i] = k if met == everything else np.int8(Route.PRIORITY)
        queued[i] = eligible[i] and k == Route.POINTS


def assess(
    pop: Population,
    world: World,
    scenario: Scenario,
    rules: CityRules,
    year: int,
    rows: np.ndarray | None = None,
    ask: bool = False,
) -> Assessment:
    """Who may settle now, by which route, and who must queue for points; among `rows`
    (candidates: in a city with rural hukou), all candidates by default. `ask`: also how
    willing each is (`willingness_probability`)."""
    rows = candidates(pop) if rows is None else np.asarray(rows, dtype=np.int64)
    items = [list(r.points.items.values()) if r.kind == "points" else [] for r in rules.rules]
    width = max(1, *(len(i) for i in items))
    item_source = np.full((len(items), width), -1, dtype=np.int64)
    item_per_unit, item_cap = np.zeros((len(items), width)), np.zeros((len(items), width))
    for rule, rule_items in enumerate(items):
        for k, item in enumerate(rule_items):
            item_source[rule, k] = ITEM_SOURCES.index(item.source)
            item_per_unit[rule, k] = item.points_per_unit
            item_cap[rule, k] = np.inf if item.max_points is None else item.max_points
    group_exempts = np.array(
        [
            sum(1 << CONDITIONS.index(c) for c in rules.exemptions[g])
            if g in rules.exemptions
            else -1
            for g in PRIORITY_GROUPS
        ]
    )
    n = len(rows)
    eligible, queued, first_in_line = (np.empty(n, dtype=bool) for _ in range(3))
    route, score = np.empty(n, dtype=np.int8), np.empty(n)
    _assess(
        rows, pop.city, pop.months_in_city, pop.si_months, pop.employment, pop.housing,
        pop.family_with, pop.birth_year, pop.poverty, pop.identification_rank, pop.education,
        pop.children, year, rules.kind, rules.rule_id, item_source, item_per_unit, item_cap,
        rules.min_residence_months, rules.min_social_insurance_months,
        rules.requires_stable_job, rules.requires_legal_home, rules.min_score,
        rules.priority_applies, scenario.settlement.priority_groups.min_residence_months,
        group_exempts, scenario.services.identified_poor_share * 256, IS_LEGAL_HOME, score,
        eligible, route, queued, first_in_line,
    )  # fmt: skip
    probability = willingness_probability(pop, rows, world, scenario, year) if ask else None
    return Assessment(rows, eligible, route, queued, score, first_in_line, probability)


def eligible(pop: Population, world: World, scenario: Scenario, year: int) -> np.ndarray:
    """Mask of migrants who may settle in their city now (points queues included)."""
    rules = CityRules.build(scenario.settlement, world)
    a = assess(pop, world, scenario, rules, year)
    mask = np.zeros(len(pop), dtype=bool)
    mask[a.rows] = a.eligible
    return mask


# --- willingness (prov. 16) -------------------------------------------------------------------


@numba.njit(cache=True)
def _willingness(
    rows, city, family_with, children, schooled, wage, housing, local_medical, land_mu,
    base_wage, class_value, renovated_share, values, needs_housing, probability,
):  # fmt: skip
    """`willingness_probability` row by row (`values`: intercept, whole family, children in
    the city, income, home owner, public housing (0 unless flats need hukou), medical
    insurance, amenity, rural loss per mu and per homestead). Three tight passes: the terms
    read from the rows, then the income term's logarithm, then the logistic (a fifth less
    time than one pass calling both, which keeps the C library's calls from overlapping)."""
    intercept, family_value, children_value = values[0], values[1], values[2]
    income_value, owner_value, housing_value = values[3], values[4], values[5]
    medical_value, amenity, loss_per_mu, loss_homestead = values[6], values[7], values[8], values[9]
    utility, income = np.empty(rows.size), np.empty(rows.size)
    for i in range(rows.size):
        r = rows[i]
        c = city[r]
        family = family_with[r]
        base = base_wage[c]
        own_wage = max(np.float64(wage[r]), 0.25 * base)  # the unemployed: a quarter of it
        utility[i] = (
            intercept
            + family_value * family
            + children_value * (family & (children[r] > 0) & schooled[r])  # bitwise: no branch
            + class_value[c]
            + owner_value * (housing[r] == Housing.OWNED)
            + housing_value * needs_housing[housing[r]]
            + medical_value * (not local_medical[r])
            + amenity * renovated_share[c]
            - (loss_per_mu * land_mu[r] + loss_homestead)
        )
        income[i] = own_wage / base
    for i in range(rows.size):
        utility[i] = utility[i] + math.log(income[i]) * income_value
    for i in range(rows.size):
        probability[i] = 1.0 / (1.0 + math.exp(-utility[i]))  # the logistic


def willingness_probability(
    pop: Population, rows: np.ndarray, world: World, scenario: Scenario, year: int
) -> np.ndarray:
    """For `rows` (living in a city), the probability of wanting local hukou."""
    w = scenario.behaviour.willingness
    rights = scenario.settlement.rural_rights
    services = scenario.services
    loss_per_mu = loss_homestead = 0.0
    if not rights.protected:  # prov. 16: rights given up on settling, less what is paid
        per_10000 = w.rural_loss_weight_per_10000_yuan / 10_000.0
        loss_per_mu = per_10000 * max(0.0, w.land_value_yuan_per_mu - rights.paid_exit_yuan_per_mu)
        loss_homestead = per_10000 * max(
            0.0, w.homestead_value_yuan - rights.paid_exit_yuan_per_homestead
        )
    flats_need_hukou = services.public_rental_housing.access == "hukou"
    values = np.array(
        [
            w.intercept, w.whole_family_value, w.children_in_city_value, w.income_value,
            w.home_owner_value, w.public_housing_value * flats_need_hukou,
            w.medical_insurance_value, services.urban_villages.amenity_value, loss_per_mu,
            loss_homestead,
        ]
    )  # fmt: skip
    probability = np.empty(len(rows), dtype=np.float32)
    _willingness(
        np.asarray(rows, dtype=np.int64), pop.city, pop.family_with, pop.children,
        pop.schooled, pop.wage, pop.housing, pop.local_medical, pop.land_mu,
        world.wage_yuan * wage_index(scenario, year),
        w.city_class_value.array()[world.size_class], world.renovated_share, values,
        NEEDS_HOUSING, probability,
    )  # fmt: skip
    return probability


@numba.njit(cache=True, inline="always")
def wants_hukou(propensity, probability):
    """The decision (prov. 16): a migrant wants local hukou when their fixed propensity
    quantile is below their willingness probability (both float32), wherever it is read (the
    month's choices, the year-end stock of the willing)."""
    return propensity < probability


@dataclass(frozen=True)
class Position:
    """December's candidates as its settlement phase found them (every one assessed and asked,
    for the points round), kept for the year-end outcomes: whether each was eligible and how
    willing. Of what eligibility and willingness read, the phases after settlement change
    only the cities' renovated urban villages (governments, each December, prov. 13)."""

    rows: np.ndarray
    eligible: np.ndarray
    probability: np.ndarray  # willingness probability, as the points round read it
    renovated_share: np.ndarray  # each city's, then

    @classmethod
    def of(cls, assessment: Assessment, world: World) -> Position:
        assert assessment.probability is not None, "assess(..., ask=True)"
        a = assessment
        return cls(a.rows, a.eligible, a.probability, world.renovated_share.copy())

    def probability_now(
        self, pop: Population, world: World, scenario: Scenario, year: int
    ) -> np.ndarray:
        """The willingness probabilities taken then, taken again for candidates of cities whose
        urban villages were renovated since: the same numbers as asking everyone now."""
        if np.array_equal(world.renovated_share, self.renovated_share):
            return self.probability
        city = pop.city[self.rows]
        since = world.renovated_share[city] != self.renovated_share[city]
        probability = self.probability.copy()
        probability[since] = willingness_probability(pop, self.rows[since], world, scenario, year)
        return probability


# --- the month's settlements ------------------------------------------------------------------


@numba.njit(cache=True)
def _drawn(key, rows, eligible, p, keep, u):
    """Fill `keep` with the positions of the eligible `rows` whose number under `key` is below
    `p` (compared in float64, as `Draws.in_city_below` compares) and `u` with those numbers
    (float32, as `Draws.uniform` gives them), in one pass; return how many. Branch-free:
    every row's number is drawn and written, and kept only if it counts (half the time of
    branching on eligibility, which mispredicts)."""
    k = 0
    for i in range(rows.size):
        x = uniform_at(key, rows[i])
        keep[k], u[k] = i, x
        k += eligible[i] & (x < p)
    return k


@numba.njit(cache=True)
def _choices(
    keep, u, probability, per_candidate, propensity, rows, route, queued, p_month, p_year,
    points_round, direct_rows, direct_route, queue,
):  # fmt: skip
    """Of the drawn eligible candidates (positions `keep` among `rows`, numbers `u`), those
    willing (`wants_hukou` of `propensity` and the willingness `probability`: one per
    candidate if `per_candidate`, else one per drawn) who apply: outside a points queue with
    a number below `p_month` (settling at once: into `direct_rows`, `direct_route`), into a
    points round's queue with one below `p_year` (their positions in `keep`: `queue`). Numbers and
    thresholds are float32. Returns how many of each. Branch-free: every drawn candidate is
    written to both outputs and kept where it counts (about half are willing, in no order a
    branch predictor could learn; twice as fast over December's ~150,000 at 10^6 rows)."""
    direct = queued_up = 0
    for j in range(keep.size):
        i = keep[j]
        r = rows[i]
        willing = wants_hukou(propensity[r], probability[i if per_candidate else j])
        direct_rows[direct], direct_route[direct] = r, route[i]
        direct += willing & (not queued[i]) & (u[j] < p_month)
        queue[queued_up] = j
        queued_up += willing & queued[i] & points_round & (u[j] < p_year)
    return direct, queued_up


def step(
    month: Month, rules: CityRules, quota_left: np.ndarray, assessment: Assessment | None = None
) -> np.ndarray:
    """The month's settlements; returns the indices of the new settlers. `assessment`: every
    candidate's, taken this month (December's, which the year-end outcomes read too, with the
    willingness of each if asked); without one the step assesses only the candidates whose
    draw lets them apply."""
    pop, world, scenario, clock, rng, flows = month

    p_month = scenario.behaviour.settlement_monthly_application_probability
    p_year = 1.0 - (1.0 - p_month) ** 12
    # only those whose draw would let them apply this month need assessing (same draws, less
    # work: the rules and the choice are evaluated for a few percent of migrants a month)
    p_draw = p_year if clock.month == POINTS_ROUND_MONTH else p_month
    if assessment is None:
        rows = rng.in_city_below(pop.city, p_draw, "apply", among=pop.hukou == HukouStatus.RURAL)
        a = assess(pop, world, scenario, rules, clock.year, rows)  # candidates (`candidates`)
    else:
        a = assessment
    # the eligible whose number is below p_draw (without an assessment, every one: they were
    # drawn so), each with its number
    n = a.rows.size
    keep, u = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.float32)
    drawn = _drawn(rng.key("apply"), a.rows, a.eligible, p_draw, keep, u)
    keep, u = keep[:drawn], u[:drawn]
    if a.probability is None:
        probability = willingness_probability(pop, a.rows[keep], world, scenario, clock.year)
    else:  # December: every candidate was asked (the year-end outcomes read them all)
        probability = a.probability
    direct_rows, direct_route = np.empty(drawn, dtype=np.int64), np.empty(drawn, dtype=np.int8)
    queue_at = np.empty(drawn, dtype=np.int64)
    direct, queued_up = _choices(
        keep, u, probability, a.probability is not None, pop.settle_propensity, a.rows,
        a.route, a.queued, np.float32(p_month), np.float32(p_year),
        clock.month == POINTS_ROUND_MONTH, direct_rows, direct_route, queue_at,
    )  # fmt: skip
    settlers = [direct_rows[:direct]]
    routes = [direct_route[:direct]]
    if clock.month == POINTS_ROUND_MONTH:
        queue_at = queue_at[:queued_up]
        at = keep[queue_at]  # the queue's positions among the candidates
        queue = a.rows[at]
        flows.add(Flow.POINTS_APPLICANTS, pop, queue)
        admitted = allocate(
            queue,
            pop.city[queue],
            pop.weight[queue],
            a.queue_rank(at),
            quota_left,
            u[queue_at] / np.float32(p_year),
        )
        admitted_mask = np.zeros(len(pop), dtype=bool)
        admitted_mask[admitted] = True
        kept = admitted_mask[queue]
        flows.add(Flow.POINTS_ADMITTED, pop, admitted)
        settlers.append(queue[kept])
        routes.append(a.route[at[kept]])
    settlers_all = np.concatenate(settlers)
    routes_all = np.concatenate(routes)
    pop.hukou[settlers_all] = HukouStatus.SETTLED
    flows.add(Flow.SETTLEMENTS, pop, settlers_all)
    # their families living with them take local hukou too (the national accounts count them)
    flows.add(
        Flow.SETTLED_FAMILY,
        pop,
        settlers_all,
        family_members_in_city(pop, scenario.population, settlers_all),
    )
    flows.add_months_at_settlement(pop, settlers_all)
    rights = scenario.settlement.rural_rights
    if not rights.protected:  # prov. 16: rights given up on settling, bought if a price is set
        flows.add(
            Flow.PAID_EXIT_YUAN,
            pop,
            settlers_all,
            rights.paid_exit_yuan_per_mu * pop.land_mu[settlers_all]
            + rights.paid_exit_yuan_per_homestead,
        )
    for r, flow in SETTLED_FLOW.items():
        flows.add(flow, pop, settlers_all[routes_all == r])
    return settlers_all
