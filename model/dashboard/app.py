"""The browser dashboard: `citizenization app` (Mesa SolaraViz).

Choose a scenario file and a few levers, press Reset to build the model, then Step or Play to
watch the citizenization rates and the funnel evolve month by month. Every default is the
chosen scenario's own value ("as in scenario"): the scenario files are the one source. When a
lever differs from the scenario, the scenario as written runs beside the variant on the same
seed (common random numbers, the same history), and the dashboard shows both and their
difference, in the citizenization rates over the years and in the money (prov. 15). English or
Chinese (中文).
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
from model.output.formatting import format_number
from model.output.names import display_name, figure_language
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
LANGUAGES = {"English": "en", "中文": "zh"}
#: Lever choices shown as text, so that a planner sees each value: label -> number.
ROWS = {f"{n:,} agent rows": n for n in (5_000, 10_000, 20_000, 50_000, 100_000, 200_000)}
MULTIPLES = {
    AS_IN_SCENARIO: 1.0,
    "none (x 0)": 0.0,
    "half (x 0.5)": 0.5,
    "one and a half (x 1.5)": 1.5,
    "double (x 2)": 2.0,
    "triple (x 3)": 3.0,
}


def _number(choice, table: dict) -> float:
    """A lever's number from its label (or the number itself, from Python)."""
    return float(table[choice]) if isinstance(choice, str) else float(choice)


#: The money panel: this year's flows so far (the centre's rewards are paid each December).
MONEY = ("public_spending_yuan", "city_net_fiscal_cost_yuan", "central_reward_spend_yuan")


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


def reference_rate_all(model) -> float:
    return citizenization_rate_all(model.reference)


def reference_rate_poor(model) -> float:
    return citizenization_rate_poor(model.reference)


def month_as_year(model) -> float:
    """The month shown on the x-axes: a year and its fraction (2019.0 is January 2019)."""
    clock = model.clock  # the month last simulated: the end of month m is year + m / 12
    return clock.year + clock.month / 12


MEASURES = {
    "year": month_as_year,
    "citizenization rate, all": citizenization_rate_all,
    "citizenization rate, poor": citizenization_rate_poor,
    "reference rate, all": reference_rate_all,
    "reference rate, poor": reference_rate_poor,
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
        migrants: int | str = 20_000,
        seed: int = 1,
        large_rule: str = AS_IN_SCENARIO,
        medium_small_rule: str = AS_IN_SCENARIO,
        reward_multiplier: float | str = 1.0,
        priority_groups: str = AS_IN_SCENARIO,
        rural_rights: str = AS_IN_SCENARIO,
        school_places_multiplier: float | str = 1.0,
        public_rental_poor_priority: str = AS_IN_SCENARIO,
        language: str = "English",
    ):
        base = load_scenario(SCENARIOS / scenario_file)
        size = {"simulation.migrants": int(_number(migrants, ROWS))}
        overrides = lever_overrides(
            base,
            large_rule,
            medium_small_rule,
            _number(reward_multiplier, MULTIPLES),
            priority_groups,
            rural_rights,
            _number(school_places_multiplier, MULTIPLES),
            public_rental_poor_priority,
        )
        super().__init__(base.override({**size, **overrides}), seed=int(seed))
        self.lang = LANGUAGES.get(language, "en")
        #: the scenario as written, on the same seed: what the levers are compared with
        self.reference = (
            CitizenizationModel(base.override(size), seed=int(seed)) if overrides else self
        )
        self.datacollector = mesa.DataCollector(model_reporters=MEASURES)
        self.datacollector.collect(self)

    def step(self) -> None:
        super().step()
        if self.reference is not self:
            self.reference.step()
        self.datacollector.collect(self)
        self.running = self.steps < self.months


@solara.component
def Headline(model: DashboardModel):
    """The current month's rates, the reference's and the difference, as text (also what the
    browser test reads)."""
    update_counter.get()
    clock = model.clock
    rate = citizenization_rate_all(model)
    poor = citizenization_rate_poor(model)
    name = display_name("outcome", "hukou_citizenization_rate", model.lang)
    comparison = ""
    if model.reference is not model:
        reference = citizenization_rate_all(model.reference)
        label = "scenario as written" if model.lang == "en" else "原方案"
        difference = format_number(
            "hukou_citizenization_rate", rate - reference, model.lang, True, True
        )
        comparison = (
            f"; {label} <span class='reference-rate'>{reference:.4f}</span>, difference "
            f"<span class='rate-difference'>{difference}</span>"
        )
    solara.Style(HIDE_MESA_INTERNALS)
    # plain HTML: solara's Markdown would load a diagram library from a CDN
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"<b>{model.spec.name}</b>, month {model.steps} ({clock.year}-{clock.month:02d}): "
            f"{name} <span class='citizenization-rate'>{rate:.4f}</span> "
            f"(poor {poor:.4f}){comparison}"
        ),
    )


