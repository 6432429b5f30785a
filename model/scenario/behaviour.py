"""The `behaviour:` section: how migrants move, work, take up permits and want to settle
(uncertainties), and how city governments respond."""

from __future__ import annotations

from model.scenario.fiscal import Government
from model.scenario.types import (
    NonNegative,
    Positive,
    PositiveByEducation,
    Probability,
    RealByClass,
    SharesByEducation,
    StrictModel,
    normal,
    uncertainty,
    uniform,
)


class Migration(StrictModel):
    outmigration_monthly_probability: Probability = uncertainty(
        "monthly probability that a rural worker aged 16-49 leaves for a city",
        prior=uniform(0.006, 0.02, "assumed: 7-24 % of rural workers 16-49 leaving a year"),
    )
    outmigration_age_50_plus_factor: NonNegative = uncertainty(
        "relative propensity to leave for workers aged 50 or more"
    )
    income_weight: NonNegative = uncertainty(
        "weight of log expected monthly income (wage x job chance) in the city-choice logit"
    )
    living_cost_weight_per_1000_yuan: NonNegative = uncertainty(
        "disutility per 1000 yuan of monthly living cost (housing included, rising with the "
        "city's load) in the city-choice logit"
    )
    housing_price_elasticity: NonNegative = uncertainty(
        "elasticity of a city's living cost (rents) with respect to its load (migrants / "
        "carrying capacity): living cost = the class's cost x load^elasticity"
    )
    size_weight: NonNegative = uncertainty(
        "weight of log(jobs for migrants) in the city-choice logit: 1 treats a city as the sum "
        "of its jobs, each as attractive as the next (the size term of aggregate destination "
        "choice); 0 makes a small city as attractive as a megacity"
    )
    same_province_bonus: float = uncertainty(
        "utility of a city in the home province (distance and the province border)",
        prior=uniform(2.0, 6.5),
    )
    network_weight: NonNegative = uncertainty(
        "weight of log(1 + share of the origin province's migrants in the city, per mille)"
    )
    crowding_weight: NonNegative = uncertainty(
        "disutility of (migrants / carrying capacity)^crowding_exponent as a city fills"
    )
    crowding_exponent: Positive = uncertainty(
        "how sharply crowding bites as a city nears its carrying capacity (the power of its load)"
    )
    return_monthly_probability: Probability = uncertainty(
        "baseline monthly probability that an unsettled migrant returns home",
        prior=uniform(0.001, 0.008, "assumed: 1-9 % of migrants returning a year"),
    )
    return_per_unemployed_month: Probability = uncertainty(
        "added monthly return probability per month of the current unemployment spell (to 12)",
        prior=uniform(0.002, 0.03),
    )
    return_age_50_plus: Probability = uncertainty(
        "added monthly return probability for migrants aged 50 or more"
    )
    return_left_behind_children: Probability = uncertainty(
        "added monthly return probability for migrants whose children are left behind"
    )
    settled_return_factor: Probability = uncertainty(
        "a settled household's hazard of leaving its city, as a share of the unemployment term "
        "of an unsettled migrant's return hazard (settlers with work stay)"
    )
    onward_per_unemployed_month: Probability = uncertainty(
        "monthly probability that an unsettled migrant moves on to another city, per month of "
        "the current unemployment spell (to 12)"
    )
    onward_per_excess_load: Probability = uncertainty(
        "added monthly probability of moving on per unit of the city's load above 1 (rising "
        "rents and crowding)"
    )


class Labour(StrictModel):
    job_match_monthly_probability: Probability = uncertainty(
        "monthly chance a searcher finds a job when vacancies are plentiful"
    )
    formal_job_probability: SharesByEducation = uncertainty(
        "chance a new job is formal (with social insurance), by education"
    )
    separation_formal_monthly: Probability = uncertainty("monthly job-loss chance, formal job")
    separation_informal_monthly: Probability = uncertainty("monthly job-loss chance, informal job")
    wage_education_factor: PositiveByEducation = uncertainty(
        "wage multiplier by education (junior secondary = 1)"
    )
    formal_wage_premium: Positive = uncertainty("wage multiplier of a formal job")
    poor_wage_factor: Positive = uncertainty(
        "wage multiplier for registered-poor and minimum-income workers",
        prior=uniform(0.2, 0.6),
    )
    ability_sigma: NonNegative = uncertainty(
        "standard deviation of log individual wage ability (lognormal, mean 1)"
    )


class Willingness(StrictModel):
    """The decision to want local hukou (prov. 16): a logit on what hukou is worth to the
    household against the rural rights settling would cost."""

    intercept: float = uncertainty(
        "logit intercept (fitted to P1: 37% willing in 2017, tools/fit_stocks.py)",
        prior=normal(0.0, 1.0, -3.0, 3.0, "assumed: the logit scale"),
    )
    whole_family_value: float = uncertainty("utility when the whole family lives in the city")
    children_in_city_value: float = uncertainty(
        "utility when school-age children live in the city (schooling and exams)"
    )
    city_class_value: RealByClass = uncertainty(
        "utility of the hukou of a city of each class (services, schooling, housing)"
    )
    income_value: float = uncertainty(
        "utility per unit of log(monthly wage / the city's base wage); the unemployed count a "
        "quarter of the base wage (higher earners are likelier to want to stay)"
    )
    home_owner_value: float = uncertainty("utility when the household owns its home in the city")
    public_housing_value: NonNegative = uncertainty(
        "utility of the public rental housing hukou opens, for a household renting or in a "
        "dormitory where flats are for hukou holders only (0 where permits open them, prov. 12)"
    )
    medical_insurance_value: NonNegative = uncertainty(
        "utility of the local medical insurance hukou brings, for a migrant without it "
        "(0 once the permit has given it, prov. 8)"
    )
    rural_loss_weight_per_10000_yuan: NonNegative = uncertainty(
        "disutility per 10,000 yuan of rural rights lost by settling, net of any paid exit",
        prior=uniform(0.0, 0.2, "assumed; sign from P1, W3, W4"),
    )
    land_value_yuan_per_mu: NonNegative = uncertainty(
        "what a migrant's household values a mu of contract land at (yuan)"
    )
    homestead_value_yuan: NonNegative = uncertainty(
        "what a household values its homestead and collective income at (yuan)"
    )


class Behaviour(StrictModel):
    migration: Migration
    labour: Labour
    permit_monthly_take_up: Probability = uncertainty(
        "monthly chance an eligible migrant without a residence permit obtains one (awareness "
        "and paperwork, prov. 14 and 21; fitted to the permits issued in 2016, U9)",
        prior=uniform(0.005, 0.05),
    )
    willingness: Willingness
    settlement_monthly_application_probability: Probability = uncertainty(
        "monthly chance a willing, eligible migrant applies (and is processed)",
        prior=uniform(0.01, 0.2),
    )
    government: Government
