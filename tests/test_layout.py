"""The layout tells the architecture: each phase writes only the columns it declares, and the
layers import downwards only."""

import ast
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, SCENARIOS
from model.model import CitizenizationModel
from model.population import COLUMNS, Population
from model.processes import demography, fiscal, labour, migration, permits, services, settlement
from model.scenario import load_scenario

PHASES = (demography, migration, labour, permits, services, settlement, fiscal)


def columns_written(before: dict[str, np.ndarray], pop: Population) -> set[str]:
    return {c.name for c in COLUMNS if not np.array_equal(before[c.name], getattr(pop, c.name))}


@pytest.fixture
def watched(monkeypatch) -> dict[str, set[str]]:
    """Wrap every phase's `step` so that the columns it changes are recorded by phase."""
    seen: dict[str, set[str]] = {}
    for module in PHASES:
        original = module.step

        def step(*args, _module=module, _original=original, **kwargs):
            month = args[1] if _module is fiscal else args[0]
            before = {c.name: getattr(month.pop, c.name).copy() for c in COLUMNS}
            result = _original(*args, **kwargs)
            name = _module.__name__.rsplit(".", 1)[-1]
            seen.setdefault(name, set()).update(columns_written(before, month.pop))
            return result

        monkeypatch.setattr(module, "step", step)
    return seen


def test_every_phase_declares_valid_columns():
    names = {c.name for c in COLUMNS}
    for module in PHASES:
        assert set(module.WRITES) <= names, module.__name__


@pytest.mark.parametrize(
    "scenario",
    ["policy_2019.yaml", "baseline.yaml", "full_identification.yaml", "rural_rights_lost.yaml"],
)
def test_phases_write_only_the_columns_they_declare(watched, scenario):
    spec = load_scenario(SCENARIOS / scenario).override(
        {"simulation.migrants": 8000, "simulation.years": 2}
    )
    CitizenizationModel(spec, seed=5).run()
    assert set(watched) >= {
        "demography",
        "migration",
        "labour",
        "permits",
        "services",
        "settlement",
    }, "every phase that changes rows ran and changed some"
    for module in PHASES:
        name = module.__name__.rsplit(".", 1)[-1]
        extra = watched.get(name, set()) - set(module.WRITES)
        assert not extra, f"phase {name} wrote {sorted(extra)}, not in its WRITES"


def test_the_watch_sees_a_write():
    pop = Population.empty(3)
    before = {c.name: getattr(pop, c.name).copy() for c in COLUMNS}
    pop.hukou[1] = 1
    assert columns_written(before, pop) == {"hukou"}


#: Which packages each layer may import (model.X); the calendar, runner and the user-facing
#: layers are above the phases, so a phase never imports them.
BELOW_PHASES = {
    "model.model",
    "model.runner",
    "model.synthesis",
    "model.governments",
    "model.outcomes",
    "model.experiments",
    "model.validity",
    "model.output",
    "model.dashboard",
    "model.cli",
}
LAYERS = {
    "processes": BELOW_PHASES,
    "scenario": BELOW_PHASES
    | {
        "model.processes",
        "model.world",
        "model.population",
        "model.flows",
        "model.national",
        "model.traits",
    },
    "outcomes": {
        "model.model",
        "model.runner",
        "model.experiments",
        "model.validity",
        "model.output",
        "model.dashboard",
        "model.cli",
    },
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layers_import_downwards_only(layer):
    forbidden = LAYERS[layer]
    for path in sorted((ROOT / "model" / layer).glob("*.py")):
        bad = {
            m
            for m in imported_modules(path)
            if any(m == f or m.startswith(f + ".") for f in forbidden)
        }
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)} from a layer above it"
