"""`sweep`: run an experiment, writing each run as it finishes; resume one that was cut short.

A sweep never loses a finished run: each is written atomically the moment it returns, a run
that raises is recorded as failed and the others go on, and `resume` skips every run whose file
reads back whole. Results are the same, bit for bit, whatever the executor and the number of
workers, because each run depends only on its scenario, its point and its replication's seed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from model.experiments.design import design_points
from model.experiments.executors import make_executor
from model.experiments.plan import RunTask, check_points, plan_runs
from model.experiments.spec import ExperimentError, load_experiment
from model.experiments.store import SweepStore
from model.experiments.worker import RunResult, execute
from model.output import results

log = logging.getLogger(__name__)

#: Seconds between manifest rewrites during a sweep.
MANIFEST_EVERY_SECONDS = 30.0


@dataclass(frozen=True)
class SweepSummary:
    folder: Path
    total: int
    skipped: int  # finished before this call (resume)
    done: int
    failed: int
    wall_seconds: float
    runs: pd.DataFrame | None


def sweep(
    experiment_file: str | Path,
    *,
    out: Path | None = None,
    resume: Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    run: Callable[[RunTask], RunResult] = execute,
) -> SweepSummary:
    """Run (or resume) every run of an experiment; gather them into `runs.parquet`."""
    experiment = load_experiment(experiment_file)
    try:
        points = design_points(experiment.spec)
    except ExperimentError as err:
        raise ExperimentError(f"Experiment file {experiment.path}, key 'design': {err}") from None
    check_points(experiment, points, progress)
    tasks = plan_runs(experiment, points)
    if resume is not None:
        store = SweepStore.reopen(resume, experiment)
    else:
        from model.output.folders import results_root

        folder = out or (
            results_root() / "sweeps" / f"{experiment.spec.name}-{results.timestamp()}"
        )
        store = SweepStore.create(folder, experiment, points)
    try:
        finished = store.finished(tasks)
        todo = [t for t in tasks if t.run_id not in finished]
        executor = make_executor(workers, scheduler)

        from tqdm import tqdm

        started = last_manifest = time.perf_counter()
        done = failed = 0
        bar = tqdm(
            total=len(tasks),
            initial=len(finished),
            desc=experiment.spec.name,
            unit="run",
            disable=not progress,
            dynamic_ncols=True,
        )
        try:
            for task, result in executor.run(run, todo):
                if isinstance(result, BaseException):
                    result = RunResult(
                        task.run_id, "failed", None, 0.0, "", f"{type(result).__name__}: {result}"
                    )
                if result.status == "done":
                    store.write_run(task, result)
                    done += 1
                else:
                    store.write_failure(task, result)
                    failed += 1
                    log.warning("run %s failed:\n%s", task.run_id, result.error)
                bar.update(1)
                bar.set_postfix(failed=failed, refresh=False)
                if time.perf_counter() - last_manifest > MANIFEST_EVERY_SECONDS:
                    store.write_manifest(
                        experiment, tasks, executor.name, time.perf_counter() - started
                    )
                    last_manifest = time.perf_counter()
        finally:
            bar.close()
            executor.close()
            store.write_manifest(experiment, tasks, executor.name, time.perf_counter() - started)
        runs = store.collect()[0] if done + len(finished) else None
    finally:
        store.unlock()
    return SweepSummary(
        store.root, len(tasks), len(finished), done, failed, time.perf_counter() - started, runs
    )


def sweep_once(experiment_file: str | Path, folder: Path, **options) -> tuple[Path, bool]:
    """The finished sweep of `experiment_file` in `folder`, run there unless the folder already
    holds one made by the same experiment (its hash: the experiment file and every scenario)
    with the same code (the git commit, not a modified working tree); returns the folder and
    whether it was reused. For notebooks, which would otherwise show stale results."""
    import json
    import shutil

    experiment = load_experiment(experiment_file)
    info, manifest = folder / "experiment.json", folder / "manifest.json"
    if (folder / "runs.parquet").is_file() and info.is_file() and manifest.is_file():
        made = json.loads(info.read_text()).get("experiment_hash")
        code = json.loads(manifest.read_text()).get("code_version", "")
        current = results.git_commit()
        if made == experiment.hash() and code == current and not current.endswith("+dirty"):
            return folder, True
    if folder.exists():
        shutil.rmtree(folder)  # a notebook's own results folder: made again from scratch
    sweep(experiment_file, out=folder, **options)
    return folder, False
