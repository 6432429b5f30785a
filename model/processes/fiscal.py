"""Fiscal accounts and the centre's instruments (phase 7, prov. 15).

Every month each city's accounts record, in yuan:
- service spending: settled residents at `annual_cost_yuan_per_settler` / 12 and migrants with a
  residence permit at `annual_cost_yuan_per_permit_holder` / 12;
- revenue: each employed resident's wage times the city's revenue share (formal or informal).
Each December the centre settles the year (`close_year`):
- **rewards**: a city claims, for every person settled there in the last `paid_for_years` years,
  the rate for a cross-province or in-province settler plus the poor supplement (for the poor it
  has identified, prov. 19); when claims
  exceed the annual budget every claim is scaled by budget / claims;
- **infrastructure subsidy**: the rate times the year's settlers beyond the threshold;
- **land**: the year's settlers times construction land per settler (none in the listed
  classes) plus homestead quota per settler, in m2, turned into land revenue at a net rate.
City governments then decide how much to invest and next year's quotas (`model/governments.py`).
A city's balance is revenue + transfers (rewards, subsidy) + land revenue - spending (services
and capacity investment); what the centre pays equals what the cities receive.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numba
import numpy as np

from model.enums import Employment, Housing, HukouStatus, PovertyStatus, SizeClass
from model.kernels import positions
from model.population import Population
from model.processes import access as services_access
from model.processes.context import Month
from model.processes.households import pupils_per_child
from model.scenario import Scenario
from model.world import World

#: Columns this phase writes: none (it keeps the accounts).
WRITES = ()

#: Columns of a year's settler tally per city.
CROSS_PROVINCE, IN_PROVINCE, POOR = 0, 1, 2


@dataclass
class Accounts:
    """One calendar year's accounts, per city (yuan; land in m2)."""

    n_cities: int
    service_spending: np.ndarray = field(init=False)  # all services, the nine below included
    schooling_cost: np.ndarray = field(init=False)
    public_rental_housing_cost: np.ndarray = field(init=False)
    medical_insurance_cost: np.ndarray = field(init=False)
    pension_cost: np.ndarray = field(init=False)
    employment_services_cost: np.ndarray = field(init=False)
    training_cost: np.ndarray = field(init=False)
    assistance_cost: np.ndarray = field(init=False)
    other_insurance_cost: np.ndarray = field(init=False)
    complaints_cost: np.ndarray = field(init=False)
    revenue: np.ndarray = field(init=False)
    rewards: np.ndarray = field(init=False)
    infrastructure_subsidy: np.ndarray = field(init=False)
    land_quota_m2: np.ndarray = field(init=False)
    land_revenue: np.ndarray = field(init=False)
    capacity_investment: np.ndarray = field(init=False)
    urban_village_investment: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        for f in fields(self):
            if f.name != "n_cities":
                setattr(self, f.name, np.zeros(self.n_cities))

    @property
    def spending(self) -> np.ndarray:
        return self.service_spending + self.capacity_investment + self.urban_village_investment

    @property
    def transfers(self) -> np.ndarray:
        """What the centre paid each city."""
        return self.rewards + self.infrastructure_subsidy

    @property
    def balance(self) -> np.ndarray:
        return self.revenue + self.transfers + self.land_revenue - self.spending


class FiscalState:
    """The accounts, the ledger of settlers the rewards are paid for, and the fund's last
    pro-rata factor."""

    def __init__(self, world: World):
        self.accounts = Accounts(world.n_cities)
        self.settlers = np.zeros((world.n_cities, 3))  # this year, by CROSS/IN_PROVINCE, POOR
        self.ledger: list[np.ndarray] = []  # one settler tally per closed year
        self.reward_scale = 1.0
        #: what the centre paid, by instrument, over the run (yuan); equals what cities received
        self.centre_paid = {"rewards": 0.0, "infrastructure_subsidy": 0.0}

    def start_run(self) -> None:
        """At the start year, after the spin-up: the centre's totals count from here; the
        ledger of earlier settlers stays (rewards are paid for recent years' settlers)."""
        self.centre_paid = dict.fromkeys(self.centre_paid, 0.0)

    def new_year(self) -> None:
        self.accounts.reset()
        self.settlers[:] = 0.0


def record_settlers(
    state: FiscalState, pop: Population, world: World, settlers: np.ndarray, identified: float
) -> None:
    """Tally the month's settlers by city: cross- or in-province, and poor; a city can claim
    the poor supplement only for poor settlers it has identified (`identified` share, prov. 19)."""
    if settlers.size == 0:
        return
    city = pop.city[settlers]
    weight = pop.weight[settlers].astype(np.float64)
    cross = world.province[city] != pop.origin_province[settlers]
    poor = services_access.identified_poor(pop, settlers, identified)
    n = world.n_cities
    state.settlers[:, CROSS_PROVINCE] += np.bincount(city[cross], weight[cross], minlength=n)
    state.settlers[:, IN_PROVINCE] += np.bincount(city[~cross], weight[~cross], minlength=n)
    state.settlers[:, POOR] += np.bincount(city[poor], weight[poor], minlength=n)


