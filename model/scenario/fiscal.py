"""The fiscal part of a scenario: the instruments of prov. 15 (levers), the public-finance facts
the accounts use (structure), and how city governments respond (uncertainties).

Money is in yuan, land in square metres, people in people.
"""

from __future__ import annotations

from model.scenario.types import (
    NonNegative,
    Positive,
    SizeClassName,
    StrictModel,
    lever,
    structure,
    uncertainty,
    uniform,
)


class Reward(StrictModel):
    """The central citizenization reward (市民化奖励, prov. 15; F4, F6): paid to destination
    cities for each settled person, every year for `paid_for_years` years after settlement,
    scaled down pro rata when the year's claims exceed the fund."""

    yuan_per_cross_province_settler: NonNegative = lever(
        "reward a year per settler from another province (yuan)"
    )
    yuan_per_in_province_settler: NonNegative = lever(
        "reward a year per settler from the same province (yuan)"
    )
    extra_yuan_per_poor_settler: NonNegative = lever(
        "added reward a year per registered-poor or minimum-income settler (yuan)"
    )
    paid_for_years: int = lever(
        "years a settler is rewarded for before being phased out", ge=1, le=50
    )
    annual_budget_yuan: NonNegative | None = lever(
        "the fund's annual budget (yuan; F4: 30 billion in 2019); null for no cap"
    )


class InfrastructureSubsidy(StrictModel):
    """Central subsidy for cities absorbing many settlers (prov. 15), spent on capacity."""

    yuan_per_settler_above_threshold: NonNegative = lever(
        "subsidy per settler beyond the threshold in a year (yuan; 0 = no subsidy)"
    )
    threshold_settlers_per_year: NonNegative = lever(
        "settlers a city takes in a year before the subsidy starts (people)"
    )


class Land(StrictModel):
    """Construction land linked to settlers (人地挂钩, prov. 15; L1, L2)."""

    construction_m2_per_settler: NonNegative = lever(
        "new urban construction land per settler (m2; L1: about 100; 0 = no linkage)"
    )
    no_construction_land_in: list[SizeClassName] = lever(
        "classes that get no construction land (L2: none for megacity core districts)"
    )
    homestead_quota_m2_per_settler: NonNegative = lever(
        "homestead-reclamation quota a settler brings to the destination (m2; 0 = none)"
    )
    net_land_revenue_yuan_per_m2: NonNegative = structure(
        "net revenue to the city from a square metre of quota (yuan; assumed)"
    )


class PublicFinance(StrictModel):
    """What residents cost and bring to their city (structure)."""

    annual_cost_yuan_per_settler: NonNegative = structure(
        "public cost a year of a settled person: social security, subsidised housing, "
        "education (F10: 16,859 yuan in 2012)"
    )
    annual_cost_yuan_per_permit_holder: NonNegative = structure(
        "public cost a year of a migrant with a residence permit (permit-based services; assumed)"
    )
    revenue_share_of_wage_formal: NonNegative = structure(
        "taxes and fees the city collects, as a share of a formal worker's wage (assumed)"
    )
    revenue_share_of_wage_informal: NonNegative = structure(
        "the same for an informal worker (assumed)"
    )
    capacity_cost_yuan_per_person: Positive = structure(
        "investment that adds one person of carrying capacity: school seats, flats, clinic "
        "places (yuan; assumed)"
    )


class Fiscal(StrictModel):
    reward: Reward
    infrastructure_subsidy: InfrastructureSubsidy
    land: Land
    public_finance: PublicFinance


class Government(StrictModel):
    """How city governments respond once a year (uncertainties; see `model/governments.py`)."""

    horizon_years: int = uncertainty(
        "years over which a government weighs a settler's net fiscal gain", ge=1, le=50
    )
    quota_responsiveness: NonNegative = uncertainty(
        "log change of the target quota per unit of (net gain - net gain under the instruments "
        "the rule was written under) / horizon cost of a settler",
        prior=uniform(0.0, 1.5),
    )
    budget_pressure_weight: NonNegative = uncertainty(
        "how much more a yuan weighs for a city per unit of its deficit share (the share of its "
        "migrant-related spending its receipts did not cover)"
    )
    max_quota_change_per_year: float = uncertainty(
        "largest relative move of a quota (or of the conditions' months) toward its target in "
        "one year",
        ge=0.0,
        le=1.0,
    )
    investment_share_of_incentives: float = uncertainty(
        "share of a year's rewards and land revenue a city invests in capacity for migrants",
        ge=0.0,
        le=1.0,
    )
    min_quota_people: NonNegative = uncertainty(
        "quota below which a points city never goes (people)"
    )
    relaxes_conditions: bool = uncertainty(
        "whether conditions cities also respond, by scaling their months of residence and "
        "social insurance down (never above the scenario's rule)"
    )
