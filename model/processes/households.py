"""Households behind the rows: a row is a worker, and a family with both parents working in a
city is two rows. These count each child and each dependant once."""

import numpy as np

from model.population import Population
from model.scenario import PopulationMargins


def children_counted_once(pop: Population, margins: PopulationMargins) -> np.ndarray:
    """School-age children per row, each child counted once: a family with both parents
    working away is two rows. Children living in the city count 1 / (migrant parents per family
    in the city); children at the origin count 1 where one parent is away and 1/2 where both
    are (a share `left_behind_both_parents_away_share` of them)."""
    both_away = np.float32(margins.left_behind_both_parents_away_share)
    per_child = np.where(
        pop.family_with,
        np.float32(1.0 / margins.migrant_parents_per_family_in_city),
        np.float32(1.0) - both_away / 2,
    )
    return pop.children * per_child


def left_behind_counted_once(pop: Population, margins: PopulationMargins) -> np.ndarray:
    """Left-behind children (留守儿童: at the origin with both parents away) per row, each
    counted once; zero for rows whose children live with them."""
    both_away = np.float32(margins.left_behind_both_parents_away_share)
    return pop.children * ~pop.family_with * (both_away / 2)


def family_members_in_city(pop: Population, margins: PopulationMargins) -> np.ndarray:
    """Family members living in the city with each row, besides workers who are rows
    themselves, each counted once: the children of a family living together, and a spouse who
    is not a migrant worker (none when both parents are rows)."""
    spouse = np.float32(2.0 - margins.migrant_parents_per_family_in_city) * pop.married
    return pop.family_with * (children_counted_once(pop, margins) + spouse)
