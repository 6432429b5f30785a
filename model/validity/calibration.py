"""Calibration by the simulated method of moments.

The loss is the mean, over the chosen targets of 2015-2017, of the squared relative error of
the simulated mean (over a fixed set of seeds: common random numbers, so the loss surface does
not jump with noise between evaluations). SciPy's Nelder-Mead searches the parameters mapped
to the unit cube of their bounds. Every evaluation is recorded; a search that cannot improve on
its start says so instead of reporting a fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from model.scenario import Scenario
from model.scenario.types import field_marks
from model.validity.validation import simulate_targets

#: What the historical calibration fits, with its search ranges: the uncertainties marked with a
#: `calibration_range` in the scenario schema (the 2015-2017 targets speak to them).
PARAMETERS: dict[str, tuple[float, float]] = {
    key: tuple(marks["calibration_range"])
    for key, marks in field_marks(Scenario).items()
    if "calibration_range" in marks
}
#: The targets it fits (2015-2017 only).
CALIBRATION_KEYS = (
    "hukou_urbanization_rate",
    "resident_urbanization_rate",
    "willing_to_transfer_hukou",
    "residence_permits_issued",
)
LAST_CALIBRATION_YEAR = 2017


@dataclass
class CalibrationResult:
    parameters: dict[str, float]
    start_parameters: dict[str, float]
    loss: float
    start_loss: float
    evaluations: pd.DataFrame  # one row per evaluation: parameters and loss

    @property
    def improved(self) -> bool:
        return self.loss < self.start_loss * (1 - 1e-6)


def check_calibratable(scenario: Scenario, parameters: dict[str, tuple[float, float]]) -> None:
    """Refuse, before any simulation, a scenario that lacks a parameter the fit would set (the
    national accounts live only in historical scenarios)."""
    from model.scenario import ScenarioError

    for key in parameters:
        try:
            current_value(scenario, key)
        except (KeyError, TypeError):
            section = key.split(".")[0]
            raise ScenarioError(
                f"Scenario '{scenario.name}': the calibration fits '{key}', and the scenario has "
                f"no '{section}' section to fit it in; valid: a historical scenario with "
                "national accounts (scenarios/historical_2015.yaml, or one that extends it). "
                "Nothing has been run."
            ) from None


def current_value(scenario: Scenario, key: str):
    """The value at a dotted key of the scenario (a number, or a table as a mapping)."""
    value = scenario.model_dump()
    for part in key.split("."):
        value = value[part]
    return value


def loss(simulated: pd.DataFrame, targets: pd.DataFrame) -> float:
    """Mean squared relative error over the target rows (missing simulations count as 1)."""
    merged = targets.merge(
        simulated, on=["key", "year"], how="left", suffixes=("_observed", "_simulated")
    )
    error = (merged["value_simulated"] - merged["value_observed"]) / merged["value_observed"]
    return float(np.mean(np.nan_to_num(error.to_numpy(), nan=1.0) ** 2))


def calibrate(
    scenario: Scenario,
    targets: pd.DataFrame,
    parameters: dict[str, tuple[float, float]],
    *,
    seeds: Sequence[int] = (0, 1),
    migrants: int | None = None,
    max_evaluations: int = 60,
    on_evaluation: Callable[[int, float], None] | None = None,
) -> CalibrationResult:
    """Fit `parameters` (dotted scenario keys with bounds) to `targets` (key, year, value)."""
    names = list(parameters)
    low = np.array([parameters[n][0] for n in names])
    high = np.array([parameters[n][1] for n in names])
    start = np.array([float(current_value(scenario, n)) for n in names])
    last_year = int(targets["year"].max())
    years = last_year - scenario.simulation.start_year + 1
    records: list[dict] = []

    def evaluate(unit: np.ndarray) -> float:
        values = low + np.clip(unit, 0.0, 1.0) * (high - low)
        trial = scenario.override(dict(zip(names, values.tolist(), strict=True)))
        simulated = simulate_targets(trial, seeds, migrants=migrants, years=years)
        value = loss(simulated, targets)
        records.append({**dict(zip(names, values, strict=True)), "loss": value})
        if on_evaluation:
            on_evaluation(len(records), value)
        return value

    x0 = (np.clip(start, low, high) - low) / (high - low)
    start_loss = evaluate(x0)
    minimize(
        evaluate,
        x0,
        method="Nelder-Mead",
        options={
            "maxfev": max(max_evaluations - 1, 1),
            "xatol": 1e-3,
            "fatol": 1e-6,
            "initial_simplex": _simplex(x0),
        },
    )
    evaluations = pd.DataFrame(records)
    best = evaluations["loss"].idxmin()
    fitted = {n: float(evaluations.loc[best, n]) for n in names}
    return CalibrationResult(
        fitted,
        dict(zip(names, start.tolist(), strict=True)),
        float(evaluations.loc[best, "loss"]),
        start_loss,
        evaluations,
    )


def _simplex(x0: np.ndarray, step: float = 0.15) -> np.ndarray:
    """A starting simplex around x0 that stays inside the unit cube."""
    points = [x0]
    for i in range(len(x0)):
        point = x0.copy()
        point[i] = point[i] + step if point[i] + step <= 1 else point[i] - step
        points.append(point)
    return np.array(points)
