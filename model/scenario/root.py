"""The resolved scenario: every section a run needs, frozen, with its hash and overrides."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import Field

from model.scenario.behaviour import Behaviour
from model.scenario.cities import Cities
from model.scenario.fiscal import Fiscal
from model.scenario.national import National
from model.scenario.permits import ResidencePermit
from model.scenario.population import PopulationMargins
from model.scenario.services import Services
from model.scenario.settlement import Settlement
from model.scenario.simulation import Simulation
from model.scenario.types import StrictModel, safe_name


class RulesInForce(StrictModel):
    """The policy sections of a scenario: what `before_start` replaces during the spin-up."""

    residence_permit: ResidencePermit
    settlement: Settlement
    services: Services
    fiscal: Fiscal


#: The sections `before_start` holds (the policy; the world and behaviour stay the scenario's).
POLICY_SECTIONS = tuple(RulesInForce.model_fields)


class Scenario(StrictModel):
    """A fully resolved scenario: everything a run needs, frozen."""

    name: str = safe_name(
        "short name, used in result folders: letters (Chinese ones too), digits, _ and -"
    )
    description: str = Field(description="one sentence: why this scenario exists")
    simulation: Simulation
    population: PopulationMargins
    cities: Cities
    behaviour: Behaviour
    residence_permit: ResidencePermit
    settlement: Settlement
    services: Services
    fiscal: Fiscal
    national: National | None = Field(
        None,
        description="national population accounts for urbanization rates (historical "
        "scenarios; see model/national.py)",
    )
    before_start: RulesInForce | None = Field(
        None,
        description="the policy in force during the spin-up; in a file, the name of a "
        "scenario file (relative to the file that sets it) whose policy sections are taken; "
        "none: the scenario's own policy",
    )

    def rules_before_start(self) -> Scenario:
        """The scenario as it runs during the spin-up: its world and behaviour under the policy
        in force before the start."""
        if self.before_start is None:
            return self
        return self.model_copy(
            update={name: getattr(self.before_start, name) for name in POLICY_SECTIONS}
        )

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)

    def hash(self) -> str:
        """A short content hash of the resolved scenario (identical values, identical hash)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def override(self, overrides: Mapping[str, Any]) -> Scenario:
        """A copy with dotted-key overrides applied, validated like a file."""
        data = self.model_dump(mode="json")
        lines: dict[tuple, tuple[str, int | None]] = {}
        from model.scenario.loading import apply_overrides, validate_scenario

        apply_overrides(data, lines, overrides, self.name)
        return validate_scenario(data, lines, f"'{self.name}' with overrides")
