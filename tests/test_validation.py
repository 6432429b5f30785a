"""Validation against the 2015-2017 statistics (the calibration: tests/test_calibration.py)."""

import pandas as pd
import pytest

from model.cli import main
from model.validity.validation import TARGETS


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
