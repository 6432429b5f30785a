"""Public services (prov. 5-9, 12, 19, 21): queues, priority, access, capacity, costs."""

import numpy as np
import pytest

from conftest import SCENARIOS, city_of, draws, migrants_in, month
from model.clock import Clock
from model.enums import Employment, Housing, HukouStatus, PovertyStatus, SizeClass
from model.flows import Flows
from model.model import CitizenizationModel
from model.processes import fiscal, services
from model.scenario import ScenarioError, load_scenario

#: hand-built families have one worker row each, so a row's children are all its family's
ONE_ROW_PER_FAMILY = {"population.migrant_parents_per_family_in_city": 1.0}
ALWAYS = {
    "services.awareness": 1.0,
    "services.schooling.monthly_take_up": 1.0,
    "services.public_rental_housing.monthly_take_up": 1.0,
    "services.health.major_illness_monthly_probability": 0.0,
    **ONE_ROW_PER_FAMILY,
}


def one_place(scenario, world, city, service):
    """Places per 1000 capacity giving `city` exactly one place per person of demand 1."""
    return 1000.0 / world.capacity_people[city]


def two_families(world, poor_first: bool):
    """Two households with one child in one city: the first has waited longer; one of them is
    identified poor (rank 0 < any share)."""
    city = city_of(world, SizeClass.MEDIUM)
    pop = migrants_in(
        city,
        2,
        months_in_city=[30, 10],
        permit=True,
        married=True,
        family_with=True,
        children=1,
        housing=Housing.RENTAL,
        identification_rank=0,
    )
    pop.poverty[1 if poor_first else 0] = PovertyStatus.REGISTERED_POOR
    return city, pop


@pytest.mark.parametrize("priority, expected", [(True, [False, True]), (False, [True, False])])
def test_one_school_seat_goes_to_the_poor_child_with_priority_else_the_earlier(
    policy_2019, world, priority, expected
):
    city, pop = two_families(world, poor_first=True)
    scenario = policy_2019.override(
        {
            **ALWAYS,
            "services.schooling.poor_priority": priority,
            "services.schooling.places_per_1000_capacity": one_place(
                policy_2019, world, city, "schooling"
            ),
        }
    )
    services.step(month(pop, world, scenario, Clock(2019, 0), draws(0), Flows(world.size_class)))
    assert pop.schooled.tolist() == expected


def test_public_rental_flat_priority_for_identified_poor(policy_2019, world):
    city, pop = two_families(world, poor_first=True)
    places = one_place(policy_2019, world, city, "housing")
    scenario = policy_2019.override(
        {**ALWAYS, "services.public_rental_housing.places_per_1000_capacity": places}
    )
    services.step(month(pop, world, scenario, Clock(2019, 0), draws(0), Flows(world.size_class)))
    assert (pop.housing == Housing.PUBLIC_RENTAL).tolist() == [False, True]
    # the poor household not identified at its destination (prov. 19) gets no priority
    city, pop = two_families(world, poor_first=True)
    pop.identification_rank[:] = 255
    services.step(
        month(
            pop,
            world,
            scenario.override({"services.identified_poor_share": 0.5}),
            Clock(2019, 0),
            draws(0),
            Flows(world.size_class),
        )
    )
    assert (pop.housing == Housing.PUBLIC_RENTAL).tolist() == [True, False]


def test_permit_based_services_need_a_permit_and_hukou_based_ones_hukou(baseline, world):
    city, pop = two_families(world, poor_first=False)
    pop.permit[:] = [True, False]
    scenario = baseline.override(ALWAYS)  # schooling by permit, public rental by hukou
    services.step(month(pop, world, scenario, Clock(2019, 0), draws(0), Flows(world.size_class)))
    assert pop.schooled.tolist() == [True, False]
    assert not (pop.housing == Housing.PUBLIC_RENTAL).any()
    pop.hukou[1] = HukouStatus.SETTLED
    services.step(month(pop, world, scenario, Clock(2019, 1), draws(1), Flows(world.size_class)))
    assert (pop.housing == Housing.PUBLIC_RENTAL).tolist() == [False, True]


