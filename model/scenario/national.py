"""The `national:` section: national population accounts for urbanization rates (historical
scenarios; the accounts themselves are in `model/national.py`)."""

from __future__ import annotations

from pydantic import Field

from model.scenario.types import (
    NonNegative,
    Positive,
    Share,
    StrictModel,
    structure,
    uncertainty,
    uniform,
)


class National(StrictModel):
    total_population_start: Positive = structure(
        "China's population in January of the start year (people)"
    )
    natural_growth_per_year: float = structure(
        "natural growth of the population (share a year)", ge=-0.05, le=0.05
    )
    urban_hukou_share_start: Share = uncertainty(
        "urban-hukou population / total in January of the start year",
        prior=uniform(0.35, 0.42, "assumed: around the 2014 hukou rate of about 0.36-0.39 (U8)"),
    )
    other_hukou_conversions_share_per_year: Share = uncertainty(
        "people gaining urban hukou a year other than settling migrant workers and their "
        "families (students, soldiers, reclassified villages), / total; no source gives it: "
        "fitted within its prior range and reported as such",
        prior=uniform(0.0, 0.02),
    )
    family_members_per_migrant_in_city: NonNegative = uncertainty(
        "dependants living in the city with each unsettled migrant worker",
        prior=uniform(0.0, 1.5),
    )
    other_rural_hukou_urban_share: Share = uncertainty(
        "other rural-hukou urban residents (local workers in towns, their families) / total",
        prior=uniform(0.0, 0.1),
    )
    note: str = Field("", description="where the values come from")
