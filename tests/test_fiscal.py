"""Fiscal accounts, the centre's instruments and city governments (prov. 15)."""

import numpy as np
import pandas as pd
import pytest

from conftest import SCENARIOS, city_of, migrants_in, month
from model.enums import Employment, Housing, HukouStatus, PovertyStatus, SizeClass
from model.experiments.compare import Comparison
from model.governments import CityGovernment, decide_all
from model.model import CitizenizationModel
from model.processes import fiscal
from model.scenario import ScenarioError, load_scenario


def test_monthly_accounts_add_up_to_unit_costs_and_revenue_shares(baseline, world):
    pf = baseline.fiscal.public_finance
    city = city_of(world, SizeClass.MEDIUM)
    pop = migrants_in(
        city,
        6,
        weight=[1, 2, 1, 1, 1, 1],
        wage=[4000, 3000, 5000, 0, 2000, 0],
        employment=[
            Employment.FORMAL,
            Employment.INFORMAL,
            Employment.FORMAL,
            Employment.UNEMPLOYED,
            Employment.INFORMAL,
            Employment.UNEMPLOYED,
        ],
    )
    pop.hukou[:2] = HukouStatus.SETTLED  # 3 settled people
    pop.permit[2:5] = True  # 3 permit holders
    state = fiscal.FiscalState(world)
    fiscal.step(state, month(pop, world, baseline), np.array([], dtype=np.int64))
    injury = baseline.services.other_insurance  # 3 informal workers' injury cover (prov. 10)
    assert state.accounts.service_spending[city] == pytest.approx(
        (
            3 * pf.annual_cost_yuan_per_settler
            + 3 * pf.annual_cost_yuan_per_permit_holder
            + 3
            * injury.informal_injury_cover_share
            * injury.annual_injury_cost_yuan_per_informal_covered
        )
        / 12
    )
    assert state.accounts.revenue[city] == pytest.approx(
        (4000 + 5000) * pf.revenue_share_of_wage_formal
        + (2 * 3000 + 2000) * pf.revenue_share_of_wage_informal
    )
    assert state.accounts.service_spending.sum() == state.accounts.service_spending[city]


def test_budget_cap_scales_claims_pro_rata():
    claims = np.array([6e9, 4e9, 0.0])
    assert fiscal.budget_scale(claims, 5e9) == pytest.approx(0.5)
    assert fiscal.budget_scale(claims, 20e9) == 1.0
    assert fiscal.budget_scale(claims, None) == 1.0


def test_rewards_phase_out_after_the_set_years(baseline):
    scenario = baseline.override(
        {
            "fiscal.reward.paid_for_years": 2,
            "fiscal.reward.yuan_per_cross_province_settler": 10,
            "fiscal.reward.yuan_per_in_province_settler": 1,
            "fiscal.reward.extra_yuan_per_poor_settler": 100,
        }
    )
    year = [np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 2.0, 0.0]]), np.array([[3.0, 0.0, 1.0]])]
    # only the last two years count: 2 in-province (2 x 1) + 3 cross (3 x 10) + 1 poor (100)
    assert fiscal.reward_claims(scenario, year).tolist() == [2 + 30 + 100]


def test_land_quota_none_in_megacity_cores(policy_2019, world):
    m2 = fiscal.land_m2_per_settler(policy_2019, world)
    land = policy_2019.fiscal.land
    assert m2[city_of(world, SizeClass.SUPER_LARGE)] == land.homestead_quota_m2_per_settler
    assert m2[city_of(world, SizeClass.MEDIUM)] == (
        land.construction_m2_per_settler + land.homestead_quota_m2_per_settler
    )


def test_centre_pays_what_cities_receive_and_balances_hold(policy_2019):
    model = CitizenizationModel(
        policy_2019.override({"simulation.migrants": 4000, "simulation.years": 3}), seed=1
    )
    received = {"rewards": 0.0, "infrastructure_subsidy": 0.0}
    for _ in range(model.months):
        model.step()
        accounts = model.fiscal.accounts
        assert np.allclose(
            accounts.balance,
            accounts.revenue
            + accounts.rewards
            + accounts.infrastructure_subsidy
            + accounts.land_revenue
            - accounts.service_spending
            - accounts.capacity_investment,
        )
        if model.clock.month == 12:
            received["rewards"] += accounts.rewards.sum()
            received["infrastructure_subsidy"] += accounts.infrastructure_subsidy.sum()
            assert accounts.rewards.sum() <= policy_2019.fiscal.reward.annual_budget_yuan + 1
    for instrument, paid in model.fiscal.centre_paid.items():
        assert paid == pytest.approx(received[instrument], rel=1e-9)
    assert received["rewards"] > 0


