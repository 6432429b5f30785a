"""City governments: one `mesa.Agent` per city, deciding once a year (prov. 15).

Each December, after the centre has paid for the year, a government:

1. **invests in capacity** for migrants (school seats, flats, clinic places): all of its
   infrastructure subsidy plus `investment_share_of_incentives` of its rewards and land revenue,
   at `capacity_cost_yuan_per_person` per person of carrying capacity;
2. **responds to the incentive**: from the net fiscal gain it expects from one more settler
   over `horizon_years`,
       gain = reward per settler x min(horizon, paid_for_years) x the fund's last pro-rata factor
              + land quota per settler x net land revenue per m2
              - horizon x (cost of a settler - cost of a permit holder)
   where the reward per settler mixes the rates by the population's inter-provincial and poor
   shares, a relative change = responsiveness x (gain - neutral gain) / (horizon x cost
   difference), bounded by `max_quota_change_per_year`. A points city scales next year's quota
   by (1 + change), never below `min_quota_people`; a conditions city (if
   `relaxes_conditions`) scales its required months of residence and social insurance by a
   factor that moves by (1 - change) and stays between 0 and 1 (never stricter than its rule).

Why this rule: cities pay for settlers' services while the centre pays rewards and grants land
(the calculation prov. 15 tries to change); a government with the pre-2019 incentives (the
neutral gain) keeps its quota, and one offered more per settler admits more. Its parameters are
uncertainties an experiment can sweep.
"""

from __future__ import annotations

import mesa
import numpy as np

from model.processes.fiscal import FiscalState, land_m2_per_settler
from model.processes.settlement import Route
from model.scenario import Scenario
from model.world import World


def expected_net_gain(scenario: Scenario, world: World, reward_scale: float) -> np.ndarray:
    """Net fiscal gain (yuan) a government expects from one more settler, per city."""
    reward = scenario.fiscal.reward
    population = scenario.population
    pf = scenario.fiscal.public_finance
    horizon = scenario.behaviour.government.horizon_years
    cross = population.inter_provincial_share
    poor = population.registered_poor_share + population.minimum_income_share
    rate = (
        cross * reward.yuan_per_cross_province_settler
        + (1 - cross) * reward.yuan_per_in_province_settler
        + poor * reward.extra_yuan_per_poor_settler
    )
    land = land_m2_per_settler(scenario, world) * scenario.fiscal.land.net_land_revenue_yuan_per_m2
    extra_cost = pf.annual_cost_yuan_per_settler - pf.annual_cost_yuan_per_permit_holder
    return rate * min(horizon, reward.paid_for_years) * reward_scale + land - horizon * extra_cost


class CityGovernment(mesa.Agent):
    """The government of one city; its state lives in the model's per-city arrays."""

    def __init__(self, model: mesa.Model, city: int):
        super().__init__(model)
        self.city = city

    def decide(self) -> None:
        """Invest in capacity and set next year's quota (see the module docstring)."""
        model = self.model
        scenario: Scenario = model.spec
        gov = scenario.behaviour.government
        pf = scenario.fiscal.public_finance
        accounts = model.fiscal.accounts
        c = self.city

        investment = accounts.infrastructure_subsidy[c] + gov.investment_share_of_incentives * (
            accounts.rewards[c] + accounts.land_revenue[c]
        )
        accounts.capacity_investment[c] += investment
        model.world.capacity_people[c] += investment / pf.capacity_cost_yuan_per_person

        neutral = gov.neutral_net_gain_yuan_per_settler.array()[model.world.size_class[c]]
        scale = gov.horizon_years * (
            pf.annual_cost_yuan_per_settler - pf.annual_cost_yuan_per_permit_holder
        )
        change = float(
            np.clip(
                gov.quota_responsiveness * (model.expected_gain[c] - neutral) / max(scale, 1.0),
                -gov.max_quota_change_per_year,
                gov.max_quota_change_per_year,
            )
        )
        quota = model.quota_people[c]
        if np.isfinite(quota):
            model.quota_people[c] = max(gov.min_quota_people, quota * (1.0 + change))
        elif gov.relaxes_conditions and model.settlement_rules.kind[c] == Route.CONDITIONS:
            # a gain above neutral relaxes: required months shrink by the same relative change
            model.condition_factor[c] = min(1.0, model.condition_factor[c] * (1.0 - change))


def decide_all(model: mesa.Model, fiscal: FiscalState) -> None:
    """Every government's yearly decision (independent of one another: order is irrelevant)."""
    model.expected_gain[:] = expected_net_gain(model.spec, model.world, fiscal.reward_scale)
    model.agents_by_type[CityGovernment].do("decide")
