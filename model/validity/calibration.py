"""Bayesian calibration: a posterior over the uncertainties from the 2015-2017 statistics.

Likelihood-free inference by ABC-SMC with pyabc (Toni et al. 2009; Beaumont et al. 2009). Each
target row (key, year) has a stated measurement error, a share of its value
(`data/target_errors.csv`, or the targets file's own `error` column); the distance between a
simulation and the data is the root sum of squared errors in units of those errors, so a row
weighs as much as its measurement is precise. Each generation accepts particles closer than the
median distance of the last (pyabc's quantile epsilon); the final tolerance is reported, and the
posterior predictive check says whether the result is honest.

Randomness: each generation's tasks get seeds from (seed, generation, call), each task seeds
pyabc's draws and the model from its own seed, and results are gathered in task order, so the
posterior is the same on one process, a local pool or a Dask cluster, and a run that is killed
and resumed continues exactly as it would have.

Priors live in the scenario schema (`prior=` on an uncertainty, with its source); `PRIORS`
collects them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.reference import DATA
from model.scenario import Scenario
from model.scenario.inputs import InputError
from model.scenario.types import field_marks

#: Every uncertainty with a prior in the scenario schema, by dotted key.
PRIORS: dict[str, dict[str, Any]] = {
    key: marks["prior"] for key, marks in field_marks(Scenario).items() if "prior" in marks
}
#: The calibration sees nothing after 2017: 2018 and later are for checking forecasts.
LAST_CALIBRATION_YEAR = 2017


class CalibrationError(InputError):
    """Settings, targets or a results folder the calibration cannot use."""


# --- targets and their errors -----------------------------------------------------------------


def stated_errors() -> pd.Series:
    """The measurement error of each target key, by key: a share of its value (NaN: not
    calibrated), from `data/target_errors.csv` (which gives the basis of each)."""
    return pd.read_csv(Path(str(DATA / "target_errors.csv"))).set_index("key")["error"]


def calibration_rows(
    targets: pd.DataFrame, label: str = "the targets file", first_year: int = 0
) -> pd.DataFrame:
    """The rows the calibration fits: from `first_year` (the scenario's start) to 2017, never
    later; keys the model measures, each with an error (the row's own, else the key's stated
    one); `sd` is in the value's unit. Refuses a file that leaves none, before anything runs."""
    from model.validity.validation import TARGETS

    errors = stated_errors()
    rows = targets[
        (targets["year"] <= LAST_CALIBRATION_YEAR) & (targets["year"] >= first_year)
    ].copy()
    rows = rows[rows["key"].map(lambda k: TARGETS[k].measure is not None).astype(bool)]
    stated = rows["key"].map(errors)
    rows["error"] = rows["error"].fillna(stated) if "error" in rows else stated
    rows = rows[rows["error"].notna() & (rows["value"] != 0)]
    if rows.empty:
        calibratable = sorted(errors.dropna().index)
        raise CalibrationError(
            f"{label}: no row the calibration can fit; valid: rows for "
            f"{', '.join(calibratable)} from {first_year or 'the scenario start'} to "
            f"{LAST_CALIBRATION_YEAR} (a key the model "
            "measures, with a measurement error: the file's `error` column or "
            "model/data/target_errors.csv). Nothing has been run."
        )
    rows["sd"] = rows["error"] * rows["value"].abs()
    rows["stat"] = rows["key"] + "/" + rows["year"].astype(str)
    return rows[["stat", "key", "year", "value", "error", "sd"]].reset_index(drop=True)


# --- parameters and priors --------------------------------------------------------------------


def chosen_priors(
    scenario: Scenario, names: Sequence[str] | None = None
) -> dict[str, dict[str, Any]]:
    """The priors of `names` (default: every one the scenario has), refusing before any run a
    key without a prior or one the scenario does not have."""
    if names is None:
        names = [k for k in PRIORS if has_parameter(scenario, k)]
    unknown = [n for n in names if n not in PRIORS]
    if unknown:
        raise CalibrationError(
            f"Parameter(s) {', '.join(unknown)} have no prior in the scenario schema, so the "
            f"calibration cannot infer them; valid: {', '.join(PRIORS)} (a prior is added with "
            "`prior=uniform(...)` or `normal(...)` on the field). Nothing has been run."
        )
    absent = [n for n in names if not has_parameter(scenario, n)]
    if absent:
        raise CalibrationError(
            f"Scenario '{scenario.name}' has no {', '.join(absent)} to calibrate (the national "
            "accounts live only in historical scenarios: scenarios/historical_2015.yaml or one "
            "that extends it). Nothing has been run."
        )
    if not names:
        raise CalibrationError("No parameter to calibrate. Nothing has been run.")
    return {n: PRIORS[n] for n in names}


def current_value(scenario: Scenario, key: str):
    """The value at a dotted key of the scenario (a number, or a table as a mapping)."""
    value = scenario.model_dump()
    for part in key.split("."):
        value = value[part]
    return value


def has_parameter(scenario: Scenario, key: str) -> bool:
    try:
        current_value(scenario, key)
    except (KeyError, TypeError):
        return False
    return True


def prior_moments(prior: dict[str, Any]) -> tuple[float, float]:
    """Mean and standard deviation of a prior."""
    rv = scipy_prior(prior)
    return float(rv.mean()), float(rv.std())


def scipy_prior(prior: dict[str, Any]):
    from scipy import stats

    if prior["distribution"] == "uniform":
        return stats.uniform(prior["low"], prior["high"] - prior["low"])
    mean, sd = prior["mean"], prior["sd"]
    return stats.truncnorm((prior["low"] - mean) / sd, (prior["high"] - mean) / sd, mean, sd)


def _pyabc_prior(priors: dict[str, dict[str, Any]]):
    import pyabc

    variables = {}
    for name, prior in priors.items():
        if prior["distribution"] == "uniform":
            variables[name] = pyabc.RV("uniform", prior["low"], prior["high"] - prior["low"])
        else:
            mean, sd = prior["mean"], prior["sd"]
            a, b = (prior["low"] - mean) / sd, (prior["high"] - mean) / sd
            variables[name] = pyabc.RV("truncnorm", a, b, mean, sd)
    return pyabc.Distribution(**variables)


# --- the simulator pyabc calls ----------------------------------------------------------------


@dataclass
class Simulator:
    """One simulation of the target rows for a parameter set (pickled to the workers). The
    model's seed comes from numpy's global generator, which the sampler seeds per task."""

    scenario: Scenario
    stats: list[tuple[str, str, int]]  # (stat, key, year)
    migrants: int
    years: int

    def __call__(self, parameters: dict) -> dict[str, float]:
        from model.runner import run_scenario
        from model.validity.validation import measures

        trial = self.scenario.override({k: float(v) for k, v in parameters.items()})
        seed = int(np.random.randint(0, 2**31 - 1))  # noqa: NPY002 - pyabc's generator
        outcomes = run_scenario(trial, seed, migrants=self.migrants, years=self.years)
        values = measures(outcomes, trial).set_index(["key", "year"])["value"]
        result = {}
        for stat, key, year in self.stats:
            value = float(values.get((key, year), np.nan))
            result[stat] = value if math.isfinite(value) else 0.0  # no value: far from data
        return result


@dataclass(frozen=True)
class _Task:
    """One task of a generation: pyabc's pickled sampling function and the task's seed."""

    blob: bytes = field(repr=False)
    seed: int
    run_id: str  # how a failure names it


def _sample_task(task: _Task) -> list:
    """In a worker: simulate particles from one seed until one is accepted."""
    import cloudpickle

    seed = task.seed
    simulate_one = cloudpickle.loads(task.blob)
    np.random.seed(seed)  # noqa: NPY002 - pyabc draws from numpy's global generator
    random.seed(seed)
    particles = []
    while True:
        particle = simulate_one()
        particles.append(particle)
        if particle.accepted:
            return particles


def _sampler_class():
    from pyabc.sampler.base import Sampler

    class SeededSampler(Sampler):
        """pyabc sampler over this project's executors (one process, a local pool, Dask): each
        of the n tasks of a generation gets a seed from (seed, generation, call) and runs until
        it has one accepted particle; results are gathered in task order, so the posterior does
        not depend on the number of workers."""

        def __init__(self, executor, seed: int, on_task_done: Callable[[int, int, int], None]):
            super().__init__()
            self.executor = executor
            self.seed = seed
            self.on_task_done = on_task_done
            self._calls: dict[int, int] = {}

        def sample_until_n_accepted(self, n, simulate_one, t, **kwargs):
            import cloudpickle

            call = self._calls.get(t, 0)
            self._calls[t] = call + 1
            seeds = np.random.SeedSequence([self.seed, t + 1, call]).generate_state(n)
            blob = cloudpickle.dumps(simulate_one)
            tasks = [
                _Task(blob, int(s), f"task {i + 1} of generation {t + 1}")
                for i, s in enumerate(seeds)
            ]
            found: dict[int, list] = {}
            for task, result in self.executor.run(_sample_task, tasks):
                if isinstance(result, BaseException):
                    raise CalibrationError(
                        f"a simulation of generation {t + 1} failed ({type(result).__name__}: "
                        f"{result}); the finished generations are kept; resume with --resume"
                    ) from result
                found[task.seed] = result
                self.on_task_done(t, len(found), n)
            sample = self._create_empty_sample()
            evaluations = 0
            for task_seed in seeds:
                for particle in found[int(task_seed)]:
                    sample.append(particle)
                    evaluations += 1
            self.nr_evaluations_ = evaluations
            return sample

    return SeededSampler


# --- the run ----------------------------------------------------------------------------------


@dataclass
class Settings:
    """What a calibration folder was started with; `--resume` must match it."""

    scenario: str
    parameters: list[str]
    stats: list[str]
    particles: int = 200
    generations: int = 6  # may grow on resume: a finished calibration can be extended
    migrants: int = 10_000
    seed: int = 0
    quantile: float = 0.5  # each tolerance: this quantile of the last generation's distances
    fingerprint: str = field(default="")


def fingerprint(scenario: Scenario, rows: pd.DataFrame, priors: dict) -> str:
    """A digest of what the posterior depends on besides the settings: the scenario, the
    target rows and their errors, the priors."""
    digest = hashlib.sha256()
    digest.update(scenario.model_dump_json().encode())
    digest.update(rows[["stat", "value", "sd"]].to_csv(index=False).encode())
    digest.update(json.dumps(priors, sort_keys=True).encode())
    return digest.hexdigest()[:16]


@dataclass
class Calibration:
    folder: Path
    posterior: pd.DataFrame  # one row per particle: parameters, weight
    history: pd.DataFrame  # per generation: tolerance, simulations, acceptance, ESS
    identifiability: pd.DataFrame
    settings: Settings


def calibrate(
    scenario: Scenario,
    targets: pd.DataFrame,
    folder: Path,
    settings: Settings,
    *,
    executor=None,
    resume: bool = False,
    on_progress: Callable[[int, int, int, int], None] | None = None,
    lang: str = "en",
) -> Calibration:
    """Run (or resume) ABC-SMC into `folder`: abc.db (pyabc's history), settings.json, and
    when done posterior.parquet, history.csv, identifiability.csv, posterior.png.
    `on_progress(generation, generations, tasks done, tasks)` reports each finished task
    (generation 0: the prior sample that sets the first tolerance)."""
    import pyabc

    from model.experiments.executors import InProcessExecutor
    from model.output.results import write_json

    logging.getLogger("ABC").setLevel(logging.WARNING)
    priors = chosen_priors(scenario, settings.parameters)
    rows = calibration_rows(targets, first_year=scenario.simulation.start_year)
    settings.stats = rows["stat"].tolist()
    settings.fingerprint = fingerprint(scenario, rows, priors)
    _check_settings(folder, settings, resume)
    write_json(asdict(settings), folder / "settings.json")

    years = int(rows["year"].max()) - scenario.simulation.start_year + 1
    simulator = Simulator(
        scenario,
        list(zip(rows["stat"], rows["key"], rows["year"], strict=True)),
        settings.migrants,
        years,
    )
    distance = pyabc.PNormDistance(
        p=2, fixed_weights=dict(zip(rows["stat"], 1.0 / rows["sd"], strict=True))
    )

    def task_done(t: int, done: int, total: int) -> None:
        if on_progress:
            on_progress(t + 1, settings.generations, done, total)

    sampler = _sampler_class()(executor or InProcessExecutor(), settings.seed, task_done)
    abc = pyabc.ABCSMC(
        simulator,
        _pyabc_prior(priors),
        distance,
        population_size=settings.particles,
        sampler=sampler,
        eps=pyabc.QuantileEpsilon(alpha=settings.quantile),
        transitions=_proposal(priors),
    )
    database = "sqlite:///" + str(folder / "abc.db")
    observed = dict(zip(rows["stat"], rows["value"].astype(float), strict=True))
    if resume and (folder / "abc.db").exists():
        abc.load(database, 1)
    else:
        abc.new(database, observed)
    remaining = settings.generations - (abc.history.max_t + 1)
    np.random.seed(settings.seed)  # noqa: NPY002 - any pyabc draw between generations
    if remaining > 0:
        abc.run(max_nr_populations=remaining)  # one call: pyabc caches its start population
    return _finish(folder, abc.history, priors, settings, lang)


def _proposal(priors: dict[str, dict[str, Any]], scale: float = 1.25):
    """The proposal each generation draws from: one multivariate normal fitted to the last
    population in probit coordinates, u = Phi^-1(F(theta)) with F each parameter's prior
    distribution function. There the prior is a standard normal in every dimension, so a
    parameter the data do not inform is proposed from almost exactly its prior and keeps its
    importance weight (w = prior / proposal is about 1), and a bound is at infinity, so no draw
    falls outside the prior. In the parameters' own coordinates the flat priors made a Gaussian
    (or pyabc's default kernel density estimate, isolated bumps in 14 dimensions) a poor match
    to the flat part of the posterior: the weights of the far particles grew as exp(d^2 / 2)
    and the effective sample ended at 2 of 200 in a full run."""
    import pandas as pd
    from pyabc import Parameter
    from pyabc.transition import Transition
    from scipy import stats

    class ProbitGaussianProposal(Transition):
        def __init__(self, priors: dict[str, dict[str, Any]], scale: float):
            self.priors = priors
            self.scale = scale

        def _probit(self, values: np.ndarray) -> np.ndarray:
            p = np.column_stack([m.cdf(values[:, k]) for k, m in enumerate(self.marginals)])
            return stats.norm.ppf(np.clip(p, 1e-15, 1 - 1e-15))

        def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:
            self.marginals = [scipy_prior(self.priors[c]) for c in X.columns]
            u = self._probit(X.to_numpy(dtype=float))
            w = np.asarray(w, dtype=float) / np.sum(w)
            self.mean = w @ u
            centred = u - self.mean
            cov = (centred * w[:, None]).T @ centred / (1 - (w**2).sum())
            # a correlation matrix with a little jitter: never numerically singular
            self.sd = np.sqrt(np.maximum(np.diag(cov), 1e-12))
            corr = cov / np.outer(self.sd, self.sd) + 1e-6 * np.eye(len(cov))
            self.normal = stats.multivariate_normal(np.zeros(len(cov)), self.scale * corr)
            self.root = np.linalg.cholesky(self.scale * corr)

        def rvs_single(self) -> Parameter:
            # numpy's global generator, which each task seeds (a frozen scipy distribution
            # would carry a pickled copy of it to every task: every task the same draws)
            z = np.random.standard_normal(len(self.mean))  # noqa: NPY002
            u = self.mean + self.sd * (self.root @ z)
            p = stats.norm.cdf(u)
            draw = [m.ppf(p[k]) for k, m in enumerate(self.marginals)]
            return Parameter(dict(zip(self.X.columns, draw, strict=True)))

        def pdf(self, x):
            if isinstance(x, pd.DataFrame):
                values = x[self.X.columns].to_numpy(dtype=float)
            else:
                values = np.array([[x[k] for k in self.X.columns]], dtype=float)
            u = self._probit(values)
            # the density in u, times the Jacobian du/dtheta = f(theta) / phi(u) per parameter
            log_jacobian = sum(
                m.logpdf(values[:, k]) - stats.norm.logpdf(u[:, k])
                for k, m in enumerate(self.marginals)
            )
            log_density = self.normal.logpdf((u - self.mean) / self.sd) - np.log(self.sd).sum()
            density = np.exp(log_density + log_jacobian)
            return density if isinstance(x, pd.DataFrame) else float(density[0])

    return ProbitGaussianProposal(priors, scale)


def started_settings(folder: Path) -> dict[str, Any]:
    """What a calibration folder was started with (settings.json), or a clear refusal."""
    path = folder / "settings.json"
    try:
        started = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(started, dict):
            raise ValueError("not an object")
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise CalibrationError(
            f"{folder} is not a calibration folder ({path.name}: {error}); valid: the folder a "
            "stopped or finished `citizenization calibrate` named. Nothing has been run."
        ) from None
    return started


def _check_settings(folder: Path, settings: Settings, resume: bool) -> None:
    path = folder / "settings.json"
    if not resume or not path.exists():
        return
    before = started_settings(folder)
    # more generations extend a calibration: generation t's seeds do not depend on the count
    differ = [k for k, v in asdict(settings).items() if k != "generations" and before.get(k) != v]
    if differ:
        raise CalibrationError(
            f"Calibration folder {folder} was started with other settings ({', '.join(differ)} "
            "differ: the scenario, targets, priors or options); resume it with the same ones, "
            "or start a new folder. Nothing has been run."
        )


def load_calibration(folder: Path) -> Calibration:
    """A finished calibration folder."""
    import pyabc

    settings = Settings(**json.loads((folder / "settings.json").read_text(encoding="utf-8")))
    history = pyabc.History("sqlite:///" + str(folder / "abc.db"), create=False)
    history.id = 1
    return _finish(folder, history, {k: PRIORS[k] for k in settings.parameters}, settings)


def _finish(
    folder: Path, history, priors: dict, settings: Settings, lang: str = "en"
) -> Calibration:
    from model.output.results import write_atomic, write_text

    frame, weights = history.get_distribution(m=0, t=history.max_t)
    posterior = frame[list(priors)].reset_index(drop=True).astype(float)
    posterior["weight"] = np.asarray(weights, dtype=float)
    generations = history.get_all_populations()
    generations = generations[generations["t"] >= 0]
    table = pd.DataFrame(
        {
            "generation": generations["t"].to_numpy() + 1,
            "tolerance": generations["epsilon"].to_numpy(),
            "simulations": generations["samples"].to_numpy(),
            "accepted": generations["particles"].to_numpy(),
        }
    )
    table["acceptance_rate"] = table["accepted"] / table["simulations"]
    table["effective_sample_size"] = [
        _ess(history.get_distribution(m=0, t=int(t))[1]) for t in generations["t"]
    ]
    buffer = __import__("io").BytesIO()
    posterior.to_parquet(buffer, index=False)
    write_atomic(folder / "posterior.parquet", buffer.getvalue())
    write_text(table.to_csv(index=False), folder / "history.csv")
    report = identifiability(posterior, priors)
    write_text(report.to_csv(index=False), folder / "identifiability.csv")
    plot_posterior(posterior, priors, folder / "posterior.png", lang)
    return Calibration(folder, posterior, table, report, settings)


def _ess(weights) -> float:
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w**2).sum())


