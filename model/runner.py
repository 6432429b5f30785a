"""`run_scenario`: one run of one scenario on one seed, the unit experiments call."""

from __future__ import annotations

import pandas as pd

from model.model import CitizenizationModel
from model.scenario import Scenario

#: Columns of the tidy outcomes table every run returns.
OUTCOME_COLUMNS = ["scenario", "seed", "year", "outcome", "population", "city_class", "value"]


def sized(scenario: Scenario, migrants: int | None = None, years: int | None = None) -> Scenario:
    """The scenario with another number of agent rows and/or years (validated)."""
    overrides = {}
    if migrants is not None:
        overrides["simulation.migrants"] = migrants
    if years is not None:
        overrides["simulation.years"] = years
    return scenario.override(overrides) if overrides else scenario


def run_scenario(scenario: Scenario, seed: int = 0, *, migrants: int | None = None,
                 years: int | None = None, progress: bool = False) -> pd.DataFrame:
    """Run `scenario` on `seed`; return the tidy outcomes table (people, not rows):
    scenario, seed, year, outcome, population (all/poor), city_class (all or a class), value."""
    scenario = sized(scenario, migrants, years)
    outcomes = CitizenizationModel(scenario, seed=seed).run(progress=progress)
    outcomes.insert(0, "scenario", scenario.name)
    outcomes.insert(1, "seed", seed)
    return outcomes[OUTCOME_COLUMNS]