def fresh_model(scenario, migrants=500):
    """A model at the start with no history (no spin-up): the fund's ledger is empty."""
    return CitizenizationModel(
        scenario.override({"simulation.migrants": migrants, "simulation.spin_up_years": 0}),
        seed=0,
    )


def test_under_the_instruments_a_rule_was_written_under_quotas_stay_whatever_the_accounts(
    baseline,
):
    """No neutral constant: with the reference instruments every city's target is its written
    quota, in surplus or in deficit."""
    model = fresh_model(baseline)
    model.fiscal.accounts.service_spending[:] = np.linspace(0, 5e9, model.world.n_cities)
    model.fiscal.accounts.revenue[:] = 1e9
    written = model.quota_people.copy()
    for _ in range(3):
        decide_all(model, model.fiscal)
    assert np.array_equal(model.quota_people, written)
    assert np.all(model.quota_target_log == 0.0)


def test_a_higher_reward_raises_quotas_more_in_a_fiscally_tight_city(baseline, world):
    """prov. 15: the same extra reward weighs more where the budget binds."""
    higher = baseline.override(
        {
            "fiscal.reward.yuan_per_cross_province_settler": 4000,
            "fiscal.reward.yuan_per_in_province_settler": 3000,
        }
    )
    model = fresh_model(higher)
    tight, rich = (
        city_of(world, SizeClass.EXTRA_LARGE, k=0),
        city_of(world, SizeClass.EXTRA_LARGE, k=1),
    )
    accounts = model.fiscal.accounts
    accounts.service_spending[[tight, rich]] = 1e9
    accounts.revenue[tight], accounts.revenue[rich] = 2e8, 3e9  # deficit 80 %; surplus
    before = model.quota_people.copy()
    decide_all(model, model.fiscal)
    raised = {c: model.quota_people[c] / before[c] for c in (tight, rich)}
    assert raised[tight] > raised[rich] > 1.0
    # the rule of model/governments.py, by hand: the gain differs by the extra reward for the
    # population's mix over min(horizon, paid_for_years) years
    gov, pf, pop = higher.behaviour.government, higher.fiscal.public_finance, higher.population
    extra = 1000 * min(gov.horizon_years, higher.fiscal.reward.paid_for_years)
    scale = gov.horizon_years * (
        pf.annual_cost_yuan_per_settler - pf.annual_cost_yuan_per_permit_holder
    )
    x_rich = gov.quota_responsiveness * extra / scale
    assert pop.inter_provincial_share > 0
    assert raised[rich] == pytest.approx(np.exp(x_rich))
    assert raised[tight] == pytest.approx(np.exp(x_rich * (1 + 0.8 * gov.budget_pressure_weight)))


def test_a_bigger_rate_under_a_binding_fixed_fund_is_worth_no_more(baseline, world):
    """Doubling every rate without the fund: claims double, the pro-rata factor halves, what a
    city receives per settler (and so its quota) does not move."""
    doubled = baseline.override(
        {
            "fiscal.reward.yuan_per_cross_province_settler": 6000,
            "fiscal.reward.yuan_per_in_province_settler": 4000,
        }
    )
    model = fresh_model(doubled)
    tally = np.zeros((world.n_cities, 3))
    tally[:, fiscal.CROSS_PROVINCE] = 1e6  # claims far above the fund: the cap binds
    model.fiscal.ledger = [tally]
    decide_all(model, model.fiscal)
    assert np.allclose(model.quota_target_log, 0.0, atol=1e-9)
    # with the fund doubled as well, the same rates raise quotas
    model = fresh_model(doubled.override({"fiscal.reward.annual_budget_yuan": 6e10}))
    model.fiscal.ledger = [tally]
    decide_all(model, model.fiscal)
    assert np.all(model.quota_target_log > 0)


def test_quotas_move_toward_their_target_at_a_bounded_pace(baseline, world):
    generous = baseline.override({"fiscal.reward.yuan_per_in_province_settler": 200000})
    model = fresh_model(generous)
    city = city_of(world, SizeClass.SUPER_LARGE)
    written = model.quota_people[city]
    cap = generous.behaviour.government.max_quota_change_per_year
    path = []
    for _ in range(3):
        decide_all(model, model.fiscal)
        path.append(model.quota_people[city])
    target = written * np.exp(model.quota_target_log[city])
    assert path[0] == pytest.approx(written * (1 + cap))
    assert path[1] == pytest.approx(written * (1 + cap) ** 2)
    assert path[-1] <= target


