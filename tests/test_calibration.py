"""Bayesian calibration (ABC-SMC with pyabc): targets and priors, recovery of a known truth,
resume after a kill, the same posterior on any number of workers, posterior draws in
`validate` and `compare`."""

import numpy as np
import pandas as pd
import pytest

from conftest import SCENARIOS
from model.cli import main
from model.experiments.compare import compare_over_posterior
from model.experiments.executors import LocalExecutor
from model.scenario import Scenario, load_scenario
from model.scenario.types import field_marks
from model.validity import calibration
from model.validity.validation import TARGETS, load_targets, simulate_targets

HISTORICAL = SCENARIOS / "historical_2015.yaml"
PRIORS_KEYS = list(calibration.PRIORS)
TRUTH = {"behaviour.willingness.intercept": 0.8, "behaviour.permit_monthly_take_up": 0.03}


def test_the_calibration_never_sees_2018_or_later():
    targets = load_targets()
    later = pd.DataFrame(
        {
            "key": ["hukou_urbanization_rate", "mean_monthly_income"],
            "year": [2018, 2020],
            "value": [0.43, 3900.0],
            "unit": "",
            "source": "",
            "error": np.nan,
        }
    )
    rows = calibration.calibration_rows(pd.concat([targets, later]), first_year=2015)
    assert rows["year"].max() <= calibration.LAST_CALIBRATION_YEAR == 2017
    assert not rows["stat"].str.endswith(("/2018", "/2020")).any()
    # every fitted row is one the model measures, with a positive error in its own unit
    assert all(TARGETS[k].measure is not None for k in rows["key"])
    assert (rows["sd"] > 0).all()
    # a derived row and a plan are not observations, and are not fitted
    assert not rows["key"].isin(["resident_minus_hukou_gap", "settlement_target_per_year"]).any()


def test_every_prior_lies_within_what_its_field_admits_and_says_where_it_comes_from():
    scenario = load_scenario(HISTORICAL)
    assert len(calibration.PRIORS) >= 10
    for key, prior in calibration.PRIORS.items():
        assert field_marks(Scenario)[key]["kind"] == "uncertainty"
        assert prior["source"]
        for end in (prior["low"], prior["high"]):
            scenario.override({key: end})  # valid at both ends of the prior
        mean, sd = calibration.prior_moments(prior)
        assert prior["low"] < mean < prior["high"] and sd > 0


def _synthetic_targets() -> pd.DataFrame:
    """2015-2016 statistics simulated at TRUTH (one seed), as a targets table with errors."""
    truth = load_scenario(HISTORICAL).override({**TRUTH, "simulation.migrants": 2000})
    simulated = simulate_targets(truth, seeds=[7], years=2)
    keys = ["willing_to_transfer_hukou", "residence_permits_issued"]
    chosen = simulated[simulated["key"].isin(keys)].copy()
    chosen["unit"], chosen["source"], chosen["error"] = "", "synthetic", 0.05
    return chosen[["key", "year", "value", "unit", "source", "error"]]


def _settings(**changes) -> calibration.Settings:
    values = {"particles": 24, "generations": 3, "migrants": 2000, "seed": 3, **changes}
    return calibration.Settings(
        scenario="historical_2015", parameters=list(TRUTH), stats=[], **values
    )


@pytest.fixture(scope="module")
def recovered(tmp_path_factory):
    """A calibration to statistics simulated at a known truth, run without interruption."""
    folder = tmp_path_factory.mktemp("calibration")
    scenario = load_scenario(HISTORICAL)
    targets = _synthetic_targets()
    fit = calibration.calibrate(scenario, targets, folder, _settings())
    return scenario, targets, fit


