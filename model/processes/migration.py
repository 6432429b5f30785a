"""Migration (phase 2): return home, onward moves between cities, departure from the rural
origin, choice of city, and the residence clock.

Owns the columns `city`, `months_in_city`, `housing`, `family_with`, and resets the city-bound
state of movers (`permit`, `si_months`, `employment`, `wage`).

**Return.** An unsettled migrant returns to the origin this month with probability
    h = return_monthly_probability
        + return_per_unemployed_month * min(unemployment spell, 12)
        + return_age_50_plus * [age >= 50] + return_left_behind_children * [children left behind]

**Settlers leave too**, at their own lower hazard: a settled worker without a job leaves the
city with probability settled_return_factor * return_per_unemployed_month * min(spell, 12)
(keeping the hukou taken; never leaving again), so cities do not fill with jobless settlers.

**Onward move.** An unsettled migrant who does not return moves on to another city this month
with probability
    onward_per_unemployed_month * min(unemployment spell, 12)
    + onward_per_excess_load * max(0, load of the city - 1)
choosing the city by the same logit as a departure from the origin (drawing the city they live
in means staying). A mover starts afresh there: residence clock, social insurance months,
permit, job, school place and flat are tied to the city left; the family moves along.

**Departure.** A rural worker below retirement age leaves with `outmigration_monthly_probability`
(times `outmigration_age_50_plus_factor` from age 50).

**Choice of city** is a multinomial logit over all cities, computed once a month per origin
province from city aggregates (never per agent):
    U[p, c] = income_weight * log(wage_c * employment_rate_c)
              + size_weight * log(jobs_c)
              - living_cost_weight_per_1000_yuan * living_cost_c * load_c^housing_price_elasticity
                / 1000
              + same_province_bonus * [province_c == p]
              + network_weight * log(1 + 1000 * share of p's migrants living in c)
              - crowding_weight * load_c^crowding_exponent
              + amenity_value * renovated_c
with renovated_c the share of c's migrant housing renovated (prov. 13; renovation also changes
living cost by rent_change x renovated_c), and load_c = people living in c / its carrying
capacity. The size term makes a city of twice the jobs twice as likely, other things equal (a
city is an aggregate of its jobs); where jobs are filled the employment rate lowers expected
income, and as a city fills its rents rise and its crowding bites: carrying capacity binds
through prices and jobs, not a cap.
"""

import numba
import numpy as np

from model.clock import Clock
from model.enums import Employment, Housing, HukouStatus
from model.flows import Flow
from model.population import Population
from model.processes.context import Month
from model.processes.labour import wage_index
from model.processes.sampling import sample_categories
from model.scenario import Migration, Scenario
from model.streams import uniform_at
from model.world import World

#: The city-bound state a migrant loses on going home (`send_home`; phases that send people
#: home write these too).
CITY_BOUND = (
    "city",
    "months_in_city",
    "si_months",
    "unemployed_months",
    "permit",
    "family_with",
    "housing",
    "employment",
    "wage",
    "schooled",
    "local_medical",
    "pension",
    "work_months",
    "subsidised",
)
#: Columns this phase writes (a test checks it writes no other).
WRITES = (*CITY_BOUND, "months_in_city_this_year")

#: Housing of arrivals, in the order of `InitialHousingShares.array()`.
ARRIVAL_HOUSING = np.array(
    [Housing.DORMITORY, Housing.WORKSITE, Housing.RENTAL, Housing.OWNED], dtype=np.uint8
)


def hazards(p: Migration, subsidy_return_reduction: float) -> np.ndarray:
    """The monthly hazards `_decide` reads, in its order (module docstring)."""
    return np.array(
        [
            p.return_monthly_probability,
            p.return_per_unemployed_month,
            p.return_age_50_plus,
            p.return_left_behind_children,
            subsidy_return_reduction,  # the living subsidy of prov. 10 softens unemployment
            p.settled_return_factor,
            p.onward_per_unemployed_month,
            p.onward_per_excess_load,
            p.outmigration_monthly_probability,
            p.outmigration_age_50_plus_factor,
        ]
    )


@numba.njit(cache=True, inline="always")
def _return_hazard(spell, subsidised, children, family_with, schooled, age, h):
    """`h`: the first five of `hazards`, as scalars (a kernel reads its parameters once, out of
    its loop: array reads in the loop keep LLVM from vectorising it, ten times slower)."""
    spell = spell * (1.0 - h[4] * subsidised)
    left_behind = (children > 0) & ~(family_with & schooled)  # bitwise: no branch
    return h[0] + h[1] * spell + h[2] * (age >= 50) + h[3] * left_behind


