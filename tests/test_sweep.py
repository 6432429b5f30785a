"""The sweep engine end to end: identical results whatever the executor, nothing finished lost
when killed, failures isolated, corrupt files redone, bad input refused before any run."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, SCENARIOS
from model.cli import main
from model.experiments import analysis
from model.experiments.spec import load_experiment
from model.experiments.sweep import sweep
from model.runner import run_scenario

QUICK = ROOT / "experiments" / "quick.yaml"


def experiment(tmp_path: Path, body: str, name: str = "exp.yaml") -> Path:
    """An experiment file in tmp_path; `{scenarios}` stands for the scenarios folder."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(body).lstrip().replace("{scenarios}", str(SCENARIOS)))
    return path


MEDIUM = """
    name: medium
    description: a sweep slow enough to kill in the middle
    scenarios: [{scenarios}/baseline.yaml, {scenarios}/policy_2019.yaml]
    levers:
      settlement.rules.large_1.min_social_insurance_months: {range: [0, 36]}
    uncertainties:
      behaviour.willingness.intercept: {range: [-0.5, 1.0]}
    design: {kind: grid, levels: 2}
    replications: 3
    seed: 99
    simulation: {migrants: 30000, years: 2}
    outcomes: [hukou_citizenization_rate, settlements_per_year]
    resolution: yearly
    """


def test_every_experiment_file_loads():
    for path in sorted((ROOT / "experiments").glob("*.yaml")):
        assert load_experiment(path).spec.name == path.stem


def test_quick_sweep_writes_every_run_with_common_seeds(tmp_path, capsys):
    out = tmp_path / "quick"
    assert main(["sweep", str(QUICK), "--workers", "2", "--out", str(out), "--quiet"]) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["run_id"].nunique() == 16 and len(list((out / "runs").glob("*.parquet"))) == 16
    assert {
        "settlement.rules.large_1.min_social_insurance_months",
        "behaviour.willingness.intercept",
    } <= set(runs.columns)
    # common random numbers: one seed per replication, shared by every point and scenario
    seeds = runs.groupby("replication")["seed"].nunique()
    assert (seeds == 1).all()
    assert runs.groupby("replication")["seed"].first().nunique() == 2
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"done": 16, "failed": 0, "pending": 0}
    assert all(r["scenario_hash"] and r["wall_seconds"] > 0 for r in manifest["runs"])
    # a run's rows are exactly what run_scenario gives for its scenario and seed
    one = runs[runs["run_id"] == "policy_2019__p00003__r0001"]
    experiment_ = load_experiment(QUICK)
    scenario = experiment_.scenarios[1].override(
        {
            "settlement.rules.large_1.min_social_insurance_months": 36,
            "behaviour.willingness.intercept": 1.0,
        }
    )
    direct = run_scenario(scenario, int(one["seed"].iloc[0]))
    direct = direct[direct["outcome"].isin(experiment_.spec.outcomes)]
    merged = one.merge(direct, on=["year", "outcome", "population", "city_class"])
    assert (
        len(merged) == len(one)
        and (merged["value_x"].fillna(-1) == merged["value_y"].fillna(-1)).all()
    )


@pytest.mark.slow
def test_one_worker_two_workers_and_dask_give_identical_runs(tmp_path):
    from distributed import LocalCluster

    sweep(QUICK, out=tmp_path / "one", workers=1, progress=False)
    sweep(QUICK, out=tmp_path / "two", workers=2, progress=False)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        summary = sweep(
            QUICK, out=tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False
        )
    assert summary.done == 16 and summary.failed == 0
    one = (tmp_path / "one" / "runs.parquet").read_bytes()
    assert one == (tmp_path / "two" / "runs.parquet").read_bytes()
    assert one == (tmp_path / "dask" / "runs.parquet").read_bytes()


@pytest.mark.slow
def test_killed_sweep_resumes_to_the_uninterrupted_result(tmp_path):
    path = experiment(tmp_path, MEDIUM)
    killed = tmp_path / "killed"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "model",
            "sweep",
            str(path),
            "--workers",
            "2",
            "--out",
            str(killed),
            "--quiet",
        ],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if len(list((killed / "runs").glob("*.parquet"))) >= 4:
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = len(list((killed / "runs").glob("*.parquet")))
    assert 4 <= finished < 24, "the sweep should have been killed in the middle"

    assert main(["sweep", str(path), "--resume", str(killed), "--workers", "1", "--quiet"]) == 0
    whole = tmp_path / "whole"  # uninterrupted, on the two workers the killed sweep began with
    sweep(path, out=whole, workers=2, progress=False)
    assert (killed / "runs.parquet").read_bytes() == (whole / "runs.parquet").read_bytes()
    assert not list((killed / "runs").glob(".*"))  # no half-written temporaries left


