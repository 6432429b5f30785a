from pathlib import Path

import numpy as np
import pytest

from model.clock import Clock
from model.enums import Employment, Housing, HukouStatus, SizeClass
from model.flows import Flows
from model.population import Population
from model.processes.context import Month
from model.scenario import Scenario, load_scenario
from model.streams import Draws
from model.world import World

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return load_scenario(SCENARIOS / "baseline.yaml")


@pytest.fixture(scope="session")
def policy_2019() -> Scenario:
    return load_scenario(SCENARIOS / "policy_2019.yaml")


@pytest.fixture(scope="session")
def world(baseline) -> World:
    return World.build(baseline)


def city_of(world: World, size_class: SizeClass, k: int = 0) -> int:
    """The k-th city of a size class."""
    return int(np.flatnonzero(world.size_class == size_class)[k])


def migrants_in(city: int, n: int, **columns) -> Population:
    """`n` hand-built migrants living in `city`: employed informally, renting, rural hukou,
    born 1970, not poor, weight 1; `columns` override any column (a scalar or an array)."""
    pop = Population.empty(n)
    pop.city[:] = city
    pop.birth_year[:] = 1970
    pop.hukou[:] = HukouStatus.RURAL
    pop.employment[:] = Employment.INFORMAL
    pop.housing[:] = Housing.RENTAL
    pop.wage[:] = 3000.0
    for name, value in columns.items():
        getattr(pop, name)[:] = value
    return pop


def draws(seed: int) -> Draws:
    """Random numbers for a phase run by hand (any phase's will do)."""
    return Draws(seed, "migration", 0)


def month(
    pop: Population,
    world: World,
    scenario: Scenario,
    clock: Clock | None = None,
    rng: Draws | None = None,
    flows: Flows | None = None,
) -> Month:
    """A phase's month for a hand-built world: January 2019, seed 0 and fresh flows unless
    given."""
    return Month(
        pop,
        world,
        scenario,
        clock if clock is not None else Clock(2019, 0),
        rng if rng is not None else draws(0),
        flows if flows is not None else Flows(world.size_class),
    )