# --- what the posterior says ------------------------------------------------------------------


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return float(np.interp(q, cumulative - weights[order] / (2 * weights.sum()), values[order]))


#: A posterior wider than this share of its prior's standard deviation: the data do not inform it.
UNINFORMED_SD_RATIO = 0.7


def identifiability(posterior: pd.DataFrame, priors: dict | None = None) -> pd.DataFrame:
    """Per parameter: prior and posterior mean and sd, the posterior's 90 % interval, the ratio
    of posterior to prior sd, and whether the data inform it (ratio below 0.7). `priors`:
    default, the schema's priors of the posterior's parameters."""
    if priors is None:
        priors = {k: PRIORS[k] for k in posterior.columns if k != "weight"}
    w = posterior["weight"].to_numpy()
    records = []
    for name, prior in priors.items():
        x = posterior[name].to_numpy()
        mean = float(np.average(x, weights=w))
        sd = float(np.sqrt(np.average((x - mean) ** 2, weights=w)))
        prior_mean, prior_sd = prior_moments(prior)
        records.append(
            {
                "parameter": name,
                "prior": prior["distribution"],
                "prior_mean": prior_mean,
                "prior_sd": prior_sd,
                "posterior_mean": mean,
                "posterior_sd": sd,
                "q05": weighted_quantile(x, w, 0.05),
                "q95": weighted_quantile(x, w, 0.95),
                "sd_ratio": sd / prior_sd,
                "informed": sd / prior_sd < UNINFORMED_SD_RATIO,
                "source": prior["source"],
            }
        )
    return pd.DataFrame(records)


