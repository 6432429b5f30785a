"""The scenario schema and its loader.

A scenario file is YAML: `name`, `description`, optionally `extends:` (another scenario file,
relative to this one) and values that override what it extends. `scenarios/baseline.yaml` holds
the whole world, so it is the one place where values live; every other file is a small diff.

Each field says its unit and meaning, and whether it is a **lever** (what governments choose),
an **uncertainty** (behaviour we do not know) or **structure** (facts about the world); sources
of the values are given beside them in the YAML files. Loading validates everything before
anything is built, and a bad file raises `ScenarioError` with one paragraph naming the file, the
key path, the line and what is valid.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, model_validator

from model.fiscal_policy import Fiscal, Government
from model.inputs import InputError, LineMap, read_yaml, validate
from model.national import National
from model.schema import (
    NATIONAL_PERMIT_MAX_MONTHS,
    AgeShares,
    InitialHousingShares,
    Months,
    NonNegative,
    NonNegativeByClass,
    Positive,
    PositiveByClass,
    PositiveByEducation,
    PositiveByRegion,
    Probability,
    RealByClass,
    Share,
    SharesByEducation,
    SharesByRegion,
    StrictModel,
    Summing,
    lever,
    structure,
    uncertainty,
)
from model.services_policy import Services
from model.settlement_rules import Settlement

# --- the scenario's sections ------------------------------------------------------------------


class Simulation(StrictModel):
    start_year: int = structure("calendar year of the first simulated month (January)",
                                ge=2000, le=2100)
    years: int = structure("number of simulated years (12 months each)", ge=1, le=50)
    migrants: int = structure(
        "number of agent rows (each row represents population.represented_people / migrants "
        "people)", ge=10, le=50_000_000)


class Population(StrictModel):
    represented_people: Positive = structure(
        "rural-hukou workers represented by all rows together (people)")
    in_city_share: Share = structure("share living in a city at the start (the rest are at "
                                     "their rural origin, potential migrants)")
    registered_poor_share: Share = structure("share in registered poor households (建档立卡)")
    minimum_income_share: Share = structure("share receiving rural minimum income (低保), not "
                                            "registered poor")
    female_share: Share = structure("share female")
    married_share: Share = structure("share married")
    whole_family_share: Share = structure(
        "share of married migrants in cities whose spouse and children live with them "
        "(举家外出, whole-family migration)")
    school_age_children_share: Share = structure(
        "share of married workers aged 25-50 with school-age children (6-15)")
    inter_provincial_share: Share = structure(
        "share of migrants in cities who live outside their home province at the start")
    mean_initial_months_in_city: Positive = structure(
        "mean months already lived in the current city by migrants there at the start "
        "(exponential, capped at the months since age 16)")
    formal_job_share_initial: Share = structure(
        "share of employed migrants in cities who hold a formal job at the start")
    residence_permit_share_initial: Share = structure(
        "share of migrants in cities holding a residence permit at the start (given to "
        "eligible ones)")
    unemployment_share_initial: Share = structure(
        "share of migrants in cities searching for work at the start")
    mean_contract_land_mu: NonNegative = structure(
        "mean rural contract land of a migrant's household (mu; exponential across households)")
    retirement_age: int = structure("age (years) at which workers leave the labour force; rows "
                                    "of unsettled retirees are recycled as new rural 16-year-"
                                    "olds (constant weight)", ge=40, le=80)
    age_shares: Annotated[AgeShares, Summing] = structure(
        "age distribution of workers at the start")
    education_shares: Annotated[SharesByEducation, Summing] = structure(
        "education distribution")
    origin_region_shares: Annotated[SharesByRegion, Summing] = structure(
        "region of origin (hukou province)")
    initial_housing_shares: Annotated[InitialHousingShares, Summing] = structure(
        "housing of migrants in cities at the start")


class Cities(StrictModel):
    layout_seed: int = structure("seed for the fixed layout of cities over provinces and "
                                 "their sizes within class bounds (the same in every run)",
                                 ge=0)
    wage_yuan_per_month: PositiveByClass = structure(
        "mean monthly wage of a migrant worker with junior-secondary education (yuan), by class")
    wage_region_factor: PositiveByRegion = structure("wage multiplier by region")
    wage_growth_per_year: Annotated[float, Field(ge=-0.5, le=0.5)] = structure(
        "nominal wage growth per year (share)")
    living_cost_yuan_per_month: NonNegativeByClass = structure(
        "monthly living cost of a migrant (rent, food) by class (yuan)")
    migrant_capacity_weight: PositiveByClass = structure(
        "relative number of migrants one city of the class can absorb")
    capacity_region_factor: PositiveByRegion = structure(
        "multiplier on migrant capacity by the city's region")
    capacity_headroom: Annotated[float, Field(ge=0.5, le=5.0)] = structure(
        "carrying capacity of the city system / migrants in cities at the start")
    jobs_per_capacity: Share = structure("jobs for migrants per unit of carrying capacity")


class Migration(StrictModel):
    outmigration_monthly_probability: Probability = uncertainty(
        "monthly probability that a rural worker aged 16-49 leaves for a city")
    outmigration_age_50_plus_factor: NonNegative = uncertainty(
        "relative propensity to leave for workers aged 50 or more")
    income_weight: NonNegative = uncertainty(
        "weight of log expected monthly income (wage x job chance) in the city-choice logit")
    living_cost_weight_per_1000_yuan: NonNegative = uncertainty(
        "disutility per 1000 yuan of monthly living cost in the city-choice logit")
    same_province_bonus: float = uncertainty(
        "utility of a city in the home province (distance and the province border)")
    network_weight: NonNegative = uncertainty(
        "weight of log(1 + share of the origin province's migrants in the city, per mille)")
    crowding_weight: NonNegative = uncertainty(
        "disutility of (migrants / carrying capacity)^4 as a city fills")
    return_monthly_probability: Probability = uncertainty(
        "baseline monthly probability that an unsettled migrant returns home")
    return_per_unemployed_month: Probability = uncertainty(
        "added monthly return probability per month of the current unemployment spell (to 12)")
    return_age_50_plus: Probability = uncertainty(
        "added monthly return probability for migrants aged 50 or more")
    return_left_behind_children: Probability = uncertainty(
        "added monthly return probability for migrants whose children are left behind")


class Labour(StrictModel):
    job_match_monthly_probability: Probability = uncertainty(
        "monthly chance a searcher finds a job when vacancies are plentiful")
    formal_job_probability: SharesByEducation = uncertainty(
        "chance a new job is formal (with social insurance), by education")
    separation_formal_monthly: Probability = uncertainty("monthly job-loss chance, formal job")
    separation_informal_monthly: Probability = uncertainty(
        "monthly job-loss chance, informal job")
    wage_education_factor: PositiveByEducation = uncertainty(
        "wage multiplier by education (junior secondary = 1)")
    formal_wage_premium: Positive = uncertainty("wage multiplier of a formal job")
    poor_wage_factor: Positive = uncertainty("wage multiplier for registered-poor and "
                                             "minimum-income workers")
    ability_sigma: NonNegative = uncertainty(
        "standard deviation of log individual wage ability (lognormal, mean 1)")


class Willingness(StrictModel):
    """The decision to want local hukou (prov. 16): a logit on what hukou is worth to the
    household against the rural rights settling would cost."""

    intercept: float = uncertainty("logit intercept (calibrated to P1: 37% willing in 2017)")
    whole_family_value: float = uncertainty("utility when the whole family lives in the city")
    children_in_city_value: float = uncertainty(
        "utility when school-age children live in the city (schooling and exams)")
    city_class_value: RealByClass = uncertainty(
        "utility of the hukou of a city of each class (services, schooling, housing)")
    rural_loss_weight_per_10000_yuan: NonNegative = uncertainty(
        "disutility per 10,000 yuan of rural rights lost by settling, net of any paid exit")
    land_value_yuan_per_mu: NonNegative = uncertainty(
        "what a migrant's household values a mu of contract land at (yuan)")
    homestead_value_yuan: NonNegative = uncertainty(
        "what a household values its homestead and collective income at (yuan)")


class Behaviour(StrictModel):
    migration: Migration
    labour: Labour
    permit_monthly_take_up: Probability = uncertainty(
        "monthly chance an eligible migrant without a residence permit obtains one (awareness "
        "and paperwork, prov. 14 and 21)")
    willingness: Willingness
    settlement_monthly_application_probability: Probability = uncertainty(
        "monthly chance a willing, eligible migrant applies (and is processed)")
    government: Government


class ResidencePermit(StrictModel):
    """Residence-permit (居住证) conditions, prov. 14 and the 2015 regulation."""

    min_residence_months: Months = lever("months of residence in the city required")
    accepts_stable_job: bool = lever("a job in the city qualifies")
    accepts_legal_home: bool = lever("a legal stable residence (rental counts) qualifies")
    accepts_child_in_school: bool = lever("a child living and schooled in the city qualifies")
    breaches_national_standard: bool = lever(
        "set true only to model a city that demands more than the national standard of "
        f"{NATIONAL_PERMIT_MAX_MONTHS} months (prov. 14 forbids it)")
    source: str = Field(description="document and provision the rule comes from")

    @model_validator(mode="after")
    def _national_standard(self) -> ResidencePermit:
        # prov. 14: permit thresholds no higher than the national standard
        if (self.min_residence_months > NATIONAL_PERMIT_MAX_MONTHS
                and not self.breaches_national_standard):
            raise ValueError(
                f"min_residence_months={self.min_residence_months} exceeds the national "
                f"standard of {NATIONAL_PERMIT_MAX_MONTHS} months; valid: 0-"
                f"{NATIONAL_PERMIT_MAX_MONTHS}, or set breaches_national_standard: true")
        return self


class Scenario(StrictModel):
    """A fully resolved scenario: everything a run needs, frozen."""

    name: str = Field(min_length=1, description="short name, used in result folders")
    description: str = Field(description="one sentence: why this scenario exists")
    simulation: Simulation
    population: Population
    cities: Cities
    behaviour: Behaviour
    residence_permit: ResidencePermit
    settlement: Settlement
    services: Services
    fiscal: Fiscal
    national: National | None = Field(
        None, description="national population accounts for urbanization rates (historical "
        "scenarios; see model/national.py)")

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)

    def hash(self) -> str:
        """A short content hash of the resolved scenario (identical values, identical hash)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def override(self, overrides: Mapping[str, Any]) -> Scenario:
        """A copy with dotted-key overrides applied, validated like a file."""
        data = self.model_dump(mode="json")
        lines: dict[tuple, tuple[str, int | None]] = {}
        _apply_overrides(data, lines, overrides, self.name)
        return _validate(data, lines, f"'{self.name}' with overrides")


