"""Households behind the rows: a row is a worker, and a family with both parents working in a
city is two rows. These count each child and each dependant once."""

import numpy as np

from model.population import Population
from model.scenario import PopulationMargins


def pupils_per_child(margins: PopulationMargins) -> float:
    """What a child living in the city with its parents counts per row (1 / parents)."""
    return 1.0 / margins.migrant_parents_per_family_in_city


def counted_once(
    children: np.ndarray, family_with: np.ndarray, margins: PopulationMargins
) -> np.ndarray:
    """School-age children of rows with `children` (uint8) and `family_with`, each child
    counted once: a family with both parents working away is two rows. Children living in the
    city count 1 / (migrant parents per family in the city); children at the origin count 1
    where one parent is away and 1/2 where both are (a share
    `left_behind_both_parents_away_share`). float32."""
    both_away = np.float32(margins.left_behind_both_parents_away_share)
    per_child = np.where(
        family_with, np.float32(pupils_per_child(margins)), np.float32(1.0) - both_away / 2
    )
    return children * per_child


def left_behind(
    children: np.ndarray, family_with: np.ndarray, margins: PopulationMargins
) -> np.ndarray:
    """Left-behind children (留守儿童: at the origin with both parents away) of rows with
    `children` (uint8) and `family_with`, each counted once; zero for rows whose children
    live with them. float32."""
    both_away = np.float32(margins.left_behind_both_parents_away_share)
    return children * ~family_with * (both_away / 2)


def children_counted_once(
    pop: Population, margins: PopulationMargins, rows: np.ndarray | slice = slice(None)
) -> np.ndarray:
    """`counted_once` per row (of `rows`, all by default)."""
    return counted_once(pop.children[rows], pop.family_with[rows], margins)


def left_behind_counted_once(pop: Population, margins: PopulationMargins) -> np.ndarray:
    """`left_behind` per row."""
    return left_behind(pop.children, pop.family_with, margins)


def family_members_in_city(
    pop: Population, margins: PopulationMargins, rows: np.ndarray
) -> np.ndarray:
    """For `rows`, the family members living in the city with each, besides workers who are
    rows themselves, each counted once: the children of a family living together, and a
    spouse who is not a migrant worker (none when both parents are rows)."""
    spouse = np.float32(2.0 - margins.migrant_parents_per_family_in_city) * pop.married[rows]
    return pop.family_with[rows] * (children_counted_once(pop, margins, rows) + spouse)
