"""Labour market (phase 3): job loss, job matching per city, formal vs informal jobs, wages;
with the effects of employment services (prov. 3) and skills training (prov. 4).

Owns the columns `employment` (within a city), `si_months`, `unemployed_months` and `wage`.

Matching is per city: a searcher in city c finds a job this month with probability
    p_c = job_match_monthly_probability * min(1, vacancies_c / searchers_c),
    vacancies_c = max(0, jobs_c - employed_c)
so a city whose migrant jobs are filled stops absorbing newcomers into work. Each January jobs
grow by `cities.jobs_growth_per_year` (the economy); a city's investment in capacity adds jobs
too (`model/governments.py`). A new job is formal
(with social insurance) with a probability by education; formal jobs accrue one month of social
insurance in the city per month worked, the clock that settlement conditions read (prov. 14).
"""

import numpy as np

from model.enums import IS_EMPLOYED, IS_POOR, Employment
from model.population import Population
from model.processes.access import identified_poor
from model.processes.context import Month
from model.scenario import Labour, Scenario
from model.world import World

#: Columns this phase writes (a test checks it writes no other): the job and its clocks, and
#: the one-off living subsidy of an unemployment spell (prov. 10).
WRITES = (
    "employment",
    "wage",
    "si_months",
    "unemployed_months",
    "work_months",
    "subsidised",
    "earnings_this_year",
)


def wage_index(scenario: Scenario, year: int) -> float:
    """Nominal wage level of `year` relative to the year the scenario's city wages are given
    for (`cities.wage_base_year`; compounded yearly growth)."""
    cities = scenario.cities
    return (1.0 + cities.wage_growth_per_year) ** (year - cities.wage_base_year)


def offered_wage(
    pop: Population,
    rows: np.ndarray,
    formal: np.ndarray,
    world: World,
    labour: Labour,
    level: float,
    training_wage_gain: float = 0.0,
) -> np.ndarray:
    """Monthly wage (yuan) offered to `rows` in their city for a formal or informal job
    (trained workers earn `training_wage_gain` more, prov. 4)."""
    wage = world.wage_yuan[pop.city[rows]] * level
    wage = wage * labour.wage_education_factor.array()[pop.education[rows]] * pop.ability[rows]
    wage = wage * (1.0 + training_wage_gain * pop.trained[rows])
    wage = np.where(formal, wage * labour.formal_wage_premium, wage)
    poor = IS_POOR[pop.poverty[rows]]
    return np.where(poor, wage * labour.poor_wage_factor, wage).astype(np.float32)


def step(month: Month) -> None:
    pop, world, scenario, clock, rng, flows = month
    labour = scenario.behaviour.labour
    n = len(pop)
    u_separation = rng.random(n, dtype=np.float32)
    u_match = rng.random(n, dtype=np.float32)
    u_formal = rng.random(n, dtype=np.float32)

    if clock.month == 1 and clock.index > 0:  # the economy grows: wages and jobs
        pop.wage *= np.float32(1.0 + scenario.cities.wage_growth_per_year)
        world.jobs_people[:] *= 1.0 + scenario.cities.jobs_growth_per_year

    employment = pop.employment
    employed = IS_EMPLOYED[employment]
    separation = np.where(
        employment == Employment.FORMAL,
        np.float32(labour.separation_formal_monthly),
        np.float32(labour.separation_informal_monthly),
    )
    losing = employed & (u_separation < separation)
    searching = np.flatnonzero(employment == Employment.UNEMPLOYED)

    # per-city vacancies and searchers; those who lose a job this month search from next month
    staying = np.flatnonzero(employed & ~losing)
    employed_people = np.bincount(
        pop.city[staying], weights=pop.weight[staying], minlength=world.n_cities
    )
    searchers_people = np.bincount(
        pop.city[searching], weights=pop.weight[searching], minlength=world.n_cities
    )
    vacancies = np.maximum(world.jobs_people - employed_people, 0.0)
    p_find = labour.job_match_monthly_probability * np.minimum(
        1.0, vacancies / np.maximum(searchers_people, 1e-9)
    )
    # employment services raise identified poor job-seekers' chances (prov. 3)
    employment_services = scenario.services.employment_services
    p_searcher = p_find[pop.city[searching]]
    if employment_services.enabled:
        served = identified_poor(pop, searching, scenario.services.identified_poor_share)
        p_searcher = np.minimum(p_searcher * (1.0 + employment_services.match_gain * served), 1.0)
    hired = searching[u_match[searching] < p_searcher]
    training = scenario.services.training
    formal = u_formal[hired] < np.minimum(
        labour.formal_job_probability.array()[pop.education[hired]]
        + training.formal_job_gain * pop.trained[hired],
        1.0,
    )

    losing_rows = np.flatnonzero(losing)
    employment[losing_rows] = Employment.UNEMPLOYED
    pop.wage[losing_rows] = 0.0
    # one-off living subsidy after >= 12 months of continuous work (prov. 10)
    if scenario.services.other_insurance.living_subsidy_yuan > 0:
        pop.subsidised[losing_rows] = pop.work_months[losing_rows] >= 12
    pop.subsidised[hired] = False
    employment[hired] = np.where(formal, Employment.FORMAL, Employment.INFORMAL)
    pop.wage[hired] = offered_wage(
        pop, hired, formal, world, labour, wage_index(scenario, clock.year), training.wage_gain
    )

    # clocks: a month of social insurance for formal workers (prov. 14 conditions read it)
    formal_now = employment == Employment.FORMAL
    pop.si_months += formal_now
    pop.work_months = np.where(IS_EMPLOYED[employment], pop.work_months + 1, 0).astype(np.int16)
    # the year's earnings: a month's wage for every month worked (annual wage statistics, P11)
    if clock.month == 1:
        pop.earnings_this_year[:] = 0.0
    pop.earnings_this_year += pop.wage
    unemployed_now = employment == Employment.UNEMPLOYED
    pop.unemployed_months = np.where(unemployed_now, pop.unemployed_months + 1, 0).astype(np.int16)
