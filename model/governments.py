"""City governments: one `mesa.Agent` per city, deciding once a year from its own accounts
(prov. 15).

Each December, after the centre has paid for the year, a government:

1. **invests in capacity** for migrants (and renovates urban villages at the scenario's pace,
   `services.urban_villages`, prov. 13) (school seats, flats, clinic places, and the jobs the
   investment brings): all of its infrastructure subsidy plus `investment_share_of_incentives`
   of its rewards and land revenue, at `capacity_cost_yuan_per_person` per person of carrying
   capacity;
2. **weighs one more settler** by the net fiscal gain it expects over `horizon_years`, from its
   own situation:
       gain_c = receipts_c x min(horizon, paid_for_years) x the fund's pro-rata factor
                + land quota per settler in c x net land revenue per m2
                + the infrastructure subsidy per settler, if c's settlers last year passed the
                  threshold (the marginal settler brings it)
                - horizon x (annual cost of a settler - of a permit holder)
   where receipts_c is the reward per settler at the rates in force, for the mix of its own
   settlers over the years the fund pays for (cross- or in-province, identified poor; the
   population's mix while it has none), and the pro-rata factor is the one those rates give
   against the fund on the ledger of claims (a bigger rate under a fixed fund is worth no more);
3. **sets its quota or conditions** from the gain the scenario's instruments offer over the
   instruments its rule was written under (those in force before the start, `before_start`):
       x_c = quota_responsiveness x lambda_c x (gain_c - reference gain_c)
             / (horizon x (cost of a settler - of a permit holder))
       lambda_c = 1 + budget_pressure_weight x deficit_c
   deficit_c being the share of the city's migrant-related spending its revenue, transfers and
   land revenue did not cover this year (0 when in surplus): a yuan is worth more to a city
   whose budget binds, so a larger or better-targeted reward moves most where it binds. The
   target quota is the written quota x e^x (the target required months of a conditions city,
   if `relaxes_conditions`, the written ones x min(1, e^-x)); each year a government moves
   toward its target by at most `max_quota_change_per_year` (relative), and a quota never goes
   below `min_quota_people`.

Why this rule: cities pay for settlers' services while the centre pays rewards and grants land
(the calculation prov. 15 tries to change; the public cost per settler of F8-F10). There is no
neutral constant to set: with the instruments its rule was written under, a city's target is
its written rule, whatever its accounts; a variant moves it by what the variant adds to or takes
from that city's own gain, weighed by that city's budget. Responsiveness, horizon and budget
pressure are uncertainties an experiment can sweep and a calibration can fit.
"""

from __future__ import annotations

import mesa
import numpy as np

from model.processes.fiscal import (
    CROSS_PROVINCE,
    IN_PROVINCE,
    Accounts,
    FiscalState,
    budget_scale,
    land_m2_per_settler,
    reward_claims,
)
from model.processes.settlement import Route
from model.scenario import Scenario
from model.world import World


def deficit_share(accounts: Accounts) -> np.ndarray:
    """Per city, the share of its migrant-related spending (services and capacity investment)
    that its revenue, transfers and land revenue did not cover (0 when in surplus)."""
    spending = np.maximum(accounts.spending, 1.0)
    return np.clip(-accounts.balance / spending, 0.0, 1.0)


def expected_net_gain(
    scenario: Scenario, world: World, state: FiscalState, budget_ledger: list[np.ndarray]
) -> np.ndarray:
    """Net fiscal gain (yuan) each government expects from one more settler under `scenario`'s
    instruments, from its own settlers' mix (see the module docstring). `budget_ledger` is the
    ledger the fund's pro-rata factor is computed on (the closed years' settler tallies)."""
    fiscal = scenario.fiscal
    reward = fiscal.reward
    population = scenario.population
    horizon = scenario.behaviour.government.horizon_years
    rates = np.array(
        [
            reward.yuan_per_cross_province_settler,
            reward.yuan_per_in_province_settler,
            reward.extra_yuan_per_poor_settler,
        ]
    )
    recent = sum(state.ledger[-reward.paid_for_years :], np.zeros((world.n_cities, 3)))
    settlers = recent[:, CROSS_PROVINCE] + recent[:, IN_PROVINCE]
    cross = population.inter_provincial_share
    poor = (
        population.registered_poor_share + population.minimum_income_share
    ) * scenario.services.identified_poor_share
    population_mix = rates @ np.array([cross, 1.0 - cross, poor])
    own_mix = (recent @ rates) / np.maximum(settlers, 1e-9)
    per_settler = np.where(settlers > 0, own_mix, population_mix)
    factor = (
        budget_scale(reward_claims(scenario, budget_ledger), reward.annual_budget_yuan)
        if budget_ledger
        else 1.0
    )
    receipts = per_settler * min(horizon, reward.paid_for_years) * factor

    land = land_m2_per_settler(scenario, world) * fiscal.land.net_land_revenue_yuan_per_m2
    subsidy = fiscal.infrastructure_subsidy
    last_year = state.ledger[-1] if state.ledger else np.zeros((world.n_cities, 3))
    above = (
        last_year[:, CROSS_PROVINCE] + last_year[:, IN_PROVINCE]
    ) >= subsidy.threshold_settlers_per_year
    marginal_subsidy = subsidy.yuan_per_settler_above_threshold * above
    pf = fiscal.public_finance
    extra_cost = pf.annual_cost_yuan_per_settler - pf.annual_cost_yuan_per_permit_holder
    return receipts + land + marginal_subsidy - horizon * extra_cost


