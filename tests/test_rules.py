"""Tiny hand-built worlds with exact expected results, one rule at a time."""

import numpy as np

from conftest import city_of, draws, migrants_in, month
from model.clock import Clock
from model.enums import Employment, Housing, HukouStatus, PovertyStatus, SizeClass
from model.flows import Flow, Flows
from model.processes import labour, migration, permits, settlement
from model.processes.sampling import sample_categories, sample_rows

# --- residence permits (prov. 14) ---------------------------------------------------------------


def test_permit_needs_the_national_standard_six_months(baseline, world):
    pop = migrants_in(city_of(world, SizeClass.MEDIUM), 2, months_in_city=[5, 6])
    assert permits.eligible(pop, baseline.residence_permit).tolist() == [False, True]


def test_permit_needs_a_job_a_home_or_a_schooled_child(baseline, world):
    pop = migrants_in(
        city_of(world, SizeClass.MEDIUM),
        4,
        months_in_city=12,
        employment=Employment.UNEMPLOYED,
        housing=Housing.WORKSITE,
    )
    pop.employment[1] = Employment.FORMAL  # a job
    pop.housing[2] = Housing.RENTAL  # a legal home
    pop.children[3], pop.family_with[3], pop.schooled[3] = 1, True, True  # a child in school
    assert permits.eligible(pop, baseline.residence_permit).tolist() == [False, True, True, True]

    no_job_basis = baseline.residence_permit.model_copy(update={"accepts_stable_job": False})
    assert permits.eligible(pop, no_job_basis).tolist() == [False, False, True, True]


def test_permit_take_up_of_one_gives_every_eligible_migrant_a_permit(baseline, world):
    scenario = baseline.override({"behaviour.permit_monthly_take_up": 1.0})
    pop = migrants_in(city_of(world, SizeClass.MEDIUM), 3, months_in_city=[2, 6, 30])
    flows = Flows(world.size_class)
    permits.step(month(pop, world, scenario, Clock(2019, 0), draws(0), flows))
    assert pop.permit.tolist() == [False, True, True]
    assert flows.people[Flow.PERMITS].sum() == 2.0


# --- settlement (prov. 14, 16): see also test_settlement.py --------------------------------------


def test_open_class_settles_on_residence_while_conditions_class_asks_for_insurance(baseline, world):
    small = migrants_in(city_of(world, SizeClass.SMALL_1), 1, months_in_city=1, si_months=0)
    medium = migrants_in(city_of(world, SizeClass.MEDIUM), 1, months_in_city=24, si_months=11)
    assert settlement.eligible(small, world, baseline, 2019).tolist() == [True]
    assert settlement.eligible(medium, world, baseline, 2019).tolist() == [False]  # needs 12
    medium.si_months[:] = 12
    assert settlement.eligible(medium, world, baseline, 2019).tolist() == [True]


def test_conditions_require_a_job_and_a_legal_home(baseline, world):
    pop = migrants_in(city_of(world, SizeClass.MEDIUM), 3, months_in_city=24, si_months=24)
    pop.employment[1] = Employment.UNEMPLOYED
    pop.housing[2] = Housing.WORKSITE
    assert settlement.eligible(pop, world, baseline, 2019).tolist() == [True, False, False]


def test_priority_group_needs_twelve_months_not_eleven(policy_2019, world):
    # a registered-poor migrant in a large_1 city with no social insurance: the conditions
    # (12 months of insurance) fail, but priority (prov. 2: one year in the city) applies
    pop = migrants_in(
        city_of(world, SizeClass.LARGE_1),
        2,
        months_in_city=[11, 12],
        si_months=0,
        poverty=PovertyStatus.REGISTERED_POOR,
    )
    assert settlement.eligible(pop, world, policy_2019, 2019).tolist() == [False, True]


def test_priority_does_not_apply_in_the_megacity_exception(policy_2019, world):
    pop = migrants_in(
        city_of(world, SizeClass.SUPER_LARGE),
        1,
        months_in_city=120,
        si_months=0,
        poverty=PovertyStatus.REGISTERED_POOR,
    )
    assert settlement.eligible(pop, world, policy_2019, 2019).tolist() == [False]
    extra = migrants_in(
        city_of(world, SizeClass.EXTRA_LARGE),
        1,
        months_in_city=120,
        si_months=0,
        poverty=PovertyStatus.REGISTERED_POOR,
    )
    assert settlement.eligible(extra, world, policy_2019, 2019).tolist() == [True]


def test_each_priority_group_qualifies_on_its_own(policy_2019, world):
    city = city_of(world, SizeClass.LARGE_1)
    pop = migrants_in(city, 5, months_in_city=24, si_months=0, birth_year=1970)
    pop.months_in_city[1] = 60  # five years in the city
    pop.married[2], pop.family_with[2] = True, True  # whole family
    pop.birth_year[3] = 1980  # new generation
    pop.poverty[4] = PovertyStatus.MINIMUM_INCOME  # poor
    assert settlement.eligible(pop, world, policy_2019, 2019).tolist() == [
        False,
        True,
        True,
        True,
        True,
    ]
    no_new_generation = policy_2019.override(
        {"settlement.priority_groups.new_generation.enabled": False}
    )
    assert settlement.eligible(pop, world, no_new_generation, 2019).tolist() == [
        False,
        True,
        True,
        False,
        True,
    ]