#: Columns of the month's tally per city (`tally`), in people (yuan for REVENUE_BASE).
(
    SETTLED, PERMIT_HOLDERS, PUPILS, POOR_PUPILS, TENANTS, WAITING, NEWLY_SUBSIDISED, INFORMAL,
    MEDICAL_USERS, POOR_MEDICAL_USERS, PENSION_USERS, POOR_PENSION_USERS, POOR_SEARCHERS,
    REVENUE_BASE,
) = range(14)  # fmt: skip
#: `tally`'s codes for a service's access basis (`model/processes/access.py`).
ACCESS_CODES = {"hukou": 0, "permit": 1, "id_card": 2}

#: The states a row's code records, a bit each (`_classify`): every head count most rows add
#: to is a function of them (`CODE_LINES`).
CODE_BITS = ("settled", "permit", "medical", "pension", "informal", "tenant", "waiting")


def _code_lines() -> np.ndarray:
    """What a row of each code counts in each line (1 or 0), shape (codes, lines)."""
    lines = np.zeros((1 << len(CODE_BITS), REVENUE_BASE + 1))
    for code in range(len(lines)):
        has = {name: bool(code >> bit & 1) for bit, name in enumerate(CODE_BITS)}
        unsettled = not has["settled"]  # settlers' cover is in the settler cost
        lines[code, SETTLED] = has["settled"]
        lines[code, PERMIT_HOLDERS] = unsettled and has["permit"]
        lines[code, MEDICAL_USERS] = unsettled and has["medical"]
        lines[code, PENSION_USERS] = unsettled and has["pension"]
        lines[code, INFORMAL] = has["informal"]
        lines[code, TENANTS] = has["tenant"]
        lines[code, WAITING] = has["waiting"]
    return lines


CODE_LINES = _code_lines()


@numba.njit(cache=True)
def _classify(
    city, hukou, permit, local_medical, pension, employment, housing, poverty,
    identification_rank, schooled, family_with, subsidised, unemployed_months, identified_rank,
    rental_access, code, rare,
):  # fmt: skip
    """Each row's code (the states of CODE_BITS) and whether it is one of the few rows living
    in a city that also count in a rare line (a pupil, an identified poor migrant, newly
    subsidised): branch-free, so LLVM vectorises it."""
    for r in range(city.size):
        settled = hukou[r] == HukouStatus.SETTLED
        h = housing[r]
        needs_flat = (h == Housing.DORMITORY) | (h == Housing.WORKSITE) | (h == Housing.RENTAL)
        access = (rental_access == 2) | settled | ((rental_access == 1) & permit[r])
        code[r] = (
            np.uint8(settled)
            | np.uint8(permit[r]) << 1
            | np.uint8(local_medical[r]) << 2
            | np.uint8(pension[r]) << 3
            | np.uint8(employment[r] == Employment.INFORMAL) << 4
            | np.uint8(h == Housing.PUBLIC_RENTAL) << 5
            | np.uint8(needs_flat & access) << 6
        )
        poor = (
            (not settled)
            & (poverty[r] != PovertyStatus.NOT_POOR)
            & (identification_rank[r] < identified_rank)
        )
        newly_subsidised = subsidised[r] & (unemployed_months[r] == 1)
        rare[r] = (city[r] >= 0) & (poor | newly_subsidised | (schooled[r] & family_with[r]))


@numba.njit(cache=True)
def _people_by_code(code, city, weight, employment, wage, revenue_share, n_cities):
    """People by (city, code), and the revenue base in the last column: two adds a row (row 0
    gathers the rows at the origin and is dropped)."""
    out = np.zeros((n_cities + 1, (1 << len(CODE_BITS)) + 1))
    share_formal = revenue_share[Employment.FORMAL]
    share_informal = revenue_share[Employment.INFORMAL]
    for r in range(city.size):
        c = city[r] + 1
        w = np.float64(weight[r])
        informal, formal = employment[r] == Employment.INFORMAL, employment[r] == Employment.FORMAL
        out[c, code[r]] += w
        out[c, -1] += w * wage[r] * (share_informal * informal + share_formal * formal)
    return out[1:]


