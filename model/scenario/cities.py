"""The `cities:` section: wages, living costs and carrying capacity of the city system."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from model.scenario.types import (
    NonNegativeByClass,
    PositiveByClass,
    PositiveByRegion,
    StrictModel,
    structure,
)


class Cities(StrictModel):
    layout_seed: int = structure(
        "seed for the fixed layout of cities over provinces and "
        "their sizes within class bounds (the same in every run)",
        ge=0,
    )
    wage_yuan_per_month: PositiveByClass = structure(
        "mean monthly wage of a migrant worker with junior-secondary education (yuan), by class"
    )
    wage_region_factor: PositiveByRegion = structure("wage multiplier by region")
    wage_base_year: int = structure(
        "year whose wage level wage_yuan_per_month gives (other years by wage_growth_per_year)",
        ge=2000,
        le=2100,
    )
    wage_growth_per_year: Annotated[float, Field(ge=-0.5, le=0.5)] = structure(
        "nominal wage growth per year (share)"
    )
    living_cost_yuan_per_month: NonNegativeByClass = structure(
        "monthly living cost of a migrant (rent, food) by class (yuan)"
    )
    migrant_capacity_weight: PositiveByClass = structure(
        "relative number of migrants one city of the class can absorb"
    )
    capacity_region_factor: PositiveByRegion = structure(
        "multiplier on migrant capacity by the city's region"
    )
    size_spread_within_class: Annotated[float, Field(ge=0.0, lt=1.0)] = structure(
        "half-width of the uniform spread of a city's capacity around its class's value (0.25: "
        "each city within +-25 % of its class)"
    )
    capacity_headroom: Annotated[float, Field(ge=0.5, le=5.0)] = structure(
        "carrying capacity of the city system / migrants in cities at the start"
    )
    jobs_per_capacity: Annotated[float, Field(gt=0.0, le=3.0)] = structure(
        "jobs for migrants and former migrants who settled, per unit of carrying capacity "
        "(carrying capacity counts the migrants a city can absorb; settlers hold jobs too)"
    )
    jobs_growth_per_year: Annotated[float, Field(ge=-0.5, le=0.5)] = structure(
        "yearly growth of every city's jobs for migrants with the economy (investment in "
        "capacity adds jobs on top, at jobs_per_capacity)"
    )
