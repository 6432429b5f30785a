"""The saved golden baseline (tools/golden.py): a change that moves any outcome fails here
until the baseline is updated on purpose with `make update-baseline`."""

import importlib.util

import pandas as pd

from conftest import ROOT

spec = importlib.util.spec_from_file_location("golden", ROOT / "tools" / "golden.py")
golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(golden)


def test_outcomes_match_the_saved_baseline():
    moved = golden.moved_outcomes(golden.golden_outcomes(), pd.read_parquet(golden.GOLDEN))
    assert not moved, (
        f"{len(moved)} outcomes moved from the golden baseline: {moved[:10]}; "
        "if that is intended, run `make update-baseline` and say why in the commit"
    )


def test_the_comparison_sees_a_moved_value_and_a_missing_outcome():
    saved = pd.read_parquet(golden.GOLDEN)
    nudged = saved.copy()
    row = nudged.index[nudged["value"].notna()][0]
    nudged.loc[row, "value"] *= 1 + 1e-6
    assert golden.moved_outcomes(nudged, saved) == [saved.loc[row, "outcome"]]
    shuffled = saved.sample(frac=1.0, random_state=0)
    assert golden.moved_outcomes(shuffled, saved) == []
    dropped = saved[saved["outcome"] != "settled_people"]
    assert golden.moved_outcomes(dropped, saved) == ["settled_people"]
