"""The settlement part of a scenario (prov. 14 and 16): rules per size class and per named city,
points systems, priority groups with the conditions each exempts from, and rural rights.

A rule is one of
- **open**: stable legal residence is enough (months in the city; a legal home if required);
- **conditions**: also months of social insurance in the city, a stable job and/or a legal home,
  within the national caps (at most 3 years of insurance in medium cities, 5 in large ones:
  国发〔2014〕25号 H2; 推动1亿非户籍人口在城市落户方案 U15);
- **points** (积分落户): eligibility conditions (as above), then a score from named items and a
  minimum score; applicants are ranked by score and an annual quota settles the top ones. The
  2016 plan (U15) allows points systems only in cities of 3 million or more.
A scenario that models a city breaking a national rule says so with `breaches_national_standard`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from model.reference import named_cities, read_csv
from model.scenario.types import (
    ByClass,
    Months,
    NonNegative,
    Share,
    SizeClassName,
    StrictModel,
    lever,
)

#: The conditions a rule can impose, as priority groups name them in `exempts`.
Condition = Literal["residence", "social_insurance", "stable_job", "legal_home", "points"]

#: What a points item can count (per unit): see `model/processes/settlement.py`.
ItemSource = Literal[
    "social_insurance_months",
    "residence_months",
    "education_level",
    "years_under_45",
    "owns_home",
    "formal_job",
    "whole_family",
    "children_in_city",
]

#: National caps on the social-insurance condition, months (H2, U15).
SOCIAL_INSURANCE_CAP_MONTHS = {"medium": 36, "large_2": 60, "large_1": 60}
#: Classes where the 2016 plan (U15) forbids points systems (under 3 million people).
NO_POINTS_CLASSES = ("large_2", "medium", "small_1", "small_2")


class PointsItem(StrictModel):
    source: ItemSource = lever(
        "what the item counts, per unit: months of social insurance or "
        "residence, education level (0 none - 4 college), years under "
        "45, owning a home, a formal job, whole family, children in the "
        "city"
    )
    points_per_unit: float = lever("points per unit of the source (negative to deduct)")
    max_points: NonNegative | None = lever("cap on the item's points; null for none")


class PointsRule(StrictModel):
    items: dict[str, PointsItem] = Field(min_length=1, description="named score items")
    min_score: NonNegative = lever("score needed to apply")


class SettlementRule(StrictModel):
    """One settlement (落户) rule, prov. 14."""

    kind: Literal["open", "conditions", "points"] = lever(
        "open: stable legal residence is enough; conditions: months of residence and social "
        "insurance, a stable job and/or a legal home; points: conditions to apply, then a score "
        "and an annual quota"
    )
    min_residence_months: Months = lever("months lived in the city")
    min_social_insurance_months: Months = lever(
        "months of social insurance paid in the city (conditions and points)"
    )
    requires_stable_job: bool = lever("must hold a job (conditions and points)")
    requires_legal_home: bool = lever("must live in a legal stable residence")
    points: PointsRule | None = lever("the score (points rules only)", default=None)
    annual_quota_people_per_city: NonNegative | None = lever(
        "people a city settles per calendar year through points, ranked by score (points rules "
        "only; null for no quota)",
        default=None,
    )
    breaches_national_standard: bool = lever(
        "true only to model a rule beyond the national caps (insurance years, points below 3 "
        "million)",
        default=False,
    )
    source: str = Field(description="document and provision the rule comes from")

    @model_validator(mode="after")
    def _kind_fits(self) -> SettlementRule:
        if self.kind == "open" and (self.min_social_insurance_months or self.requires_stable_job):
            raise ValueError(
                "an open rule cannot require social insurance or a job; use kind: conditions"
            )
        if self.kind == "points" and self.points is None:
            raise ValueError("a points rule needs 'points' (items and min_score)")
        if self.kind != "points" and (
            self.points is not None or self.annual_quota_people_per_city is not None
        ):
            raise ValueError(
                f"a {self.kind} rule has no score or quota; 'points' and "
                "'annual_quota_people_per_city' belong to kind: points"
            )
        return self


class RulesByClass(ByClass[SettlementRule]):
    @model_validator(mode="after")
    def _national_caps(self) -> RulesByClass:
        for size_class, cap in SOCIAL_INSURANCE_CAP_MONTHS.items():
            rule = getattr(self, size_class)
            if rule.min_social_insurance_months > cap and not rule.breaches_national_standard:
                raise ValueError(
                    f"{size_class} asks {rule.min_social_insurance_months} months of social "
                    f"insurance; national rules cap it at {cap} (H2, U15). Valid: 0-{cap}, or "
                    "set breaches_national_standard: true"
                )
        for size_class in NO_POINTS_CLASSES:
            rule = getattr(self, size_class)
            if rule.kind == "points" and not rule.breaches_national_standard:
                raise ValueError(
                    f"{size_class}: points systems are not allowed in cities under "
                    "3 million (U15); use open or conditions, or set "
                    "breaches_national_standard: true"
                )
        return self


class PriorityGroup(StrictModel):
    enabled: bool = lever("whether the group has priority")
    exempts: list[Condition] = lever(
        "conditions the group is exempt from: residence, social_insurance, stable_job, "
        "legal_home, points (points: the minimum score is waived; the member still queues under "
        "the quota, first in line)"
    )


class PriorityGroups(StrictModel):
    """Priority groups (prov. 14; prov. 2 for the poor), except in the listed places.

    Rural students and soldiers, also named by prov. 14, are not represented: the population is
    rural-hukou workers."""

    five_years_in_city: PriorityGroup = lever(
        "people who have worked and lived >= 60 months in the city"
    )
    whole_family: PriorityGroup = lever("whole-family migrants (spouse and children in the city)")
    new_generation: PriorityGroup = lever("new-generation migrants (born 1980 or later)")
    poor: PriorityGroup = lever(
        "registered-poor and minimum-income migrants (prov. 2; the NDRC "
        "2019-2020 tasks: settle all who should)"
    )
    min_residence_months: Months = lever(
        "months in the city before priority counts (prov. 2: one year)"
    )
    not_in_classes: list[SizeClassName] = lever(
        "city classes where priority does not apply (the megacity exception of prov. 14)"
    )
    not_in_cities: list[str] = lever(
        "named cities where priority does not apply", default_factory=list
    )

    @model_validator(mode="after")
    def _known_cities(self) -> PriorityGroups:
        _check_city_names(self.not_in_cities)
        return self


class RuralRights(StrictModel):
    """What settling does to rural rights (prov. 16)."""

    protected: bool = lever(
        "settlers keep land-contract, homestead and collective-income rights (prov. 16)"
    )
    paid_exit_yuan_per_mu: NonNegative = lever(
        "price paid for giving up contract land on settling, yuan per mu (voluntary paid exit, "
        "prov. 16; 0 = none)"
    )
    paid_exit_yuan_per_homestead: NonNegative = lever(
        "price paid for giving up the homestead on settling, yuan (0 = none)"
    )


class Implementation(StrictModel):
    """How fully localities carry the settlement rules out (prov. 18: provinces responsible,
    cities and counties implement). A city that does not keeps the settlement rule and priority
    groups in force before the start (`before_start`); which cities implement is fixed by the
    layout, the same in every run."""

    share_of_cities: Share = lever("share of cities that implement the scenario's settlement rules")
    by_province: dict[str, Share] = lever(
        "share of cities implementing in named provinces (English names), replacing "
        "share_of_cities there",
        default_factory=dict,
    )

    @model_validator(mode="after")
    def _known_provinces(self) -> Implementation:
        known = [r["province"] for r in read_csv("provinces.csv")]
        unknown = [p for p in self.by_province if p not in known]
        if unknown:
            raise ValueError(f"unknown province name(s) {unknown}; valid: {', '.join(known)}")
        return self


class Settlement(StrictModel):
    rules: RulesByClass
    city_rules: dict[str, SettlementRule] = lever(
        "rules of named cities, replacing their class's rule (English names: Beijing, "
        "Shanghai, ...)",
        default_factory=dict,
    )
    priority_groups: PriorityGroups
    rural_rights: RuralRights
    implementation: Implementation = lever(
        "how fully cities implement the settlement rules (prov. 18)",
        default_factory=lambda: Implementation(share_of_cities=1.0),
    )

    @model_validator(mode="after")
    def _known_city_rules(self) -> Settlement:
        _check_city_names(list(self.city_rules))
        return self


def _check_city_names(names: list[str]) -> None:
    known = named_cities()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown city name(s) {unknown}; valid: {', '.join(known)}")