@numba.njit(cache=True)
def _return_hazards(rows, unemployed_months, subsidised, children, family_with, schooled, age, h):
    out = np.empty(rows.size)
    h_return = (h[0], h[1], h[2], h[3], h[4])
    for i in range(rows.size):
        r = rows[i]
        spell = min(unemployed_months[r], 12)
        out[i] = _return_hazard(
            spell, subsidised[r], children[r], family_with[r], schooled[r], age[i], h_return
        )
    return out


def return_probability(
    pop: Population, rows: np.ndarray, age: np.ndarray, p: Migration, reduction: float = 0.0
) -> np.ndarray:
    """Monthly probability of returning home of unsettled migrants `rows` (indices; `age`
    theirs), as `_decide` computes it."""
    return _return_hazards(
        np.asarray(rows, dtype=np.int64), pop.unemployed_months, pop.subsidised, pop.children,
        pop.family_with, pop.schooled, np.asarray(age), hazards(p, reduction),
    )  # fmt: skip


@numba.njit(cache=True)
def _city_tallies(city, weight, employment, origin_province, n_cities, n_provinces):
    """People living in each city, those of them employed, and people by (origin, city)."""
    # one add a row, into (origin, city, employed); slot 0 of the cities gathers the rows at
    # the origin and is dropped
    cells = np.zeros((n_provinces, n_cities + 1, 2))
    for r in range(city.size):
        e = employment[r]
        working = (e == Employment.INFORMAL) | (e == Employment.FORMAL)
        cells[origin_province[r], city[r] + 1, np.int64(working)] += weight[r]
    people, employed, network = (
        np.zeros(n_cities),
        np.zeros(n_cities),
        np.zeros((n_provinces, n_cities)),
    )
    for o in range(n_provinces):
        for c in range(n_cities):
            network[o, c] = cells[o, c + 1, 0] + cells[o, c + 1, 1]
            people[c] += network[o, c]
            employed[c] += cells[o, c + 1, 1]
    return people, employed, network


def city_aggregates(pop: Population, world: World) -> tuple[np.ndarray, ...]:
    """People living in each city, those of them employed, and people by (origin, city)."""
    return _city_tallies(
        pop.city, pop.weight, pop.employment, pop.origin_province, world.n_cities,
        len(world.provinces),
    )  # fmt: skip


def destination_utility(
    pop: Population,
    world: World,
    scenario: Scenario,
    clock: Clock,
    aggregates: tuple[np.ndarray, ...] | None = None,
) -> np.ndarray:
    """Utility U[origin province, city] of the city-choice logit (see module docstring), from
    the cities' `aggregates` (`city_aggregates`, computed if not given)."""
    p = scenario.behaviour.migration
    n_provinces = len(world.provinces)
    people, employed, network = aggregates or city_aggregates(pop, world)
    # a city nobody lives in yet is judged by its job capacity alone
    employment_rate = np.where(people > 0, employed / np.maximum(people, 1e-9), 1.0)
    expected_income = (
        world.wage_yuan * wage_index(scenario, clock.year) * np.maximum(employment_rate, 0.05)
    )

    share = network / np.maximum(network.sum(axis=1, keepdims=True), 1e-9)

    load = people / world.capacity_people
    villages = scenario.services.urban_villages
    city_part = (
        p.income_weight * np.log(expected_income)
        + p.size_weight * np.log(np.maximum(world.jobs_people, 1.0))
        - p.living_cost_weight_per_1000_yuan
        * living_cost(world, load, p, villages.rent_change)
        / 1000.0
        - p.crowding_weight * load**p.crowding_exponent
        + villages.amenity_value * world.renovated_share
    )
    same_province = world.province[None, :] == np.arange(n_provinces)[:, None]
    return (
        city_part[None, :]
        + p.same_province_bonus * same_province
        + p.network_weight * np.log1p(1000.0 * share)
    )


def living_cost(
    world: World, load: np.ndarray, p: Migration, rent_change: float = 0.0
) -> np.ndarray:
    """Monthly living cost per city (yuan): the class's cost, rents rising with its load and
    changed by urban-village renovation (prov. 13: `rent_change` when all is renovated)."""
    renovation = 1.0 + rent_change * world.renovated_share
    return (
        world.living_cost_yuan * np.maximum(load, 0.05) ** p.housing_price_elasticity * renovation
    )


