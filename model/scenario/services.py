"""The public-services part of a scenario (prov. 5-9, 12, 19, 21): who may use each service
(its access basis), how many places a city has, who gets them first, how many eligible people
take it up, and what each user costs the city a year."""

from __future__ import annotations

from typing import Literal

from model.scenario.types import (
    NonNegative,
    Probability,
    Share,
    StrictModel,
    lever,
    structure,
    uncertainty,
)

#: The basis a service is reached through: local hukou only, a residence permit (or hukou), or
#: an ID card (anyone living in the city).
Access = Literal["hukou", "permit", "id_card"]


class QueuedService(StrictModel):
    """A service with a limited number of places per city, allocated by a queue."""

    access: Access = lever("who may apply: hukou, permit (or hukou) or id_card (anyone)")
    places_per_1000_capacity: NonNegative = lever(
        "places per 1,000 people of the city's migrant carrying capacity"
    )
    poor_priority: bool = lever("identified poor migrants go first (prov. 5, 12)")
    monthly_take_up: Probability = uncertainty(
        "monthly chance an eligible household without a place applies (paperwork, before awareness)"
    )
    annual_cost_yuan_per_user: NonNegative = structure("cost to the city per place used a year")


class CoverageService(StrictModel):
    """Insurance-like cover with no capacity limit."""

    access: Access = lever("who may enrol: hukou, permit (or hukou) or id_card (anyone)")
    monthly_take_up: Probability = uncertainty(
        "monthly chance an eligible migrant without cover enrols (before awareness)"
    )
    annual_cost_yuan_per_user: NonNegative = structure("cost to the city per enrollee a year")
    annual_subsidy_yuan_per_poor_user: NonNegative = lever(
        "premium the city pays for each poor enrollee a year (prov. 8, 9)"
    )


class Health(StrictModel):
    major_illness_monthly_probability: Probability = uncertainty(
        "monthly chance of a major illness in a migrant's household (prov. 7)"
    )
    uninsured_return_probability: Probability = uncertainty(
        "chance a household without local medical insurance goes home after one"
    )
    uninsured_impoverishment_probability: Probability = uncertainty(
        "chance an uninsured household that stays falls into poverty (minimum income) after one"
    )


class EmploymentServices(StrictModel):
    """Job referral and guidance for identified poor migrants where they live (prov. 3; access
    by ID card: anyone in the city)."""

    enabled: bool = lever("whether identified poor job-seekers get employment services")
    match_gain: NonNegative = uncertainty(
        "relative rise of a served job-seeker's monthly chance of finding a job"
    )
    cost_yuan_per_user_month: NonNegative = structure("cost per served job-seeker a month")


class Training(StrictModel):
    """Subsidised skills training (prov. 4)."""

    access: Access = lever("who may train: hukou, permit (or hukou) or id_card (anyone)")
    places_per_1000_capacity_per_year: NonNegative = lever(
        "training places a year per 1,000 people of the city's migrant carrying capacity"
    )
    poor_priority: bool = lever("identified poor migrants train first")
    monthly_take_up: Probability = uncertainty("monthly chance an untrained eligible applies")
    wage_gain: NonNegative = uncertainty("relative wage gain of a trained worker's next job")
    formal_job_gain: Probability = uncertainty(
        "added chance that a trained worker's next job is formal"
    )
    cost_yuan_per_trainee: NonNegative = structure("cost per trainee (one-off)")


class Assistance(StrictModel):
    """Social and temporary assistance against sudden hardship (prov. 11)."""

    access: Access = lever("who may be assisted: hukou, permit (or hukou) or id_card")
    hardship_monthly_probability: Probability = uncertainty(
        "monthly chance of a sudden hardship in a migrant household"
    )
    take_up: Probability = uncertainty(
        "chance an eligible household in hardship is assisted (before awareness)"
    )
    unassisted_return_probability: Probability = uncertainty(
        "chance a household in hardship without assistance goes home"
    )
    cost_yuan_per_case: NonNegative = structure("cost per assisted hardship (one-off)")


class OtherInsurance(StrictModel):
    """Unemployment and work-injury cover (prov. 10). Formal jobs carry both."""

    living_subsidy_yuan: NonNegative = lever(
        "one-off living subsidy when a job ends after >= 12 months of continuous work (yuan; "
        "0 = none)"
    )
    subsidy_return_reduction: Probability = uncertainty(
        "how much the subsidy lowers the unemployment term of the return hazard (share)"
    )
    informal_injury_cover_share: Probability = lever(
        "share of informal workers with work-injury cover (per-project insurance)"
    )
    annual_injury_cost_yuan_per_informal_covered: NonNegative = structure(
        "city's cost a year per informal worker with injury cover"
    )


class Complaints(StrictModel):
    """Complaint channels against wrongful denial of services (prov. 20). The take-up rates
    above are what was observed before the channels, net of front-line offices' wrongful
    denials; a channel reverses a share of those denials."""

    channel: bool = lever("hotlines and complaint channels for denied services (prov. 20)")
    wrongful_denial_share: Probability = uncertainty(
        "share of eligible applications front-line offices wrongly deny without a channel"
    )
    reversed_share: Probability = uncertainty(
        "share of wrongful denials a complaint reverses (with a channel)"
    )
    cost_yuan_per_complaint: NonNegative = structure("city's cost of handling one complaint")


class UrbanVillages(StrictModel):
    """Renovation of urban villages and fringe areas where poor migrants live (prov. 13)."""

    renovated_share_per_year: Probability = lever(
        "share of a city's not yet renovated migrant housing renovated each year (0 = none)"
    )
    cost_yuan_per_person: NonNegative = structure(
        "city's cost of renovating housing for one person of migrant carrying capacity (yuan)"
    )
    rent_change: float = uncertainty(
        "relative change of a city's living cost when all its migrant housing is renovated "
        "(positive: rents rise after renovation, negative: subsidised)",
        ge=-0.9,
        le=2.0,
    )
    amenity_value: float = uncertainty(
        "utility, in the city choice and the wish to settle, of a city whose migrant housing is "
        "all renovated"
    )


class Services(StrictModel):
    identified_poor_share: Share = lever(
        "share of poor migrants identified as poor at their destination (prov. 19); only they "
        "get targeted priority"
    )
    awareness: Share = lever("awareness of entitlements (prov. 21): multiplies every take-up")
    schooling: QueuedService = lever("school places for migrants' children (prov. 5-6)")
    public_rental_housing: QueuedService = lever("public rental flats (prov. 12)")
    medical_insurance: CoverageService = lever(
        "local medical insurance (prov. 8); formal workers are covered by their employer"
    )
    pension: CoverageService = lever(
        "local pension cover (prov. 9); formal workers are in the employee pension"
    )
    health: Health
    employment_services: EmploymentServices
    training: Training
    assistance: Assistance
    other_insurance: OtherInsurance
    student_aid_yuan_per_poor_pupil: NonNegative = lever(
        "aid a year per poor migrant pupil in a local school (prov. 6)"
    )
    complaints: Complaints = lever("complaint channels against wrongful denial (prov. 20)")
    urban_villages: UrbanVillages = lever("urban-village renovation (prov. 13)")
    rent_subsidy_yuan_per_month: NonNegative = lever(
        "rent subsidy a month to households eligible for public rental housing but without a "
        "flat (prov. 12; 0 = none)"
    )
