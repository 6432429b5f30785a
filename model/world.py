"""The city system: 684 cities in seven size classes, four regions and 31 provinces.

Counts per class are the 2020 census (`data/city_classes.csv`, C1-C3); the 21 super- and
extra-large cities are named with their provinces (`data/megacities_2020.csv`, C2). The other
cities are spread over provinces in proportion to population (`data/provinces.csv`, assumed
weights), every province getting at least one, by a fixed layout seed: the layout is structure,
the same in every run of a scenario. Wages, living costs and carrying capacities come from the
scenario (`cities:`), where each value is sourced or marked assumed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.enums import Region, SizeClass
from model.reference import read_csv
from model.scenario import Scenario


@dataclass(frozen=True)
class Provinces:
    names: tuple[str, ...]
    region: np.ndarray  # int8, Region per province
    population_weight: np.ndarray  # float64, relative

    @classmethod
    def load(cls) -> Provinces:
        rows = read_csv("provinces.csv")
        return cls(
            names=tuple(r["province"] for r in rows),
            region=np.array([Region[r["region"].upper()] for r in rows], dtype=np.int8),
            population_weight=np.array([float(r["population_2020_million"]) for r in rows]),
        )

    def __len__(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class World:
    """Per-city arrays (index = city id) and the provinces they lie in.

    `wage_yuan` is the city's base monthly wage at the scenario's start year, before the
    education, ability, formality and poverty multipliers of the labour market and before wage
    growth. A model changes its own copies of `capacity_people`, `jobs_people` (investment,
    growth) and `renovated_share` (prov. 13); the other arrays are fixed for a run.
    """

    names: tuple[str, ...]
    size_class: np.ndarray  # int8, SizeClass
    province: np.ndarray  # int8, index into provinces
    region: np.ndarray  # int8, Region
    wage_yuan: np.ndarray  # float64, yuan per month
    living_cost_yuan: np.ndarray  # float64, yuan per month
    capacity_people: np.ndarray  # float64, migrants the city can absorb (people)
    jobs_people: np.ndarray  # float64, jobs for migrants (people)
    renovated_share: np.ndarray  # float64, share of migrant housing renovated (prov. 13)
    provinces: Provinces

    @property
    def n_cities(self) -> int:
        return len(self.names)

    @classmethod
    def build(cls, scenario: Scenario) -> World:
        """The city system of a scenario."""
        cities = scenario.cities
        provinces = Provinces.load()
        rng = np.random.default_rng(cities.layout_seed)
        names, size_class, province = _layout(provinces, rng)
        region = provinces.region[province]

        wage = (
            cities.wage_yuan_per_month.array()[size_class]
            * cities.wage_region_factor.array()[region]
        )
        living_cost = cities.living_cost_yuan_per_month.array()[size_class]
        # within-class spread of city size, uniform
        spread = cities.size_spread_within_class
        weight = (
            cities.migrant_capacity_weight.array()[size_class]
            * cities.capacity_region_factor.array()[region]
            * rng.uniform(1.0 - spread, 1.0 + spread, size=len(names))
        )
        initial_migrants = (
            scenario.population.represented_people * scenario.population.in_city_share
        )
        capacity = weight / weight.sum() * initial_migrants * cities.capacity_headroom
        return cls(
            names=tuple(names),
            size_class=size_class.astype(np.int8),
            province=province.astype(np.int8),
            region=region.astype(np.int8),
            wage_yuan=wage,
            living_cost_yuan=living_cost,
            capacity_people=capacity,
            jobs_people=capacity * cities.jobs_per_capacity,
            renovated_share=np.zeros(len(names)),
            provinces=provinces,
        )


def _layout(provinces: Provinces, rng: np.random.Generator):
    """Names, size classes and provinces of all cities, named megacities first."""
    index = {name: i for i, name in enumerate(provinces.names)}
    names: list[str] = []
    classes: list[int] = []
    province: list[int] = []
    for row in read_csv("megacities_2020.csv"):
        names.append(row["city"])
        classes.append(SizeClass[row["size_class"].upper()])
        province.append(index[row["province"]])

    counts = {
        SizeClass[r["size_class"].upper()]: int(r["cities_2020_census"])
        for r in read_csv("city_classes.csv")
    }
    unnamed = [c for c in SizeClass for _ in range(counts[c] - classes.count(c))]
    # every province has at least one city; the rest follow population weights
    share = provinces.population_weight / provinces.population_weight.sum()
    extra = rng.choice(len(provinces), size=len(unnamed) - len(provinces), p=share)
    assigned = rng.permutation(np.concatenate([np.arange(len(provinces)), extra]))
    serial: dict[tuple[int, int], int] = {}
    for size_class, prov in zip(unnamed, assigned, strict=True):
        k = serial[(size_class, prov)] = serial.get((size_class, prov), 0) + 1
        names.append(f"{provinces.names[prov]} {SizeClass(size_class).key} #{k}")
        classes.append(size_class)
        province.append(int(prov))
    return names, np.array(classes), np.array(province)
