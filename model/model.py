"""CitizenizationModel: the monthly calendar of DESIGN §4 on a Mesa model."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections import OrderedDict

import mesa
import numpy as np
import pandas as pd

from model import governments, outcomes
from model.clock import Clock
from model.flows import Flow, Flows, people_by_group
from model.governments import CityGovernment
from model.national import NationalAccounts
from model.population import Population
from model.processes import (
    demography,
    fiscal,
    labour,
    migration,
    permits,
    services,
    settlement,
)
from model.processes.context import Month
from model.scenario import Scenario
from model.streams import Streams
from model.synthesis import synthesise
from model.world import World

#: Spin-ups kept per process, by (seed, `spin_up_key`); the oldest is dropped first.
SPUN_UP_KEPT = 4
_SPUN_UP: OrderedDict = OrderedDict()


def spin_up_key(before: Scenario) -> str:
    """What a spin-up depends on: the scenario under its pre-start policy, less what only the
    run after the start reads (its name and description, years, national accounts)."""
    data = before.model_dump(
        mode="json", exclude={"name", "description", "national", "before_start"}
    )
    data["simulation"].pop("years")
    return json.dumps(data, sort_keys=True)


class CitizenizationModel(mesa.Model):
    """Rural migrants, cities and their settlement rules, one step per month.

    Migrants are columns (`self.population`), not Mesa agents: a run holds a million of them.
    `self.spec` is the resolved scenario (not `self.scenario`, which Mesa 3.5 reserves).
    `self.outcomes` grows by one year of tidy outcome rows every December.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        population: Population | None = None,
        world: World | None = None,
    ):
        super().__init__(rng=seed)
        self.spec = scenario
        self.seed = seed
        self.streams = Streams(seed)
        sim = scenario.simulation
        #: January of the first simulated month: the spin-up's start
        self.origin_year = sim.start_year - sim.spin_up_years
        self._month_index = 0  # months simulated since the origin
        #: December's candidates, eligible and willing as found then, for the year-end outcomes
        self._assessed: settlement.Position | None = None
        built_here = population is None and world is None  # a history others may share
        world = world if world is not None else World.build(scenario)
        # capacity grows with investment during a run: each model owns its copy
        self.world = dataclasses.replace(
            world,
            capacity_people=world.capacity_people.copy(),
            jobs_people=world.jobs_people.copy(),
            renovated_share=world.renovated_share.copy(),
        )
        self.places_ledger = services.PlacesLedger(self.world.n_cities)
        self.population = (
            population
            if population is not None
            else synthesise(
                scenario,
                self.world,
                self.streams.draws("synthesis", 0).generator(),
                self.places_ledger,
                year=self.origin_year,
            )
        )
        self.flows = Flows(self.world.size_class)
        self.fiscal = fiscal.FiscalState(self.world)
        #: the instruments settlement rules were written under (governments respond to the
        #: difference, `model/governments.py`)
        self.reference_spec = scenario.rules_before_start()
        self.expected_gain = np.zeros(self.world.n_cities)  # yuan per settler, last December
        self.quota_target_log = np.zeros(self.world.n_cities)  # governments' response
        self.national = None
        self._years: list[pd.DataFrame] = []
        for city in range(self.world.n_cities):
            CityGovernment(self, city)
        if sim.spin_up_years:
            self._spin_up(scenario, shared=built_here)
        self._enact(scenario)
        self.fiscal.start_run()
        self.national = NationalAccounts.start(scenario.national) if scenario.national else None
        self.migrants_at_year_start = self._migrants_by_group()

    def _spin_up(self, scenario: Scenario, shared: bool) -> None:
        """The history before the start: the policy then in force, outcomes not recorded.

        Scenarios that differ only after the start (a policy and its baseline, the points of a
        sweep over levers) have the same history on the same seed, so a finished spin-up is
        kept (a few per process) and copied, not rerun: identical results, half the time of a
        paired comparison."""
        before = scenario.rules_before_start()
        key = (self.seed, spin_up_key(before)) if shared else None
        if key is not None and key in _SPUN_UP:
            _SPUN_UP.move_to_end(key)
            self._restore(copy.deepcopy(_SPUN_UP[key]))
            return
        self._enact(before)
        for _ in range(scenario.simulation.spin_up_years * 12):
            self._advance()
        if key is not None:
            _SPUN_UP[key] = copy.deepcopy(self._history())
            while len(_SPUN_UP) > SPUN_UP_KEPT:
                _SPUN_UP.popitem(last=False)

    def _history(self) -> dict:
        """The state a spin-up leaves (what `_restore` puts back)."""
        return {
            "population": self.population,
            "capacity_people": self.world.capacity_people,
            "jobs_people": self.world.jobs_people,
            "renovated_share": self.world.renovated_share,
            "places_ledger": self.places_ledger,
            "fiscal": self.fiscal,
            "month_index": self._month_index,
        }

    def _restore(self, history: dict) -> None:
        self.population = history["population"]
        self.world.capacity_people[:] = history["capacity_people"]
        self.world.jobs_people[:] = history["jobs_people"]
        self.world.renovated_share[:] = history["renovated_share"]
        self.places_ledger = history["places_ledger"]
        self.fiscal = history["fiscal"]
        self._month_index = history["month_index"]

    def _enact(self, scenario: Scenario) -> None:
        """Put `scenario`'s policy in force: its settlement rules and quotas as written (city
        governments' earlier adjustments end with the policy they answered)."""
        self.spec = scenario
        self.scenario_rules = settlement.rules_in_force(scenario, self.reference_spec, self.world)
        self.settlement_rules = self.scenario_rules  # as relaxed by governments (see _new_year)
        self.condition_factor = np.ones(self.world.n_cities)  # governments change it
        self.quota_people = self.scenario_rules.new_year_quotas()  # governments change it
        self.quota_left = self.quota_people.copy()

    @property
    def clock(self) -> Clock:
        """The month being simulated (during `step`) or last simulated."""
        return Clock(self.origin_year, max(self._month_index - 1, 0))

    @property
    def months(self) -> int:
        return self.spec.simulation.years * 12

    def step(self) -> None:
        """One month, in this order.

        1. Demography (each January after the first): retirement, new rural cohorts; then the
           new year's quotas, rules, accounts and flows.
        2. Migration: returns home, departures from the origin, choice of city, residence clock.
        3. Labour market: job loss, matching per city, formal jobs, social-insurance months.
        4. Residence permits (prov. 14): eligibility and take-up.
        5. Services (prov. 5-9, 12, 19, 21): school places and public rental flats by queue,
           medical insurance and pensions, health shocks.
        6. Settlement (prov. 14, 16): city rules, priority groups, willingness, points rounds
           (December) under annual quotas.
        7. Fiscal (prov. 15): cities' monthly accounts; each December the centre's rewards,
           infrastructure subsidy and land quota, then every city government's decision on
           capacity investment and next year's quota.
        8. Outcomes (each December): the year's outcome rows.
        """
        self._advance()

    def _advance(self) -> None:
        """One month of the calendar (`step` without Mesa's step count: the spin-up uses it)."""
        self._month_index += 1
        clock = self.clock
        if clock.month == 1:
            if clock.index > 0:
                demography.step(self._month("demography"))
            self._new_year()
        migration.step(self._month("migration"))
        labour.step(self._month("labour"))
        permits.step(self._month("permits"))
        served = services.step(self._month("services"), self.places_ledger)
        # December: every candidate is assessed and asked, for the points round and the
        # year-end outcomes
        assessment, self._assessed = None, None
        if clock.month == 12:
            assessment = settlement.assess(
                self.population, self.world, self.spec, self.settlement_rules, clock.year,
                ask=True,
            )  # fmt: skip
            self._assessed = settlement.Position.of(assessment, self.world)
        settlers = settlement.step(
            self._month("settlement"), self.settlement_rules, self.quota_left, assessment
        )
        del assessment  # the rest of it (scores, routes) is the points round's only
        fiscal.step(self.fiscal, self._month("fiscal"), settlers, served)
        if clock.month == 12:
            fiscal.close_year(self.fiscal, self.world, self.spec)
            governments.decide_all(self, self.fiscal)
            if self.national is not None:
                self.national.close_year(
                    self.spec.national,
                    float(self.flows.people[[Flow.SETTLEMENTS, Flow.SETTLED_FAMILY]].sum()),
                    float(self.population.weight[self.population.migrants()].astype(float).sum()),
                )
            if clock.year >= self.spec.simulation.start_year:
                self._end_year(clock)

    def _month(self, phase: str) -> Month:
        """What `phase` works on this month, with its own random numbers."""
        return Month(
            self.population,
            self.world,
            self.spec,
            self.clock,
            self.streams.draws(phase, self._month_index),
            self.flows,
        )

    def run(self, progress: bool = False) -> pd.DataFrame:
        """Run every month of the scenario; return the tidy outcomes table."""
        months = range(self.steps, self.months)
        if progress:
            from tqdm import tqdm

            months = tqdm(months, desc=self.spec.name, unit="month", leave=False)
        for _ in months:
            self.step()
        return self.outcomes

    @property
    def outcomes(self) -> pd.DataFrame:
        """Tidy outcome rows so far: year, outcome, population, city_class, value."""
        if not self._years:
            return pd.DataFrame(columns=["year", "outcome", "population", "city_class", "value"])
        return pd.concat(self._years, ignore_index=True)

    def _new_year(self) -> None:
        """January: quotas, the rules as governments relaxed them, accounts and flows anew."""
        self.quota_left[:] = self.quota_people
        self.settlement_rules = self.scenario_rules.relaxed(self.condition_factor)
        self.fiscal.new_year()
        self.migrants_at_year_start = self._migrants_by_group()
        self.flows.reset()

    def snapshot(self) -> outcomes.Snapshot:
        """The state outcomes read, now (flows and accounts: the year so far)."""
        return outcomes.Snapshot(
            self.population,
            self.world,
            self.flows.people.copy(),
            self.migrants_at_year_start,
            self.flows.months_at_settlement.copy(),
            self.spec,
            self.settlement_rules,
            self.clock.year,
            self.fiscal.accounts,
            self.quota_people.copy(),
            self.national,
            self._assessed,  # December's, between its settlement phase and the next month
        )

    def _end_year(self, clock: Clock) -> None:
        self._years.append(outcomes.record(self.snapshot(), clock.year))

    def _migrants_by_group(self) -> np.ndarray:
        """Unsettled migrants in cities by (SizeClass, poor), in people."""
        pop = self.population
        migrants = pop.migrants()
        return people_by_group(pop, self.world.size_class, migrants)
