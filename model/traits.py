"""A new person's traits, drawn from the scenario's population margins: for the starting
population (`model/synthesis.py`) and for the rural cohorts that replace retirees each January
(`model/processes/demography.py`).

Each attribute is drawn from its marginal (age group, sex, education, poverty, origin region,
marriage, children); joint structure beyond what is stated here is assumed absent.
"""

import numpy as np
from scipy import special

from model.enums import PovertyStatus
from model.population import Population
from model.processes.sampling import sample_categories
from model.scenario import Scenario
from model.scenario.types import AgeShares
from model.world import World

#: The columns `person_traits` draws.
PERSON_TRAITS = (
    "birth_year",
    "female",
    "education",
    "poverty",
    "origin_province",
    "married",
    "children",
    "ability",
    "settle_propensity",
    "land_mu",
    "identification_rank",
)


def origin_province_shares(scenario: Scenario, world: World) -> np.ndarray:
    """Probability of each hukou province: region share split by province population."""
    provinces = world.provinces
    region_share = scenario.population.origin_region_shares.array()[provinces.region]
    weight = provinces.population_weight
    region_total = np.bincount(provinces.region, weights=weight)[provinces.region]
    return region_share * weight / region_total


#: Uniforms `person_traits` takes per person.
TRAIT_DRAWS = 11


def person_traits(
    ages: np.ndarray, year: int, scenario: Scenario, world: World, u: np.ndarray
) -> dict[str, np.ndarray]:
    """Fixed personal traits of new people of the given ages, from `u`: uniforms in [0, 1),
    shape (TRAIT_DRAWS, people) (a generator's, or each row's own, `model/streams.py`)."""
    pop = scenario.population
    n = len(ages)
    married = (u[0] < pop.married_share) & (ages >= 20)
    parent = married & (ages >= pop.parent_min_age) & (ages <= pop.parent_max_age)
    has_children = parent & (u[1] < pop.school_age_children_share)
    poverty = np.full(n, PovertyStatus.NOT_POOR, dtype=np.uint8)
    poverty[u[2] < pop.registered_poor_share + pop.minimum_income_share] = (
        PovertyStatus.MINIMUM_INCOME
    )
    poverty[u[2] < pop.registered_poor_share] = PovertyStatus.REGISTERED_POOR
    sigma = scenario.behaviour.labour.ability_sigma
    z = special.ndtri(u[10].astype(np.float64) + 2.0**-25)  # never 0: u < 1 - 2**-24
    return {
        "birth_year": (year - ages).astype(np.int16),
        "female": u[3] < pop.female_share,
        "education": sample_categories(pop.education_shares.array(), u[4]).astype(np.uint8),
        "poverty": poverty,
        "origin_province": sample_categories(origin_province_shares(scenario, world), u[5]).astype(
            np.uint8
        ),
        "married": married,
        "children": (has_children * (1 + (u[6] < pop.second_child_share))).astype(np.uint8),
        "ability": np.exp(sigma * z - sigma**2 / 2).astype(np.float32),
        "settle_propensity": u[7].astype(np.float32),
        # exponential across households (assumed shape), whole mu
        "land_mu": np.minimum(np.round(-pop.mean_contract_land_mu * np.log1p(-u[8])), 255).astype(
            np.uint8
        ),
        "identification_rank": (u[9] * 256).astype(np.uint8),
    }


def assign(pop: Population, rows: np.ndarray | slice, traits: dict[str, np.ndarray]) -> None:
    """Write traits (one value per row of `rows`) into `rows`."""
    for name, values in traits.items():
        getattr(pop, name)[rows] = values


def sample_ages(n: int, shares: AgeShares, rng: np.random.Generator) -> np.ndarray:
    group = sample_categories(shares.array(), rng.random(n))
    low = np.array([b[0] for b in AgeShares.BOUNDS])[group]
    high = np.array([b[1] for b in AgeShares.BOUNDS])[group]
    return rng.integers(low, high + 1)