#: Mesa's own controls a planner does not need (play and render intervals, threads) and the
#: single page tab: hidden; Reset, Step and Play stay.
HIDE_MESA_INTERNALS = """
.v-navigation-drawer .v-card:first-of-type .v-input { display: none !important; }
.v-navigation-drawer .v-card:first-of-type .v-card__text > div > .v-alert { display: none; }
.v-tabs { display: none !important; }
"""


#: The services panel: the poor migrants' access now (prov. 2, 5, 8, 9, 12).
SERVICES = (
    "residence_permit_share",
    "children_schooled_locally_share",
    "public_rental_housing_share",
    "local_medical_insurance_share",
    "pension_coverage_share",
)


def side_by_side(model: DashboardModel, outcomes, population: int, css: str, title: str) -> str:
    """An HTML table of `outcomes` now (row `population` of their tables: 0 all, 1 poor):
    variant, scenario as written and their difference, or the run's values alone."""
    lang = model.lang
    pair = (model, model.reference) if model.reference is not model else (model,)
    rows = []
    for outcome in outcomes:
        values = [float(OUTCOMES[outcome](m.snapshot())[population, 0]) for m in pair]
        cells = [format_number(outcome, v, lang) for v in values]
        if len(values) == 2:
            cells.append(
                format_number(outcome, values[0] - values[1], lang, signed=True, difference=True)
            )
        rows.append(
            f"<tr><td>{display_name('outcome', outcome, lang)}</td>"
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    if len(pair) == 2:
        head = (
            ["", "调整方案", "原方案", "差值"]
            if lang == "zh"
            else ["", "variant", "as written", "difference"]
        )
    else:
        head = ["", "本年" if lang == "zh" else "now"]
    return (
        f"<b class='{css}'>{title}</b><table><tr>"
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr>"
        + "".join(rows)
        + "</table>"
    )


@solara.component
def Money(model: DashboardModel):
    """The money (prov. 15) this year so far, variant and scenario as written: public spending,
    the cities' net cost, and the centre's rewards (paid each December for the year)."""
    update_counter.get()
    title = "The money this year (prov. 15)" if model.lang == "en" else "本年财政（第15条）"
    solara.HTML(tag="div", unsafe_innerHTML=side_by_side(model, MONEY, 0, "money-panel", title))


@solara.component
def Services(model: DashboardModel):
    """Poor migrants' access to services now, variant and scenario as written."""
    update_counter.get()
    title = (
        "Services for poor migrants now (prov. 2, 5, 8, 9, 12)"
        if model.lang == "en"
        else "贫困农民工基本公共服务（第2、5、8、9、12条）"
    )
    solara.HTML(
        tag="div", unsafe_innerHTML=side_by_side(model, SERVICES, 1, "services-panel", title)
    )


def rates_by_class(model: CitizenizationModel) -> list[float]:
    """The hukou citizenization rate now in each city class (SizeClass order)."""
    return [float(v) for v in OUTCOMES["hukou_citizenization_rate"](model.snapshot())[0, 1:]]


@solara.component
def ByClass(model: DashboardModel):
    """The citizenization rate now by city class, variant and scenario as written."""
    update_counter.get()
    from model.enums import SizeClass

    lang = figure_language(model.lang)
    series = {model.spec.name if model.reference is model else "variant": rates_by_class(model)}
    if model.reference is not model:
        series["as written" if lang == "en" else "原方案"] = rates_by_class(model.reference)
    fig = Figure(figsize=(7, 3.2))
    ax = fig.subplots()
    plots._grouped_bars(
        ax, [display_name("city_class", c.key, lang) for c in SizeClass], series, rotation=30
    )
    ax.set_ylabel(display_name("outcome", "hukou_citizenization_rate", lang), fontsize=8)
    ax.legend(fontsize=7)
    fig.tight_layout()
    solara.FigureMatplotlib(fig)


@solara.component
def Rates(model: DashboardModel):
    """Citizenization rates over the years, all and poor, variant and scenario as written."""
    update_counter.get()
    lang = figure_language(model.lang)
    frame = model.datacollector.get_model_vars_dataframe()
    fig = Figure(figsize=(7, 3.2))
    ax = fig.subplots()
    series = [("citizenization rate, all", "all", "-"), ("citizenization rate, poor", "poor", "-")]
    if model.reference is not model:
        series += [("reference rate, all", "all", "--"), ("reference rate, poor", "poor", "--")]
    for column, population, style in series:
        written = "as written" if lang == "en" else "原方案"
        label = display_name("population", population, lang) + (
            f" ({written})" if column.startswith("reference") else ""
        )
        colour = "tab:blue" if population == "all" else "tab:orange"
        ax.plot(frame["year"], frame[column], style, color=colour, label=label)
    ax.set_xlabel(plots.word("year", lang), fontsize=8)
    ax.set_ylabel(display_name("outcome", "hukou_citizenization_rate", lang), fontsize=8)
    ax.xaxis.set_major_locator(plots.MaxNLocator(integer=True))
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")  # 2019, not +2.02e3
    start = model.spec.simulation.start_year
    ax.set_xlim(start, start + model.spec.simulation.years)  # the whole run, from month 0
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=7)
    solara.FigureMatplotlib(fig)