def test_failing_run_is_isolated_and_recorded(tmp_path):
    from sweep_helpers import fail_on_point_one

    out = tmp_path / "failing"
    summary = sweep(QUICK, out=out, workers=1, progress=False, run=fail_on_point_one)
    assert summary.failed == 4 and summary.done == 12  # point 1: 2 scenarios x 2 replications
    manifest = json.loads((out / "manifest.json").read_text())
    failed = [r for r in manifest["runs"] if r["status"] == "failed"]
    assert {r["point"] for r in failed} == {1}
    assert all("simulation.years" in r["error"] and "Traceback" in r["error"] for r in failed)
    runs = pd.read_parquet(out / "runs.parquet")
    assert 1 not in set(runs["point"]) and runs["run_id"].nunique() == 12
    # resuming retries the failed runs only
    again = sweep(QUICK, resume=out, workers=1, progress=False)
    assert again.skipped == 12 and again.done == 4 and again.failed == 0


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text().split()
        found.extend(int(p) for p in text)
    return found


def test_a_lost_worker_fails_only_its_run_and_the_sweep_finishes(tmp_path):
    """A worker dying (here: the one running point 1 exits at once) breaks the pool; the pool
    is rebuilt, the runs that were in flight are rerun, and only point 1's runs fail."""
    from sweep_helpers import die_on_point_one

    out = tmp_path / "lost"
    summary = sweep(QUICK, out=out, workers=2, progress=False, run=die_on_point_one)
    assert summary.failed == 4 and summary.done == 12  # point 1: 2 scenarios x 2 replications
    manifest = json.loads((out / "manifest.json").read_text())
    failed = [r for r in manifest["runs"] if r["status"] == "failed"]
    assert {r["point"] for r in failed} == {1}
    assert all("WorkerLost" in r["error"] for r in failed)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_workers_end_when_their_parent_is_killed(tmp_path):
    """kill -9 of a process holding a local pool leaves no worker running."""
    script = tmp_path / "holder.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys, time
            sys.path.insert(0, {str(ROOT)!r})
            from model.experiments.executors import LocalExecutor
            pool = LocalExecutor(2)
            futures = [pool._pool.submit(time.sleep, 120) for _ in range(2)]
            while len(pool._pool._processes or {{}}) < 2:
                time.sleep(0.05)
            print(" ".join(str(p) for p in pool._pool._processes), flush=True)
            time.sleep(120)
            """
        )
    )
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    workers = [int(p) for p in process.stdout.readline().split()]
    assert len(workers) == 2 and all(_alive(p) for p in workers)
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_sigterm_stops_a_sweep_keeps_its_runs_and_leaves_no_worker(tmp_path):
    path = experiment(tmp_path, MEDIUM)
    out = tmp_path / "terminated"
    process = subprocess.Popen(
        [sys.executable, "-m", "model", "sweep", str(path), "--workers", "2", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "runs").glob("*.parquet"))) < 2:
        time.sleep(0.05)
    workers = _children(process.pid)
    assert workers, "the sweep should be running its workers"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "interrupted" in err and "Traceback" not in err
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers)
    assert len(list((out / "runs").glob("*.parquet"))) >= 2  # finished runs kept


def test_corrupt_run_files_are_redone(tmp_path):
    out = tmp_path / "corrupt"
    sweep(QUICK, out=out, workers=1, progress=False)
    before = (out / "runs.parquet").read_bytes()
    files = sorted((out / "runs").glob("*.parquet"))
    data = files[0].read_bytes()
    files[0].write_bytes(data[: len(data) // 2])  # cut short
    files[1].write_bytes(b"not parquet at all")
    (out / "runs" / f".{files[2].name}.tmp123").write_bytes(b"half a write")
    again = sweep(QUICK, resume=out, workers=1, progress=False)
    assert again.skipped == 14 and again.done == 2
    assert (out / "runs.parquet").read_bytes() == before


def test_a_run_file_whose_values_changed_is_redone_and_not_collected(tmp_path, capsys):
    """A run file that still reads as Parquet but whose values changed (a flipped bit, an
    edit) fails its checksum: collect leaves it out and says so, resume redoes it."""
    import pyarrow.parquet as pq

    from model.experiments.store import SweepStore

    out = tmp_path / "flipped"
    sweep(QUICK, out=out, workers=1, progress=False)
    before = (out / "runs.parquet").read_bytes()
    path = sorted((out / "runs").glob("*.parquet"))[0]
    table = pq.read_table(path)
    frame = table.to_pandas()
    frame.loc[frame.index[0], "value"] = frame["value"].iloc[0] + 0.123  # silently wrong
    changed = pa_table_like(frame, table)
    pq.write_table(changed, path)
    store = SweepStore.open_existing(out)
    assert store.read_run(path.stem) is None
    assert main(["sweep-collect", str(out)]) == 0
    assert "1 unreadable run files left out" in capsys.readouterr().out
    again = sweep(QUICK, resume=out, workers=1, progress=False)
    assert again.done == 1 and (out / "runs.parquet").read_bytes() == before
    # random byte flips: a run file then reads back as it was written, or not at all
    data = bytearray(path.read_bytes())
    original = store.read_run(path.stem)[0]
    for position in range(64, len(data) - 64, max(1, len(data) // 40)):
        flipped = bytearray(data)
        flipped[position] ^= 0x10
        path.write_bytes(bytes(flipped))
        read = store.read_run(path.stem)
        assert read is None or read[0].equals(original), position


def pa_table_like(frame, table):
    """`frame` as a Parquet table with `table`'s schema metadata (its recorded checksum)."""
    import pyarrow as pa

    new = pa.Table.from_pandas(frame, preserve_index=False)
    return new.replace_schema_metadata(table.schema.metadata)


