"""Demography (phase 1, each January): retirement and new rural cohorts.

Settled people who reach retirement age stay in their city, out of the labour force. Unsettled
people who reach it leave the urban labour market for good; their rows are recycled as new
16-year-old rural workers from the same origin province, so the number of rows and the people
they represent stay constant (the rural cohort entering work replaces the one leaving it).
"""

import numpy as np

from model.clock import Clock
from model.enums import Employment, HukouStatus
from model.population import Population
from model.processes.migration import send_home
from model.scenario import Scenario
from model.synthesis import assign, person_traits
from model.world import World

ENTRY_AGE = 16


def step(pop: Population, world: World, scenario: Scenario, clock: Clock,
         rng: np.random.Generator) -> None:
    n = len(pop)
    # fixed-size draws each year (common random numbers): traits for every row, used by some
    traits = person_traits(n, np.full(n, ENTRY_AGE), clock.year, scenario, world, rng)
    traits.pop("origin_province")  # a new cohort from the same place
    retiring = pop.age(clock.year) >= scenario.population.retirement_age
    settled = pop.hukou == HukouStatus.SETTLED

    retired_settlers = np.flatnonzero(retiring & settled)
    pop.employment[retired_settlers] = Employment.RETIRED
    pop.wage[retired_settlers] = 0.0

    recycled = np.flatnonzero(retiring & ~settled)
    send_home(pop, recycled)
    assign(pop, recycled, traits)
    pop.trained[recycled] = False  # a new person
