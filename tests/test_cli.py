"""The command line end to end: `run` and `compare` write their results folders; bad output
folders fail before anything runs."""

import json

import pandas as pd
import yaml

from conftest import SCENARIOS
from model.cli import main
from model.outcomes import HEADLINE
from model.scenario import load_scenario

BASELINE = str(SCENARIOS / "baseline.yaml")
POLICY = str(SCENARIOS / "policy_2019.yaml")


def test_run_writes_a_complete_results_folder(tmp_path, capsys):
    out = tmp_path / "run"
    assert (
        main(
            [
                "run",
                BASELINE,
                "--migrants",
                "3000",
                "--years",
                "2",
                "--seed",
                "3",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    assert {p.name for p in out.iterdir()} >= {
        "outcomes.parquet",
        "summary.json",
        "scenario.resolved.yaml",
        "manifest.json",
        "trajectories.png",
    }
    outcomes = pd.read_parquet(out / "outcomes.parquet")
    assert list(outcomes.columns) == [
        "scenario",
        "seed",
        "year",
        "outcome",
        "population",
        "city_class",
        "value",
    ]
    assert sorted(outcomes["year"].unique()) == [2019, 2020]
    assert (outcomes["seed"] == 3).all()

    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "baseline" and summary["seed"] == 3
    for name in (
        "hukou_citizenization_rate_poor",
        "hukou_citizenization_rate_all",
        "settlements_per_year_all",
        "migrants_in_cities_all",
        "return_migration_rate_all",
        "employment_rate_all",
        "residence_permit_share_all",
        "mean_monthly_income_yuan_all",
    ):
        assert name in summary["outcomes"]
    last = outcomes[
        (outcomes.year == 2020)
        & (outcomes.outcome == "hukou_citizenization_rate")
        & (outcomes.population == "poor")
        & (outcomes.city_class == "all")
    ]
    assert summary["outcomes"]["hukou_citizenization_rate_poor"] == last["value"].iloc[0]

    resolved = yaml.safe_load((out / "scenario.resolved.yaml").read_text())
    assert resolved["simulation"]["migrants"] == 3000 and resolved["simulation"]["years"] == 2
    assert load_scenario(out / "scenario.resolved.yaml").simulation.migrants == 3000

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["wall_time_seconds"] > 0
    assert manifest["peak_memory_bytes"] > 0 and "numpy" in manifest["versions"]
    assert manifest["code_version"]
    assert (out / "trajectories.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_writes_paired_results(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert (
        main(
            [
                "compare",
                BASELINE,
                POLICY,
                "--seeds",
                "2",
                "--migrants",
                "3000",
                "--years",
                "2",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "policy_2019 - baseline" in printed and "hukou_citizenization_rate" in printed
    runs = pd.read_parquet(out / "comparison.parquet")
    assert set(runs["scenario"]) == {"baseline", "policy_2019"}
    assert set(runs["seed"]) == {0, 1}
    summary = pd.read_parquet(out / "summary.parquet")
    assert set(summary["outcome"]) == {*HEADLINE, "cost_per_additional_citizenized_poor_yuan"}
    # the paired difference is the mean of per-seed differences
    final = runs[
        (runs.year == 2020)
        & (runs.outcome == "hukou_citizenization_rate")
        & (runs.population == "all")
        & (runs.city_class == "all")
    ]
    wide = final.pivot(index="seed", columns="scenario", values="value")
    row = summary[
        (summary.outcome == "hukou_citizenization_rate")
        & (summary.population == "all")
        & (summary.scenario == "policy_2019")
    ]
    assert abs(row["difference"].iloc[0] - (wide["policy_2019"] - wide["baseline"]).mean()) < 1e-12
    assert (out / "comparison.png").stat().st_size > 10_000


def test_unwritable_out_fails_before_running(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    assert main(["run", BASELINE, "--out", str(blocker / "results"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "cannot be written" in err and "nothing has been run" in err
    assert "Traceback" not in err


def test_bad_scenario_in_run_exits_2_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"name: bad\ndescription: x\nextends: {BASELINE}\nsimulation:\n  years: 0\n")
    assert main(["run", str(bad), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "simulation.years" in err and "line 5" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_too_few_migrants_on_the_command_line_is_a_clear_error(capsys):
    assert main(["run", BASELINE, "--migrants", "5", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "simulation.migrants" in err and "greater than or equal to 10" in err


def test_default_results_go_under_the_project_not_the_working_directory(tmp_path, monkeypatch):
    from model.output import folders
    from model.output.results import PROJECT_ROOT

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CITIZENIZATION_RESULTS", raising=False)
    assert folders.results_root() == PROJECT_ROOT / "results"
    monkeypatch.setenv("CITIZENIZATION_RESULTS", str(tmp_path / "elsewhere"))
    folder = folders.default_folder("compare")
    assert folder.parent == tmp_path / "elsewhere" / "compare"
    assert not folder.exists(), "naming a folder creates nothing"