@pytest.mark.slow  # a small ABC-SMC: about a minute
def test_a_known_parameter_set_is_recovered_within_its_90_percent_interval(recovered):
    _, _, fit = recovered
    report = fit.identifiability.set_index("parameter")
    for name, value in TRUTH.items():
        assert report.loc[name, "q05"] <= value <= report.loc[name, "q95"], name
        assert report.loc[name, "informed"], name  # the data narrowed it
    assert list(fit.history["generation"]) == [1, 2, 3]
    assert fit.history["tolerance"].is_monotonic_decreasing
    assert fit.posterior["weight"].sum() == pytest.approx(1.0)
    for name in ("posterior.parquet", "history.csv", "identifiability.csv", "posterior.png"):
        assert (fit.folder / name).stat().st_size > 0


@pytest.mark.slow
def test_killed_resumed_and_extended_on_a_pool_gives_the_same_posterior(recovered, tmp_path):
    scenario, targets, uninterrupted = recovered

    def kill_in_generation_2(generation, generations, done, total):
        if generation == 2 and done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # started for 2 generations, resumed for 3
        calibration.calibrate(
            scenario,
            targets,
            tmp_path,
            _settings(generations=2),
            on_progress=kill_in_generation_2,
        )
    assert not (tmp_path / "posterior.parquet").exists()
    pool = LocalExecutor(2)
    try:
        resumed = calibration.calibrate(
            scenario, targets, tmp_path, _settings(), executor=pool, resume=True
        )
    finally:
        pool.close()
    pd.testing.assert_frame_equal(resumed.posterior, uninterrupted.posterior)
    assert list(resumed.history["simulations"]) == list(uninterrupted.history["simulations"])


def test_resume_with_other_settings_is_refused(tmp_path):
    scenario = load_scenario(HISTORICAL)
    targets = _synthetic_targets()
    calibration.calibrate(scenario, targets, tmp_path, _settings(particles=4, generations=1))
    with pytest.raises(calibration.CalibrationError, match="particles"):
        calibration.calibrate(
            scenario, targets, tmp_path, _settings(particles=5, generations=1), resume=True
        )


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--parameters", "behaviour.migration.network_weight"], "no prior"),
        (["--scenario", str(SCENARIOS / "baseline.yaml")], "no row the calibration can fit"),
        (["--targets", "{later_only}"], "no row the calibration can fit"),
        (["--targets", "{unmeasured}"], "no row the calibration can fit"),
        (["--resume", "{not_a_calibration}"], "not a calibration folder"),
    ],
)
def test_calibrate_refuses_what_it_cannot_fit_before_any_simulation(
    tmp_path, capsys, args, expected
):
    files = {
        "{later_only}": "key,year,value\nmean_monthly_income,2018,3721\n",
        "{unmeasured}": "key,year,value\nfeel_local,2017,0.38\n",
    }
    for name, text in files.items():
        (tmp_path / f"{name[1:-1]}.csv").write_text(text, encoding="utf-8")
    (tmp_path / "not_a_calibration").mkdir()
    args = [
        str(tmp_path / a[1:-1]) + (".csv" if a in files else "") if a.startswith("{") else a
        for a in args
    ]
    out = tmp_path / "out"
    where = [] if "--resume" in args else ["--out", str(out)]
    assert main(["calibrate", *args, *where, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not out.exists()


def _posterior(tmp_path) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "behaviour.willingness.intercept": [0.2, 0.9, -0.4],
            "behaviour.settlement_monthly_application_probability": [0.05, 0.12, 0.03],
            "national.urban_hukou_share_start": [0.38, 0.39, 0.385],
            "weight": [0.5, 0.3, 0.2],
        }
    )
    frame.to_parquet(tmp_path / "posterior.parquet")
    return frame


def test_draws_follow_the_weights_and_are_the_same_every_time(tmp_path):
    posterior = _posterior(tmp_path)
    first = calibration.draws(posterior, 4000, seed=1)
    assert first.equals(calibration.draws(posterior, 4000, seed=1))
    counts = first["behaviour.willingness.intercept"].value_counts(normalize=True)
    assert counts[0.2] == pytest.approx(0.5, abs=0.03)
    assert counts[-0.4] == pytest.approx(0.2, abs=0.03)


