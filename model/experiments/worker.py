"""What a worker does with one run: build the scenario, run it, keep the chosen outcomes.

Errors inside a run are caught here and returned as a failed result with the traceback, so one
bad run never stops a sweep.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass

import pandas as pd

from model.experiments.plan import RunTask
from model.runner import run_scenario


@dataclass(frozen=True)
class RunResult:
    run_id: str
    status: str  # "done" or "failed"
    outcomes: pd.DataFrame | None
    wall_seconds: float
    scenario_hash: str
    error: str | None = None


def select(outcomes: pd.DataFrame, names: tuple[str, ...], resolution: str) -> pd.DataFrame:
    """The named outcomes, every year or the final year only."""
    kept = outcomes[outcomes["outcome"].isin(names)]
    if resolution == "final_year":
        kept = kept[kept["year"] == kept["year"].max()]
    return kept.reset_index(drop=True)


def execute(task: RunTask) -> RunResult:
    """Run one task; never raises for a problem inside the run."""
    started = time.perf_counter()
    scenario_hash = ""
    try:
        scenario = task.scenario.override(task.overrides) if task.overrides else task.scenario
        scenario_hash = scenario.hash()
        outcomes = select(run_scenario(scenario, task.seed), task.outcomes, task.resolution)
        return RunResult(
            task.run_id, "done", outcomes, time.perf_counter() - started, scenario_hash
        )
    except Exception:  # noqa: BLE001 - any error in a run is that run's failure, recorded
        return RunResult(
            task.run_id,
            "failed",
            None,
            time.perf_counter() - started,
            scenario_hash,
            traceback.format_exc(),
        )
