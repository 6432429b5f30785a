"""Demography (phase 1, each January): retirement and new rural cohorts.

Settled people who reach retirement age stay in their city, out of the labour force (a settler
who left the city is out of the model's scope and keeps no city state). Unsettled
people who reach it leave the urban labour market for good; their rows are recycled as new
16-year-old rural workers from the same origin province, so the number of rows and the people
they represent stay constant (the rural cohort entering work replaces the one leaving it).
"""

import numpy as np

from model.enums import Employment, HukouStatus
from model.kernels import positions
from model.processes.context import Month
from model.processes.migration import CITY_BOUND, send_home
from model.traits import PERSON_TRAITS, TRAIT_DRAWS, assign, person_traits

#: Columns this phase writes (a test checks it writes no other): a retiring settler's job, and
#: for a recycled row a new person's traits and an empty city-bound state.
WRITES = tuple(dict.fromkeys(("employment", "wage", "trained", *PERSON_TRAITS, *CITY_BOUND)))

ENTRY_AGE = 16


def step(month: Month) -> None:
    pop, world, scenario, clock, rng, flows = month
    retiring = pop.age(clock.year) >= scenario.population.retirement_age
    settled = pop.hukou == HukouStatus.SETTLED

    retired_settlers = positions(retiring & settled & (pop.city >= 0))  # those who stayed
    pop.employment[retired_settlers] = Employment.RETIRED
    pop.wage[retired_settlers] = 0.0

    recycled = positions(retiring & ~settled)
    # each recycled row's own numbers (common random numbers, `model/streams.py`)
    u = np.stack([rng.uniform(recycled, f"trait {k}") for k in range(TRAIT_DRAWS)])
    traits = person_traits(np.full(recycled.size, ENTRY_AGE), clock.year, scenario, world, u)
    traits.pop("origin_province")  # a new cohort from the same place
    send_home(pop, recycled)
    assign(pop, recycled, traits)
    pop.trained[recycled] = False  # a new person