def test_formal_workers_are_covered_by_employer_schemes(baseline, world):
    pop = migrants_in(
        city_of(world, SizeClass.MEDIUM), 2, employment=[Employment.FORMAL, Employment.INFORMAL]
    )
    scenario = baseline.override(
        {"services.medical_insurance.monthly_take_up": 0.0, "services.pension.monthly_take_up": 0.0}
    )
    services.step(month(pop, world, scenario, Clock(2019, 0), draws(0), Flows(world.size_class)))
    assert pop.local_medical.tolist() == [True, False] and pop.pension.tolist() == [True, False]


@pytest.mark.parametrize("seed", (1, 2))
def test_booked_places_never_exceed_places_and_permit_services_need_permits(policy_2019, seed):
    model = CitizenizationModel(
        policy_2019.override({"simulation.migrants": 5000, "simulation.years": 2}), seed=seed
    )
    spec = model.spec.services
    was_schooled = model.population.schooled.copy()
    was_tenant = model.population.housing == Housing.PUBLIC_RENTAL
    for _ in range(model.months):
        model.step()
        pop, world = model.population, model.world
        in_city = pop.city >= 0
        pupils = np.bincount(
            pop.city[in_city],
            services.pupils(pop, model.spec.population)[in_city],
            minlength=world.n_cities,
        )
        # places held by rows plus places booked in expectation (the lottery's ledger) never
        # exceed a city's places; rows alone hold them in expectation (tests/test_row_count.py)
        ledger = model.places_ledger
        assert np.all(pupils + ledger.school.booked <= services.school_places(world, spec) + 1e-3)
        tenants = np.flatnonzero(pop.housing == Housing.PUBLIC_RENTAL)
        flats = np.bincount(pop.city[tenants], pop.weight[tenants], minlength=world.n_cities)
        assert np.all(flats + ledger.flats.booked <= services.housing_places(world, spec) + 1e-3)
        # admissions need a permit (places held since before the 2016 reissue stay held)
        unsettled = pop.hukou == HukouStatus.RURAL
        tenant = pop.housing == Housing.PUBLIC_RENTAL
        assert not (pop.schooled & ~was_schooled & unsettled & ~pop.permit).any()
        assert not (tenant & ~was_tenant & unsettled & ~pop.permit).any()
        was_schooled, was_tenant = pop.schooled.copy(), tenant
        assert not (pop.schooled & ~in_city).any()


def test_service_costs_add_up_to_unit_costs(policy_2019, world):
    city = city_of(world, SizeClass.MEDIUM)
    pop = migrants_in(
        city,
        3,
        family_with=True,
        married=True,
        children=[2, 0, 1],
        schooled=[True, False, False],
        permit=True,
        local_medical=[True, True, False],
        pension=[True, False, False],
        poverty=[PovertyStatus.REGISTERED_POOR, PovertyStatus.NOT_POOR, PovertyStatus.NOT_POOR],
        housing=[Housing.PUBLIC_RENTAL, Housing.RENTAL, Housing.RENTAL],
    )
    policy_2019 = policy_2019.override(ONE_ROW_PER_FAMILY)
    state = fiscal.FiscalState(world)
    fiscal.step(state, month(pop, world, policy_2019), np.array([], dtype=np.int64))
    svc, a = policy_2019.services, state.accounts
    # two pupils of a poor household: places and student aid (prov. 6)
    assert a.schooling_cost[city] == pytest.approx(
        2 * (svc.schooling.annual_cost_yuan_per_user + svc.student_aid_yuan_per_poor_pupil) / 12
    )
    # one flat; the two renters wait with access and get the rent subsidy (prov. 12)
    assert a.public_rental_housing_cost[city] == pytest.approx(
        svc.public_rental_housing.annual_cost_yuan_per_user / 12
        + 2 * svc.rent_subsidy_yuan_per_month
    )
    assert a.medical_insurance_cost[city] == pytest.approx(
        (
            2 * svc.medical_insurance.annual_cost_yuan_per_user
            + svc.medical_insurance.annual_subsidy_yuan_per_poor_user
        )
        / 12
    )
    assert a.pension_cost[city] == pytest.approx(
        (svc.pension.annual_cost_yuan_per_user + svc.pension.annual_subsidy_yuan_per_poor_user) / 12
    )


def _final(scenario, outcome, population="all", seeds=(1, 2)):
    values = []
    for seed in seeds:
        rows = CitizenizationModel(scenario, seed=seed).run()
        pick = rows[
            (rows.outcome == outcome) & (rows.population == population) & (rows.city_class == "all")
        ]
        values.append(pick["value"].iloc[-1])
    return np.mean(values)


