"""Invariants of whole runs under several seeds and both scenarios."""

from dataclasses import replace

import numpy as np
import pytest

from model.enums import Employment, HukouStatus, PovertyStatus
from model.model import CitizenizationModel
from model.outcomes import OUTCOMES
from model.population import COLUMNS, Population

SEEDS = (1, 2, 3)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("which", ["baseline", "policy_2019"])
def test_run_conserves_people_and_keeps_states_consistent(which, seed, request):
    scenario = request.getfixturevalue(which).override(
        {"simulation.migrants": 4000, "simulation.years": 3}
    )
    model = CitizenizationModel(scenario, seed=seed)
    pop = model.population
    total_weight = pop.weight.astype(np.float64).sum()
    settled_city = np.full(len(pop), -1)
    # people who settled during the spin-up, before the start year
    settled_before = pop.hukou == HukouStatus.SETTLED
    settled_city[settled_before] = pop.city[settled_before]
    settled_before_start = pop.weight[settled_before].astype(float).sum()
    in_city_at_start = pop.weight[settled_before & (pop.city >= 0)].astype(float).sum()
    assert settled_before_start > 0, "the spin-up leaves a settled stock"
    left = settled_before & (pop.city < 0)  # settlers who left their city, for good
    for _ in range(model.months):
        model.step()
        assert len(pop) == scenario.simulation.migrants  # nobody lost or duplicated
        assert np.isclose(pop.weight.astype(np.float64).sum(), total_weight)
        settled = pop.hukou == HukouStatus.SETTLED
        # a settler lives in the city they settled in, or has left it for good (keeping the
        # hukou taken): never in another city, never back
        assert not (pop.city[left] >= 0).any()
        newly = settled & (settled_city < 0) & ~left
        settled_city[newly] = pop.city[newly]
        left |= settled & (pop.city < 0)
        staying = settled & ~left
        assert np.array_equal(pop.city[staying], settled_city[staying])
        # people at the origin hold no city state
        home = pop.city < 0
        assert not pop.permit[home].any() and not pop.si_months[home].any()
        assert np.all(pop.employment[home] == Employment.AT_ORIGIN)
        assert np.all(
            (pop.wage > 0) == np.isin(pop.employment, (Employment.FORMAL, Employment.INFORMAL))
        )
        assert np.all(pop.si_months <= pop.months_in_city + 1)  # insurance needs residence
        assert np.all(pop.months_in_city >= 0) and np.all(pop.si_months >= 0)
        assert np.all(model.quota_left >= 0)  # capacities never negative
        assert pop.city.max() < model.world.n_cities
    for column in COLUMNS:
        assert getattr(pop, column.name).dtype == column.dtype
    # nobody ever settles more than once: the settled stock is the stock before the start plus
    # the settlement flows
    rates = model.outcomes
    assert set(rates["outcome"]) == set(OUTCOMES)
    settled_people = rates[
        (rates.outcome == "settled_people")
        & (rates.population == "all")
        & (rates.city_class == "all")
    ]["value"].iloc[-1]
    flows = rates[
        (rates.outcome == "settlements_per_year")
        & (rates.population == "all")
        & (rates.city_class == "all")
    ]["value"].sum()
    gone = rates[
        (rates.outcome == "settlers_leaving_per_year")
        & (rates.population == "all")
        & (rates.city_class == "all")
    ]["value"].sum()
    settled_all = pop.weight[(pop.hukou == HukouStatus.SETTLED)].astype(float).sum()
    in_cities = pop.weight[(pop.hukou == HukouStatus.SETTLED) & (pop.city >= 0)].astype(float)
    assert np.isclose(settled_people, in_cities.sum(), rtol=1e-5)
    assert np.isclose(settled_before_start + flows, settled_all, rtol=1e-5)
    assert np.isclose(in_city_at_start + flows - gone, settled_people, rtol=1e-5)


