"""`run_scenario`: one run of one scenario on one seed, the unit experiments call."""

from __future__ import annotations

import mesa
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


def run_scenario(
    scenario: Scenario,
    seed: int = 0,
    *,
    migrants: int | None = None,
    years: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Run `scenario` on `seed`; return the tidy outcomes table (people, not rows):
    scenario, seed, year, outcome, population (all/poor), city_class (all or a class), value."""
    scenario = sized(scenario, migrants, years)
    model = CitizenizationModel(scenario, seed=seed)
    outcomes = model.run(progress=progress)
    release(model)
    outcomes.insert(0, "scenario", scenario.name)
    outcomes.insert(1, "seed", seed)
    return outcomes[OUTCOME_COLUMNS]


def release(model: mesa.Model) -> None:
    """Let a finished model be freed: Mesa 3.3 keeps every model that ever had agents alive in
    a class-level registry of agent ids, which a sweep worker running hundreds of models must
    clear (STYLE.md)."""
    registry = getattr(mesa.Agent, "_ids", None)
    if isinstance(registry, dict):
        registry.pop(model, None)
