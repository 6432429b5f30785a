"""Scenario files: loading, `extends`, overrides, and a clear message for each bad input."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SCENARIOS
from model.cli import main
from model.scenario import ScenarioError, load_scenario

BASELINE = SCENARIOS / "baseline.yaml"


def write(tmp_path: Path, text: str, name: str = "variant.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def variant(tmp_path: Path, body: str) -> Path:
    """A scenario extending the real baseline with `body` (YAML) as its overrides."""
    return write(
        tmp_path,
        f"name: variant\ndescription: a test variant\n"
        f"extends: {BASELINE}\n" + textwrap.dedent(body),
    )


def check_fails(path: Path, capsys) -> str:
    """Run `citizenization check` on a bad file: exit 2, one paragraph, no traceback."""
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err  # one paragraph
    assert str(path) in err
    return err


def test_every_scenario_file_validates():
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert {"baseline.yaml", "policy_2019.yaml"} <= {f.name for f in files}
    for path in files:
        scenario = load_scenario(path)
        assert scenario.name == path.stem


def test_extends_merges_and_keeps_untouched_values(baseline, policy_2019):
    assert policy_2019.settlement.rules.large_2.kind == "open"
    assert baseline.settlement.rules.large_2.kind == "conditions"
    assert policy_2019.population == baseline.population
    assert policy_2019.settlement.rules.super_large.min_social_insurance_months == (
        baseline.settlement.rules.super_large.min_social_insurance_months
    )


def test_resolved_yaml_loads_back_to_the_same_scenario(tmp_path, policy_2019):
    path = tmp_path / "resolved.yaml"
    path.write_text(policy_2019.to_yaml(), encoding="utf-8")
    assert load_scenario(path).hash() == policy_2019.hash()


def test_override_is_validated(baseline):
    changed = baseline.override({"simulation.migrants": 500})
    assert changed.simulation.migrants == 500 and baseline.simulation.migrants != 500
    with pytest.raises(ScenarioError, match="simulation.migrants"):
        baseline.override({"simulation.migrants": -1})


def test_unknown_key_names_file_key_line_and_valid_keys(tmp_path, capsys):
    path = variant(
        tmp_path,
        """
        settlement:
          rules:
            medium:
              min_socail_insurance_months: 6
        """,
    )
    err = check_fails(path, capsys)
    assert "settlement.rules.medium.min_socail_insurance_months" in err
    assert "line 8" in err
    assert "did you mean 'min_social_insurance_months'" in err
    assert "valid keys here:" in err and "requires_stable_job" in err


def test_wrong_type(tmp_path, capsys):
    path = variant(tmp_path, "residence_permit:\n  min_residence_months: six\n")
    err = check_fails(path, capsys)
    assert "residence_permit.min_residence_months" in err and "integer" in err
    assert "'six'" in err and "line 5" in err


def test_negative_months(tmp_path, capsys):
    path = variant(tmp_path, "settlement:\n  rules:\n    medium:\n      min_residence_months: -3\n")
    err = check_fails(path, capsys)
    assert "greater than or equal to 0" in err and "-3" in err


def test_share_above_one(tmp_path, capsys):
    path = variant(tmp_path, "population:\n  female_share: 1.5\n")
    err = check_fails(path, capsys)
    assert "population.female_share" in err and "less than or equal to 1" in err


def test_permit_threshold_above_the_national_standard(tmp_path, capsys):
    path = variant(tmp_path, "residence_permit:\n  min_residence_months: 12\n")
    err = check_fails(path, capsys)
    assert "national standard" in err and "breaches_national_standard" in err


def test_missing_extends_target(tmp_path, capsys):
    path = write(tmp_path, "name: lost\ndescription: x\nextends: no_such_file.yaml\n")
    err = check_fails(path, capsys)
    assert "'extends'" in err and "no_such_file.yaml" in err and "line 3" in err


def test_yaml_syntax_error(tmp_path, capsys):
    path = write(tmp_path, "name: broken\ndescription: x\nsettlement: [unclosed\n")
    err = check_fails(path, capsys)
    assert "not valid YAML" in err and "line" in err


def test_missing_file(tmp_path, capsys):
    err = check_fails(tmp_path / "absent.yaml", capsys)
    assert "does not exist" in err


def test_key_given_twice(tmp_path, capsys):
    path = variant(tmp_path, "population:\n  female_share: 0.3\n  female_share: 0.4\n")
    err = check_fails(path, capsys)
    assert "given twice" in err


def test_missing_required_value(tmp_path, capsys):
    baseline = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    del baseline["behaviour"]["settlement_monthly_application_probability"]
    del baseline["before_start"]  # names a file beside baseline.yaml; this copy runs alone
    path = tmp_path / "incomplete.yaml"
    path.write_text(yaml.safe_dump(baseline, allow_unicode=True), encoding="utf-8")
    err = check_fails(path, capsys)
    assert "behaviour.settlement_monthly_application_probability" in err and "missing" in err


def test_check_prints_one_line_per_good_file(capsys):
    files = [str(p) for p in sorted(SCENARIOS.glob("*.yaml"))]
    assert main(["check", *files]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == len(files) and all(line.startswith("ok") for line in out)


def test_python_dash_m_model_runs_the_same_cli():
    done = subprocess.run(
        [sys.executable, "-m", "model", "check", str(BASELINE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "scenario 'baseline'" in done.stdout


def test_every_scenario_file_runs_a_few_months():
    from model.model import CitizenizationModel

    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path).override({"simulation.migrants": 2000})
        model = CitizenizationModel(scenario, seed=0)
        for _ in range(3):
            model.step()
        assert (model.population.city >= 0).any(), path


def test_shares_that_do_not_sum_to_one(tmp_path, capsys):
    path = variant(tmp_path, "population:\n  education_shares:\n    none: 0.5\n")
    err = check_fails(path, capsys)
    assert "population.education_shares" in err and "sum to 1" in err and "line 5" in err


def test_unknown_size_class_in_the_megacity_list(tmp_path, capsys):
    path = variant(tmp_path, "settlement:\n  priority_groups:\n    not_in_classes: [mega]\n")
    err = check_fails(path, capsys)
    assert "settlement.priority_groups.not_in_classes.0" in err and "'super_large'" in err
