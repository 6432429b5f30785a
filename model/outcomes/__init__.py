"""Outcomes: named functions of the year-end state, registered with unit, theme and definition.

    registry    `@outcome(unit, theme)`, `OUTCOMES`, `record` (a year's tidy rows)
    snapshot    `Snapshot` (what outcomes read) and the (population, class) table helpers
    settlement, labour, services, fiscal, national
                one module per theme

Every outcome is in people (row weights applied), for `all` migrants and the `poor`
(registered poor and minimum income), for the city system and each size class.
"""

from model.outcomes import fiscal, labour, national, services, settlement  # noqa: F401 (register)
from model.outcomes.registry import (
    CITY_CLASSES,
    OUTCOMES,
    POPULATIONS,
    THEMES,
    Outcome,
    headline_values,
    outcome,
    record,
)
from model.outcomes.settlement import FUNNEL
from model.outcomes.snapshot import Snapshot

#: The outcomes a comparison leads with.
HEADLINE = (
    "hukou_citizenization_rate",
    "service_citizenization_rate",
    "settlements_per_year",
    "migrants_in_cities",
    "children_schooled_locally_share",
    "residence_permit_share",
    "settlement_willing_share",
    "flowing_not_settling",
    "return_migration_rate",
    "employment_rate",
    "mean_monthly_income_yuan",
    "public_spending_yuan",
    "central_reward_spend_yuan",
    "city_net_fiscal_cost_yuan",
)

__all__ = [
    "CITY_CLASSES",
    "FUNNEL",
    "HEADLINE",
    "OUTCOMES",
    "POPULATIONS",
    "THEMES",
    "Outcome",
    "Snapshot",
    "headline_values",
    "outcome",
    "record",
]
