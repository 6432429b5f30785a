"""The experiment file: which scenarios, which levers and uncertainties over which ranges, which
design, how many replications, which outcomes.

```yaml
name: quick
description: one sentence on what the experiment asks
scenarios: [../scenarios/policy_2019.yaml]      # relative to this file
levers:                                          # what governments choose
  settlement.rules.large_1.min_social_insurance_months: {range: [0, 36], integer: true}
uncertainties:                                   # what we do not know
  behaviour.willingness.intercept: {range: [-0.5, 1.0]}
design: {kind: grid, levels: 2}                  # grid | lhs | sobol | morris | table
replications: 2
seed: 20190101                                   # master seed of the experiment
simulation: {migrants: 2000, years: 2}           # optional size for every run
outcomes: [hukou_citizenization_rate, settlements_per_year]
resolution: final_year                           # or yearly
```

Everything is checked when the file is loaded, before any run: key paths must exist in the
scenario schema, every range end and listed value must make a valid scenario, outcome names must
exist, and the design's sample size must suit it (SALib's rules).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from model.outcomes import OUTCOMES
from model.scenario import Scenario, ScenarioError, load_scenario
from model.scenario.inputs import (
    InputError,
    LineMap,
    field_info,
    model_at,
    read_yaml,
    validate,
    where,
)
from model.scenario.types import StrictModel, safe_name


class ExperimentError(InputError):
    """An experiment file that cannot be run. The message is one paragraph for the user."""


Scalar = bool | int | float | str


class Factor(StrictModel):
    """A lever or uncertainty: a range to sample, a list of values, or (table designs) neither."""

    range: tuple[float, float] | None = Field(
        None, strict=False, description="[low, high], low < high (a YAML list)"
    )
    values: list[Scalar] | None = Field(None, min_length=1, description="values to take")
    integer: bool = Field(False, description="round sampled values to whole numbers")

    @model_validator(mode="after")
    def _one_kind(self) -> Factor:
        if self.range is not None and self.values is not None:
            raise ValueError("give either range or values, not both")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(
                f"empty range {list(self.range)}: the low end must be below the high end"
            )
        return self


class Design(StrictModel):
    kind: Literal["grid", "lhs", "sobol", "morris", "table"] = Field(
        description="grid: every combination; lhs: Latin hypercube; sobol: Saltelli/Sobol "
        "sequence for Sobol indices; morris: elementary-effects trajectories; "
        "table: the rows given"
    )
    levels: int | None = Field(
        None, ge=2, le=1000, description="grid: points per range; morris: grid levels"
    )
    samples: int | None = Field(
        None,
        ge=1,
        le=1_000_000,
        description="lhs: points; sobol: base samples N (a power of 2); morris: trajectories",
    )
    second_order: bool = Field(False, description="sobol: also second-order indices")
    seed: int = Field(0, ge=0, description="seed of the design's own sampling")
    table: list[dict[str, Scalar]] | None = Field(
        None, min_length=1, description="table: one mapping per point"
    )

    @model_validator(mode="after")
    def _sizes(self) -> Design:
        needs = {"lhs": "samples", "sobol": "samples", "morris": "samples", "table": "table"}
        if self.kind in needs and getattr(self, needs[self.kind]) is None:
            raise ValueError(f"a {self.kind} design needs '{needs[self.kind]}'")
        if self.kind == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(
                f"a sobol design needs samples (N) to be a power of 2 for the "
                f"Sobol sequence's balance properties (SALib), got {self.samples}; "
                "valid: 2, 4, 8, 16, ..."
            )
        if self.kind == "morris" and self.samples < 2:
            raise ValueError("a morris design needs at least 2 trajectories (samples)")
        if self.kind == "morris" and self.levels is not None and self.levels % 2:
            raise ValueError(f"a morris design needs an even number of levels, got {self.levels}")
        return self


class Size(StrictModel):
    migrants: int | None = Field(None, ge=10, description="agent rows per run")
    years: int | None = Field(None, ge=1, le=50, description="simulated years per run")


class Experiment(StrictModel):
    name: str = safe_name(
        "short name, used in result folders: letters (Chinese ones too), digits, _ and -"
    )
    description: str = Field(description="one sentence: what the experiment asks")
    scenarios: list[str] = Field(
        min_length=1,
        description="scenario files, relative to the "
        "experiment file; every design point runs on each",
    )
    levers: dict[str, Factor] = Field(
        default_factory=dict, description="scenario key path -> range or values"
    )
    uncertainties: dict[str, Factor] = Field(
        default_factory=dict, description="scenario key path -> range or values"
    )
    design: Design
    replications: int = Field(ge=1, le=100_000, description="runs per point and scenario")
    seed: int = Field(
        ge=0,
        description="master seed; one seed per replication is spawned "
        "from it and shared by every point (common random "
        "numbers)",
    )
    simulation: Size = Field(default_factory=Size, description="size of every run")
    outcomes: list[str] = Field(min_length=1, description="outcome names from outcomes.py")
    resolution: Literal["final_year", "yearly"] = Field(
        "final_year", description="keep the final year only, or every year"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Experiment:
        unknown = [o for o in self.outcomes if o not in OUTCOMES]
        if unknown:
            raise ValueError(f"unknown outcome(s) {unknown}; valid: {', '.join(OUTCOMES)}")
        both = set(self.levers) & set(self.uncertainties)
        if both:
            raise ValueError(f"{sorted(both)} listed as both lever and uncertainty")
        if not self.factors and self.design.kind != "grid":
            raise ValueError(f"a {self.design.kind} design needs at least one lever or uncertainty")
        return self

    @property
    def factors(self) -> dict[str, Factor]:
        """Levers then uncertainties, in file order."""
        return {**self.levers, **self.uncertainties}


def is_integer(key: str, factor: Factor) -> bool:
    """Whether sampled values of `key` are whole numbers (declared, or an int in the schema)."""
    info = field_info(Scenario, tuple(key.split(".")))
    return factor.integer or (info is not None and info.annotation is int)


def as_type(key: str, factor: Factor, value: Scalar) -> Scalar:
    """A sampled or listed value as the scenario expects it (whole numbers rounded)."""
    if isinstance(value, float) and is_integer(key, factor):
        return int(round(value))
    return value


class LoadedExperiment:
    """An experiment file, validated, with its scenarios loaded."""

    def __init__(self, path: Path, spec: Experiment, scenarios: list[Scenario]):
        self.path = path
        self.spec = spec
        self.scenarios = scenarios

    def hash(self) -> str:
        """Identity of the experiment: its settings and the resolved scenarios it runs."""
        content = {
            "experiment": self.spec.model_dump(mode="json"),
            "scenarios": [s.hash() for s in self.scenarios],
        }
        text = json.dumps(content, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _read(path: Path) -> tuple[Experiment, LineMap]:
    data, lines = read_yaml(path, "Experiment file", ExperimentError, "experiments/quick.yaml")
    return validate(Experiment, data, lines, str(path), "Experiment", ExperimentError), lines


def read_spec(path: str | Path) -> Experiment:
    """An experiment file's settings, validated, without loading its scenarios."""
    return _read(Path(path))[0]


