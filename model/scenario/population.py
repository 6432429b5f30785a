"""The `population:` section: margins of the migrant population and its state at the start."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from model.scenario.types import (
    AgeShares,
    InitialHousingShares,
    NonNegative,
    Positive,
    Share,
    SharesByEducation,
    SharesByRegion,
    StrictModel,
    Summing,
    structure,
)


class PopulationMargins(StrictModel):
    """Margins of the rural-hukou workers the rows represent, and their state at the start
    (surveys; `model/synthesis.py` draws the rows from them)."""

    represented_people: Positive = structure(
        "rural-hukou workers represented by all rows together (people)"
    )
    in_city_share: Annotated[float, Field(gt=0.0, le=1.0)] = structure(
        "share living in a city at the start (the rest are at their rural origin, potential "
        "migrants); above 0: the cities' carrying capacity is scaled to it"
    )
    registered_poor_share: Share = structure("share in registered poor households (建档立卡)")
    minimum_income_share: Share = structure(
        "share receiving rural minimum income (低保), not registered poor"
    )
    female_share: Share = structure("share female")
    married_share: Share = structure("share married")
    whole_family_share: Share = structure(
        "share of married migrants in cities whose spouse and children live with them "
        "(举家外出, whole-family migration)"
    )
    school_age_children_share: Share = structure(
        "share of married workers of parent age (parent_min_age to parent_max_age) with "
        "school-age children (6-15)"
    )
    migrant_parents_per_family_in_city: Annotated[float, Field(ge=1.0, le=2.0)] = structure(
        "migrant workers per family whose children live with them in the city (both parents "
        "are rows when both work there): a row counts its children divided by this, so each "
        "child counts once"
    )
    left_behind_both_parents_away_share: Share = structure(
        "share of migrants' children living at the origin whose parents are both away (both "
        "are rows; only they count as left-behind children, 留守儿童, by the 2016 definition "
        "E5 uses); the others have one parent away"
    )
    school_enrolment_share: Share = structure(
        "share of school-age children living in the city who are in school (public or other)"
    )
    parent_min_age: int = structure(
        "youngest age (years) of a worker with school-age children", ge=16, le=80
    )
    parent_max_age: int = structure(
        "oldest age (years) of a worker with school-age children", ge=16, le=80
    )
    second_child_share: Share = structure(
        "share of parents with two school-age children rather than one"
    )
    inter_provincial_share: Share = structure(
        "share of migrants in cities who live outside their home province at the start"
    )
    mean_initial_months_in_city: Positive = structure(
        "mean months already lived in the current city by migrants there at the start "
        "(exponential, capped at the months since age 16)"
    )
    formal_job_share_initial: Share = structure(
        "share of employed migrants in cities who hold a formal job at the start"
    )
    residence_permit_share_initial: Share = structure(
        "share of migrants in cities holding a residence permit at the start (given to "
        "eligible ones)"
    )
    unemployment_share_initial: Share = structure(
        "share of migrants in cities searching for work at the start"
    )
    mean_contract_land_mu: NonNegative = structure(
        "mean rural contract land of a migrant's household (mu; exponential across households)"
    )
    retirement_age: int = structure(
        "age (years) at which workers leave the labour force; rows "
        "of unsettled retirees are recycled as new rural 16-year-"
        "olds (constant weight)",
        ge=40,
        le=80,
    )
    age_shares: Annotated[AgeShares, Summing] = structure(
        "age distribution of workers at the start"
    )
    education_shares: Annotated[SharesByEducation, Summing] = structure("education distribution")
    origin_region_shares: Annotated[SharesByRegion, Summing] = structure(
        "region of origin (hukou province)"
    )
    initial_housing_shares: Annotated[InitialHousingShares, Summing] = structure(
        "housing of migrants in cities at the start"
    )

    @model_validator(mode="after")
    def _poverty_shares(self) -> PopulationMargins:
        total = self.registered_poor_share + self.minimum_income_share
        if total > 1.0:
            raise ValueError(
                f"registered_poor_share + minimum_income_share = {total:g} exceeds 1 (they are "
                "shares of the same people, with minimum-income recipients not also registered "
                "poor); valid: a sum of at most 1"
            )
        return self

    @model_validator(mode="after")
    def _parent_ages(self) -> PopulationMargins:
        if self.parent_min_age > self.parent_max_age:
            raise ValueError(
                f"parent_min_age={self.parent_min_age} exceeds parent_max_age="
                f"{self.parent_max_age}; valid: parent_min_age <= parent_max_age"
            )
        return self