def test_outcomes_are_in_people_not_rows(baseline):
    scenario = baseline.override({"simulation.migrants": 2000, "simulation.years": 1})
    model = CitizenizationModel(scenario, seed=5)
    model.run()
    rows = model.outcomes
    in_cities = rows[
        (rows.outcome == "migrants_in_cities")
        & (rows.population == "all")
        & (rows.city_class == "all")
    ]["value"].iloc[0]
    pop = model.population
    expected = pop.weight[(pop.city >= 0) & (pop.hukou == HukouStatus.RURAL)].astype(float).sum()
    assert np.isclose(in_cities, expected)
    assert in_cities > 1e6  # people (a 2000-row run stands for ~287 million), not rows
    # the class breakdown adds up to the whole
    by_class = rows[
        (rows.outcome == "migrants_in_cities")
        & (rows.population == "all")
        & (rows.city_class != "all")
    ]["value"].sum()
    assert np.isclose(by_class, in_cities)
    poor = rows[
        (rows.outcome == "migrants_in_cities")
        & (rows.population == "poor")
        & (rows.city_class == "all")
    ]["value"].iloc[0]
    expected_poor = (
        pop.weight[
            (pop.city >= 0)
            & (pop.hukou == HukouStatus.RURAL)
            & (pop.poverty != PovertyStatus.NOT_POOR)
        ]
        .astype(float)
        .sum()
    )
    assert np.isclose(poor, expected_poor)


def test_hukou_citizenization_rate_on_a_hand_built_population(baseline, world):
    from conftest import city_of, migrants_in
    from model.enums import SizeClass
    from model.outcomes import Snapshot
    from model.outcomes.settlement import hukou_citizenization_rate

    city = city_of(world, SizeClass.MEDIUM)
    pop = migrants_in(
        city,
        4,
        months_in_city=[30, 12, 11, 40],
        hukou=[HukouStatus.SETTLED, HukouStatus.RURAL, HukouStatus.RURAL, HukouStatus.RURAL],
        weight=[2.0, 1.0, 5.0, 1.0],
    )
    from model.flows import Flows
    from model.processes.settlement import CityRules

    flows = Flows(world.size_class)
    from model.processes.fiscal import Accounts

    rules = CityRules.build(baseline.settlement, world)
    snapshot = Snapshot(
        pop,
        world,
        flows.people,
        np.zeros((7, 2)),
        flows.months_at_settlement,
        baseline,
        rules,
        2019,
        Accounts(world.n_cities),
        rules.quota_people,
    )
    table = hukou_citizenization_rate(snapshot)
    # settled 2 people / (2 settled + 1 + 1 with >= 12 months); the 11-month row is not counted
    assert table[0, 0] == pytest.approx(0.5)
    assert table[0, 1 + SizeClass.MEDIUM] == pytest.approx(0.5)
    assert np.isnan(table[1, 0])  # no poor migrants: undefined, not zero


@pytest.mark.parametrize("rows", [2000, 2003])  # a whole number of 64-row words, and not
def test_tallies_by_bits_and_by_rows_are_the_weighted_sums(baseline, rows):
    from model.outcomes.snapshot import national_tally, tally, tally_and_national

    scenario = baseline.override({"simulation.migrants": rows, "simulation.years": 1})
    model = CitizenizationModel(scenario, seed=3)
    model.step()
    equal = model.snapshot()
    assert equal.people_per_row is not None  # a synthesised population: counted by bits
    rng = np.random.default_rng(0)
    weight = (equal.population.weight * rng.uniform(0.5, 2.0, rows)).astype(np.float32)
    unequal = replace(equal, population=replace(equal.population, weight=weight))
    assert unequal.people_per_row is None  # people summed row by row
    for s in (equal, unequal):
        _check_tallies(s, rng, national_tally, tally, tally_and_national)