def test_a_second_sweep_on_a_folder_in_use_is_refused(tmp_path, capsys):
    from model.experiments.spec import load_experiment as load
    from model.experiments.store import SweepStore

    out = tmp_path / "busy"
    sweep(QUICK, out=out, workers=1, progress=False)
    holder = SweepStore.reopen(out, load(QUICK))  # as a running sweep holds it
    try:
        code = main(["sweep", str(QUICK), "--resume", str(out), "--workers", "1", "--quiet"])
        assert code == 2
        err = capsys.readouterr().err
        assert "in use by another sweep" in err and str(os.getpid()) in err
    finally:
        holder.unlock()
    assert main(["sweep", str(QUICK), "--resume", str(out), "--workers", "1", "--quiet"]) == 0


def test_analyse_morris_finds_the_factor_that_matters(tmp_path, capsys):
    path = experiment(
        tmp_path,
        """
        name: screening
        description: a tiny Morris screening
        scenarios: [{scenarios}/policy_2019.yaml]
        uncertainties:
          behaviour.willingness.intercept: {range: [-1.0, 1.5]}
          fiscal.public_finance.capacity_cost_yuan_per_person: {range: [50000, 150000]}
        design: {kind: morris, samples: 4, levels: 4, seed: 3}
        replications: 1
        seed: 5
        simulation: {migrants: 1500, years: 1}
        outcomes: [hukou_citizenization_rate]
        """,
    )
    out = tmp_path / "screening"
    sweep(path, out=out, workers=1, progress=False)
    indices = analysis.sensitivity(out, "hukou_citizenization_rate")
    # capacity bought in the first December changes nothing before the next year (and the
    # spin-up runs under the policy before the start); willingness matters at once
    assert indices.loc["fiscal.public_finance.capacity_cost_yuan_per_person", "mu_star"] == 0.0
    assert indices.loc["behaviour.willingness.intercept", "mu_star"] > 0.01
    assert main(["analyse", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "morris indices" in printed and "mu_star" in printed
    assert (out / "analysis" / "sensitivity_policy_2019.png").stat().st_size > 5000
    assert (out / "analysis" / "response_surface.png").is_file()

    experiments, outcomes = analysis.to_ema(pd.read_parquet(out / "runs.parquet"))
    assert len(experiments) == len(outcomes["hukou_citizenization_rate"]) == 12
    assert {"behaviour.willingness.intercept", "policy", "seed"} <= set(experiments.columns)


@pytest.mark.slow  # over 10 s
def test_sweep_memory_does_not_grow_with_finished_runs(baseline):
    """A worker that builds many models keeps flat memory: 40 more runs may not keep even two
    runs' worth of population columns (3000 rows x 37 bytes each)."""
    import gc

    # a short history: the spin-up and its per-process cache are exercised, in a tenth the time
    scenario = baseline.override(
        {"simulation.migrants": 3000, "simulation.years": 1, "simulation.spin_up_years": 1}
    )
    tracemalloc.start()
    for seed in range(20):  # warm caches (pandas, numpy) first
        run_scenario(scenario, seed)
    gc.collect()
    after_few = tracemalloc.get_traced_memory()[0]
    for seed in range(20, 60):
        run_scenario(scenario, seed)
    gc.collect()
    after_many = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert after_many - after_few < 2 * 3000 * 37, (after_few, after_many)


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "levers:\n  settlement.rules.large_1.min_socail_insurance_months: {range: [0, 5]}\n",
            "no key 'settlement.rules.large_1.min_socail_insurance_months'",
        ),
        ("levers:\n  settlement.rules: {range: [0, 5]}\n", "whole section"),
        ("outcomes: [hukou_citizenisation_rate]\n", "unknown outcome"),
        ("levers:\n  behaviour.willingness.intercept: {range: [0.5, 0.5]}\n", "empty range"),
        (
            "levers:\n  behaviour.willingness.intercept: {range: [0.2, 0.5]}\n"
            "design: {kind: sobol, samples: 10}\n",
            "power of 2",
        ),
        (
            "levers:\n  settlement.rules.medium.min_residence_months: {range: [-6, 12]}\n",
            "greater than or equal to 0",
        ),
        ("replications: 0\n", "greater than or equal to 1"),
    ],
)
def test_bad_experiment_is_refused_before_any_run(tmp_path, capsys, body, expected):
    base = {
        "name": "bad",
        "description": "x",
        "scenarios": [str(SCENARIOS / "baseline.yaml")],
        "design": {"kind": "grid", "levels": 2},
        "replications": 1,
        "seed": 1,
        "outcomes": ["hukou_citizenization_rate"],
    }
    import yaml

    data = {**base, **yaml.safe_load(body)}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and str(path) in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.slow  # over 10 s
