"""Design points: the values of every lever and uncertainty at each point of an experiment.

Sampling uses SALib for Latin hypercube, Sobol (Saltelli's extension of the Sobol sequence) and
Morris designs, so that the matching SALib analyses apply to the results; grids and explicit
tables need no sampling. A factor given as a list of `values` enters a grid as those values and a
Latin hypercube as a uniform choice among them; Sobol and Morris need ranges.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from SALib.sample import latin, morris, sobol

from model.experiments.spec import Experiment, ExperimentError, Factor, as_type

#: Morris grid levels when the design does not say (SALib's default).
MORRIS_DEFAULT_LEVELS = 4
#: The most design points, and runs (points x scenarios x replications), one experiment may
#: plan: a run's task and its manifest record take about a kilobyte, so a million runs hold
#: about a gigabyte before the first one starts. Larger studies split into experiments.
MAX_POINTS = 1_000_000
MAX_RUNS = 1_000_000


def design_size(spec: Experiment) -> int:
    """How many points the design makes, computed without making them."""
    design, factors = spec.design, spec.factors
    n = len(factors)
    if design.kind == "table":
        return len(design.table or ())
    if design.kind == "grid":
        size = 1
        for factor in factors.values():
            size *= len(factor.values) if factor.values is not None else (design.levels or 1)
        return size
    if design.kind == "lhs":
        return design.samples
    if design.kind == "sobol":
        return design.samples * ((2 * n + 2) if design.second_order else (n + 2))
    return design.samples * (n + 1)  # morris: trajectories of n + 1 points


def check_size(spec: Experiment, scenarios: int, where: str) -> None:
    """Refuse a design whose points or runs exceed what one experiment may plan."""
    points = design_size(spec)
    runs = points * scenarios * spec.replications
    if points > MAX_POINTS or runs > MAX_RUNS:
        raise ExperimentError(
            f"{where}, key 'design': the design makes {points:,} points x {scenarios} "
            f"scenario(s) x {spec.replications} replication(s) = {runs:,} runs; valid: at most "
            f"{MAX_POINTS:,} points and {MAX_RUNS:,} runs per experiment (about a kilobyte of "
            "memory each before anything runs). Use fewer levels, samples or replications, or "
            "split the study into several experiments."
        )


def salib_problem(factors: dict[str, Factor]) -> dict:
    """The SALib problem: names and bounds of the range factors."""
    return {
        "num_vars": len(factors),
        "names": list(factors),
        "bounds": [list(f.range) for f in factors.values()],
    }


def design_points(spec: Experiment) -> pd.DataFrame:
    """One row per design point (index `point` = 0, 1, ...), one column per factor key."""
    factors = spec.factors
    design = spec.design
    if design.kind == "table":
        frame = pd.DataFrame.from_records(design.table, columns=list(factors))
    elif design.kind == "grid":
        frame = _grid(factors, design.levels)
    else:
        if design.kind in ("sobol", "morris"):
            lists = [k for k, f in factors.items() if f.range is None]
            if lists:
                raise ExperimentError(
                    f"A {design.kind} design needs a range for every factor; "
                    f"{lists} give values or nothing. Use a grid, lhs or table "
                    "design, or give ranges."
                )
        frame = _sampled(factors, design)
    for key, factor in factors.items():
        frame[key] = [as_type(key, factor, v) for v in frame[key]]
    if design.kind in ("grid", "table") and len(frame.columns):
        repeated = frame[frame.duplicated(keep=False)]
        if len(repeated):
            raise ExperimentError(
                f"The {design.kind} design repeats points once values are made whole numbers "
                f"(points {list(repeated.index[:6])}: {repeated.iloc[0].to_dict()}); each would "
                "run twice. Give distinct values, or fewer grid levels than the integer range "
                "holds."
            )
    frame.index.name = "point"
    return frame


def _grid(factors: dict[str, Factor], levels: int | None) -> pd.DataFrame:
    axes = []
    for key, factor in factors.items():
        if factor.values is not None:
            axes.append(list(factor.values))
        elif factor.range is not None:
            if levels is None:
                raise ExperimentError(
                    f"A grid design over the range of '{key}' needs 'levels' "
                    "(points per range, at least 2)."
                )
            axes.append(list(np.linspace(*factor.range, levels)))
        else:
            raise ExperimentError(
                f"'{key}' gives neither a range nor values; only a table design can leave them out."
            )
    return pd.DataFrame(list(itertools.product(*axes)), columns=list(factors))


def _sampled(factors: dict[str, Factor], design) -> pd.DataFrame:
    # list factors become index ranges [0, n) for sampling, mapped back to values below
    ranges = {
        k: (f if f.range is not None else Factor(range=(0.0, float(len(f.values or ())))))
        for k, f in factors.items()
    }
    missing = [k for k, f in factors.items() if f.range is None and f.values is None]
    if missing:
        raise ExperimentError(
            f"{missing} give neither a range nor values; only a table design can leave them out."
        )
    problem = salib_problem(ranges)
    if design.kind == "lhs":
        x = latin.sample(problem, design.samples, seed=design.seed)
    elif design.kind == "sobol":
        x = sobol.sample(
            problem, design.samples, calc_second_order=design.second_order, seed=design.seed
        )
    else:
        x = morris.sample(
            problem,
            design.samples,
            num_levels=design.levels or MORRIS_DEFAULT_LEVELS,
            seed=design.seed,
        )
    frame = pd.DataFrame(x, columns=list(factors))
    for key, factor in factors.items():
        if factor.values is not None:
            index = np.minimum(frame[key].to_numpy().astype(int), len(factor.values) - 1)
            frame[key] = [factor.values[i] for i in index]
    return frame