def test_year_end_sets_and_head_counts_are_as_defined(policy_2019):
    """The snapshot's packed sets of rows in a city, with rural hukou, settled and poor (and
    migrants with a permit or a formal job, and each access basis) are the rows their
    definitions give, the people in each city the sum of their weights, with equal and with
    unequal weights; a kept set's tally, computed once, is not changed by a caller changing
    its copy."""
    from model.outcomes.services import _access_basis
    from model.outcomes.snapshot import tally
    from model.processes.access import has_access

    model = CitizenizationModel(
        policy_2019.override({"simulation.migrants": 2003, "simulation.years": 1}), seed=4
    )
    for _ in range(model.months):
        model.step()
    s = model.snapshot()
    pop = s.population
    assert np.array_equal(s.in_city.mask(), pop.city >= 0)
    assert np.array_equal(s.unsettled.mask(), pop.hukou == HukouStatus.RURAL)
    assert np.array_equal(s.settled.mask(), pop.hukou == HukouStatus.SETTLED)
    assert np.array_equal(s.poor.mask(), pop.poverty != PovertyStatus.NOT_POOR)
    assert s.settled.count() and s.poor.count() and s.unsettled.count()
    rng = np.random.default_rng(1)
    weight = (pop.weight * rng.uniform(0.5, 2.0, len(pop))).astype(np.float32)
    unequal = replace(s, population=replace(pop, weight=weight))
    for snapshot in (s, unequal):
        p = snapshot.population
        expected = np.zeros((s.world.n_cities, 2))
        at = p.city >= 0
        np.add.at(expected, (p.city[at], p.poor()[at].astype(int)), p.weight[at].astype(float))
        assert np.allclose(snapshot.people_by_city, expected, rtol=1e-12, atol=0)
        assert snapshot.people_by_city.sum() > 0
        # migrants with a service or job: the sets several outcomes tally, kept once
        rural = p.hukou == HukouStatus.RURAL
        permit = snapshot.migrants_with("permit")
        assert np.array_equal(permit.mask(), rural & p.permit) and permit.count()
        formal = snapshot.migrants_with("employment", Employment.FORMAL)
        assert np.array_equal(formal.mask(), rural & (p.employment == Employment.FORMAL))
        assert snapshot.migrants_with("permit") is permit
        # a service's access basis, from the packed sets as `has_access` reads it row by row
        for basis in ("hukou", "permit", "id_card"):
            expected = (p.city >= 0) & has_access(p, slice(None), basis)
            assert np.array_equal(_access_basis(snapshot, basis).mask(), expected), basis
        # a kept set is tallied once: a caller changing its table changes nobody else's
        assert snapshot.holds(snapshot.unsettled) and snapshot.holds(permit)
        assert not snapshot.holds(snapshot.unsettled & snapshot.employed)  # a temporary
        by_rows = tally(snapshot, snapshot.unsettled.mask())
        first = tally(snapshot, snapshot.unsettled)
        assert np.array_equal(first, by_rows)
        first[:] = -1.0
        assert np.array_equal(tally(snapshot, snapshot.unsettled), by_rows)


def test_school_place_occupancy_is_the_pupils_services_count_over_the_places(policy_2019):
    """The outcome's pupils are `services.pupils` (the children counted once of rows holding
    a place) summed by the class of their city, over the places; equal and unequal weights."""
    from model.processes import services

    model = CitizenizationModel(
        policy_2019.override({"simulation.migrants": 2003, "simulation.years": 1}), seed=5
    )
    for _ in range(model.months):
        model.step()
    s = model.snapshot()
    rng = np.random.default_rng(2)
    weight = (s.population.weight * rng.uniform(0.5, 2.0, len(s.population))).astype(np.float32)
    unequal = replace(s, population=replace(s.population, weight=weight))
    size_class = s.world.size_class
    places = np.bincount(size_class, services.school_places(s.world, s.scenario.services))
    for snapshot in (s, unequal):
        pop = snapshot.population
        at = pop.city >= 0
        pupils = services.pupils(pop, snapshot.scenario.population)
        by_class = np.bincount(size_class[pop.city[at]], pupils[at], minlength=places.size)
        table = OUTCOMES["school_place_occupancy"](snapshot)
        assert by_class.sum() > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = np.where(places > 0, by_class / places, np.nan)
        assert np.allclose(table[0, 1:], expected, rtol=1e-9, equal_nan=True)
        assert table[0, 0] == pytest.approx(by_class.sum() / places.sum(), rel=1e-9)
        assert np.isnan(table[1]).all()  # places are the cities', not the poor's