def test_more_school_places_school_more_children():
    size = {
        "simulation.migrants": 6000,
        "simulation.years": 3,
        "services.schooling.places_per_1000_capacity": 10,
    }
    few = load_scenario(SCENARIOS / "policy_2019.yaml").override(size)
    more = few.override({"services.schooling.places_per_1000_capacity": 40})
    assert _final(more, "children_schooled_locally_share") > _final(
        few, "children_schooled_locally_share"
    )


def test_without_identification_priority_changes_nothing():
    base = load_scenario(SCENARIOS / "policy_2019.yaml").override(
        {"simulation.migrants": 4000, "simulation.years": 2, "services.identified_poor_share": 0.0}
    )
    off = base.override(
        {
            "services.schooling.poor_priority": False,
            "services.public_rental_housing.poor_priority": False,
        }
    )
    a = CitizenizationModel(base, seed=3).run()
    b = CitizenizationModel(off, seed=3).run()
    assert a["value"].fillna(-1).equals(b["value"].fillna(-1))


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"services.schooling.places_per_1000_capacity": -1}, "greater than or equal to 0"),
        ({"services.medical_insurance.monthly_take_up": 1.5}, "less than or equal to 1"),
        ({"services.pension.access": "passport"}, "'hukou', 'permit' or 'id_card'"),
        ({"services.identified_poor_share": 2}, "less than or equal to 1"),
    ],
)
def test_bad_service_input_is_refused(policy_2019, overrides, expected):
    with pytest.raises(ScenarioError, match=expected):
        policy_2019.override(overrides)


def test_employment_services_raise_identified_poor_job_finding(policy_2019, world):
    from model.processes import labour

    city = city_of(world, SizeClass.MEDIUM)
    hired = {}
    for enabled in (True, False):
        scenario = policy_2019.override(
            {
                "behaviour.labour.job_match_monthly_probability": 0.5,
                "services.employment_services.enabled": enabled,
                "services.employment_services.match_gain": 1.0,
            }
        )
        pop = migrants_in(
            city,
            200,
            employment=Employment.UNEMPLOYED,
            wage=0.0,
            poverty=PovertyStatus.REGISTERED_POOR,
            identification_rank=0,
        )
        labour.step(month(pop, world, scenario, Clock(2019, 0), draws(5)))
        hired[enabled] = int((pop.employment != Employment.UNEMPLOYED).sum())
    assert hired[True] == 200  # 0.5 x (1 + 1.0): certain
    assert 60 < hired[False] < 140


def test_training_goes_to_the_identified_poor_first_and_pays(policy_2019, world):
    city, pop = two_families(world, poor_first=True)
    scenario = policy_2019.override(
        {
            **ALWAYS,
            "services.training.monthly_take_up": 1.0,
            "services.training.places_per_1000_capacity_per_year": 12
            * 1000.0
            / world.capacity_people[city],
        }
    )  # one place a month
    served = services.step(
        month(pop, world, scenario, Clock(2019, 0), draws(0), Flows(world.size_class))
    )
    assert pop.trained.tolist() == [False, True] and served["trainees"].tolist() == [1]
    from model.processes.labour import offered_wage

    wages = offered_wage(
        pop,
        np.arange(2),
        np.array([False, False]),
        world,
        scenario.behaviour.labour,
        1.0,
        scenario.services.training.wage_gain,
    )
    poor_factor = scenario.behaviour.labour.poor_wage_factor
    assert wages[1] / poor_factor == pytest.approx(
        wages[0] * (1 + scenario.services.training.wage_gain), rel=1e-5
    )


def test_assistance_keeps_eligible_households_and_others_may_leave(policy_2019, world):
    city = city_of(world, SizeClass.MEDIUM)
    pop = migrants_in(city, 2, permit=[True, False], local_medical=True)
    scenario = policy_2019.override(
        {
            **ALWAYS,
            "services.assistance.hardship_monthly_probability": 1.0,
            "services.assistance.take_up": 1.0,
            "services.assistance.unassisted_return_probability": 1.0,
        }
    )
    served = services.step(
        month(pop, world, scenario, Clock(2019, 0), draws(0), Flows(world.size_class))
    )
    assert served["assisted"].tolist() == [0]
    assert pop.city[0] == city and pop.city[1] == -1  # the one without a permit went home


