"""Validation against the 2015-2017 statistics, and calibration by simulated moments."""

import pandas as pd
import pytest

from conftest import SCENARIOS
from model.cli import main
from model.scenario import load_scenario
from model.validity.calibration import calibrate
from model.validity.validation import TARGETS, simulate_targets

HISTORICAL = SCENARIOS / "historical_2015.yaml"


def test_validate_writes_every_key_for_every_year(tmp_path, capsys):
    out = tmp_path / "validation"
    assert (
        main(["validate", "--seeds", "2", "--migrants", "3000", "--out", str(out), "--quiet"]) == 0
    )
    simulated = pd.read_csv(out / "simulated.csv")
    assert list(simulated.columns) == ["key", "year", "value", "ci_low", "ci_high"]
    assert set(simulated["key"]) == set(TARGETS)
    assert set(simulated["year"]) == set(range(2015, 2021))  # through 2020 at least
    assert len(simulated) == len(TARGETS) * 6
    modelled = simulated[simulated["key"].isin([k for k, t in TARGETS.items() if t.measure])]
    assert modelled["value"].notna().all()
    rates = simulated[simulated["key"] == "hukou_urbanization_rate"]["value"]
    assert rates.between(0.3, 0.6).all() and rates.is_monotonic_increasing
    printed = capsys.readouterr().out
    assert "relative_error" in printed and "hukou_urbanization_rate" in printed
    assert (out / "validation.png").stat().st_size > 20_000


@pytest.mark.parametrize(
    "content, expected",
    [
        ("key,year,value\nhukou_urbanisation_rate,2015,0.4\n", "row 2: unknown key"),
        ("key,value\nhukou_urbanization_rate,0.4\n", "missing column(s) ['year']"),
        (
            "key,year,value\nhukou_urbanization_rate,2015,about 0.4\n",
            "row 2 (hukou_urbanization_rate)",
        ),
    ],
)
def test_bad_targets_files_are_refused_naming_the_row(tmp_path, capsys, content, expected):
    path = tmp_path / "targets.csv"
    path.write_text(content)
    assert main(["validate", "--targets", str(path), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and str(path) in err and "Traceback" not in err


def _synthetic(truth: float):
    scenario = load_scenario(HISTORICAL).override({"simulation.migrants": 3000})
    known = scenario.override({"behaviour.willingness.intercept": truth})
    simulated = simulate_targets(known, seeds=(0, 1), years=2)
    targets = simulated[simulated["key"] == "willing_to_transfer_hukou"][["key", "year", "value"]]
    return scenario, targets


@pytest.mark.slow  # over 10 s
def test_calibration_recovers_a_known_parameter():
    scenario, targets = _synthetic(truth=0.8)
    start = scenario.override({"behaviour.willingness.intercept": -0.5})
    fit = calibrate(
        start,
        targets,
        {"behaviour.willingness.intercept": (-2.0, 2.0)},
        seeds=(0, 1),
        max_evaluations=30,
    )
    assert fit.improved and fit.loss < fit.start_loss / 100
    assert fit.parameters["behaviour.willingness.intercept"] == pytest.approx(0.8, abs=0.1)
    assert len(fit.evaluations) <= 30 and fit.evaluations["loss"].min() == fit.loss


def test_calibration_that_cannot_improve_says_so():
    scenario, targets = _synthetic(truth=0.3)
    at_truth = scenario.override({"behaviour.willingness.intercept": 0.3})
    fit = calibrate(
        at_truth,
        targets,
        {"behaviour.willingness.intercept": (-2.0, 2.0)},
        seeds=(0, 1),
        max_evaluations=8,
    )
    assert fit.start_loss == pytest.approx(0.0, abs=1e-12)
    assert not fit.improved
