"""The saved golden baseline: a small outcomes table for fixed scenarios and seeds.

`tests/test_golden.py` reruns these cases and fails when any outcome moves, so that a change
that moves results is always a deliberate one (STYLE.md 12; Covasim's and Starsim's saved
baselines). After a change that is meant to move results, update the file and say why in the
commit message:

    make update-baseline        # or: python tools/golden.py --update
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "outcomes.parquet"
#: (scenario file, seed, agent rows, years): every mechanism (policy_2019) and the national
#: accounts (historical_2015), small enough to run in seconds.
CASES = (("policy_2019.yaml", 7, 3000, 3), ("historical_2015.yaml", 11, 3000, 3))


def golden_outcomes() -> pd.DataFrame:
    """The outcomes of every case, in one tidy table (the model's own columns)."""
    sys.path.insert(0, str(ROOT))
    from model import load_scenario, run_scenario

    frames = [
        run_scenario(load_scenario(ROOT / "scenarios" / name), seed, migrants=rows, years=years)
        for name, seed, rows, years in CASES
    ]
    return pd.concat(frames, ignore_index=True)


KEYS = ["scenario", "seed", "year", "outcome", "population", "city_class"]


def moved_outcomes(now: pd.DataFrame, saved: pd.DataFrame) -> list[str]:
    """Outcomes whose rows or values differ between two tables (row order aside; values equal
    to 1e-9 relative, NaN equal to NaN)."""
    now = now.sort_values(KEYS, ignore_index=True)
    saved = saved.sort_values(KEYS, ignore_index=True)
    names = set(now["outcome"]) ^ set(saved["outcome"])
    if names or not now[KEYS].equals(saved[KEYS]):
        return sorted(names) or ["(the table's rows)"]
    a, b = now["value"].to_numpy(), saved["value"].to_numpy()
    same = np.isclose(a, b, rtol=1e-9, atol=0.0) | (np.isnan(a) & np.isnan(b))
    return sorted(set(now.loc[~same, "outcome"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--update",
        action="store_true",
        help=f"rewrite {GOLDEN.relative_to(ROOT)} from the current code",
    )
    args = parser.parse_args(argv)
    table = golden_outcomes()
    if args.update:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        table.to_parquet(GOLDEN, index=False)
        print(f"wrote {len(table)} outcome rows to {GOLDEN.relative_to(ROOT)}")
        return 0
    moved = moved_outcomes(table, pd.read_parquet(GOLDEN))
    if moved:
        print(f"{len(moved)} outcomes differ from {GOLDEN.relative_to(ROOT)}: {', '.join(moved)}")
        return 1
    print(f"{len(table)} outcome rows agree with {GOLDEN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
