"""The browser dashboard: `citizenization app` (Mesa SolaraViz).

Choose a scenario file and a few levers, press Reset to build the model, then Step or Play to
watch the citizenization rates and the funnel evolve month by month. Every default is the
chosen scenario's own value ("as in scenario"): the scenario files are the one source.
"""

from __future__ import annotations

import functools
from pathlib import Path

import mesa
import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

from model.model import CitizenizationModel
from model.outcomes import FUNNEL, OUTCOMES
from model.output import plots
from model.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
DEFAULT_SCENARIO = "policy_2019.yaml"
AS_IN_SCENARIO = "as in scenario"

#: Settlement rules a planner can pick for a group of classes: label -> rule overrides.
RULE_CHOICES = {
    "open": {"kind": "open", "min_social_insurance_months": 0, "requires_stable_job": False},
    "conditions: 1 year of insurance": {
        "kind": "conditions",
        "min_social_insurance_months": 12,
        "requires_stable_job": True,
    },
    "conditions: 3 years of insurance": {
        "kind": "conditions",
        "min_social_insurance_months": 36,
        "requires_stable_job": True,
    },
}
LARGE = ("large_1", "large_2")
MEDIUM_AND_SMALL = ("medium", "small_1", "small_2")
SWITCH = {AS_IN_SCENARIO: None, "on": True, "off": False}


@functools.cache
def opinion_priority_groups():
    """The priority groups of the 2019 opinion as `scenarios/policy_2019.yaml` writes them."""
    return load_scenario(SCENARIOS / "policy_2019.yaml").settlement.priority_groups


def lever_overrides(
    scenario,
    large_rule: str,
    medium_small_rule: str,
    reward_multiplier: float,
    priority_groups: str,
    rural_rights: str,
    school_places_multiplier: float = 1.0,
    public_rental_poor_priority: str = AS_IN_SCENARIO,
) -> dict:
    """The dashboard's lever choices as dotted-key scenario overrides."""
    overrides: dict = {}
    if school_places_multiplier != 1.0:
        overrides["services.schooling.places_per_1000_capacity"] = (
            scenario.services.schooling.places_per_1000_capacity * school_places_multiplier
        )
    if SWITCH[public_rental_poor_priority] is not None:
        overrides["services.public_rental_housing.poor_priority"] = SWITCH[
            public_rental_poor_priority
        ]
    for classes, choice in ((LARGE, large_rule), (MEDIUM_AND_SMALL, medium_small_rule)):
        if choice != AS_IN_SCENARIO:
            for size_class in classes:
                for key, value in RULE_CHOICES[choice].items():
                    overrides[f"settlement.rules.{size_class}.{key}"] = value
                if RULE_CHOICES[choice]["kind"] == "open":
                    overrides[f"settlement.rules.{size_class}.points"] = None
                    overrides[f"settlement.rules.{size_class}.annual_quota_people_per_city"] = None
    reward = scenario.fiscal.reward
    if reward_multiplier != 1.0:
        for key in (
            "yuan_per_cross_province_settler",
            "yuan_per_in_province_settler",
            "extra_yuan_per_poor_settler",
        ):
            overrides[f"fiscal.reward.{key}"] = getattr(reward, key) * reward_multiplier
        if reward.annual_budget_yuan is not None:
            overrides["fiscal.reward.annual_budget_yuan"] = (
                reward.annual_budget_yuan * reward_multiplier
            )
    if SWITCH[priority_groups] is not None:
        # "on": each group as the 2019 opinion defines it (policy_2019.yaml), so the dashboard
        # holds no settlement rule of its own
        opinion = opinion_priority_groups()
        for group in ("five_years_in_city", "whole_family", "new_generation", "poor"):
            overrides[f"settlement.priority_groups.{group}.enabled"] = SWITCH[priority_groups]
            if SWITCH[priority_groups]:
                overrides[f"settlement.priority_groups.{group}.exempts"] = list(
                    getattr(opinion, group).exempts
                )
    if SWITCH[rural_rights] is not None:
        overrides["settlement.rural_rights.protected"] = SWITCH[rural_rights]
    return overrides


# --- monthly measures (the dashboard's DataCollector) -----------------------------------------


def citizenization_rate_all(model: CitizenizationModel) -> float:
    return float(OUTCOMES["hukou_citizenization_rate"](model.snapshot())[0, 0])


def citizenization_rate_poor(model: CitizenizationModel) -> float:
    return float(OUTCOMES["hukou_citizenization_rate"](model.snapshot())[1, 0])


def residence_permit_share(model: CitizenizationModel) -> float:
    return float(OUTCOMES["residence_permit_share"](model.snapshot())[0, 0])


def settlement_willing_share(model: CitizenizationModel) -> float:
    return float(OUTCOMES["settlement_willing_share"](model.snapshot())[0, 0])


def service_citizenization_rate(model: CitizenizationModel) -> float:
    return float(OUTCOMES["service_citizenization_rate"](model.snapshot())[0, 0])


MEASURES = {
    "citizenization rate, all": citizenization_rate_all,
    "citizenization rate, poor": citizenization_rate_poor,
    "service citizenization rate": service_citizenization_rate,
    "residence permit share": residence_permit_share,
    "willing to settle": settlement_willing_share,
}