def test_compare_over_posterior_pairs_parameters_and_seeds_and_widens_intervals(tmp_path):
    posterior = _posterior(tmp_path)
    draws = calibration.draws(posterior, 3, seed=0)
    scenarios = [
        load_scenario(SCENARIOS / f"{n}.yaml").override(
            {"simulation.migrants": 1500, "simulation.years": 1}
        )
        for n in ("baseline", "policy_2019")
    ]
    comparison = compare_over_posterior(scenarios, draws, seeds_per_draw=2, first_seed=10)
    runs = comparison.runs
    assert sorted(runs["seed"].unique()) == list(range(10, 16))
    # draw k of each scenario ran on the same seeds
    for _, block in runs.groupby("draw"):
        seeds = block.groupby("scenario")["seed"].apply(lambda s: sorted(set(s)))
        assert seeds["baseline"] == seeds["policy_2019"] and len(seeds["baseline"]) == 2
    summary = comparison.summary()
    row = summary[
        (summary["outcome"] == "hukou_citizenization_rate")
        & (summary["population"] == "all")
        & (summary["scenario"] == "policy_2019")
    ].iloc[0]
    final = runs[
        (runs["year"] == runs["year"].max())
        & (runs["outcome"] == "hukou_citizenization_rate")
        & (runs["population"] == "all")
        & (runs["city_class"] == "all")
    ]
    per_draw = final.pivot_table(index="draw", columns="scenario", values="value")
    differences = per_draw["policy_2019"] - per_draw["baseline"]
    assert row["difference"] == pytest.approx(differences.mean())
    assert differences.min() <= row["difference_ci_low"] <= row["difference_ci_high"]
    assert row["difference_ci_high"] <= differences.max()