def test_unreachable_scheduler_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        main(
            ["sweep", str(QUICK), "--scheduler", "tcp://127.0.0.1:9", "--out", str(out), "--quiet"]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "No Dask scheduler answered" in err and "Traceback" not in err
    assert not list((out / "runs").glob("*.parquet")) if out.exists() else True


def test_resume_refuses_a_folder_of_another_experiment(tmp_path, capsys):
    out = tmp_path / "quick"
    sweep(QUICK, out=out, workers=1, progress=False)
    other = experiment(tmp_path, MEDIUM)
    assert main(["sweep", str(other), "--resume", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "different experiment" in err and "Traceback" not in err


def test_notebooks_reuse_a_sweep_only_from_the_same_experiment_and_code(tmp_path, monkeypatch):
    import json as json_

    from model.experiments import sweep as sweep_module
    from model.output import results

    monkeypatch.setattr(results, "git_commit", lambda: "abc123")
    folder = tmp_path / "nb"
    path, reused = sweep_module.sweep_once(QUICK, folder, workers=1, progress=False)
    assert path == folder and not reused
    assert sweep_module.sweep_once(QUICK, folder, workers=1, progress=False)[1]
    # other code made it: run again
    manifest = json_.loads((folder / "manifest.json").read_text())
    manifest["code_version"] = "older"
    (folder / "manifest.json").write_text(json_.dumps(manifest))
    assert not sweep_module.sweep_once(QUICK, folder, workers=1, progress=False)[1]
    # a modified working tree cannot vouch for its results
    monkeypatch.setattr(results, "git_commit", lambda: "abc123+dirty")
    assert not sweep_module.sweep_once(QUICK, folder, workers=1, progress=False)[1]


def test_ema_workbench_takes_the_sweep_results(tmp_path):
    """Interop with the installed EMA Workbench: save and load, PRIM and feature scoring, with
    scalar outcomes and yearly time series."""
    import numpy as np
    from ema_workbench import load_results, save_results
    from ema_workbench.analysis import feature_scoring, prim

    out = tmp_path / "ema"
    sweep(QUICK, out=out, workers=1, progress=False)
    runs = pd.read_parquet(out / "runs.parquet")
    for time_series in (False, True):
        experiments, outcomes = analysis.to_ema(runs, time_series=time_series)
        path = tmp_path / f"results_{time_series}.tar.gz"
        save_results((experiments, outcomes), str(path))
        loaded_experiments, loaded = load_results(str(path))
        assert list(loaded_experiments.columns) == list(experiments.columns)
        assert loaded.keys() == outcomes.keys()
        assert all(np.allclose(loaded[k], outcomes[k]) for k in outcomes)
    series = analysis.to_ema(runs, time_series=True)[1]["hukou_citizenization_rate_by_year"]
    assert series.shape == (16, 2)  # runs x years
    experiments, outcomes = analysis.to_ema(runs[runs["scenario"] == "policy_2019"])
    rate = outcomes["hukou_citizenization_rate"]
    box = prim.Prim(experiments, rate > np.median(rate), threshold=0.5).find_box()
    # the box that finds high rates restricts willingness, the factor that moves them
    assert any("behaviour.willingness.intercept" in step for step in box.qp)
    scores = feature_scoring.get_feature_scores_all(experiments, outcomes)
    assert scores.loc["behaviour.willingness.intercept"].max() > scores.loc["seed"].max()