@numba.njit(cache=True)
def _lines(by_code, code_lines, t):
    """Add people by code into the lines each code counts in, in a fixed order, skipping the
    codes nobody in a city has (most, with few rows: this is per-city work every month)."""
    for c in range(t.shape[0]):
        for code in range(code_lines.shape[0]):
            people = by_code[c, code]
            if people != 0.0:
                for line in range(code_lines.shape[1]):
                    t[c, line] += people * code_lines[code, line]
        t[c, REVENUE_BASE] += by_code[c, -1]


@numba.njit(cache=True)
def _rare_lines(
    rows, city, weight, hukou, poverty, identification_rank, employment, children, family_with,
    schooled, subsidised, unemployed_months, local_medical, pension, identified_rank,
    pupils_per_child, t,
):  # fmt: skip
    """The rare lines (pupils; the identified poor's cover and job search, prov. 19; the newly
    subsidised), from the few `rows` that count in one."""
    for r in rows:
        c = city[r]
        w = np.float64(weight[r])
        pupils = w * children[r] * pupils_per_child * (schooled[r] & family_with[r])
        t[c, PUPILS] += pupils
        t[c, NEWLY_SUBSIDISED] += w * (subsidised[r] & (unemployed_months[r] == 1))
        poor = (
            (hukou[r] != HukouStatus.SETTLED)
            & (poverty[r] != PovertyStatus.NOT_POOR)
            & (identification_rank[r] < identified_rank)
        )
        if poor:
            t[c, POOR_MEDICAL_USERS] += w * local_medical[r]
            t[c, POOR_PENSION_USERS] += w * pension[r]
            t[c, POOR_SEARCHERS] += w * (employment[r] == Employment.UNEMPLOYED)
            t[c, POOR_PUPILS] += pupils


