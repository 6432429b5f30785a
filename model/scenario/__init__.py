"""The scenario: its schema (one module per section), value types, and loading with `extends`.

A scenario file is YAML: `name`, `description`, optionally `extends:` (another scenario file,
relative to this one) and values that override what it extends. `scenarios/baseline.yaml` holds
the whole world; every other file is a small diff. Each field says its unit and meaning and
whether it is a **lever** (what governments choose), an **uncertainty** (behaviour we do not
know) or **structure** (facts about the world).

    types       value types, lever / uncertainty / structure, tables by class, region, education
    inputs      reading YAML with line numbers; one-paragraph errors naming file, key and line
    loading     load_scenario: extends, overrides, validation
    root        Scenario: the resolved whole
    simulation, population, cities, behaviour, permits, settlement, services, fiscal, national
                one module per section
"""

from model.scenario.behaviour import Behaviour, Labour, Migration, Willingness
from model.scenario.cities import Cities
from model.scenario.loading import ScenarioError, load_scenario
from model.scenario.permits import ResidencePermit
from model.scenario.population import PopulationMargins
from model.scenario.root import Scenario
from model.scenario.simulation import Simulation

__all__ = [
    "Behaviour",
    "Cities",
    "Labour",
    "Migration",
    "PopulationMargins",
    "ResidencePermit",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "Willingness",
    "load_scenario",
]