def test_living_subsidy_after_twelve_months_of_work_softens_return(policy_2019, world):
    from model.processes import labour, migration

    scenario = policy_2019.override(
        {
            "behaviour.labour.separation_informal_monthly": 1.0,
            "behaviour.labour.job_match_monthly_probability": 0.0,
        }
    )
    pop = migrants_in(city_of(world, SizeClass.MEDIUM), 2, work_months=[12, 11])
    labour.step(month(pop, world, scenario, Clock(2019, 0), draws(0)))
    assert pop.employment.tolist() == [Employment.UNEMPLOYED] * 2
    assert pop.subsidised.tolist() == [True, False]
    p = migration.return_probability(
        pop,
        np.arange(len(pop)),
        pop.age(2019),
        scenario.behaviour.migration,
        scenario.services.other_insurance.subsidy_return_reduction,
    )
    assert p[0] < p[1]


def test_student_aid_rent_subsidy_and_injury_cover_are_costed(policy_2019, world):
    city = city_of(world, SizeClass.MEDIUM)
    pop = migrants_in(
        city,
        2,
        family_with=True,
        married=True,
        children=[1, 0],
        schooled=[True, False],
        permit=True,
        housing=Housing.RENTAL,
        employment=Employment.INFORMAL,
        poverty=[PovertyStatus.REGISTERED_POOR, PovertyStatus.NOT_POOR],
    )
    policy_2019 = policy_2019.override(ONE_ROW_PER_FAMILY)
    state = fiscal.FiscalState(world)
    fiscal.step(state, month(pop, world, policy_2019), np.array([], dtype=np.int64))
    svc, a = policy_2019.services, state.accounts
    assert a.schooling_cost[city] == pytest.approx(
        (svc.schooling.annual_cost_yuan_per_user + svc.student_aid_yuan_per_poor_pupil) / 12
    )
    # both wait for a flat with access (permit) and get the rent subsidy instead
    assert a.public_rental_housing_cost[city] == pytest.approx(2 * svc.rent_subsidy_yuan_per_month)
    other = svc.other_insurance
    assert a.other_insurance_cost[city] == pytest.approx(
        2
        * other.informal_injury_cover_share
        * other.annual_injury_cost_yuan_per_informal_covered
        / 12
    )


def test_uninsured_illness_sends_home_or_impoverishes(policy_2019, world):
    city = city_of(world, SizeClass.MEDIUM)
    pop = migrants_in(city, 400, local_medical=False)
    pop.local_medical[200:] = True  # the insured half is not touched
    scenario = policy_2019.override(
        {
            **ALWAYS,
            "services.health.major_illness_monthly_probability": 1.0,
            "services.health.uninsured_return_probability": 0.5,
            "services.health.uninsured_impoverishment_probability": 0.5,
            "services.assistance.hardship_monthly_probability": 0.0,
        }
    )
    services.step(month(pop, world, scenario, Clock(2019, 0), draws(0), Flows(world.size_class)))
    uninsured = slice(0, 200)
    home = pop.city[uninsured] < 0
    poor = pop.poverty[uninsured] == PovertyStatus.MINIMUM_INCOME
    assert (home | poor).all() and not (home & poor).any()
    assert 60 < home.sum() < 140
    assert (pop.city[200:] == city).all() and (pop.poverty[200:] == 0).all()


def test_places_held_after_admissions_are_a_fresh_count(policy_2019, monkeypatch):
    """The ledger remembers the seats and flats held after each month's admissions as those
    held before plus those taken; that equals counting every row again."""
    model = CitizenizationModel(
        policy_2019.override({"simulation.migrants": 5000, "simulation.years": 1}), seed=4
    )
    remembered = services.PlacesLedger.remember
    checked = []

    def remember(ledger, seats, flats):
        pop = model.population
        fresh_seats, fresh_flats = services._held(pop, model.spec.population, len(seats))
        np.testing.assert_allclose(seats, fresh_seats, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(flats, fresh_flats, rtol=1e-9, atol=1e-6)
        checked.append((pop.schooled.sum(), (pop.housing == Housing.PUBLIC_RENTAL).sum()))
        remembered(ledger, seats, flats)

    monkeypatch.setattr(services.PlacesLedger, "remember", remember)
    schooled_before = model.population.schooled.sum()
    for _ in range(12):
        model.step()
    assert len(checked) == 12
    # rows were admitted to both during the year (else the check above checks nothing)
    assert max(c[0] for c in checked) > schooled_before
    assert len({c[1] for c in checked}) > 1