def tally(
    pop: Population, n_cities: int, identified_rank: float, per_child: float,
    rental_access: int, revenue_share: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """The people each cost and revenue line counts, per city (columns SETTLED ...
    REVENUE_BASE), over the rows living in a city. Three passes, each fast where one pass
    doing all was not (11 vs 5 ms for a million rows): a branch-free pass gives each row a code
    of its states, one scatter-add a row counts people by (city, code) and `CODE_LINES` spreads
    them over the lines; the rare lines read only the rows that count in one."""
    code = np.empty(len(pop), dtype=np.uint8)
    rare = np.empty(len(pop), dtype=np.bool_)
    _classify(
        pop.city, pop.hukou, pop.permit, pop.local_medical, pop.pension, pop.employment,
        pop.housing, pop.poverty, pop.identification_rank, pop.schooled, pop.family_with,
        pop.subsidised, pop.unemployed_months, identified_rank, rental_access, code, rare,
    )  # fmt: skip
    t = np.zeros((n_cities, REVENUE_BASE + 1))
    by_code = _people_by_code(
        code, pop.city, pop.weight, pop.employment, pop.wage, revenue_share, n_cities
    )
    _lines(by_code, CODE_LINES, t)
    _rare_lines(
        positions(rare), pop.city, pop.weight, pop.hukou, pop.poverty, pop.identification_rank,
        pop.employment, pop.children, pop.family_with, pop.schooled, pop.subsidised,
        pop.unemployed_months, pop.local_medical, pop.pension, identified_rank, per_child, t,
    )  # fmt: skip
    return t


def step(
    state: FiscalState,
    month: Month,
    settlers: np.ndarray,
    served: dict[str, np.ndarray] | None = None,
) -> None:
    """The month's service spending and revenue, and its settlers; `served`: the rows that
    started training or were assisted this month. Writes no population column."""
    pop, world, scenario = month.pop, month.world, month.scenario
    pf = scenario.fiscal.public_finance
    svc = scenario.services
    n = world.n_cities
    revenue_share = np.zeros(len(Employment))
    revenue_share[Employment.FORMAL] = pf.revenue_share_of_wage_formal
    revenue_share[Employment.INFORMAL] = pf.revenue_share_of_wage_informal
    t = tally(
        pop, n, svc.identified_poor_share * 256, pupils_per_child(scenario.population),
        ACCESS_CODES[svc.public_rental_housing.access], revenue_share,
    )  # fmt: skip
    costs: dict[str, np.ndarray] = {
        # general costs of settlers and permit holders (F10; assumed)
        "general": (
            t[:, SETTLED] * pf.annual_cost_yuan_per_settler
            + t[:, PERMIT_HOLDERS] * pf.annual_cost_yuan_per_permit_holder
        )
        / 12,
        # the services of prov. 3-12, per user, on top of them
        "schooling_cost": (
            t[:, PUPILS] * svc.schooling.annual_cost_yuan_per_user
            + t[:, POOR_PUPILS] * svc.student_aid_yuan_per_poor_pupil
        )
        / 12,
        "public_rental_housing_cost": t[:, TENANTS]
        * svc.public_rental_housing.annual_cost_yuan_per_user
        / 12
        # prov. 12: the alternative to a flat
        + t[:, WAITING] * svc.rent_subsidy_yuan_per_month,
    }
    other = svc.other_insurance  # prov. 10
    costs["other_insurance_cost"] = (
        t[:, NEWLY_SUBSIDISED] * other.living_subsidy_yuan
        + t[:, INFORMAL]
        * other.informal_injury_cover_share
        * other.annual_injury_cost_yuan_per_informal_covered
        / 12
    )
    for name, users, poor_users, cover in (
        ("medical_insurance_cost", MEDICAL_USERS, POOR_MEDICAL_USERS, svc.medical_insurance),
        ("pension_cost", PENSION_USERS, POOR_PENSION_USERS, svc.pension),
    ):
        costs[name] = (
            t[:, users] * cover.annual_cost_yuan_per_user
            + t[:, poor_users] * cover.annual_subsidy_yuan_per_poor_user
        ) / 12
    if svc.employment_services.enabled:
        costs["employment_services_cost"] = (
            t[:, POOR_SEARCHERS] * svc.employment_services.cost_yuan_per_user_month
        )
    complaints = svc.complaints
    for name, key, unit in (
        ("training_cost", "trainees", svc.training.cost_yuan_per_trainee),
        ("assistance_cost", "assisted", svc.assistance.cost_yuan_per_case),
        # prov. 20: the wrongly denied among eligible applicants complain
        (
            "complaints_cost",
            "complaints",
            complaints.wrongful_denial_share * complaints.cost_yuan_per_complaint,
        ),
    ):
        rows = (served or {}).get(key, np.array([], dtype=np.int64))
        rows = rows[pop.city[rows] >= 0]  # a trainee hit by hardship may have gone home since
        costs[name] = (
            np.bincount(pop.city[rows], pop.weight[rows].astype(np.float64), minlength=n) * unit
        )
    accounts = state.accounts
    for name, cost in costs.items():
        if name != "general":
            setattr(accounts, name, getattr(accounts, name) + cost)
        accounts.service_spending += cost
    accounts.revenue += t[:, REVENUE_BASE]
    record_settlers(state, pop, world, settlers, svc.identified_poor_share)


def reward_claims(scenario: Scenario, ledger: list[np.ndarray]) -> np.ndarray:
    """Each city's reward claim for the year just closed (the last ledger entry)."""
    reward = scenario.fiscal.reward
    rates = np.array(
        [
            reward.yuan_per_cross_province_settler,
            reward.yuan_per_in_province_settler,
            reward.extra_yuan_per_poor_settler,
        ]
    )
    recent = ledger[-reward.paid_for_years :]
    return sum(tally @ rates for tally in recent)


def budget_scale(claims: np.ndarray, budget_yuan: float | None) -> float:
    """Pro-rata factor applied to every claim when claims exceed the budget."""
    total = float(claims.sum())
    if budget_yuan is None or total <= budget_yuan or total == 0:
        return 1.0
    return budget_yuan / total


def land_m2_per_settler(scenario: Scenario, world: World) -> np.ndarray:
    """Quota (m2) one settler brings each city: construction land (not in excluded classes)
    plus homestead-reclamation quota."""
    land = scenario.fiscal.land
    excluded = np.isin(
        world.size_class, [SizeClass[c.upper()] for c in land.no_construction_land_in]
    )
    return np.where(excluded, 0.0, land.construction_m2_per_settler) + (
        land.homestead_quota_m2_per_settler
    )


def close_year(state: FiscalState, world: World, scenario: Scenario) -> None:
    """The centre's payments and the land quota for the year (December)."""
    fiscal = scenario.fiscal
    state.ledger.append(state.settlers.copy())
    claims = reward_claims(scenario, state.ledger)
    state.reward_scale = budget_scale(claims, fiscal.reward.annual_budget_yuan)
    state.accounts.rewards += claims * state.reward_scale
    state.centre_paid["rewards"] += (
        float(claims.sum()) * state.reward_scale
        if fiscal.reward.annual_budget_yuan is None
        else min(float(claims.sum()), fiscal.reward.annual_budget_yuan)
    )

    settled = state.settlers[:, CROSS_PROVINCE] + state.settlers[:, IN_PROVINCE]
    subsidy = fiscal.infrastructure_subsidy
    paid = subsidy.yuan_per_settler_above_threshold * np.maximum(
        settled - subsidy.threshold_settlers_per_year, 0.0
    )
    state.accounts.infrastructure_subsidy += paid
    state.centre_paid["infrastructure_subsidy"] += float(paid.sum())
    m2 = settled * land_m2_per_settler(scenario, world)
    state.accounts.land_quota_m2 += m2
    state.accounts.land_revenue += m2 * fiscal.land.net_land_revenue_yuan_per_m2
