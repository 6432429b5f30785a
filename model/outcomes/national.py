"""National outcomes: urbanization rates from the national population accounts (historical
scenarios with a `national:` section; NaN without them)."""

import numpy as np

from model.outcomes.registry import outcome
from model.outcomes.snapshot import Snapshot, national


@outcome(unit="share", theme="national")
def hukou_urbanization_rate(s: Snapshot) -> np.ndarray:
    """Urban-hukou population / total population, year end (national accounts; NaN without
    them)."""
    return national(s.national.hukou_rate if s.national else np.nan)


@outcome(unit="share", theme="national")
def resident_urbanization_rate(s: Snapshot) -> np.ndarray:
    """Urban residents (any hukou) / total population, year end (national accounts)."""
    return national(s.national.resident_rate if s.national else np.nan)
