"""The run plan: every (scenario, design point, replication) with its seed and overrides.

Seeds: the experiment's master seed is spawned with `numpy.random.SeedSequence` into one seed
per replication; replication r uses the same seed at every point and in every scenario (common
random numbers), so differences between points and scenarios are paired.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from model.experiments.spec import LoadedExperiment
from model.scenario import Scenario


@dataclass(frozen=True)
class RunTask:
    """Everything one run needs; picklable, sent to a worker."""

    run_id: str
    scenario_index: int
    scenario: Scenario  # sized, before the point's overrides
    point: int
    replication: int
    seed: int
    overrides: dict[str, Any]
    outcomes: tuple[str, ...]
    resolution: str


def replication_seeds(master_seed: int, replications: int) -> list[int]:
    children = np.random.SeedSequence(master_seed).spawn(replications)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def run_id(scenario_name: str, point: int, replication: int) -> str:
    return f"{scenario_name}__p{point:05d}__r{replication:04d}"


def plan_runs(experiment: LoadedExperiment, points: pd.DataFrame) -> list[RunTask]:
    """All runs in their canonical order: scenario, then point, then replication."""
    spec = experiment.spec
    seeds = replication_seeds(spec.seed, spec.replications)
    records = points.to_dict(orient="records") if len(points.columns) else [{}] * len(points)
    if not len(points):
        records = [{}]
    tasks = []
    for s, scenario in enumerate(experiment.scenarios):
        for point, overrides in enumerate(records):
            for replication, seed in enumerate(seeds):
                tasks.append(
                    RunTask(
                        run_id=run_id(scenario.name, point, replication),
                        scenario_index=s,
                        scenario=scenario,
                        point=point,
                        replication=replication,
                        seed=seed,
                        overrides=dict(overrides),
                        outcomes=tuple(spec.outcomes),
                        resolution=spec.resolution,
                    )
                )
    return tasks


def check_points(
    experiment: LoadedExperiment, points: pd.DataFrame, progress: bool = False
) -> None:
    """Every design point must make a valid scenario with every scenario of the experiment:
    values valid one by one can combine into an invalid rule (an open rule with months of
    insurance). Checked before the first run, so no run fails for it in a worker (and again on
    every resume)."""
    from tqdm import tqdm

    from model.experiments.spec import ExperimentError
    from model.scenario import ScenarioError

    records = points.to_dict(orient="records") if len(points.columns) else []
    checks = [(s, i, r) for s in experiment.scenarios for i, r in enumerate(records)]
    for scenario, point, overrides in tqdm(
        checks, desc="checking points", unit="point", disable=not progress or len(checks) < 5000
    ):
        try:
            scenario.override(overrides)
        except ScenarioError as err:
            raise ExperimentError(
                f"Experiment file {experiment.path}, key 'design': point {point} "
                f"({overrides}) does not make a valid scenario '{scenario.name}', though each "
                f"value is valid alone: {err} Change the ranges or values so that every "
                "combination is valid (or use a table design); nothing has been run."
            ) from None
