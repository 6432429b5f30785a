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
