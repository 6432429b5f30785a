"""Readable terminals (issue 16): numbers by unit, share intervals inside [0, 1], a short `run`
block and a narrow `compare` table."""

import numpy as np
import pytest

from conftest import SCENARIOS
from model.cli import main
from model.experiments.compare import mean_ci, share_ci
from model.output.formatting import format_number


@pytest.mark.parametrize(
    "outcome, value, lang, kwargs, expected",
    [
        ("hukou_citizenization_rate", 0.3834, "en", {}, "38.3%"),
        ("hukou_citizenization_rate", 0.066, "en", {"signed": True, "difference": True}, "+6.6 pp"),
        ("migrants_in_cities", 1.3812e8, "en", {}, "138.1 M"),
        ("migrants_in_cities", 1.3812e8, "zh", {}, "1.38 亿"),
        ("settlements_per_year", 1.63e6, "zh", {}, "163.0 万"),
        ("public_spending_yuan", 2.299e12, "en", {}, "2,299 bn"),
        ("public_spending_yuan", 2.49e10, "zh", {}, "249.0 亿"),
        ("mean_monthly_income_yuan", 5776.4, "en", {}, "5,776"),
        ("city_load", 0.98, "en", {}, "0.980"),
        ("settlements_per_year", float("nan"), "en", {}, "n/a"),
        ("cost_per_additional_citizenized_poor_yuan", 2524510.0, "en", {}, "2,524,510"),
        ("cost_per_additional_citizenized_poor_yuan", 2524510.0, "zh", {}, "252.5 万"),
    ],
)
def test_numbers_are_formatted_by_unit(outcome, value, lang, kwargs, expected):
    assert format_number(outcome, value, lang, **kwargs) == expected


def test_share_intervals_stay_within_zero_and_one():
    shares = np.array([0.0, 0.002, 0.001])
    assert mean_ci(shares)[1] < 0  # the plain t-interval leaves [0, 1]
    mean, low, high = share_ci(shares)
    assert 0.0 <= low <= mean <= high <= 1.0
    mean, low, high = share_ci(np.array([0.999, 1.0, 0.998]))
    assert 0.0 <= low <= mean <= high <= 1.0


def test_run_prints_a_short_block_and_compare_a_narrow_table(tmp_path, capsys):
    small = ["--migrants", "1500", "--years", "1", "--quiet"]
    assert (
        main(["run", str(SCENARIOS / "policy_2019.yaml"), *small, "--out", str(tmp_path / "r")])
        == 0
    )
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) <= 25 and any("Hukou citizenization rate" in line for line in printed)
    scenarios = [str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "policy_2019.yaml")]
    assert main(["compare", *scenarios, "--seeds", "2", *small, "--out", str(tmp_path / "c")]) == 0
    table = capsys.readouterr().out.split("Cost-effectiveness")[0].splitlines()
    assert max(len(line) for line in table) <= 100
    assert any(line.startswith("poor:") for line in table)


def test_chinese_lines_and_values():
    import pandas as pd

    from model.experiments.cost import format_cost_effectiveness
    from model.output.report import policy_value

    table = pd.DataFrame(
        [
            {
                "scenario": "b",
                "city_class": "all",
                "measure": "additional poor settlers per billion yuan",
                "payer": "centre",
                "value": 100.0,
                "ci_low": 50.0,
                "ci_high": 150.0,
                "denominator_ci_includes_zero": False,
            }
        ]
    )
    text = format_cost_effectiveness(table, "zh")
    assert "每亿元中央资金新增贫困落户人数" in text and "10.0 [5.0, 15.0] 人" in text  # per 亿
    assert "100.0 [50.0, 150.0] people" in format_cost_effectiveness(table)
    assert policy_value("open", "zh") == "全面放开" and policy_value(True, "zh") == "是"
    assert policy_value(["social_insurance", "points"], "zh") == "社保缴纳年限, 积分落户"