class DashboardModel(CitizenizationModel):
    """The model built from a scenario file and the dashboard's levers (SolaraViz re-creates it
    with these keyword arguments on Reset); collects the monthly measures."""

    def __init__(
        self,
        scenario_file: str = DEFAULT_SCENARIO,
        migrants: int = 20_000,
        seed: int = 1,
        large_rule: str = AS_IN_SCENARIO,
        medium_small_rule: str = AS_IN_SCENARIO,
        reward_multiplier: float = 1.0,
        priority_groups: str = AS_IN_SCENARIO,
        rural_rights: str = AS_IN_SCENARIO,
        school_places_multiplier: float = 1.0,
        public_rental_poor_priority: str = AS_IN_SCENARIO,
    ):
        base = load_scenario(SCENARIOS / scenario_file)
        scenario = base.override(
            {
                "simulation.migrants": int(migrants),
                **lever_overrides(
                    base,
                    large_rule,
                    medium_small_rule,
                    reward_multiplier,
                    priority_groups,
                    rural_rights,
                    school_places_multiplier,
                    public_rental_poor_priority,
                ),
            }
        )
        super().__init__(scenario, seed=int(seed))
        self.datacollector = mesa.DataCollector(model_reporters=MEASURES)
        self.datacollector.collect(self)

    def step(self) -> None:
        super().step()
        self.datacollector.collect(self)
        self.running = self.steps < self.months


@solara.component
def Headline(model: DashboardModel):
    """The current month's rates as text (also what the browser test reads)."""
    update_counter.get()
    clock = model.clock
    rate = citizenization_rate_all(model)
    poor = citizenization_rate_poor(model)
    # plain HTML: solara's Markdown would load a diagram library from a CDN
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"<b>{model.spec.name}</b>, month {model.steps} ({clock.year}-{clock.month:02d}): "
            f"citizenization rate <span class='citizenization-rate'>{rate:.4f}</span> "
            f"(poor {poor:.4f})"
        ),
    )


@solara.component
def Funnel(model: DashboardModel):
    """The citizenization funnel now: in a city >= 12 months -> ... -> settled."""
    update_counter.get()
    snapshot = model.snapshot()
    values = [float(OUTCOMES[name](snapshot)[0, 0]) for name in FUNNEL]
    fig = Figure(figsize=(7, 3.2))
    plots.draw_funnel(fig.subplots(), values)
    solara.FigureMatplotlib(fig)


def model_params() -> dict:
    """SolaraViz inputs; defaults are 'as in scenario' (the scenario files hold the values)."""
    files = sorted(p.name for p in SCENARIOS.glob("*.yaml"))
    return {
        "scenario_file": {
            "type": "Select",
            "value": DEFAULT_SCENARIO,
            "values": files,
            "label": "scenario",
        },
        "migrants": {
            "type": "SliderInt",
            "value": 20_000,
            "min": 5_000,
            "max": 200_000,
            "step": 5_000,
            "label": "agent rows",
        },
        "seed": {"type": "SliderInt", "value": 1, "min": 0, "max": 20, "step": 1, "label": "seed"},
        "large_rule": {
            "type": "Select",
            "value": AS_IN_SCENARIO,
            "values": [AS_IN_SCENARIO, *RULE_CHOICES],
            "label": "settlement rule, large cities (1-5 M)",
        },
        "medium_small_rule": {
            "type": "Select",
            "value": AS_IN_SCENARIO,
            "values": [AS_IN_SCENARIO, "open", "conditions: 1 year of insurance"],
            "label": "settlement rule, medium and small cities",
        },
        "reward_multiplier": {
            "type": "SliderFloat",
            "value": 1.0,
            "min": 0.0,
            "max": 3.0,
            "step": 0.25,
            "label": "reward per settler (x scenario)",
        },
        "priority_groups": {
            "type": "Select",
            "value": AS_IN_SCENARIO,
            "values": list(SWITCH),
            "label": "priority groups (prov. 14)",
        },
        "rural_rights": {
            "type": "Select",
            "value": AS_IN_SCENARIO,
            "values": list(SWITCH),
            "label": "rural rights protected (prov. 16)",
        },
        "school_places_multiplier": {
            "type": "SliderFloat",
            "value": 1.0,
            "min": 0.0,
            "max": 3.0,
            "step": 0.25,
            "label": "school places (x scenario)",
        },
        "public_rental_poor_priority": {
            "type": "Select",
            "value": AS_IN_SCENARIO,
            "values": list(SWITCH),
            "label": "public rental priority for the poor (prov. 12)",
        },
    }


def make_page():
    """The SolaraViz page (built on demand: importing this module builds nothing)."""
    return SolaraViz(
        DashboardModel(),
        components=[
            Headline,
            Funnel,
            make_plot_component(
                {
                    "citizenization rate, all": "tab:blue",
                    "citizenization rate, poor": "tab:orange",
                    "service citizenization rate": "tab:purple",
                }
            ),
            make_plot_component(
                {"residence permit share": "tab:green", "willing to settle": "tab:red"}
            ),
        ],
        model_params=model_params(),
        name="Citizenization of rural poor migrants",
        play_interval=150,
    )