def test_governments_are_mesa_agents_one_per_city(baseline):
    model = CitizenizationModel(baseline.override({"simulation.migrants": 500}), seed=0)
    governments = model.agents_by_type[CityGovernment]
    assert len(governments) == model.world.n_cities
    assert sorted(g.city for g in governments) == list(range(model.world.n_cities))


def test_subsidy_and_investment_expand_capacity(policy_2019):
    scenario = policy_2019.override({"simulation.migrants": 4000, "simulation.years": 2})
    model = CitizenizationModel(scenario, seed=2)
    start = model.world.capacity_people.copy()
    model.run()
    grown = model.world.capacity_people - start
    invested = model.outcomes
    total = invested[
        (invested.outcome == "capacity_investment_yuan")
        & (invested.population == "all")
        & (invested.city_class == "all")
    ]
    cost = scenario.fiscal.public_finance.capacity_cost_yuan_per_person
    assert grown.sum() == pytest.approx(total["value"].sum() / cost)
    assert np.all(grown >= 0) and grown.sum() > 0


def test_rewards_move_settlement_in_the_expected_direction(baseline):
    """Directional, on common random numbers: doubled rewards settle more people than none."""
    size = {"simulation.migrants": 8000, "simulation.years": 4}
    none = baseline.override(
        {
            **size,
            "fiscal.reward.yuan_per_cross_province_settler": 0,
            "fiscal.reward.yuan_per_in_province_settler": 0,
            "fiscal.land.construction_m2_per_settler": 0,
        }
    )
    doubled = baseline.override(
        {
            **size,
            "fiscal.reward.yuan_per_cross_province_settler": 6000,
            "fiscal.reward.yuan_per_in_province_settler": 4000,
            "fiscal.reward.annual_budget_yuan": 6e10,
        }
    )
    settled = {"none": 0.0, "doubled": 0.0}
    for seed in (1, 2):
        for name, scenario in (("none", none), ("doubled", doubled)):
            pop = CitizenizationModel(scenario, seed=seed)
            pop.run()
            p = pop.population
            settled[name] += p.weight[p.hukou == HukouStatus.SETTLED].sum()
    assert settled["doubled"] > settled["none"]


def test_cost_per_additional_citizenized_poor_person_is_paired_by_seed():
    rows = []
    for seed, (spend_a, spend_b, poor_a, poor_b) in enumerate(
        [(100, 160, 10, 13), (100, 150, 10, 12), (100, 155, 10, 13)]
    ):
        for scenario, spend, poor in (("a", spend_a, poor_a), ("b", spend_b, poor_b)):
            rows.append((scenario, seed, 2025, "public_spending_yuan", "all", "all", spend))
            rows.append((scenario, seed, 2025, "settled_people", "poor", "all", poor))
    runs = pd.DataFrame(
        rows, columns=["scenario", "seed", "year", "outcome", "population", "city_class", "value"]
    )
    summary = Comparison(runs, ("a", "b")).summary(outcomes=())
    row = summary[summary.outcome == "cost_per_additional_citizenized_poor_yuan"].iloc[0]
    assert row["difference"] == pytest.approx((60 + 50 + 55) / (3 + 2 + 3))  # a ratio of means
    assert row["difference_ci_low"] <= row["difference"] <= row["difference_ci_high"]