# --- loading ----------------------------------------------------------------------------------


class ScenarioError(InputError):
    """A scenario that cannot be used. The message is one paragraph for the user."""


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Read a scenario file, resolve `extends`, apply dotted-key overrides and validate."""
    path = Path(path)
    data, lines = _read_resolved(path, chain=())
    if overrides:
        _apply_overrides(data, lines, overrides, str(path))
    return _validate(data, lines, str(path))


def _read_resolved(path: Path, chain: tuple[Path, ...]) -> tuple[dict, LineMap]:
    data, lines = read_yaml(path, "Scenario file", ScenarioError, "scenarios/baseline.yaml")
    if "name" not in data:
        raise ScenarioError(f"Scenario file {path} has no 'name': every scenario file needs "
                            "its own short name (and a one-sentence 'description').")
    parent = data.pop("extends", None)
    if parent is None:
        return data, lines
    where = lines.get(("extends",), (str(path), None))[1]
    if not isinstance(parent, str):
        raise ScenarioError(f"Scenario file {path}, line {where}, key 'extends': must be the "
                            f"path of another scenario file (relative to this one), got "
                            f"{parent!r}.")
    parent_path = (path.parent / parent).resolve()
    if parent_path in chain or parent_path == path.resolve():
        raise ScenarioError(f"Scenario file {path}, line {where}, key 'extends': '{parent}' "
                            "extends itself (a cycle through "
                            + " -> ".join(str(p) for p in (*chain, parent_path)) + ").")
    if not parent_path.is_file():
        raise ScenarioError(f"Scenario file {path}, line {where}, key 'extends': the file "
                            f"'{parent}' does not exist (looked for {parent_path}); valid: a "
                            "path to a scenario file relative to this file's folder.")
    base, base_lines = _read_resolved(parent_path, chain=(*chain, path.resolve()))
    base.pop("description", None)  # each file describes itself
    return _deep_merge(base, data), {**base_lines, **lines}


def _deep_merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _apply_overrides(data: dict, lines: LineMap, overrides: Mapping[str, Any], where: str) -> None:
    for dotted, value in overrides.items():
        keys = dotted.split(".")
        node = data
        for depth, key in enumerate(keys[:-1]):
            if not isinstance(node.get(key), dict):
                raise ScenarioError(
                    f"Override '{dotted}' for {where}: '{'.'.join(keys[:depth + 1])}' is not a "
                    f"section of the scenario. Valid sections here: "
                    f"{', '.join(k for k, v in node.items() if isinstance(v, dict)) or 'none'}.")
            node = node[key]
        node[keys[-1]] = value
        lines[tuple(keys)] = (f"override '{dotted}'", None)


def _validate(data: dict, lines: LineMap, source: str) -> Scenario:
    return validate(Scenario, data, lines, source, "Scenario", ScenarioError)