def choice_probabilities(utility: np.ndarray) -> np.ndarray:
    """Logit probabilities per row of a utility matrix."""
    z = np.exp(utility - utility.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def send_home(pop: Population, rows: np.ndarray) -> None:
    """Move rows back to their rural origin, dropping everything tied to the city."""
    pop.city[rows] = -1
    pop.months_in_city[rows] = 0
    pop.si_months[rows] = 0
    pop.unemployed_months[rows] = 0
    pop.permit[rows] = False
    pop.family_with[rows] = False
    pop.housing[rows] = Housing.AT_ORIGIN
    pop.employment[rows] = Employment.AT_ORIGIN
    pop.wage[rows] = 0.0
    pop.schooled[rows] = False
    pop.local_medical[rows] = False
    pop.pension[rows] = False
    pop.work_months[rows] = 0
    pop.subsidised[rows] = False


def arrive(
    pop: Population, rows: np.ndarray, city: np.ndarray, scenario: Scenario, u_housing: np.ndarray
) -> None:
    """`rows` start in `city`: residence clock at 0, looking for work, housed as arrivals are
    (`u_housing`: one uniform per row)."""
    pop.city[rows] = city
    pop.months_in_city[rows] = 0
    pop.employment[rows] = Employment.UNEMPLOYED
    shares = scenario.population.initial_housing_shares.array()
    pop.housing[rows] = ARRIVAL_HOUSING[sample_categories(shares, u_housing)]


#: What `_decide` chose for a row this month.
STAY, RETURN, SETTLED_LEAVE, ONWARD, DEPART = range(5)


@numba.njit(cache=True)
def _decide(
    city, hukou, employment, unemployed_months, subsidised, children, family_with, schooled,
    birth_year, origin_province, year, retirement_age, hazards, excess_load, cdf, keys,
    action, destination, months_in_city, months_this_year, january,
):  # fmt: skip
    """Each row's move this month (module docstring): `action[r]` (STAY ... DEPART) and, for
    ONWARD and DEPART, `destination[r]`. `hazards`: return base, per unemployed month, age
    50+, left-behind children, subsidy reduction, settled factor, onward per unemployed month,
    per excess load, out-migration, its 50+ factor; `keys`: return, leave, city, onward,
    onward city. Then the clocks: the residence clock of those who stay, the year's months
    away from home of all who will be in a city (movers' clocks start afresh in `arrive`).

    Two passes, for speed: the first is branch-free arithmetic over every row (LLVM
    vectorises it; a branch per row, or a read indexed by city, would make it ten times
    slower), deciding returns, settlers leaving and departures, and flagging onward moves by
    an upper bound of their hazard (the largest excess load); the second settles the flagged
    rows with their city's own hazard and the same number, and draws the cities."""
    h_return = (hazards[0], hazards[1], hazards[2], hazards[3], hazards[4])
    h_settled = hazards[5] * hazards[1]
    h_onward_month, h_onward_load = hazards[6], hazards[7]
    h_leave, h_leave_50 = hazards[8], hazards[9]
    k_return, k_leave, k_city, k_onward, k_onward_city = keys[0], keys[1], keys[2], keys[3], keys[4]
    max_excess = excess_load.max()
    for r in range(city.size):
        in_city = city[r] >= 0
        rural = hukou[r] == HukouStatus.RURAL
        age = year - birth_year[r]
        spell = np.float64(min(unemployed_months[r], 12))
        h = _return_hazard(
            spell, subsidised[r], children[r], family_with[r], schooled[r], age, h_return
        )
        # the settled and the rural at home face one decision each: one number, two keys
        u = uniform_at(k_return if in_city else k_leave, r)
        returns = in_city & rural & (u < h)
        unemployed = employment[r] == Employment.UNEMPLOYED
        settled_leaves = in_city & ~rural & unemployed & (u < h_settled * spell)
        # a settler who went home does not migrate again
        leave = h_leave * (h_leave_50 if age >= 50 else 1.0)
        departs = ~in_city & rural & (age < retirement_age) & (u < leave)
        bound = h_onward_month * spell + h_onward_load * max_excess
        onward = in_city & rural & ~returns & (uniform_at(k_onward, r) < bound)
        action[r] = (
            RETURN * returns + SETTLED_LEAVE * settled_leaves + DEPART * departs + ONWARD * onward
        )
    for r in range(city.size):
        a = action[r]
        c = city[r]
        if a == ONWARD:  # flagged: the city's own hazard decides
            spell = min(unemployed_months[r], 12)
            hazard = h_onward_month * spell + h_onward_load * excess_load[c]
            to = c
            if uniform_at(k_onward, r) < hazard:
                to = _sample_city(cdf, origin_province[r], uniform_at(k_onward_city, r))
            if to == c:  # no move, or drawing their own city: they stay
                a = STAY
                action[r] = STAY
            else:
                destination[r] = to
        elif a == DEPART:
            destination[r] = _sample_city(cdf, origin_province[r], uniform_at(k_city, r))
        staying = (a == STAY) & (c >= 0)
        months_in_city[r] += staying
        away = staying | (a == ONWARD) | (a == DEPART)
        months_this_year[r] = (0 if january else months_this_year[r]) + away


@numba.njit(cache=True, inline="always")
def _sample_city(cdf, origin, u):
    """The city whose interval of origin's cumulative row holds u (`searchsorted`, side
    right), by bisection on the 2-D array: no row view, so no reference counting in the loop."""
    lo, hi = 0, cdf.shape[1]
    while lo < hi:
        mid = (lo + hi) // 2
        if cdf[origin, mid] <= u:
            lo = mid + 1
        else:
            hi = mid
    return min(lo, cdf.shape[1] - 1)


@numba.njit(cache=True)
def _count_sort(kind, kinds):
    offsets = np.zeros(kinds + 1, dtype=np.int64)
    for r in range(kind.size):
        if kind[r] > 0:  # rare: kind 0 is what is left
            offsets[kind[r] + 1] += 1
    offsets[1] = kind.size - offsets[2:].sum()
    offsets = np.cumsum(offsets)
    order = np.empty(kind.size - offsets[1], dtype=np.int64)  # kind 0 is not listed
    fill = offsets[1:].copy() - offsets[1]
    for r in range(kind.size):
        k = kind[r]
        if k > 0:
            order[fill[k - 1]] = r
            fill[k - 1] += 1
    return order, offsets - offsets[1]


def rows_by_kind(kind: np.ndarray, kinds: int) -> list[np.ndarray]:
    """For each k of `kinds`, the rows (ascending) whose `kind` is k; kind 0 (by far the
    commonest) as an empty list: one pass, not one `flatnonzero` per kind."""
    order, offsets = _count_sort(kind, kinds)
    return [order[:0]] + [order[offsets[k] : offsets[k + 1]] for k in range(1, kinds)]


def destination_cdf(probabilities: np.ndarray) -> np.ndarray:
    """Cumulative choice probabilities per origin province (the last column exactly 1)."""
    cdf = np.cumsum(probabilities, axis=1)
    cdf[:, -1] = 1.0
    return cdf


def step(month: Month) -> None:
    pop, world, scenario, clock, rng, flows = month
    p = scenario.behaviour.migration
    reduction = scenario.services.other_insurance.subsidy_return_reduction
    # the choice sees the cities as they were at the start of the month
    aggregates = city_aggregates(pop, world)
    utility = destination_utility(pop, world, scenario, clock, aggregates)
    excess_load = np.maximum(aggregates[0] / world.capacity_people - 1.0, 0.0)
    cdf = destination_cdf(choice_probabilities(utility))
    keys = np.array([rng.key(d) for d in ("return", "leave", "city", "onward", "onward city")])
    n = len(pop)
    action = np.empty(n, dtype=np.uint8)
    destination = np.empty(n, dtype=np.int16)
    _decide(
        pop.city, pop.hukou, pop.employment, pop.unemployed_months, pop.subsidised,
        pop.children, pop.family_with, pop.schooled, pop.birth_year, pop.origin_province,
        clock.year, scenario.population.retirement_age, hazards(p, reduction), excess_load,
        cdf, keys, action, destination, pop.months_in_city, pop.months_in_city_this_year,
        clock.month == 1,
    )  # fmt: skip
    returning, settled_leaving, onward, leaving = rows_by_kind(action, DEPART + 1)[1:]

    flows.add(Flow.RETURNS, pop, returning)
    send_home(pop, returning)
    flows.add(Flow.SETTLED_LEAVING, pop, settled_leaving)
    send_home(pop, settled_leaving)
    flows.add(Flow.ONWARD, pop, onward)  # counted by the city left
    with_family = pop.family_with[onward]
    send_home(pop, onward)  # what was tied to the city left goes

    arrive(pop, onward, destination[onward], scenario, rng.uniform(onward, "housing"))
    pop.family_with[onward] = with_family  # the family moves along
    flows.add(Flow.ONWARD_ARRIVALS, pop, onward)
    arrive(pop, leaving, destination[leaving], scenario, rng.uniform(leaving, "housing"))
    pop.family_with[leaving] = pop.married[leaving] & (
        rng.uniform(leaving, "family") < scenario.population.whole_family_share
    )
    flows.add(Flow.ARRIVALS, pop, leaving)
