"""`Month`: what every phase works on, passed as one small object instead of six arguments."""

from __future__ import annotations

from typing import NamedTuple

from model.clock import Clock
from model.flows import Flows
from model.population import Population
from model.scenario import Scenario
from model.streams import Draws
from model.world import World


class Month(NamedTuple):
    """One phase's view of the month: the population it changes (only the columns its module
    lists in `WRITES`), the world and the scenario it reads, the month, the phase's own random
    numbers, and the year's flows it adds to."""

    pop: Population
    world: World
    scenario: Scenario
    clock: Clock
    rng: Draws
    flows: Flows