def load_experiment(path: str | Path) -> LoadedExperiment:
    """Read and check an experiment file and the scenarios it names."""
    path = Path(path)
    spec, lines = _read(path)
    for section in ("levers", "uncertainties"):
        for key in getattr(spec, section):
            _check_key_path(key, (section, key), lines, path)
    scenarios = []
    for i, name in enumerate(spec.scenarios):
        scenario_path = path.parent / name
        try:
            scenario = load_scenario(scenario_path)
        except ScenarioError as err:
            file, line = where(("scenarios", i), lines, str(path))
            raise ExperimentError(
                f"Experiment file {path}, line {line}, key 'scenarios.{i}': {err}"
            ) from None
        scenarios.append(_sized(scenario, spec))
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ExperimentError(
            f"Experiment file {path}, key 'scenarios': the scenarios' names "
            f"{names} repeat; each scenario in an experiment needs its own "
            "name."
        )
    _check_design_table(spec, lines, path)
    from model.experiments.design import check_size

    check_size(spec, len(scenarios), f"Experiment file {path}")
    for scenario in scenarios:
        _check_values(spec, scenario, lines, path)
    return LoadedExperiment(path, spec, scenarios)


def _sized(scenario: Scenario, spec: Experiment) -> Scenario:
    size = {f"simulation.{k}": v for k, v in spec.simulation.model_dump().items() if v is not None}
    return scenario.override(size) if size else scenario


def _check_key_path(key: str, loc: tuple, lines: LineMap, path: Path) -> None:
    parts = tuple(key.split("."))
    info = field_info(Scenario, parts)
    if info is not None and model_at(Scenario, parts) is None:
        return  # a leaf value of the scenario
    _, line = where(loc, lines, str(path))
    known = parts
    while known and model_at(Scenario, known) is None:
        known = known[:-1]
    parent = model_at(Scenario, known)
    valid = list(parent.model_fields) if parent is not None else []
    prefix = ".".join(known) + "." if known else ""
    if info is not None:
        why = f"'{key}' is a whole section, not a single value"
    else:
        why = f"the scenario has no key '{key}'"
    raise ExperimentError(
        f"Experiment file {path}, line {line}, key '{loc[0]}.{key}': {why}. Valid keys under "
        f"'{'.'.join(known) or '(top level)'}': {', '.join(prefix + v for v in valid)}."
    )


def _check_design_table(spec: Experiment, lines: LineMap, path: Path) -> None:
    if spec.design.kind != "table":
        return
    declared = set(spec.factors)
    for i, row in enumerate(spec.design.table):
        if set(row) != declared:
            _, line = where(("design", "table", i), lines, str(path))
            raise ExperimentError(
                f"Experiment file {path}, line {line}, key 'design.table.{i}': a table row "
                f"must give exactly the declared levers and uncertainties {sorted(declared)}; "
                f"it gives {sorted(row)}."
            )


def _check_values(spec: Experiment, scenario: Scenario, lines: LineMap, path: Path) -> None:
    """Every range end, listed value and table row must make a valid scenario."""
    trials: list[tuple[tuple, dict[str, Any]]] = []
    for section in ("levers", "uncertainties"):
        for key, factor in getattr(spec, section).items():
            candidates = list(factor.range or ()) + list(factor.values or ())
            for value in candidates:
                trials.append(((section, key), {key: as_type(key, factor, value)}))
    for i, row in enumerate(spec.design.table or ()):
        trials.append((("design", "table", i), dict(row)))
    for loc, overrides in trials:
        try:
            scenario.override(overrides)
        except ScenarioError as err:
            _, line = where(loc, lines, str(path))
            raise ExperimentError(
                f"Experiment file {path}, line {line}, key '{'.'.join(map(str, loc))}': the "
                f"value(s) {overrides} do not make a valid scenario '{scenario.name}': "
                f"{err}"
            ) from None
