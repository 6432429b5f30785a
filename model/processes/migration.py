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

import numpy as np

from model.clock import Clock
from model.enums import IS_EMPLOYED, Employment, Housing, HukouStatus
from model.flows import Flow
from model.population import Population
from model.processes.context import Month
from model.processes.labour import wage_index
from model.processes.sampling import sample_categories, sample_rows
from model.scenario import Migration, Scenario
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


def return_probability(
    pop: Population, age: np.ndarray, p: Migration, subsidy_return_reduction: float = 0.0
) -> np.ndarray:
    """Monthly probability of returning home, for every row (used only for unsettled migrants)."""
    spell = np.minimum(pop.unemployed_months, 12).astype(np.float32)
    # the living subsidy of prov. 10 softens the unemployment term
    spell *= 1.0 - np.float32(subsidy_return_reduction) * pop.subsidised
    left_behind = (pop.children > 0) & ~(pop.family_with & pop.schooled)
    return (
        np.float32(p.return_monthly_probability)
        + np.float32(p.return_per_unemployed_month) * spell
        + np.float32(p.return_age_50_plus) * (age >= 50)
        + np.float32(p.return_left_behind_children) * left_behind
    )


def destination_utility(
    pop: Population, world: World, scenario: Scenario, clock: Clock
) -> np.ndarray:
    """Utility U[origin province, city] of the city-choice logit (see module docstring)."""
    p = scenario.behaviour.migration
    n_cities, n_provinces = world.n_cities, len(world.provinces)
    in_city = np.flatnonzero(pop.city >= 0)
    city, weight = pop.city[in_city], pop.weight[in_city]
    people = np.bincount(city, weights=weight, minlength=n_cities)
    working = IS_EMPLOYED[pop.employment[in_city]]
    employed = np.bincount(city[working], weights=weight[working], minlength=n_cities)
    # a city nobody lives in yet is judged by its job capacity alone
    employment_rate = np.where(people > 0, employed / np.maximum(people, 1e-9), 1.0)
    expected_income = (
        world.wage_yuan * wage_index(scenario, clock.year) * np.maximum(employment_rate, 0.05)
    )

    network = np.bincount(
        pop.origin_province[in_city].astype(np.int64) * n_cities + city,
        weights=weight,
        minlength=n_provinces * n_cities,
    )
    network = network.reshape(n_provinces, n_cities)
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


def city_load(pop: Population, world: World) -> np.ndarray:
    """People living in each city (migrants and settlers) / its carrying capacity."""
    in_city = np.flatnonzero(pop.city >= 0)
    people = np.bincount(pop.city[in_city], weights=pop.weight[in_city], minlength=world.n_cities)
    return people / world.capacity_people


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


def settlers_leaving(pop: Population, p: Migration, u_return: np.ndarray) -> np.ndarray:
    """Settled workers without a job who leave their city this month (module docstring)."""
    rows = np.flatnonzero(
        (pop.city >= 0)
        & (pop.hukou == HukouStatus.SETTLED)
        & (pop.employment == Employment.UNEMPLOYED)
    )
    spell = np.minimum(pop.unemployed_months[rows], 12).astype(np.float32)
    hazard = np.float32(p.settled_return_factor * p.return_per_unemployed_month) * spell
    return rows[u_return[rows] < hazard]


def onward_moves(
    pop: Population, world: World, p: Migration, staying: np.ndarray, u_onward: np.ndarray
) -> np.ndarray:
    """Of `staying` (unsettled migrants not returning, a mask), the rows that move on to another
    city this month (module docstring)."""
    rows = np.flatnonzero(staying)
    spell = np.minimum(pop.unemployed_months[rows], 12).astype(np.float32)
    excess = np.maximum(city_load(pop, world)[pop.city[rows]] - 1.0, 0.0).astype(np.float32)
    hazard = (
        np.float32(p.onward_per_unemployed_month) * spell
        + np.float32(p.onward_per_excess_load) * excess
    )
    return rows[u_onward[rows] < hazard]


def arrive(
    pop: Population, rows: np.ndarray, city: np.ndarray, scenario: Scenario, u_housing: np.ndarray
) -> None:
    """`rows` start in `city`: residence clock at 0, looking for work, housed as arrivals are."""
    pop.city[rows] = city
    pop.months_in_city[rows] = 0
    pop.employment[rows] = Employment.UNEMPLOYED
    shares = scenario.population.initial_housing_shares.array()
    pop.housing[rows] = ARRIVAL_HOUSING[sample_categories(shares, u_housing[rows])]


def step(month: Month) -> None:
    pop, world, scenario, clock, rng, flows = month
    p = scenario.behaviour.migration
    n = len(pop)
    u_return = rng.random(n, dtype=np.float32)
    u_leave = rng.random(n, dtype=np.float32)
    u_city = rng.random(n, dtype=np.float32)
    u_housing = rng.random(n, dtype=np.float32)
    u_family = rng.random(n, dtype=np.float32)
    u_onward = rng.random(n, dtype=np.float32)
    u_onward_city = rng.random(n, dtype=np.float32)

    age = pop.age(clock.year)
    working_age = age < scenario.population.retirement_age
    migrant = pop.migrants()
    reduction = scenario.services.other_insurance.subsidy_return_reduction
    returns = migrant & (u_return < return_probability(pop, age, p, reduction))
    returning = np.flatnonzero(returns)
    settled_leaving = settlers_leaving(pop, p, u_return)
    leave_probability = np.where(
        age >= 50,
        np.float32(p.outmigration_monthly_probability * p.outmigration_age_50_plus_factor),
        np.float32(p.outmigration_monthly_probability),
    )
    rural = pop.hukou == HukouStatus.RURAL  # a settler who went home does not migrate again
    leaving = np.flatnonzero((pop.city < 0) & rural & working_age & (u_leave < leave_probability))

    # the choice sees the cities as they were at the start of the month
    probabilities = choice_probabilities(destination_utility(pop, world, scenario, clock))
    destination = sample_rows(probabilities, pop.origin_province[leaving], u_city[leaving])
    onward = onward_moves(pop, world, p, migrant & ~returns, u_onward)
    onward_to = sample_rows(probabilities, pop.origin_province[onward], u_onward_city[onward])
    moved = onward_to != pop.city[onward]  # drawing their own city, they stay
    onward, onward_to = onward[moved], onward_to[moved]

    flows.add(Flow.RETURNS, pop, returning)
    send_home(pop, returning)
    flows.add(Flow.SETTLED_LEAVING, pop, settled_leaving)
    send_home(pop, settled_leaving)
    flows.add(Flow.ONWARD, pop, onward)  # counted by the city left
    with_family = pop.family_with[onward]
    send_home(pop, onward)  # what was tied to the city left goes

    pop.months_in_city[pop.city >= 0] += 1  # the residence clock of those who stay

    arrive(pop, onward, onward_to, scenario, u_housing)
    pop.family_with[onward] = with_family  # the family moves along
    flows.add(Flow.ONWARD_ARRIVALS, pop, onward)
    arrive(pop, leaving, destination, scenario, u_housing)
    pop.family_with[leaving] = pop.married[leaving] & (
        u_family[leaving] < scenario.population.whole_family_share
    )
    flows.add(Flow.ARRIVALS, pop, leaving)

    # the year's months away from home, for statistics of workers away (P11)
    if clock.month == 1:
        pop.months_in_city_this_year[:] = 0
    pop.months_in_city_this_year += pop.city >= 0
