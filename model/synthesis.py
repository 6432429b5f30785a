"""Synthesis of the starting population from survey marginals (the scenario's `population:`).

Each attribute is drawn from its marginal (age group, sex, education, poverty, origin region,
marriage, children), so the synthetic population matches `data/migrant_population.csv` margins
by construction; joint structure beyond what is stated here is assumed absent. Migrants already
in cities are placed so that `inter_provincial_share` of them live outside their home province,
each city drawing in proportion to its carrying capacity.
"""

import numpy as np

from model.enums import Employment, HukouStatus, PovertyStatus
from model.population import Population
from model.processes import permits
from model.processes.labour import offered_wage
from model.processes.migration import ARRIVAL_HOUSING
from model.processes.sampling import sample_categories, sample_rows
from model.scenario import Scenario
from model.scenario.types import AgeShares
from model.world import World

#: Age window for having school-age children (assumed).
PARENT_AGES = (25, 50)
#: Share of parents with two school-age children rather than one (assumed).
SECOND_CHILD_SHARE = 0.35


def origin_province_shares(scenario: Scenario, world: World) -> np.ndarray:
    """Probability of each hukou province: region share split by province population."""
    provinces = world.provinces
    region_share = scenario.population.origin_region_shares.array()[provinces.region]
    weight = provinces.population_weight
    region_total = np.bincount(provinces.region, weights=weight)[provinces.region]
    return region_share * weight / region_total


