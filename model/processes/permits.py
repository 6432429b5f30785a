"""Residence permits (phase 4, prov. 14 and the 2015 residence-permit regulation).

Owns the column `permit`. A migrant without local hukou is eligible after the scenario's months
of residence in the city (national standard: 6) together with at least one accepted basis: a job,
a legal stable residence (rental counts) or a child living and schooled in the city. Eligible
migrants obtain the permit with a monthly take-up probability (awareness and paperwork, prov. 21).
A permit is lost on leaving the city (see migration).
"""

import numpy as np

from model.clock import Clock
from model.enums import LEGAL_HOMES, Employment, HukouStatus
from model.flows import Flow, Flows
from model.population import Population
from model.scenario import ResidencePermit, Scenario
from model.world import World


def eligible(pop: Population, rule: ResidencePermit) -> np.ndarray:
    """Mask of migrants who may obtain a residence permit now (and do not hold one)."""
    basis = np.zeros(len(pop), dtype=bool)
    if rule.accepts_stable_job:
        basis |= (pop.employment == Employment.INFORMAL) | (pop.employment == Employment.FORMAL)
    if rule.accepts_legal_home:
        basis |= np.isin(pop.housing, LEGAL_HOMES)
    if rule.accepts_child_in_school:
        basis |= pop.family_with & (pop.children > 0)
    return ((pop.city >= 0) & (pop.hukou == HukouStatus.RURAL) & ~pop.permit
            & (pop.months_in_city >= rule.min_residence_months) & basis)


def step(pop: Population, world: World, scenario: Scenario, clock: Clock,
         rng: np.random.Generator, flows: Flows) -> None:
    u_take_up = rng.random(len(pop), dtype=np.float32)
    obtaining = eligible(pop, scenario.residence_permit) & (
        u_take_up < scenario.behaviour.permit_monthly_take_up)
    pop.permit[obtaining] = True
    flows.add(Flow.PERMITS, pop, obtaining)
