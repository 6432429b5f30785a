"""Same seed, same scenario, same code: identical results. Different seeds: different results.
Common random numbers: one phase's draws do not depend on another's."""

import numpy as np
import pandas as pd

from model.model import CitizenizationModel
from model.runner import run_scenario
from model.streams import Streams


def test_same_seed_gives_identical_outcomes_parquet(baseline, tmp_path):
    a = run_scenario(baseline, seed=11, migrants=3000, years=2)
    b = run_scenario(baseline, seed=11, migrants=3000, years=2)
    a.to_parquet(tmp_path / "a.parquet", index=False)
    b.to_parquet(tmp_path / "b.parquet", index=False)
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "a.parquet"), pd.read_parquet(tmp_path / "b.parquet")
    )
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


def test_different_seeds_differ(baseline):
    a = run_scenario(baseline, seed=1, migrants=3000, years=1)
    b = run_scenario(baseline, seed=2, migrants=3000, years=1)
    assert not np.allclose(a["value"].fillna(-1), b["value"].fillna(-1))


def test_streams_are_independent_of_use_order():
    first = Streams(3)
    first["labour"].random(1000)  # labour draws a lot before migration draws
    migration_after_labour = first["migration"].random(5)
    assert np.array_equal(migration_after_labour, Streams(3)["migration"].random(5))
    assert not np.array_equal(Streams(3)["migration"].random(5), Streams(3)["labour"].random(5))


def test_policy_change_leaves_other_phases_draws_alone(baseline, policy_2019):
    """Common random numbers: the same seed gives both scenarios the same starting population
    and the same migration draws, so the first month's departures are identical."""
    small = {"simulation.migrants": 5000}
    a = CitizenizationModel(baseline.override(small), seed=4)
    b = CitizenizationModel(policy_2019.override(small), seed=4)
    for column in ("birth_year", "city", "months_in_city", "si_months", "poverty"):
        assert np.array_equal(getattr(a.population, column), getattr(b.population, column))
    a.step()
    b.step()
    left_home_a = a.population.months_in_city == 0
    left_home_b = b.population.months_in_city == 0
    assert np.array_equal(
        left_home_a & (a.population.city >= 0), left_home_b & (b.population.city >= 0)
    )