def test_cost_effectiveness_keeps_every_seed_and_says_when_it_is_not_bounded():
    """A seed with no additional poor settler is kept (it lowers the denominator), spending is
    split by payer, and a denominator whose CI includes 0 is flagged, not dropped."""
    from model.experiments.cost import cost_effectiveness

    def runs_for(poor_gains):
        rows = []
        for seed, gain in enumerate(poor_gains):
            for scenario, extra in (("a", 0.0), ("b", 1.0)):
                values = {
                    "public_spending_yuan": 100 + 60 * extra,
                    "central_reward_spend_yuan": 10 + 20 * extra,
                    "infrastructure_subsidy_yuan": 5 + 10 * extra,
                }
                for outcome, value in values.items():
                    rows.append((scenario, seed, 2025, outcome, "all", "all", value))
                for population, settled in (
                    ("all", 50 + 2 * gain * extra),
                    ("poor", 10 + gain * extra),
                ):
                    rows.append(
                        (scenario, seed, 2025, "settled_people", population, "all", settled)
                    )
        return Comparison(
            pd.DataFrame(
                rows,
                columns=[
                    "scenario",
                    "seed",
                    "year",
                    "outcome",
                    "population",
                    "city_class",
                    "value",
                ],
            ),
            ("a", "b"),
        )

    table = cost_effectiveness(runs_for([3.0, 2.0, 3.0, 2.0, 0.0])).set_index(["measure", "payer"])
    poor = table.loc[("yuan per additional poor settler", "centre")]
    assert poor["value"] == pytest.approx(30 / 2.0)  # 5 seeds kept, one gaining 0: mean gain 2
    cities = table.loc[("yuan per additional poor settler", "cities")]
    assert cities["value"] == pytest.approx(30 / 2.0)  # 60 public - 30 centre
    per_bn = table.loc[("additional poor settlers per billion yuan", "centre")]
    assert per_bn["value"] == pytest.approx(2.0 / 30 * 1e9)
    assert not poor["denominator_ci_includes_zero"]
    flat = cost_effectiveness(runs_for([1.0, -1.0, 0.5])).set_index(["measure", "payer"])
    assert flat.loc[("yuan per additional poor settler", "public"), "denominator_ci_includes_zero"]


def test_every_fiscal_scenario_differs_from_the_2019_policy_where_it_says():
    def fiscal_of(name):
        return load_scenario(SCENARIOS / f"{name}.yaml").fiscal

    policy = fiscal_of("policy_2019")
    assert fiscal_of("no_rewards").reward.yuan_per_in_province_settler == 0
    doubled = fiscal_of("rewards_doubled").reward
    assert doubled.yuan_per_cross_province_settler == 2 * (
        policy.reward.yuan_per_cross_province_settler
    )
    assert fiscal_of("land_linkage_off").land.construction_m2_per_settler == 0
    poor_only = load_scenario(SCENARIOS / "rewards_poor_only.yaml").fiscal.reward
    assert poor_only.yuan_per_cross_province_settler == 0 < poor_only.extra_yuan_per_poor_settler


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"fiscal.reward.yuan_per_in_province_settler": -1}, "greater than or equal to 0"),
        ({"fiscal.reward.annual_budget_yuan": -5}, "greater than or equal to 0"),
        ({"fiscal.reward.paid_for_years": 0}, "greater than or equal to 1"),
        ({"fiscal.land.no_construction_land_in": ["mega_large"]}, "'super_large'"),
        ({"fiscal.land.homestead_m2": 30}, "unknown key; valid keys here: .*homestead_quota_m2"),
    ],
)
def test_bad_fiscal_input_is_refused(policy_2019, overrides, expected):
    with pytest.raises(ScenarioError, match=expected):
        policy_2019.override(overrides)


def test_poor_only_rewards_pay_nothing_for_non_poor_settlers(baseline, world):
    scenario = load_scenario(SCENARIOS / "rewards_poor_only.yaml")
    city = city_of(world, SizeClass.MEDIUM)
    pop = migrants_in(city, 2, poverty=[PovertyStatus.NOT_POOR, PovertyStatus.REGISTERED_POOR])
    state = fiscal.FiscalState(world)
    fiscal.record_settlers(state, pop, world, np.arange(2), identified=1.0)
    fiscal.close_year(state, world, scenario)
    assert state.accounts.rewards[city] == pytest.approx(
        scenario.fiscal.reward.extra_yuan_per_poor_settler
    )


def test_poor_supplement_is_paid_only_for_identified_poor_settlers(world):
    """prov. 19: a city claims the poor supplement for the poor it has identified."""
    scenario = load_scenario(SCENARIOS / "rewards_poor_only.yaml")
    city = city_of(world, SizeClass.MEDIUM)
    pop = migrants_in(city, 1, poverty=[PovertyStatus.REGISTERED_POOR])
    paid = []
    for identified in (0.0, 1.0):
        state = fiscal.FiscalState(world)
        fiscal.record_settlers(state, pop, world, np.arange(1), identified=identified)
        fiscal.close_year(state, world, scenario)
        paid.append(state.accounts.rewards[city])
    assert paid[0] == 0.0 and paid[1] > 0.0