def response(scenario: Scenario, reference: Scenario, world: World, state: FiscalState):
    """Per city, the log target of its quota relative to its written quota (x_c of the module
    docstring), with its gain and reference gain."""
    gov = scenario.behaviour.government
    pf = scenario.fiscal.public_finance
    gain = expected_net_gain(scenario, world, state, state.ledger)
    reference_gain = expected_net_gain(reference, world, state, state.ledger)
    weight = 1.0 + gov.budget_pressure_weight * deficit_share(state.accounts)
    scale = gov.horizon_years * max(
        pf.annual_cost_yuan_per_settler - pf.annual_cost_yuan_per_permit_holder, 1.0
    )
    return gov.quota_responsiveness * weight * (gain - reference_gain) / scale, gain


def move_toward(current: np.ndarray, target: np.ndarray, max_change: float) -> np.ndarray:
    """`current` moved toward `target` by at most `max_change` of itself."""
    low, high = current * (1.0 - max_change), current * (1.0 + max_change)
    return np.minimum(np.maximum(target, low), high)


def decide(model: mesa.Model, cities: np.ndarray) -> None:
    """The governments of `cities` invest in capacity and set next year's quota or conditions
    (module docstring): each reads and writes only its own city's entries, so deciding all
    cities at once is deciding each in turn."""
    scenario: Scenario = model.spec
    gov = scenario.behaviour.government
    pf = scenario.fiscal.public_finance
    accounts = model.fiscal.accounts
    world = model.world
    c = cities

    investment = accounts.infrastructure_subsidy[c] + gov.investment_share_of_incentives * (
        accounts.rewards[c] + accounts.land_revenue[c]
    )
    accounts.capacity_investment[c] += investment
    added = investment / pf.capacity_cost_yuan_per_person
    world.capacity_people[c] += added
    world.jobs_people[c] += added * scenario.cities.jobs_per_capacity

    # urban villages renovated at the scenario's pace (prov. 13)
    villages = scenario.services.urban_villages
    renovated = villages.renovated_share_per_year * (1.0 - world.renovated_share[c])
    world.renovated_share[c] += renovated
    accounts.urban_village_investment[c] += (
        renovated * world.capacity_people[c] * villages.cost_yuan_per_person
    )

    x = model.quota_target_log[c]
    written = model.scenario_rules.quota_people[c]
    step = gov.max_quota_change_per_year
    quota = np.isfinite(written)  # a points city: its quota moves
    if quota.any():
        q = c[quota]
        target = np.maximum(gov.min_quota_people, written[quota] * np.exp(x[quota]))
        model.quota_people[q] = np.maximum(
            gov.min_quota_people, move_toward(model.quota_people[q], target, step)
        )
    relaxes = ~quota & (model.settlement_rules.kind[c] == Route.CONDITIONS)
    if gov.relaxes_conditions and relaxes.any():  # a conditions city: its required months
        r = c[relaxes]
        target = np.minimum(1.0, np.exp(-x[relaxes]))
        model.condition_factor[r] = np.minimum(
            1.0, move_toward(model.condition_factor[r], target, step)
        )


class CityGovernment(mesa.Agent):
    """The government of one city; its state lives in the model's per-city arrays."""

    def __init__(self, model: mesa.Model, city: int):
        super().__init__(model)
        self.city = city

    def decide(self) -> None:
        """Invest in capacity and set next year's quota or conditions (module docstring)."""
        decide(self.model, np.array([self.city]))


def decide_all(model: mesa.Model, fiscal: FiscalState) -> None:
    """Every government's yearly decision (independent of one another: order is irrelevant).
    Each weighs its own accounts of the year before investing (the decision sees the year's
    balance, not the investment it is about to make); all are taken in one pass over the
    governments' cities (684 calls of `CityGovernment.decide` cost 7 ms a year, which at a
    calibration's 10,000 rows is a sixth of the run)."""
    model.quota_target_log[:], model.expected_gain[:] = response(
        model.spec, model.reference_spec, model.world, fiscal
    )
    governments = model.agents_by_type[CityGovernment]
    decide(model, np.array([g.city for g in governments], dtype=np.int64))