def plot_posterior(posterior: pd.DataFrame, priors: dict, path: Path, lang: str = "en") -> Path:
    """Marginals on the diagonal (prior range as the axis) and pairs below it."""
    from model.output.names import display_name, figure_language
    from model.output.plots import plt, save_figure

    lang = figure_language(lang)

    names = list(priors)
    n = len(names)
    w = posterior["weight"].to_numpy()
    fig, axes = plt.subplots(n, n, figsize=(1.6 * n + 1, 1.6 * n + 1), squeeze=False)
    for i, yname in enumerate(names):
        for j, xname in enumerate(names):
            ax = axes[i][j]
            ax.tick_params(labelsize=5)
            if j > i:
                ax.axis("off")
                continue
            xr = (priors[xname]["low"], priors[xname]["high"])
            if i == j:
                ax.hist(posterior[xname], bins=20, range=xr, weights=w, color="tab:blue")
                ax.set_yticks([])
            else:
                ax.scatter(posterior[xname], posterior[yname], s=2, alpha=0.4, c="tab:blue")
                ax.set_ylim(priors[yname]["low"], priors[yname]["high"])
            ax.set_xlim(*xr)
            if i == n - 1:
                ax.set_xlabel(display_name("uncertainty", xname, lang), fontsize=6)
            if j == 0:
                ax.set_ylabel(display_name("uncertainty", yname, lang), fontsize=6)
    fig.suptitle(
        "后验分布（坐标轴范围为先验区间）"
        if lang == "zh"
        else "Posterior (axes span each prior's range)",
        fontsize=10,
    )
    return save_figure(fig, path)


