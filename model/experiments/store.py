"""The results folder of a sweep. The files on disk are the truth; nothing is held in memory.

```
experiment.yaml        the experiment file as given
experiment.json        its name and hash, the scenarios' hashes (checked by --resume)
design.parquet         the design points (one column per lever / uncertainty)
runs/<run_id>.parquet  one file per finished run, written atomically (write, then rename)
runs/<run_id>.failed.json   a run that raised: its traceback
manifest.json          every run's scenario hash, seed, status, wall time and error
runs.parquet           all finished runs, gathered: a row per run x outcome x year
```

A run file counts as finished only if it reads back whole, its metadata names this experiment
and this run, and its rows match the checksum written with them (a SHA-256 of their values;
Parquet's page checksums are on too); anything else (a half-written or corrupt file) is deleted
and redone on resume, and left out, and counted, on collect. A sweep holds a lock on its folder
(`.lock`, released when the process ends, however it ends): a second sweep on the same folder
is refused.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from model.experiments.plan import RunTask
from model.experiments.spec import ExperimentError, LoadedExperiment
from model.experiments.worker import RunResult
from model.output import results

METADATA_KEY = b"citizenization"
RUN_COLUMNS = ["run_id", "scenario", "point", "replication", "seed"]


def estimated_bytes(experiment: LoadedExperiment) -> float:
    """About what a sweep writes: each run file and its rows again in runs.parquet (measured:
    about 8 KB a file plus 40 bytes a row, 16 groups per outcome and year)."""
    from model.experiments.design import design_size

    spec = experiment.spec
    runs = design_size(spec) * len(experiment.scenarios) * spec.replications
    years = spec.simulation.years or max(s.simulation.years for s in experiment.scenarios)
    rows = len(spec.outcomes) * 16 * (years if spec.resolution == "yearly" else 1)
    return runs * (8_000 + 2 * 40 * rows)


def checksum(frame: pd.DataFrame) -> str:
    """SHA-256 of a run's rows: column names and every value."""
    digest = hashlib.sha256("\x1f".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


class SweepStore:
    def __init__(self, root: Path):
        self.root = root
        self.runs_dir = root / "runs"
        self._lock = None

    def lock(self) -> None:
        """Hold the folder's lock for as long as this process lives (or until `unlock`)."""
        path = self.root / ".lock"
        handle = open(path, "a+")  # noqa: SIM115 - kept open: the lock lives with it
        try:
            _try_lock(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise ExperimentError(
                f"Folder {self.root} is in use by another sweep (process {holder}); two sweeps "
                "on one folder would run the same runs twice. Wait for it to finish (or stop "
                "it), then --resume; or choose another --out."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock = handle

    def unlock(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file releases the lock
            self._lock = None

    # --- creating and reopening ------------------------------------------------------------

    @classmethod
    def create(cls, root: Path, experiment: LoadedExperiment, points: pd.DataFrame) -> SweepStore:
        if (root / "experiment.json").exists():
            raise ExperimentError(
                f"Folder {root} already holds a sweep; continue it with "
                f"--resume {root}, or choose another --out."
            )
        results.prepare_folder(root)
        results.check_free_space(root, estimated_bytes(experiment), "this sweep")
        store = cls(root)
        store.lock()
        store.runs_dir.mkdir(exist_ok=True)
        shutil.copyfile(experiment.path, root / "experiment.yaml")
        results.write_json(
            {
                "name": experiment.spec.name,
                "experiment_file": str(experiment.path),
                "experiment_hash": experiment.hash(),
                "scenarios": {s.name: s.hash() for s in experiment.scenarios},
            },
            root / "experiment.json",
        )
        results.write_parquet(points.reset_index(), root / "design.parquet")
        return store

    @classmethod
    def reopen(cls, root: Path, experiment: LoadedExperiment) -> SweepStore:
        info_path = root / "experiment.json"
        if not info_path.is_file():
            raise ExperimentError(
                f"--resume {root}: no sweep there (no experiment.json). "
                "Valid: a folder written by `citizenization sweep`."
            )
        info = json.loads(info_path.read_text())
        if info.get("experiment_hash") != experiment.hash():
            raise ExperimentError(
                f"--resume {root}: that sweep was made by a different experiment (its hash "
                f"{info.get('experiment_hash')} from {info.get('experiment_file')}; this one is "
                f"{experiment.hash()} from {experiment.path}): the experiment file or one of "
                "its scenarios changed. Resuming would mix results; start a new sweep instead."
            )
        results.prepare_folder(root, force=True)  # resuming writes into the sweep's folder
        store = cls(root)
        store.lock()
        store.runs_dir.mkdir(exist_ok=True)
        return store

    @classmethod
    def open_existing(cls, root: Path) -> SweepStore:
        if not (root / "experiment.json").is_file():
            raise ExperimentError(
                f"{root} is not a sweep folder (no experiment.json). Valid: "
                "a folder written by `citizenization sweep`."
            )
        return cls(root)

    @cached_property
    def info(self) -> dict:
        return json.loads((self.root / "experiment.json").read_text())

    def design(self) -> pd.DataFrame:
        return pd.read_parquet(self.root / "design.parquet").set_index("point")

    # --- run files ---------------------------------------------------------------------------

    def run_path(self, run_id: str) -> Path:
        return self.runs_dir / f"{run_id}.parquet"

    def failure_path(self, run_id: str) -> Path:
        return self.runs_dir / f"{run_id}.failed.json"

    def write_run(self, task: RunTask, result: RunResult) -> None:
        frame = result.outcomes.copy()
        frame.insert(0, "run_id", task.run_id)
        frame.insert(2, "point", task.point)
        frame.insert(3, "replication", task.replication)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        meta = {
            "experiment_hash": self.info["experiment_hash"],
            "run_id": task.run_id,
            "seed": task.seed,
            "scenario_hash": result.scenario_hash,
            "wall_seconds": round(result.wall_seconds, 4),
            "checksum": checksum(frame),
        }
        table = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), METADATA_KEY: json.dumps(meta).encode()}
        )
        buffer = io.BytesIO()
        pq.write_table(table, buffer, write_page_checksum=True)
        results.write_atomic(self.run_path(task.run_id), buffer.getvalue())
        self.failure_path(task.run_id).unlink(missing_ok=True)

    def write_failure(self, task: RunTask, result: RunResult) -> None:
        results.write_json(
            {
                "run_id": task.run_id,
                "seed": task.seed,
                "scenario_hash": result.scenario_hash,
                "wall_seconds": round(result.wall_seconds, 4),
                "error": result.error,
            },
            self.failure_path(task.run_id),
        )

    def read_run(self, run_id: str) -> tuple[pd.DataFrame, dict] | None:
        """A finished run's rows and metadata, or None if missing, partial or not ours."""
        path = self.run_path(run_id)
        if not path.is_file():
            return None
        try:
            table = pq.read_table(path, page_checksum_verification=True)
            meta = json.loads(table.schema.metadata[METADATA_KEY])
            frame = table.to_pandas()
        except (OSError, pa.ArrowException, KeyError, TypeError, ValueError, UnicodeError):
            return None
        if meta.get("run_id") != run_id or (
            meta.get("experiment_hash") != self.info["experiment_hash"]
        ):
            return None
        if meta.get("checksum") != checksum(frame):
            return None  # its rows are not the rows written
        return frame, meta

    def finished(self, tasks: list[RunTask]) -> set[str]:
        """Run ids whose files read back whole; broken files and stray temporaries go."""
        for stray in self.runs_dir.glob(".*"):
            stray.unlink(missing_ok=True)  # temporaries of writes cut short
        done = set()
        for task in tasks:
            if self.read_run(task.run_id) is not None:
                done.add(task.run_id)
            else:
                self.run_path(task.run_id).unlink(missing_ok=True)
        return done

    # --- manifest and collection -------------------------------------------------------------

    def run_record(self, task: RunTask) -> dict:
        record = {
            "run_id": task.run_id,
            "scenario": task.scenario.name,
            "point": task.point,
            "replication": task.replication,
            "seed": task.seed,
            "status": "pending",
            "scenario_hash": None,
            "wall_seconds": None,
            "error": None,
        }
        finished = self.read_run(task.run_id)
        if finished is not None:
            meta = finished[1]
            record.update(
                status="done",
                scenario_hash=meta["scenario_hash"],
                wall_seconds=meta["wall_seconds"],
            )
        elif self.failure_path(task.run_id).is_file():
            failure = json.loads(self.failure_path(task.run_id).read_text())
            record.update(
                status="failed",
                scenario_hash=failure["scenario_hash"],
                wall_seconds=failure["wall_seconds"],
                error=failure["error"],
            )
        return record

    def write_manifest(
        self, experiment: LoadedExperiment, tasks: list[RunTask], executor: str, wall_seconds: float
    ) -> dict:
        records = [self.run_record(t) for t in tasks]
        counts = {s: sum(r["status"] == s for r in records) for s in ("done", "failed", "pending")}
        manifest = results.manifest(
            experiment=experiment.spec.name,
            experiment_file=str(experiment.path),
            experiment_hash=experiment.hash(),
            design=experiment.spec.design.model_dump(),
            replications=experiment.spec.replications,
            master_seed=experiment.spec.seed,
            executor=executor,
            wall_time_seconds=round(wall_seconds, 3),
            counts=counts,
            runs=records,
        )
        results.write_json(manifest, self.root / "manifest.json")
        return manifest

    def collect(self) -> tuple[pd.DataFrame, int]:
        """Gather every finished run, in run order, with its lever and uncertainty values,
        into `runs.parquet`; returns the table and how many runs were missing."""
        design = self.design()
        frames, missing = [], 0
        files = sorted(self.runs_dir.glob("*.parquet"))
        for path in files:
            finished = self.read_run(path.stem)
            if finished is None:
                missing += 1
                continue
            frames.append(finished[0])
        if not frames:
            raise ExperimentError(f"No finished runs in {self.root} to collect yet.")
        runs = pd.concat(frames, ignore_index=True)
        runs = runs.sort_values(
            ["scenario", "point", "replication", "outcome", "population", "city_class", "year"],
            kind="stable",
            ignore_index=True,
        )
        runs = runs.join(design, on="point")
        results.write_parquet(runs, self.root / "runs.parquet")
        return runs, missing


def _try_lock(handle) -> None:
    """An exclusive, non-blocking lock on an open file; OSError if another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
