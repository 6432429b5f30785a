"""Same seed, same scenario, same code: identical results. Different seeds: different results.
Common random numbers: one phase's draws do not depend on another's."""

import numpy as np
import pandas as pd
from scipy import stats

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


def test_a_rows_number_depends_only_on_seed_phase_decision_month_and_row():
    draws = Streams(3).draws("migration", 17)
    every = draws.uniform(np.arange(10_000), "return")
    some = np.array([9_999, 5, 4_000, 5])  # any rows, any order, repeated
    assert np.array_equal(draws.uniform(some, "return"), every[some])
    Streams(3).draws("labour", 17).uniform(np.arange(50_000), "separation")  # others draw
    assert np.array_equal(Streams(3).draws("migration", 17).uniform(some, "return"), every[some])
    for other in (
        Streams(4).draws("migration", 17).uniform(some, "return"),
        Streams(3).draws("labour", 17).uniform(some, "return"),
        Streams(3).draws("migration", 18).uniform(some, "return"),
        Streams(3).draws("migration", 17).uniform(some, "leave"),
    ):
        assert not np.any(other == every[some])


def test_counter_based_numbers_are_uniform_and_independent():
    rows = np.arange(200_000)
    u = Streams(0).draws("services", 5).uniform(rows, "school").astype(np.float64)
    v = Streams(0).draws("services", 5).uniform(rows, "flat").astype(np.float64)
    assert u.min() >= 0.0 and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    assert abs(np.corrcoef(u, v)[0, 1]) < 0.01  # decisions are independent
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.01  # neighbouring rows are independent
    below = (
        Streams(0)
        .draws("services", 5)
        .in_city_below(np.where(rows % 3 == 0, -1, 1).astype(np.int16), 0.1, "school")
    )
    assert np.array_equal(below, rows[(rows % 3 != 0) & (u < np.float32(0.1))])
    among = rows % 5 != 0  # a further mask keeps its rows' numbers as they are
    below_among = (
        Streams(0)
        .draws("services", 5)
        .in_city_below(np.where(rows % 3 == 0, -1, 1).astype(np.int16), 0.1, "school", among)
    )
    assert np.array_equal(below_among, below[below % 5 != 0])


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


def test_rows_in_the_same_state_make_the_same_moves_under_another_policy(baseline, policy_2019):
    """Common random numbers a year into a policy: the 2019 opinion has changed who settled,
    queued and holds a place, yet a row whose own state is the same in both runs draws the same
    numbers, so it returns home (or leaves home) in one run exactly when it does in the other."""
    from model.enums import HukouStatus
    from model.population import COLUMNS
    from model.processes import migration

    small = {"simulation.migrants": 5000}
    a = CitizenizationModel(baseline.override(small), seed=4)
    b = CitizenizationModel(policy_2019.override(small), seed=4)
    for _ in range(13):
        a.step()
        b.step()
    same = np.logical_and.reduce(
        [getattr(a.population, c.name) == getattr(b.population, c.name) for c in COLUMNS]
    )
    assert 0 < same.sum() < len(same)  # the policy changed some rows, not all
    rural = a.population.hukou == HukouStatus.RURAL
    in_city = a.population.city >= 0
    migrants, at_home = same & rural & in_city, same & rural & ~in_city
    for model in (a, b):
        model._month_index += 1
        migration.step(model._month("migration"))
    returned_a, returned_b = (m.population.city < 0 for m in (a, b))
    assert (migrants & returned_a).sum() > 0
    assert np.array_equal(migrants & returned_a, migrants & returned_b)
    assert (at_home & ~returned_a).sum() > 0
    assert np.array_equal(at_home & ~returned_a, at_home & ~returned_b)