def draws(posterior: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    """The n parameter sets resampled from the posterior by weight (a fixed generator: the same
    draws every time)."""
    if n < 1:
        raise CalibrationError(f"--draws {n}: valid: a positive number of posterior draws.")
    rng = np.random.default_rng(seed)
    w = posterior["weight"].to_numpy(dtype=float)
    chosen = rng.choice(len(posterior), size=n, replace=True, p=w / w.sum())
    names = [c for c in posterior.columns if c != "weight"]
    return posterior.iloc[chosen][names].reset_index(drop=True)


def read_posterior(path: Path) -> pd.DataFrame:
    """A posterior file (Parquet: one column per parameter, and `weight`), refused with a clear
    message if it is missing, not Parquet, or holds a parameter without a prior."""
    import pyarrow.lib

    if not Path(path).is_file():
        raise CalibrationError(f"Posterior file {path} does not exist.")
    try:
        frame = pd.read_parquet(path)
    except (pyarrow.lib.ArrowException, OSError, ValueError) as err:
        raise CalibrationError(
            f"Posterior file {path} is not a posterior ({type(err).__name__}: {err}); valid: "
            "the posterior.parquet a calibration writes (one column per parameter and weight)."
        ) from None
    unknown = [c for c in frame.columns if c != "weight" and c not in PRIORS]
    weights = frame.get("weight")
    if (
        unknown
        or weights is None
        or frame.empty
        or not np.isfinite(frame.to_numpy(dtype=float)).all()
        or (weights < 0).any()
        or weights.sum() <= 0
    ):
        raise CalibrationError(
            f"Posterior file {path}: "
            + (f"unknown parameter(s) {', '.join(unknown)}; " if unknown else "")
            + "valid: one finite column per parameter with a prior and a non-negative `weight` "
            "column with a positive sum, at least one row."
        )
    return frame


def describe(fit: Calibration, table: pd.DataFrame) -> str:
    """What a calibration found, for the terminal: generations, parameters, coverage."""
    from model.validity.predictive import coverage

    lines = ["generation  tolerance  simulations  acceptance  effective sample"]
    for row in fit.history.itertuples():
        lines.append(
            f"{row.generation:>10}  {row.tolerance:>9.3g}  {row.simulations:>11,}  "
            f"{row.acceptance_rate:>10.0%}  {row.effective_sample_size:>16.0f}"
        )
    lines.append(f"simulations in all: {int(fit.history['simulations'].sum()):,}")
    last = fit.history.iloc[-1]
    ess, accepted = last["effective_sample_size"], int(last["accepted"])
    if ess < 0.1 * accepted:
        lines.append(
            f"warning: the last generation's effective sample is {ess:.0f} of {accepted}: the "
            "posterior rests on few particles (the tolerance is near"
            " what the proposal can reach); use fewer generations or more particles"
        )
    lines.append("\nparameter: prior mean -> posterior mean [90 % interval], sd posterior/prior")
    for row in fit.identifiability.itertuples():
        flag = "" if row.informed else "   not informed by the data"
        lines.append(
            f"  {row.parameter}: {row.prior_mean:.4g} -> {row.posterior_mean:.4g} "
            f"[{row.q05:.4g}, {row.q95:.4g}], {row.sd_ratio:.2f}{flag}"
        )
    inside, count = coverage(table, calibrated=True)
    lines.append(
        f"\nposterior predictive coverage: {inside:.0%} of the {count} fitted observations "
        "inside their 90 % interval (aim: at least 80 %)"
    )
    return "\n".join(lines)
