"""Residence permits (phase 4, prov. 14 and the 2015 residence-permit regulation).

Owns the column `permit`. A migrant without local hukou is eligible after the scenario's months
of residence in the city (national standard: 6) together with at least one accepted basis: a job,
a legal stable residence (rental counts) or a child living and schooled in the city. Eligible
migrants obtain the permit with a monthly take-up probability (awareness and paperwork, prov. 21).
A permit is lost on leaving the city (see migration). In January of the year the regulation
replaced the temporary residence permit (暂住证; `residence_permit.reissued_in_year`, 2016),
every permit lapses and must be obtained anew: the wave of permits issued that year (U9).
"""

import numpy as np

from model.enums import IS_EMPLOYED, IS_LEGAL_HOME, HukouStatus
from model.flows import Flow
from model.population import Population
from model.processes.context import Month
from model.scenario import ResidencePermit

#: Columns this phase writes (a test checks it writes no other).
WRITES = ("permit",)


def eligible_rows(pop: Population, rule: ResidencePermit, rows: np.ndarray) -> np.ndarray:
    """For `rows` (indices), whether each may obtain a residence permit now."""
    basis = np.zeros(len(rows), dtype=bool)
    if rule.accepts_stable_job:
        basis |= IS_EMPLOYED[pop.employment[rows]]
    if rule.accepts_legal_home:
        basis |= IS_LEGAL_HOME[pop.housing[rows]]
    if rule.accepts_child_in_school:
        basis |= pop.family_with[rows] & (pop.children[rows] > 0) & pop.schooled[rows]
    return (
        (pop.city[rows] >= 0)
        & (pop.hukou[rows] == HukouStatus.RURAL)
        & ~pop.permit[rows]
        & (pop.months_in_city[rows] >= rule.min_residence_months)
        & basis
    )


def eligible(pop: Population, rule: ResidencePermit) -> np.ndarray:
    """Mask of migrants who may obtain a residence permit now (and do not hold one)."""
    return eligible_rows(pop, rule, np.arange(len(pop)))


def step(month: Month) -> None:
    pop, world, scenario, clock, rng, flows = month
    if clock.month == 1 and clock.year == scenario.residence_permit.reissued_in_year:
        pop.permit[:] = False
    # only rows whose draw would take the permit up need the eligibility check
    rows = rng.in_city_below(pop.city, scenario.behaviour.permit_monthly_take_up, "take-up")
    obtaining = rows[eligible_rows(pop, scenario.residence_permit, rows)]
    pop.permit[obtaining] = True
    flows.add(Flow.PERMITS, pop, obtaining)