def _check_tallies(s, rng, national_tally, tally, tally_and_national):
    pop = s.population
    rows = len(pop)
    poor = pop.poverty != PovertyStatus.NOT_POOR
    size_class = np.where(pop.city >= 0, s.world.size_class[pop.city], -1)
    dense, sparse = rng.random(rows) < 0.3, rng.random(rows) < 0.05
    masks = (dense, sparse, s.unsettled.mask(), np.ones(rows, bool), s.unsettled & sparse)
    wage = pop.wage.astype(float)
    for mask in masks:  # dense and sparse, boolean masks and packed rows
        mask_array = np.asarray(mask)
        weight = np.where(mask_array, pop.weight, 0.0).astype(float)
        for table, per_row, national in (
            (tally(s, mask), weight, national_tally(s, mask)),
            (tally(s, mask, pop.wage), weight * wage, national_tally(s, mask, pop.wage)),
        ):
            for k in range(table.shape[1] - 1):  # each class: all, and the poor
                in_class = size_class == k
                assert table[0, 1 + k] == pytest.approx(per_row[in_class].sum(), rel=1e-12)
                assert table[1, 1 + k] == pytest.approx(per_row[in_class & poor].sum(), rel=1e-12)
            assert table[0, 0] == pytest.approx(per_row[pop.city >= 0].sum(), rel=1e-12)
            assert national == pytest.approx((per_row.sum(), per_row[poor].sum()), rel=1e-12)
        # a tally and a national tally of the same values in one walk: the same sums
        in_one, national_in_one = tally_and_national(s, mask, pop.wage)
        assert np.array_equal(in_one, tally(s, mask, pop.wage), equal_nan=True)
        assert national_in_one == national_tally(s, mask, pop.wage)
        # quantities of a few values (children counted once, left behind): by their classes'
        # rows where rows count equally, row by row otherwise; the same sums either way
        for classes in (s.children_classes, s.left_behind_classes):
            per_row = weight * classes.per_row().astype(float)
            assert per_row.sum() > 0
            table = tally(s, mask, classes)
            for k in range(table.shape[1] - 1):
                in_class = size_class == k
                assert table[0, 1 + k] == pytest.approx(per_row[in_class].sum(), rel=1e-12)
                assert table[1, 1 + k] == pytest.approx(per_row[in_class & poor].sum(), rel=1e-12)


def test_population_dataclass_matches_the_column_table():
    from dataclasses import fields

    assert [f.name for f in fields(Population)] == [c.name for c in COLUMNS]


def test_synthesis_matches_the_marginals(baseline):
    from model.synthesis import synthesise
    from model.world import World

    scenario = baseline.override({"simulation.migrants": 200_000})
    world = World.build(scenario)
    pop = synthesise(scenario, world, np.random.default_rng(7))
    spec = scenario.population
    assert len(world.names) == 684
    assert np.isclose(pop.weight.astype(float).sum(), spec.represented_people, rtol=1e-6)
    in_city = pop.city >= 0
    assert in_city.mean() == pytest.approx(spec.in_city_share, abs=0.005)
    assert pop.female.mean() == pytest.approx(spec.female_share, abs=0.005)
    assert (pop.poverty == PovertyStatus.REGISTERED_POOR).mean() == pytest.approx(
        spec.registered_poor_share, abs=0.003
    )
    education = np.bincount(pop.education, minlength=5) / len(pop)
    assert np.allclose(education, spec.education_shares.array(), atol=0.005)
    outside = world.province[pop.city[in_city]] != pop.origin_province[in_city]
    assert outside.mean() == pytest.approx(spec.inter_provincial_share, abs=0.005)
    employed = np.isin(pop.employment[in_city], (Employment.FORMAL, Employment.INFORMAL))
    formal = pop.employment[in_city] == Employment.FORMAL
    assert formal.sum() / employed.sum() == pytest.approx(spec.formal_job_share_initial, abs=0.01)
    assert pop.permit[in_city].mean() == pytest.approx(
        spec.residence_permit_share_initial, abs=0.01
    )


def test_model_is_a_mesa_model_stepping_months(baseline):
    import mesa

    model = CitizenizationModel(
        baseline.override({"simulation.migrants": 500, "simulation.years": 1}), seed=0
    )
    assert isinstance(model, mesa.Model)
    model.run()
    assert model.steps == 12 and model.clock.month == 12 and model.clock.year == 2019
    assert list(model.outcomes["year"].unique()) == [2019]
