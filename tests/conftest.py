from pathlib import Path

import numpy as np
import pytest

from model.enums import Employment, Housing, HukouStatus, SizeClass
from model.population import Population
from model.scenario import Scenario, load_scenario
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
