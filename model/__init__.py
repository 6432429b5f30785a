"""An agent-based model of the citizenization of rural poor migrants in China (2019 opinion).

    from model import load_scenario
from model import run_scenario
from model import CitizenizationModel
    outcomes = run_scenario(load_scenario("scenarios/policy_2019.yaml"), seed=1)
"""

from model.model import CitizenizationModel
from model.runner import run_scenario
from model.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["CitizenizationModel", "Scenario", "ScenarioError", "load_scenario", "run_scenario"]