@solara.component
def Funnel(model: DashboardModel):
    """The citizenization funnel now: in a city >= 12 months -> ... -> settled."""
    update_counter.get()
    snapshot = model.snapshot()
    values = [float(OUTCOMES[name](snapshot)[0, 0]) for name in FUNNEL]
    fig = Figure(figsize=(7, 3.2))
    plots.draw_funnel(fig.subplots(), values, figure_language(model.lang))
    solara.FigureMatplotlib(fig)


def comparison_zip(model: DashboardModel) -> bytes:
    """The files `compare` writes (tables, cost-effectiveness, figures, report, manifest) for
    the scenario as written against the variant, over the years simulated so far, as a zip."""
    import io
    import tempfile
    import zipfile

    import pandas as pd

    from model.experiments.compare import Comparison
    from model.output.folders import write_comparison

    if model.reference is model:
        reference, variant = model.spec, model.spec.model_copy(update={"name": "variant"})
    else:
        reference = model.reference.spec
        variant = model.spec.model_copy(update={"name": f"{model.spec.name}-variant"})
    frames = []
    for spec, source in ((reference, model.reference), (variant, model)):
        rows = source.outcomes.copy()
        rows.insert(0, "scenario", spec.name)
        rows.insert(1, "seed", model.seed)
        frames.append(rows)
    runs = pd.concat(frames, ignore_index=True)
    if runs.empty:
        return b""
    comparison = Comparison(runs, (reference.name, variant.name))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        write_comparison(
            out, comparison, [reference, variant], [model.seed], 0.0, report=True, lang=model.lang
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.iterdir()):
                archive.write(path, path.name)
    return buffer.getvalue()


@solara.component
def Download(model: DashboardModel):
    """A button that writes this comparison as `compare` would (once a year has been run)."""
    update_counter.get()
    if model.outcomes.empty:
        note = (
            "Run to December for a comparison to download."
            if model.lang == "en"
            else ("运行至12月后可下载比较结果。")
        )
        solara.Text(note)
        return
    label = "Download this comparison" if model.lang == "en" else "下载本次比较"
    solara.FileDownload(
        lambda: comparison_zip(model),
        filename=f"{model.spec.name}-comparison.zip",
        label=label,
    )


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
            "type": "Select",
            "value": "20,000 agent rows",
            "values": list(ROWS),
            "label": "precision (agent rows; more is slower)",
        },
        "seed": {
            "type": "Select",
            "value": 1,
            "values": list(range(0, 21)),
            "label": "seed (the same seed: the same history)",
        },
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
            "type": "Select",
            "value": AS_IN_SCENARIO,
            "values": list(MULTIPLES),
            "label": "central reward per settler and its fund (prov. 15)",
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
            "type": "Select",
            "value": AS_IN_SCENARIO,
            "values": list(MULTIPLES),
            "label": "school places for migrants' children (prov. 5)",
        },
        "public_rental_poor_priority": {
            "type": "Select",
            "value": AS_IN_SCENARIO,
            "values": list(SWITCH),
            "label": "public rental priority for the poor (prov. 12)",
        },
        "language": {
            "type": "Select",
            "value": "English",
            "values": list(LANGUAGES),
            "label": "language / 语言",
        },
    }


def make_page():
    """The SolaraViz page (built on demand: importing this module builds nothing)."""
    return SolaraViz(
        DashboardModel(),
        components=[
            Headline,
            Download,
            Rates,
            Money,
            Services,
            ByClass,
            Funnel,
            make_plot_component(
                {"residence permit share": "tab:green", "willing to settle": "tab:red"}
            ),
        ],
        model_params=model_params(),
        name="Citizenization of rural poor migrants",
        play_interval=150,
    )
