"""The saved golden baseline (tools/golden.py): a change that moves any outcome fails here
until the baseline is updated on purpose with `make update-baseline`."""

import importlib.util

import numpy as np
import pandas as pd

from conftest import ROOT

spec = importlib.util.spec_from_file_location("golden", ROOT / "tools" / "golden.py")
golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(golden)


def test_outcomes_match_the_saved_baseline():
    saved = pd.read_parquet(golden.GOLDEN)
    now = golden.golden_outcomes()
    keys = ["scenario", "seed", "year", "outcome", "population", "city_class"]
    assert now[keys].equals(saved[keys]), "the outcome table's rows changed"
    a, b = now["value"].to_numpy(), saved["value"].to_numpy()
    same = np.isclose(a, b, rtol=1e-9, atol=0.0) | (np.isnan(a) & np.isnan(b))
    moved = sorted(set(now.loc[~same, "outcome"]))
    assert not moved, (f"{len(moved)} outcomes moved from the golden baseline: {moved[:10]}; "
                       "if that is intended, run `make update-baseline` and say why in the commit")