def person_traits(n: int, ages: np.ndarray, year: int, scenario: Scenario, world: World,
                  rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Fixed personal traits of `n` new people of the given ages."""
    pop = scenario.population
    u = rng.random((10, n), dtype=np.float32)
    married = (u[0] < pop.married_share) & (ages >= 20)
    parent = married & (ages >= PARENT_AGES[0]) & (ages <= PARENT_AGES[1])
    has_children = parent & (u[1] < pop.school_age_children_share)
    poverty = np.full(n, PovertyStatus.NOT_POOR, dtype=np.uint8)
    poverty[u[2] < pop.registered_poor_share + pop.minimum_income_share] = (
        PovertyStatus.MINIMUM_INCOME)
    poverty[u[2] < pop.registered_poor_share] = PovertyStatus.REGISTERED_POOR
    sigma = scenario.behaviour.labour.ability_sigma
    z = rng.standard_normal(n, dtype=np.float32)
    return {
        "birth_year": (year - ages).astype(np.int16),
        "female": u[3] < pop.female_share,
        "education": sample_categories(pop.education_shares.array(), u[4]).astype(np.uint8),
        "poverty": poverty,
        "origin_province": sample_categories(origin_province_shares(scenario, world),
                                             u[5]).astype(np.uint8),
        "married": married,
        "children": (has_children * (1 + (u[6] < SECOND_CHILD_SHARE))).astype(np.uint8),
        "ability": np.exp(sigma * z - sigma**2 / 2).astype(np.float32),
        "settle_propensity": u[7].astype(np.float32),
        # exponential across households (assumed shape), whole mu
        "land_mu": np.minimum(np.round(-pop.mean_contract_land_mu * np.log1p(-u[8])),
                              255).astype(np.uint8),
        "identification_rank": (u[9] * 256).astype(np.uint8),
    }


def assign(pop: Population, rows: np.ndarray | slice, traits: dict[str, np.ndarray]) -> None:
    """Write traits (arrays of the population's full length) into `rows`."""
    for name, values in traits.items():
        getattr(pop, name)[rows] = values[rows]


def sample_ages(n: int, shares: AgeShares, rng: np.random.Generator) -> np.ndarray:
    group = sample_categories(shares.array(), rng.random(n))
    low = np.array([b[0] for b in AgeShares.BOUNDS])[group]
    high = np.array([b[1] for b in AgeShares.BOUNDS])[group]
    return rng.integers(low, high + 1)


def initial_cities(pop: Population, rows: np.ndarray, scenario: Scenario, world: World,
                   rng: np.random.Generator) -> np.ndarray:
    """Cities of migrants already in town: inter-provincial share outside the home province."""
    n_provinces = len(world.provinces)
    same = world.province[None, :] == np.arange(n_provinces)[:, None]
    weights = np.vstack([world.capacity_people * same, world.capacity_people * ~same])
    outside = rng.random(len(rows)) < scenario.population.inter_provincial_share
    row = pop.origin_province[rows].astype(np.int64) + n_provinces * outside
    return sample_rows(weights, row, rng.random(len(rows)))


def synthesise(scenario: Scenario, world: World, rng: np.random.Generator) -> Population:
    """The starting population of a scenario."""
    spec = scenario.population
    n = scenario.simulation.migrants
    year = scenario.simulation.start_year
    pop = Population.empty(n)
    pop.weight[:] = spec.represented_people / n
    ages = sample_ages(n, spec.age_shares, rng)
    assign(pop, slice(None), person_traits(n, ages, year, scenario, world, rng))

    rows = np.flatnonzero(rng.random(n) < spec.in_city_share)
    pop.city[rows] = initial_cities(pop, rows, scenario, world, rng)
    pop.hukou[:] = HukouStatus.RURAL
    pop.employment[:] = Employment.AT_ORIGIN
    u = rng.random((6, len(rows)))
    pop.housing[rows] = ARRIVAL_HOUSING[sample_categories(spec.initial_housing_shares.array(),
                                                          u[0])]
    pop.family_with[rows] = pop.married[rows] & (u[1] < spec.whole_family_share)
    months_since_16 = (ages[rows] - 16) * 12
    months = np.minimum(rng.exponential(spec.mean_initial_months_in_city, len(rows)),
                        months_since_16)
    pop.months_in_city[rows] = months.astype(np.int16)

    # employment: formal chances by education, scaled to the observed formal share
    formal_by_education = scenario.behaviour.labour.formal_job_probability.array()
    education = pop.education[rows]
    employed = u[2] >= spec.unemployment_share_initial
    scale = spec.formal_job_share_initial / formal_by_education[education[employed]].mean()
    formal = employed & (u[3] < np.minimum(formal_by_education[education] * scale, 1.0))
    pop.employment[rows] = np.where(
        formal, Employment.FORMAL, np.where(employed, Employment.INFORMAL, Employment.UNEMPLOYED))
    # past insurance: most of a formal worker's months, a little of an informal one's (assumed)
    insured_share = np.where(formal, 0.5 + 0.5 * u[4], 0.3 * u[4]) * employed
    pop.si_months[rows] = (pop.months_in_city[rows] * insured_share).astype(np.int16)
    pop.unemployed_months[rows] = np.where(employed, 0, 1 + (u[5] * 3).astype(np.int16))
    working = rows[employed]
    pop.wage[working] = offered_wage(pop, working, formal[employed], world,
                                     scenario.behaviour.labour, 1.0)

    # formal workers start with employee medical insurance and pensions (assumed)
    pop.local_medical[rows] = formal
    pop.pension[rows] = formal
    can_hold = permits.eligible(pop, scenario.residence_permit)
    share_eligible = can_hold[rows].mean() if len(rows) else 0.0
    take = min(1.0, spec.residence_permit_share_initial / max(share_eligible, 1e-9))
    pop.permit[can_hold & (rng.random(n) < take)] = True
    # children living in the city with a permit-holding parent start in local schools, as far
    # as places allow (admission is permit-based, prov. 5)
    _enrol_initial_pupils(pop, scenario, world)
    return pop


def _enrol_initial_pupils(pop: Population, scenario: Scenario, world: World) -> None:
    from model.processes.allocation import allocate
    from model.processes.services import school_places

    rows = np.flatnonzero((pop.city >= 0) & pop.family_with & (pop.children > 0) & pop.permit)
    places = school_places(world, scenario.services).copy()
    pupils = allocate(rows, pop.city[rows], pop.weight[rows] * pop.children[rows],
                      pop.months_in_city[rows].astype(np.float64), places)
    pop.schooled[pupils] = True

