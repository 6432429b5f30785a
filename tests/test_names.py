"""Bilingual display names (issue 16): every outcome, lever, city class, population, route and
provision has an English and a Chinese name, and figures in Chinese show Chinese, never boxes,
or fall back to English when no CJK font is there."""

import os
import warnings

import pandas as pd
import pytest

from model.enums import SizeClass
from model.outcomes import OUTCOMES
from model.output import names, plots
from model.processes.settlement import ROUTE_OF_KIND
from model.scenario import Scenario
from model.scenario.types import field_marks
from model.validity.calibration import PRIORS
from model.validity.validation import TARGETS


def test_every_name_the_tool_shows_has_both_languages():
    levers = {
        k
        for k, v in field_marks(Scenario).items()
        if v.get("kind") == "lever" and not k.startswith("before_start")
    }
    expected = {
        "outcome": set(OUTCOMES),
        "lever": levers,
        "city_class": {"all", *(c.key for c in SizeClass)},
        "population": {"all", "poor"},
        "route": {*ROUTE_OF_KIND, "priority"},
        "provision": {str(n) for n in range(1, 22)},
        "target": set(TARGETS),
        "uncertainty": set(PRIORS),  # what calibrate's figures and tables name
    }
    for kind, keys in expected.items():
        missing = keys - names.known(kind)
        assert not missing, (kind, sorted(missing))
        for key in keys:
            en, zh = names.display_name(kind, key, "en"), names.display_name(kind, key, "zh")
            assert en and zh and en != key or kind in ("provision",), (kind, key)
            assert any("\u4e00" <= c <= "\u9fff" for c in zh), (kind, key, zh)


def _runs():
    rows = []
    for scenario, shift in (("基准", 0.0), ("政策", 0.1)):
        for year in (2019, 2020):
            for outcome in plots.FISCAL + tuple(o for o, _ in plots.PANELS):
                for population in ("all", "poor"):
                    rows.append((scenario, 0, year, outcome, population, "all", 1e6 * (1 + shift)))
    return pd.DataFrame(
        rows, columns=["scenario", "seed", "year", "outcome", "population", "city_class", "value"]
    )


def test_figures_in_chinese_have_every_glyph(tmp_path):
    if names.cjk_font_path() is None:
        message = "the CJK font is not installed (make installs it from the npm registry)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for plot in (plots.plot_trajectories, plots.plot_fiscal, plots.plot_funnel):
            path = plot(
                _runs(), tmp_path / f"{plot.__name__}.png", "户籍市民化：基准与政策", lang="zh"
            )
            assert path.stat().st_size > 10_000
        _calibration_figures_in_chinese(tmp_path)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]
    assert names.figure_language("zh") == "zh"


def _calibration_figures_in_chinese(tmp_path):
    """The predictive, posterior and validation figures, drawn in Chinese."""
    import numpy as np

    from model.validity import calibration, predictive, validation

    keys = [k for k, t in TARGETS.items() if t.measure is not None]
    table = pd.DataFrame(
        [
            {"key": k, "year": y, "observed": 1.0 if y == 2016 else np.nan, "median": 1.0,
             "q05": 0.8, "q25": 0.9, "q75": 1.1, "q95": 1.2, "calibrated": y == 2016}
            for k in keys for y in (2015, 2016, 2017)
        ]
    )  # fmt: skip
    assert predictive.plot_predictive(table, tmp_path / "p.png", 2017, "zh").stat().st_size
    priors = {k: calibration.PRIORS[k] for k in list(calibration.PRIORS)[:3]}
    posterior = pd.DataFrame({k: [p["low"], p["high"]] for k, p in priors.items()})
    posterior["weight"] = [0.5, 0.5]
    calibration.plot_posterior(posterior, priors, tmp_path / "q.png", "zh")
    simulated = table.rename(columns={"median": "value", "q05": "ci_low", "q95": "ci_high"})
    targets = table.dropna(subset=["observed"]).rename(columns={"observed": "value"})
    validation.plot_against_targets(simulated, targets, tmp_path / "v.png", "zh")
    # a sweep's analysis: factors are levers and uncertainties, named in Chinese
    lever = "settlement.rules.large_1.min_social_insurance_months"
    uncertainty = "behaviour.willingness.intercept"
    assert plots.factor_name(lever, "zh") != lever
    assert plots.factor_name(uncertainty, "zh") == "落户意愿截距"
    runs = pd.DataFrame(
        {
            "scenario": "政策", "point": [0, 1, 2, 3], "replication": 0, "seed": 1,
            "year": 2020, "outcome": "hukou_citizenization_rate", "population": "all",
            "city_class": "all", "value": [0.1, 0.2, 0.3, 0.4],
            lever: [0, 12, 0, 12], uncertainty: [0.0, 0.0, 1.0, 1.0],
        }
    )  # fmt: skip
    plots.plot_response_surface(
        runs, lever, uncertainty, "hukou_citizenization_rate", tmp_path / "r.png", lang="zh"
    )
    indices = pd.DataFrame(
        {"kind": ["lever", "uncertainty"], "ST": [0.3, 0.1], "ST_conf": [0.05, 0.02]},
        index=[lever, uncertainty],
    )
    plots.plot_sensitivity(indices, tmp_path / "s.png", "Sobol 指数", lang="zh")


def test_without_a_cjk_font_figures_fall_back_to_english(tmp_path, monkeypatch):
    monkeypatch.setenv("CITIZENIZATION_CJK_FONT", str(tmp_path / "no-such-font.ttf"))
    names._register_cjk_font.cache_clear()
    try:
        with pytest.warns(UserWarning, match="English labels"):
            assert names.figure_language("zh") == "en"
        label, scale = plots.label("settlements_per_year", "en", "all")
        assert label == "Settlements per year, All migrants (million people)" and scale == 1e-6
    finally:
        names._register_cjk_font.cache_clear()


def test_chinese_amounts_are_in_wan_and_yi():
    assert plots.label("migrants_in_cities", "zh") == ("进城农民工（万人）", 1e-4)
    assert plots.label("public_spending_yuan", "zh") == ("公共财政支出（亿元）", 1e-8)
    assert plots.label("hukou_citizenization_rate", "zh")[1] == 1.0


def test_the_bilingual_policy_map_is_current_and_names_real_levers():
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("policy_docs", ROOT / "tools/policy_docs.py")
    policy_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(policy_docs)
    assert (ROOT / "docs/policy/mechanisms.md").read_text(encoding="utf-8") == (
        policy_docs.render()
    ), "stale: run python tools/policy_docs.py"
    assert sorted(policy_docs.MECHANISMS) == list(range(1, 22))
    from model.scenario.inputs import field_info

    for levers in (levers for _, levers in policy_docs.MECHANISMS.values()):
        for key in levers:
            assert field_info(Scenario, tuple(key.split("."))) is not None, key