def test_governments_deciding_together_decide_as_each_in_turn(policy_2019):
    """decide_all takes every city's decision in one pass; each government's own `decide`, in
    any order, gives the same investments, quotas and conditions to the last bit."""
    from model.governments import response

    scenario = policy_2019.override({"simulation.migrants": 3000, "simulation.years": 2})
    together, in_turn = (CitizenizationModel(scenario, seed=6) for _ in range(2))
    for model in (together, in_turn):
        for _ in range(11):
            model.step()
    decide_all(together, together.fiscal)
    in_turn.quota_target_log[:], in_turn.expected_gain[:] = response(
        in_turn.spec, in_turn.reference_spec, in_turn.world, in_turn.fiscal
    )
    governments = list(in_turn.agents_by_type[CityGovernment])
    for g in np.random.default_rng(0).permutation(len(governments)):
        governments[g].decide()
    assert np.any(together.quota_people != together.scenario_rules.quota_people)  # quotas moved
    assert np.any(together.condition_factor != 1.0)  # conditions relaxed somewhere
    for name in ("quota_people", "condition_factor"):
        np.testing.assert_array_equal(getattr(together, name), getattr(in_turn, name))
    for name in ("capacity_people", "jobs_people", "renovated_share"):
        np.testing.assert_array_equal(getattr(together.world, name), getattr(in_turn.world, name))
    for name in ("capacity_investment", "urban_village_investment"):
        np.testing.assert_array_equal(
            getattr(together.fiscal.accounts, name), getattr(in_turn.fiscal.accounts, name)
        )


@pytest.mark.parametrize("access", ["hukou", "permit", "id_card"])
def test_the_monthly_census_counts_each_line_as_its_definition(policy_2019, access):
    """`fiscal.tally` (codes, a count by code, the rare rows apart) gives every line as it is
    defined row by row, per city, on a population after a year of the 2019 opinion."""
    from model.enums import IS_POOR

    scenario = policy_2019.override({"simulation.migrants": 4000, "simulation.years": 1})
    model = CitizenizationModel(scenario, seed=8)
    for _ in range(12):
        model.step()
    pop, n = model.population, model.world.n_cities
    share, per_child = np.array([0.0, 0.0, 0.1, 0.2, 0.0, 0.0, 0.0]), 0.7
    identified = 0.6 * 256
    t = fiscal.tally(pop, n, identified, per_child, fiscal.ACCESS_CODES[access], share)

    w = pop.weight.astype(float)
    settled = pop.hukou == HukouStatus.SETTLED
    e, h = pop.employment, pop.housing
    poor = ~settled & IS_POOR[pop.poverty] & (pop.identification_rank < identified)
    pupils = w * pop.children * per_child * (pop.schooled & pop.family_with)
    basis = {"hukou": settled, "permit": settled | pop.permit, "id_card": np.ones(len(pop), bool)}
    needs_flat = np.isin(h, [Housing.DORMITORY, Housing.WORKSITE, Housing.RENTAL])
    lines = {
        fiscal.SETTLED: w * settled,
        fiscal.PERMIT_HOLDERS: w * (~settled & pop.permit),
        fiscal.MEDICAL_USERS: w * (~settled & pop.local_medical),
        fiscal.PENSION_USERS: w * (~settled & pop.pension),
        fiscal.INFORMAL: w * (e == Employment.INFORMAL),
        fiscal.REVENUE_BASE: w * pop.wage * share[e],
        fiscal.TENANTS: w * (h == Housing.PUBLIC_RENTAL),
        fiscal.WAITING: w * (needs_flat & basis[access]),
        fiscal.POOR_MEDICAL_USERS: w * (poor & pop.local_medical),
        fiscal.POOR_PENSION_USERS: w * (poor & pop.pension),
        fiscal.POOR_SEARCHERS: w * (poor & (e == Employment.UNEMPLOYED)),
        fiscal.PUPILS: pupils,
        fiscal.POOR_PUPILS: pupils * poor,
        fiscal.NEWLY_SUBSIDISED: w * (pop.subsidised & (pop.unemployed_months == 1)),
    }
    in_city = pop.city >= 0
    assert set(lines) == set(range(t.shape[1]))
    for line, per_row in lines.items():
        expected = np.bincount(pop.city[in_city], per_row[in_city], minlength=n)
        np.testing.assert_allclose(t[:, line], expected, rtol=1e-12, atol=1e-6)
        if line not in (fiscal.NEWLY_SUBSIDISED, fiscal.POOR_PUPILS):
            assert expected.sum() > 0, line  # the population exercises the line