def test_step_settles_exactly_the_eligible_and_willing(baseline, world):
    scenario = baseline.override({"behaviour.settlement_monthly_application_probability": 1.0})
    pop = migrants_in(city_of(world, SizeClass.SMALL_1), 3, months_in_city=3)
    pop.settle_propensity[:] = [0.1, 0.99, 0.1]  # the second does not want hukou
    pop.housing[2] = Housing.WORKSITE  # the third has no legal home
    rules = settlement.CityRules.build(scenario.settlement, world)
    flows = Flows(world.size_class)
    settlement.step(
        month(pop, world, scenario, Clock(2019, 0), draws(0), flows),
        rules,
        rules.new_year_quotas(),
    )
    assert pop.hukou.tolist() == [HukouStatus.SETTLED, HukouStatus.RURAL, HukouStatus.RURAL]
    assert flows.people[Flow.SETTLEMENTS, SizeClass.SMALL_1].sum() == 1.0
    assert flows.people[Flow.SETTLED_OPEN].sum() == 1.0


# --- labour market ------------------------------------------------------------------------------


def test_formal_jobs_accrue_social_insurance_months(baseline, world):
    scenario = baseline.override(
        {
            "behaviour.labour.separation_formal_monthly": 0.0,
            "behaviour.labour.separation_informal_monthly": 0.0,
        }
    )
    pop = migrants_in(city_of(world, SizeClass.MEDIUM), 2, si_months=5)
    pop.employment[0] = Employment.FORMAL
    for m in range(3):
        labour.step(month(pop, world, scenario, Clock(2019, m), draws(m)))
    assert pop.si_months.tolist() == [8, 5]


def test_no_hiring_in_a_city_whose_jobs_are_filled(baseline, world):
    city = city_of(world, SizeClass.SMALL_2)
    jobs = world.jobs_people[city]
    scenario = baseline.override(
        {
            "behaviour.labour.job_match_monthly_probability": 1.0,
            "behaviour.labour.separation_formal_monthly": 0.0,
            "behaviour.labour.separation_informal_monthly": 0.0,
        }
    )
    pop = migrants_in(city, 2, employment=[Employment.FORMAL, Employment.UNEMPLOYED])
    pop.weight[0] = jobs  # one row holds every job in the city
    labour.step(month(pop, world, scenario, Clock(2019, 0), draws(0)))
    assert pop.employment[1] == Employment.UNEMPLOYED
    pop.weight[0] = jobs / 2  # now there are vacancies and the searcher is hired
    labour.step(month(pop, world, scenario, Clock(2019, 1), draws(0)))
    assert pop.employment[1] in (Employment.FORMAL, Employment.INFORMAL)
    assert pop.wage[1] > 0


# --- migration ----------------------------------------------------------------------------------


def test_return_home_drops_everything_tied_to_the_city(baseline, world):
    scenario = baseline.override(
        {
            "behaviour.migration.return_monthly_probability": 1.0,
            "behaviour.migration.outmigration_monthly_probability": 0.0,
        }
    )
    pop = migrants_in(
        city_of(world, SizeClass.MEDIUM), 2, months_in_city=30, si_months=20, permit=True
    )
    pop.hukou[1] = HukouStatus.SETTLED  # settlers do not return
    flows = Flows(world.size_class)
    migration.step(month(pop, world, scenario, Clock(2019, 0), draws(0), flows))
    assert pop.city[0] == -1 and not pop.permit[0] and pop.si_months[0] == 0
    assert pop.employment[0] == Employment.AT_ORIGIN
    assert pop.city[1] >= 0 and pop.months_in_city[1] == 31
    assert flows.people[Flow.RETURNS].sum() == 1.0


def test_city_choice_follows_the_logit(baseline, world):
    pop = migrants_in(city_of(world, SizeClass.MEDIUM), 10)
    utility = migration.destination_utility(pop, world, baseline, Clock(2019, 0))
    p = migration.choice_probabilities(utility)
    assert p.shape == (len(world.provinces), world.n_cities)
    assert np.allclose(p.sum(axis=1), 1.0)
    # only the home-province term differs between two origins' views of a city
    same = world.province[0]
    other = (same + 1) % len(world.provinces)
    bonus = baseline.behaviour.migration.same_province_bonus
    assert np.isclose(utility[same, 0] - utility[other, 0], bonus)


def test_sample_rows_picks_the_column_whose_cumulative_share_covers_u():
    weights = np.array([[1.0, 1.0, 2.0], [0.0, 3.0, 1.0]])
    rows = np.array([0, 0, 0, 1, 1])
    u = np.array([0.1, 0.3, 0.6, 0.5, 0.8])
    assert sample_rows(weights, rows, u).tolist() == [0, 1, 2, 1, 2]
    assert sample_categories(np.array([0.2, 0.8]), np.array([0.19, 0.21])).tolist() == [0, 1]
