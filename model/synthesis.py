"""Synthesis of the starting population from survey marginals (the scenario's `population:`).

Each row's traits are drawn from the survey marginals (`model/traits.py`), so the synthetic
population matches `data/migrant_population.csv` margins by construction. Migrants already
in cities are placed so that `inter_provincial_share` of them live outside their home province,
each city drawing in proportion to its carrying capacity.
"""

import numpy as np

from model.enums import Employment, HukouStatus
from model.population import Population
from model.processes import permits
from model.processes.labour import offered_wage, wage_index
from model.processes.migration import ARRIVAL_HOUSING
from model.processes.sampling import sample_categories, sample_rows
from model.processes.services import PlacesLedger
from model.scenario import Scenario
from model.traits import TRAIT_DRAWS, assign, person_traits, sample_ages
from model.world import World


def initial_cities(
    pop: Population, rows: np.ndarray, scenario: Scenario, world: World, rng: np.random.Generator
) -> np.ndarray:
    """Cities of migrants already in town: inter-provincial share outside the home province."""
    n_provinces = len(world.provinces)
    same = world.province[None, :] == np.arange(n_provinces)[:, None]
    weights = np.vstack([world.capacity_people * same, world.capacity_people * ~same])
    outside = rng.random(len(rows)) < scenario.population.inter_provincial_share
    row = pop.origin_province[rows].astype(np.int64) + n_provinces * outside
    return sample_rows(weights, row, rng.random(len(rows)))


def synthesise(
    scenario: Scenario,
    world: World,
    rng: np.random.Generator,
    ledger: PlacesLedger | None = None,
    year: int | None = None,
) -> Population:
    """The starting population of a scenario in January of `year` (default: the start year;
    the model synthesises at the start of its spin-up); `ledger` books the school places
    admitted by lottery at the margin (the model's, so that later months see them)."""
    spec = scenario.population
    n = scenario.simulation.migrants
    year = scenario.simulation.start_year if year is None else year
    pop = Population.empty(n)
    pop.weight[:] = spec.represented_people / n
    ages = sample_ages(n, spec.age_shares, rng)
    u = rng.random((TRAIT_DRAWS, n), dtype=np.float32)
    assign(pop, slice(None), person_traits(ages, year, scenario, world, u))

    rows = np.flatnonzero(rng.random(n) < spec.in_city_share)
    pop.city[rows] = initial_cities(pop, rows, scenario, world, rng)
    pop.hukou[:] = HukouStatus.RURAL
    pop.employment[:] = Employment.AT_ORIGIN
    u = rng.random((6, len(rows)))
    pop.housing[rows] = ARRIVAL_HOUSING[
        sample_categories(spec.initial_housing_shares.array(), u[0])
    ]
    pop.family_with[rows] = pop.married[rows] & (u[1] < spec.whole_family_share)
    months_since_16 = (ages[rows] - 16) * 12
    months = np.minimum(
        rng.exponential(spec.mean_initial_months_in_city, len(rows)), months_since_16
    )
    pop.months_in_city[rows] = months.astype(np.int16)

    # employment: formal chances by education, scaled to the observed formal share
    formal_by_education = scenario.behaviour.labour.formal_job_probability.array()
    education = pop.education[rows]
    employed = u[2] >= spec.unemployment_share_initial
    chance = formal_by_education[education[employed]]
    scale = spec.formal_job_share_initial / chance.mean() if chance.size and chance.mean() else 1.0
    formal = employed & (u[3] < np.minimum(formal_by_education[education] * scale, 1.0))
    pop.employment[rows] = np.where(
        formal, Employment.FORMAL, np.where(employed, Employment.INFORMAL, Employment.UNEMPLOYED)
    )
    # past insurance: most of a formal worker's months, a little of an informal one's (assumed)
    insured_share = np.where(formal, 0.5 + 0.5 * u[4], 0.3 * u[4]) * employed
    pop.si_months[rows] = (pop.months_in_city[rows] * insured_share).astype(np.int16)
    pop.unemployed_months[rows] = np.where(employed, 0, 1 + (u[5] * 3).astype(np.int16))
    working = rows[employed]
    pop.wage[working] = offered_wage(
        pop,
        working,
        formal[employed],
        world,
        scenario.behaviour.labour,
        wage_index(scenario, year),
    )

    # formal workers start with employee medical insurance and pensions (assumed)
    pop.local_medical[rows] = formal
    pop.pension[rows] = formal
    can_hold = permits.eligible(pop, scenario.residence_permit)
    share_eligible = can_hold[rows].mean() if len(rows) else 0.0
    take = min(1.0, spec.residence_permit_share_initial / max(share_eligible, 1e-9))
    pop.permit[can_hold & (rng.random(n) < take)] = True
    # children living in the city with a permit-holding parent start in local schools, as far
    # as places allow (admission is permit-based, prov. 5)
    _enrol_initial_pupils(pop, scenario, world, rng, ledger or PlacesLedger(world.n_cities))
    return pop


def _enrol_initial_pupils(
    pop: Population,
    scenario: Scenario,
    world: World,
    rng: np.random.Generator,
    ledger: PlacesLedger,
) -> None:
    from model.processes.allocation import allocate
    from model.processes.households import children_counted_once
    from model.processes.services import school_places

    rows = np.flatnonzero((pop.city >= 0) & pop.family_with & (pop.children > 0) & pop.permit)
    places = school_places(world, scenario.services).copy()
    pupils = allocate(
        rows,
        pop.city[rows],
        pop.weight[rows] * children_counted_once(pop, scenario.population, rows),
        pop.months_in_city[rows].astype(np.float64),
        places,
        lottery=rng.random(len(rows)),  # rows stand for many children: admit in proportion
        expected_ledger=ledger.school,
    )
    pop.schooled[pupils] = True
