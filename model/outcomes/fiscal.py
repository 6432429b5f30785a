"""Fiscal outcomes (prov. 15): what the centre paid, what cities spent and received, by
instrument and by service. Each is a per-city account of the year summed by the cities' class;
the `poor` row is NaN (accounts are of cities, not people)."""

from collections.abc import Callable

from model.outcomes.registry import Unit, register_family
from model.outcomes.snapshot import per_city


def _account(name: str, read: Callable, definition: str, unit: Unit = "yuan") -> None:
    """Register the outcome `name`: `read(accounts)` per city, summed by class."""
    register_family(
        globals(), name, lambda s: per_city(s, read(s.accounts)), definition, unit, "fiscal"
    )


# the centre's instruments
_account(
    "central_reward_spend_yuan",
    lambda a: a.rewards,
    "Citizenization rewards the centre paid for the year, by receiving city (yuan).",
)
_account(
    "infrastructure_subsidy_yuan",
    lambda a: a.infrastructure_subsidy,
    "Infrastructure subsidy the centre paid for the year (yuan).",
)
_account(
    "land_quota_m2",
    lambda a: a.land_quota_m2,
    "Construction-land and homestead quota granted for the year's settlers (m2).",
    "m2",
)
# the cities' side
_account(
    "capacity_investment_yuan",
    lambda a: a.capacity_investment,
    "Cities' investment in capacity for migrants in the year (yuan).",
)
_account(
    "urban_village_investment_yuan",
    lambda a: a.urban_village_investment,
    "Cities' spending on renovating urban villages where migrants live in the year (prov. 13, "
    "yuan).",
)
_account(
    "public_spending_yuan",
    lambda a: a.spending,
    "Public spending on migrants and settlers in the year: services plus capacity and "
    "urban-village investment (yuan; rewards and subsidies are transfers within the public "
    "sector, not counted again).",
)
_account(
    "city_net_fiscal_cost_yuan",
    lambda a: -a.balance,
    "Cities' spending less revenue, central transfers and land revenue (yuan; positive: "
    "migrants and settlers cost the cities more than they bring).",
)
# each service's cost to the cities
for _name, _field, _definition in (
    (
        "schooling_cost_yuan",
        "schooling_cost",
        "Cities' cost of migrants' children's school places in the year (yuan).",
    ),
    (
        "public_rental_housing_cost_yuan",
        "public_rental_housing_cost",
        "Cities' cost of public rental flats for migrants in the year (yuan).",
    ),
    (
        "medical_insurance_cost_yuan",
        "medical_insurance_cost",
        "Cities' cost of migrants' local medical insurance, premium subsidies included (yuan).",
    ),
    (
        "pension_cost_yuan",
        "pension_cost",
        "Cities' cost of migrants' pension cover, premiums paid for the poor included (yuan).",
    ),
    (
        "employment_services_cost_yuan",
        "employment_services_cost",
        "Cities' cost of employment services in the year (yuan).",
    ),
    ("training_cost_yuan", "training_cost", "Cities' cost of skills training in the year (yuan)."),
    (
        "assistance_cost_yuan",
        "assistance_cost",
        "Cities' cost of hardship assistance in the year (yuan).",
    ),
    (
        "complaints_cost_yuan",
        "complaints_cost",
        "Cities' cost of handling complaints against wrongful denial of services (prov. 20, yuan).",
    ),
    (
        "other_insurance_cost_yuan",
        "other_insurance_cost",
        "Cities' cost of living subsidies and informal workers' injury cover (prov. 10, yuan).",
    ),
):
    _account(_name, lambda a, field=_field: getattr(a, field), _definition)
