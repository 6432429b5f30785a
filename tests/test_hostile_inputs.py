"""Hostile input is input too (issue 15, in part): every case is refused before any work with
exit code 2 and one paragraph naming the file and the key, no traceback, nothing written."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT, SCENARIOS
from model.cli import main

#: a baseline run small enough to take a second
SMALL_RUN = ["run", str(SCENARIOS / "baseline.yaml"), "--migrants", "500", "--years", "1"]


def _scenario(tmp_path, body: str):
    """A scenario file extending the baseline with `body` (which may give its own name)."""
    path = tmp_path / "bad.yaml"
    name = "" if body.startswith("name:") else "name: variant\n"
    baseline = SCENARIOS / "baseline.yaml"
    path.write_text(f"{name}description: a test\nextends: {baseline}\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "body, key, expected",
    [
        ("name: ../../outside\n", "name", "should match pattern"),
        ("name: /tmp/abs\n", "name", "should match pattern"),
        ("population:\n  represented_people: .inf\n", "population.represented_people", "finite"),
        (
            "behaviour:\n  willingness:\n    intercept: .nan\n",
            "behaviour.willingness.intercept",
            "finite",
        ),
        (
            "settlement:\n  rural_rights:\n    protected: 'yes'\n",
            "settlement.rural_rights.protected",
            "valid boolean",
        ),
        ("simulation:\n  years: true\n", "simulation.years", "valid integer"),
        ("simulation:\n  migrants: '5000'\n", "simulation.migrants", "valid integer"),
        ("population:\n  in_city_share: 0.0\n", "population.in_city_share", "greater than 0"),
        (
            "population:\n  registered_poor_share: 0.7\n  minimum_income_share: 0.4\n",
            "population",
            "exceeds 1",
        ),
    ],
)
def test_bad_values_are_refused_before_any_work(tmp_path, capsys, body, key, expected):
    path = _scenario(tmp_path, body)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and key in err and expected in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not out.exists() and not (ROOT / "outside").exists()


@pytest.mark.parametrize("key", ["extends", "before_start"])
def test_references_cannot_reach_files_outside_the_scenario_folders(tmp_path, capsys, key):
    """extends and before_start name scenario files in the file's folder tree or the project's
    scenarios, nothing else: another file is neither read nor repeated in the message."""
    secret = tmp_path / "elsewhere" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text("name: SECRET-CONTENT\ndescription: x\n", encoding="utf-8")
    folder = tmp_path / "mine"
    folder.mkdir()
    for named in ("../elsewhere/secret.yaml", str(secret), "/etc/passwd"):
        path = folder / "variant.yaml"
        header = "name: variant\ndescription: a test\n"
        if key == "extends":
            path.write_text(f"{header}extends: {named}\n", encoding="utf-8")
        else:
            baseline = SCENARIOS / "baseline.yaml"
            path.write_text(f"{header}extends: {baseline}\nbefore_start: {named}\n", "utf-8")
        assert main(["check", str(path)]) == 2
        err = capsys.readouterr().err
        assert key in err and "not allowed" in err and "Traceback" not in err
        assert "SECRET-CONTENT" not in err and "root:" not in err
    # a file beside it, and the project's scenarios, are fine
    (folder / "mine_base.yaml").write_text(
        f"name: mine_base\ndescription: x\nextends: {SCENARIOS / 'policy_2019.yaml'}\n", "utf-8"
    )
    path.write_text("name: variant\ndescription: x\nextends: mine_base.yaml\n", "utf-8")
    assert main(["check", str(path)]) == 0


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"name: \xff\xfe broken\n", "not UTF-8"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"a: &x [1, 2]\nb: [*x, *x, *x]\n", "anchors and aliases"),
        (b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested more than"),
    ],
)
def test_files_that_are_not_yaml_text_are_refused(tmp_path, capsys, content, expected):
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert expected in err and str(path) in err and "Traceback" not in err


def test_check_reports_every_file_and_goes_on(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe")
    good = SCENARIOS / "baseline.yaml"
    assert main(["check", str(bad), str(good)]) == 2
    captured = capsys.readouterr()
    assert "FAIL" in captured.err and f"ok   {good}" in captured.out


def test_a_folder_with_files_is_refused_unless_forced(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    args = [
        *SMALL_RUN,
        "--out",
        str(out),
        "--quiet",
    ]
    assert main(args) == 2
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["precious.txt"]
    assert main([*args, "--force"]) == 0
    assert (out / "manifest.json").is_file() and (out / "precious.txt").read_text() == "keep me"


def test_empty_out_is_not_the_working_directory(tmp_path):
    (tmp_path / "something.txt").write_text("x")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "model",
            *SMALL_RUN,
            "--out",
            "",
            "--quiet",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "not empty" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["something.txt"]


def test_summary_json_is_strict_json_with_null_for_missing(tmp_path):
    out = tmp_path / "out"
    args = [
        *SMALL_RUN,
        "--out",
        str(out),
        "--quiet",
    ]
    assert main(args) == 0
    text = (out / "summary.json").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    summary = json.loads(text, parse_constant=lambda c: pytest.fail(f"bare {c} in JSON"))
    # the baseline has no national accounts: its urbanization rates are missing, written null
    assert summary["outcomes"]["hukou_urbanization_rate_all"] is None


@pytest.mark.parametrize(
    "args",
    [
        ["app", "--port", "70000"],
        ["run", str(SCENARIOS / "baseline.yaml"), "--seed", str(2**64)],
        ["compare", str(SCENARIOS / "baseline.yaml"), "--first-seed", "-1"],
    ],
)
def test_numbers_out_of_range_on_the_command_line_get_one_line(args, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "expected a number" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "overrides",
    [
        {"population.in_city_share": 1e-6},  # almost nobody in a city at the start
        {"population.registered_poor_share": 0.0, "population.minimum_income_share": 0.0},
        {"population.registered_poor_share": 1.0, "population.minimum_income_share": 0.0},
        {"population.in_city_share": 1.0},
    ],
)
def test_degenerate_valid_scenarios_run_and_keep_shares_in_bounds(policy_2019, overrides):
    """Extreme but valid margins run without numpy warnings; every outcome whose unit is a
    share stays in [0, 1] (NaN where its denominator is empty)."""
    import warnings

    from model import run_scenario
    from model.outcomes import OUTCOMES

    scenario = policy_2019.override(
        {
            **overrides,
            "simulation.migrants": 2000,
            "simulation.years": 2,
            "simulation.spin_up_years": 1,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        rows = run_scenario(scenario, 0)
    shares = rows[rows["outcome"].isin([k for k, o in OUTCOMES.items() if o.unit == "share"])]
    values = shares["value"].dropna()
    assert len(values) and values.between(0.0, 1.0).all(), shares[~shares["value"].between(0, 1)]


EXPERIMENT = """name: hostile
description: a sweep the checks must refuse before any run
scenarios: [{scenarios}/policy_2019.yaml]
{factors}
design: {design}
replications: {replications}
seed: 1
simulation: {{migrants: 500, years: 1}}
outcomes: [hukou_citizenization_rate]
"""


@pytest.mark.parametrize(
    "factors, design, replications, expected",
    [
        # 10^9 grid points: refused from the sizes alone, before any point is made
        (
            "uncertainties:\n  behaviour.willingness.intercept: {range: [0, 1]}\n"
            "  behaviour.willingness.income_value: {range: [0, 1]}\n"
            "  behaviour.willingness.home_owner_value: {range: [0, 1]}",
            "{kind: grid, levels: 1000}",
            1,
            "1,000,000,000 points",
        ),
        # few points, too many runs
        (
            "uncertainties:\n  behaviour.willingness.intercept: {range: [0, 1]}",
            "{kind: grid, levels: 20}",
            100000,
            "runs per experiment",
        ),
        # listed values that collapse to one whole number
        (
            "levers:\n  settlement.rules.large_1.min_social_insurance_months: "
            "{values: [12.2, 12.4], integer: true}",
            "{kind: grid}",
            1,
            "repeats points",
        ),
        # each value valid alone, the combination not: poverty shares summing above 1
        (
            "uncertainties:\n  population.registered_poor_share: {values: [0.05, 0.9]}\n"
            "  population.minimum_income_share: {values: [0.02, 0.5]}",
            "{kind: grid}",
            1,
            "does not make a valid scenario",
        ),
    ],
)
def test_sweeps_are_checked_whole_before_the_first_run(
    tmp_path, capsys, factors, design, replications, expected
):
    path = tmp_path / "hostile.yaml"
    path.write_text(
        EXPERIMENT.format(
            scenarios=SCENARIOS, factors=factors, design=design, replications=replications
        ),
        encoding="utf-8",
    )
    out = tmp_path / "sweep"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and str(path) in err and "design" in err and "Traceback" not in err
    assert not out.exists()


def test_too_little_free_space_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 10**6, 10**6))
    out = tmp_path / "out"
    assert main([*SMALL_RUN, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "MB free" in err and "nothing has been run" in err and "Traceback" not in err
    assert not out.exists()


def test_a_full_disk_while_writing_is_one_paragraph_and_keeps_what_was_written(
    tmp_path, capsys, monkeypatch
):
    import errno

    from model.output import results

    real = results.write_atomic
    calls = []

    def fills_up(path, data):
        calls.append(path)
        if len(calls) > 1:  # the first file fits, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(results, "write_atomic", fills_up)
    out = tmp_path / "out"
    assert main([*SMALL_RUN, "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "no space left" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert calls[0].is_file()  # what was written before is kept


@pytest.mark.parametrize(
    "content, expected",
    [
        ("key,year,value\n", "no rows"),
        ("key,year,value\nmean_monthly_income,2016,nan\n", "finite number"),
        ("key,year,value\nmean_monthly_income,2016,inf\n", "finite number"),
        (
            "key,year,value\nmean_monthly_income,2016,3275\nmean_monthly_income,2016,3300\n",
            "one row per key and year",
        ),
    ],
)
@pytest.mark.parametrize("command", ["validate", "calibrate"])
def test_broken_targets_are_refused_before_any_simulation(
    tmp_path, capsys, content, expected, command
):
    targets = tmp_path / "targets.csv"
    targets.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    assert main([command, "--targets", str(targets), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and str(targets) in err and "Traceback" not in err
    assert not out.exists()