def test_validate_with_a_posterior_forecasts_every_key_through_2020(tmp_path, capsys):
    _posterior(tmp_path)
    out = tmp_path / "validation"
    args = ["validate", "--posterior", str(tmp_path / "posterior.parquet"), "--draws", "3"]
    assert main([*args, "--migrants", "1500", "--workers", "1", "--out", str(out), "--quiet"]) == 0
    table = pd.read_csv(out / "predictive.csv")
    modelled = {k for k, t in TARGETS.items() if t.measure is not None}
    assert set(table["key"]) == modelled
    assert set(table["year"]) == set(range(2015, 2021))
    assert (table["q05"] <= table["median"]).all() and (table["median"] <= table["q95"]).all()
    seen = table[table["observed"].notna()]
    inside = (seen["q05"] <= seen["observed"]) & (seen["observed"] <= seen["q95"])
    assert (inside == seen["inside_90"].astype(bool)).all()
    assert "inside their 90 % interval" in capsys.readouterr().out
    assert (out / "predictive.png").stat().st_size > 20_000


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01 not parquet", b"weight\n1\n"],
    ids=["binary garbage", "csv, not parquet"],
)
def test_a_broken_posterior_file_is_refused_before_any_run(tmp_path, capsys, content):
    path = tmp_path / "posterior.parquet"
    path.write_bytes(content)
    out = tmp_path / "out"
    scenarios = [str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "policy_2019.yaml")]
    assert main(["compare", *scenarios, "--posterior", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Posterior file" in err and "Traceback" not in err


def test_a_posterior_with_an_unknown_parameter_or_nan_is_refused(tmp_path):
    path = tmp_path / "p.parquet"
    pd.DataFrame({"behaviour.migration.network_weight": [0.3], "weight": [1.0]}).to_parquet(path)
    with pytest.raises(calibration.CalibrationError, match="network_weight"):
        calibration.read_posterior(path)
    pd.DataFrame({"behaviour.willingness.intercept": [np.nan], "weight": [1.0]}).to_parquet(path)
    with pytest.raises(calibration.CalibrationError, match="finite"):
        calibration.read_posterior(path)


def test_the_calibration_benchmark_prints_simulations_per_minute():
    import subprocess
    import sys

    from conftest import ROOT

    script = ROOT / "benchmarks" / "calibration_speed.py"
    args = ["--rows", "1500", "--simulations", "2", "--workers", "1"]
    done = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, check=True
    )
    line = done.stdout.strip().splitlines()[-1].split()
    assert line[0] == "1,500" and line[1] == "1" and float(line[2]) > 0


def test_run_under_a_named_posterior_draw_uses_that_draws_values(tmp_path):
    import yaml

    posterior = _posterior(tmp_path)
    expected = calibration.draws(posterior, 20, seed=0).iloc[2]  # compare's draw 2
    out = tmp_path / "run"
    args = [
        "run",
        str(SCENARIOS / "baseline.yaml"),
        "--posterior",
        str(tmp_path / "posterior.parquet"),
    ]
    assert (
        main(
            [
                *args,
                "--draw",
                "2",
                "--migrants",
                "1500",
                "--years",
                "1",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    resolved = yaml.safe_load((out / "scenario.resolved.yaml").read_text(encoding="utf-8"))
    assert (
        resolved["behaviour"]["willingness"]["intercept"]
        == expected["behaviour.willingness.intercept"]
    )
    assert "national" not in resolved or resolved["national"] is None  # not in this scenario


def test_the_shipped_posterior_is_small_and_readable_and_its_draws_run():
    from conftest import ROOT

    shipped = ROOT / "model" / "data" / "posterior.parquet"
    assert shipped.stat().st_size < 200_000  # small enough to travel with the model
    posterior = calibration.read_posterior(shipped)
    assert len(posterior) >= 100 and set(posterior.columns) - {"weight"} <= set(PRIORS_KEYS)
    scenario = load_scenario(SCENARIOS / "baseline.yaml")
    draw = calibration.draws(posterior, 1).iloc[0]
    scenario.override(
        {k: float(v) for k, v in draw.items() if calibration.has_parameter(scenario, k)}
    )


def test_the_scenarios_hold_the_shipped_posteriors_means():
    # baseline.yaml (behaviour) and historical_2015.yaml (national accounts) run at the
    # posterior mean by default (tools/ship_posterior.py writes them): they must not drift apart
    from conftest import ROOT

    posterior = calibration.read_posterior(ROOT / "model" / "data" / "posterior.parquet")
    scenario = load_scenario(HISTORICAL)
    report = calibration.identifiability(posterior)
    for key, mean in zip(report["parameter"], report["posterior_mean"], strict=True):
        assert calibration.current_value(scenario, key) == pytest.approx(mean, rel=1e-3), key


def test_ship_posterior_rewrites_only_the_values_it_names():
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("ship", ROOT / "tools" / "ship_posterior.py")
    ship = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ship)
    text = "a:\n  b: 1   # old\n  c:\n    b: 2\nb: 3\n"
    out = ship.set_values(text, {"a.c.b": (0.123456, "new")})
    assert out == "a:\n  b: 1   # old\n  c:\n    b: 0.1235  # new\nb: 3\n"
    with pytest.raises(SystemExit, match="a.d"):
        ship.set_values(text, {"a.d": (1.0, "x")})


def _uniform(low, high):
    return {"distribution": "uniform", "low": low, "high": high, "source": "test"}


def test_the_proposal_gives_every_draw_a_positive_density_whatever_the_scales():
    # parameters from 1e-4 to 1 wide, two of them almost collinear: the case that made a
    # plain covariance numerically singular and a proposal's density 0
    rng = np.random.default_rng(0)
    base = rng.uniform(0.4, 0.6, size=(200, 4))
    columns = {
        "a": 1e-4 * base[:, 0],
        "b": 1e-4 * base[:, 0] + 1e-12 * base[:, 1],
        "c": base[:, 2],
        "d": 0.01 * base[:, 3],
    }
    priors = {"a": _uniform(0, 1e-4), "b": _uniform(0, 1e-4), "c": _uniform(0, 1)}
    priors["d"] = {"distribution": "normal", "mean": 0.005, "sd": 0.002, "low": 0, "high": 0.01}
    population = pd.DataFrame(columns)
    proposal = calibration._proposal(priors)
    proposal.fit(population, np.full(200, 1 / 200))
    np.random.seed(1)  # noqa: NPY002 - pyabc's generator
    draws = pd.DataFrame([dict(proposal.rvs_single()) for _ in range(500)])
    density = proposal.pdf(draws)
    assert np.isfinite(density).all() and (density > 0).all()
    for name, prior in priors.items():  # no draw outside its prior
        assert draws[name].between(prior["low"], prior["high"]).all()
    assert draws["c"].std() == pytest.approx(population["c"].std(), rel=0.2)


def test_importance_weights_stay_even_where_the_data_say_nothing():
    # 14 parameters with flat priors, a population spread over its priors (what a parameter
    # the data do not inform looks like): proposals fitted to it must give weights
    # prior / proposal that are nearly equal. A Gaussian in the parameters' own coordinates
    # gives an effective sample of about a tenth here, and it compounds over generations.
    from scipy import stats

    rng = np.random.default_rng(2)
    priors = {f"p{k}": _uniform(0.0, 10.0 ** (k % 5 - 3)) for k in range(14)}
    population = pd.DataFrame({k: rng.uniform(0, p["high"], 400) for k, p in priors.items()})
    proposal = calibration._proposal(priors)
    proposal.fit(population, np.full(400, 1 / 400))
    np.random.seed(3)  # noqa: NPY002 - pyabc's generator
    draws = pd.DataFrame([dict(proposal.rvs_single()) for _ in range(2000)])
    prior = np.prod([stats.uniform(0, p["high"]).pdf(draws[k]) for k, p in priors.items()], axis=0)
    weights = prior / proposal.pdf(draws)
    assert weights.sum() ** 2 / (weights**2).sum() > 0.6 * len(weights)
    # and the weighted draws spread over the whole prior, as the population does
    for k, p in priors.items():
        mean = np.average(draws[k], weights=weights)
        assert mean == pytest.approx(p["high"] / 2, rel=0.1)


def test_a_proposal_sent_to_workers_draws_from_each_tasks_seed():
    import cloudpickle  # how pyabc's sampling function reaches the workers

    population = pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10.0) ** 0.5})
    proposal = calibration._proposal({"a": _uniform(-1, 11), "b": _uniform(-1, 4)})
    proposal.fit(population, np.full(10, 0.1))
    draws = []
    for seed in (1, 2, 1):
        copy = cloudpickle.loads(cloudpickle.dumps(proposal))  # as each task receives it
        np.random.seed(seed)  # noqa: NPY002 - what the sampler does per task
        draws.append(dict(copy.rvs_single()))
    assert draws[0] != draws[1] and draws[0] == draws[2]


@pytest.mark.parametrize("ess, warned", [(4.0, True), (60.0, False)])
def test_the_summary_warns_when_the_posterior_rests_on_few_particles(ess, warned, tmp_path):
    history = pd.DataFrame(
        {
            "generation": [1, 2],
            "tolerance": [3.0, 2.0],
            "simulations": [300, 400],
            "accepted": [200, 200],
            "acceptance_rate": [0.67, 0.5],
            "effective_sample_size": [200.0, ess],
        }
    )
    report = pd.DataFrame(
        {
            "parameter": ["p"],
            "prior_mean": [0.5],
            "posterior_mean": [0.4],
            "q05": [0.3],
            "q95": [0.5],
            "sd_ratio": [0.3],
            "informed": [True],
        }
    )
    table = pd.DataFrame({"observed": [1.0], "calibrated": [True], "inside_90": [True]})
    fit = calibration.Calibration(tmp_path, pd.DataFrame(), history, report, _settings())
    text = calibration.describe(fit, table)
    assert ("effective sample is 4 of 200" in text) is warned
    assert "simulations in all: 700" in text
