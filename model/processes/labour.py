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

import numba
import numpy as np

from model.enums import IS_POOR, Employment, PovertyStatus
from model.kernels import positions
from model.population import Population
from model.processes.context import Month
from model.scenario import Labour, Scenario
from model.streams import uniform_at
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


#: What the month did to a row's job (`_separate`, `_match`).
KEEP, LOSE, HIRED_INFORMAL, HIRED_FORMAL = range(4)


@numba.njit(cache=True)
def _separate(city, employment, weight, separation, key, n_cities, action):
    """Job losses (`action` LOSE), and per city the people employed who keep their job and the
    people searching (those losing a job this month search from next month)."""
    formal, informal = separation[Employment.FORMAL], separation[Employment.INFORMAL]
    for r in range(city.size):  # branch-free: LLVM vectorises it, the draws included
        e = employment[r]
        is_formal = e == Employment.FORMAL
        working = is_formal | (e == Employment.INFORMAL)
        loses = working & (uniform_at(key, r) < formal * is_formal + informal * (not is_formal))
        action[r] = LOSE * loses
    # then one add a row: slot 1 the employed keeping their job, slot 2 the searchers (slot 0
    # and row 0, the rows at the origin, are dropped)
    people = np.zeros((n_cities + 1, 3))
    for r in range(city.size):
        e = employment[r]
        keeps = ((e == Employment.FORMAL) | (e == Employment.INFORMAL)) & (action[r] != LOSE)
        people[city[r] + 1, keeps + 2 * (e == Employment.UNEMPLOYED)] += weight[r]
    return people[1:, 1].copy(), people[1:, 2].copy()


@numba.njit(cache=True)
def _match(
    searchers, city, education, trained, poverty, identification_rank, p_find, match_gain,
    identified_rank, formal_probability, formal_gain, keys, action,
):  # fmt: skip
    """Searchers who find a job (`action` HIRED_INFORMAL or HIRED_FORMAL): with their city's
    chance, raised by employment services for identified poor searchers (prov. 3); formal with
    the probability of their education, raised by training (prov. 4)."""
    k_match, k_formal = keys[0], keys[1]
    for r in searchers:
        p = p_find[city[r]]
        if poverty[r] != PovertyStatus.NOT_POOR and identification_rank[r] < identified_rank:
            p = min(p * (1.0 + match_gain), 1.0)
        if uniform_at(k_match, r) < p:
            formal = min(formal_probability[education[r]] + formal_gain * trained[r], 1.0)
            hired_formal = uniform_at(k_formal, r) < formal
            action[r] = HIRED_FORMAL if hired_formal else HIRED_INFORMAL


@numba.njit(cache=True)
def _clocks(employment, wage, si_months, work_months, unemployed_months, earnings):
    """A month of social insurance for formal workers (prov. 14 conditions read it), of work,
    of unemployment; the year's earnings, a month's wage for every month worked (P11)."""
    for r in range(employment.size):
        e = employment[r]
        si_months[r] += e == Employment.FORMAL
        working = (e == Employment.INFORMAL) | (e == Employment.FORMAL)
        work_months[r] = work_months[r] + 1 if working else 0
        unemployed_months[r] = unemployed_months[r] + 1 if e == Employment.UNEMPLOYED else 0
        earnings[r] += wage[r]


def step(month: Month) -> None:
    pop, world, scenario, clock, rng, flows = month
    labour = scenario.behaviour.labour

    if clock.month == 1 and clock.index > 0:  # the economy grows: wages and jobs
        pop.wage *= np.float32(1.0 + scenario.cities.wage_growth_per_year)
        world.jobs_people[:] *= 1.0 + scenario.cities.jobs_growth_per_year

    separation = np.zeros(len(Employment))
    separation[Employment.FORMAL] = labour.separation_formal_monthly
    separation[Employment.INFORMAL] = labour.separation_informal_monthly
    action = np.empty(len(pop), dtype=np.uint8)
    employed_people, searchers_people = _separate(
        pop.city, pop.employment, pop.weight, separation, rng.key("separation"),
        world.n_cities, action,
    )  # fmt: skip
    vacancies = np.maximum(world.jobs_people - employed_people, 0.0)
    p_find = labour.job_match_monthly_probability * np.minimum(
        1.0, vacancies / np.maximum(searchers_people, 1e-9)
    )
    services = scenario.services
    training = services.training
    searchers = positions(pop.employment == Employment.UNEMPLOYED)  # none at the origin
    _match(
        searchers, pop.city, pop.education, pop.trained, pop.poverty, pop.identification_rank,
        p_find,
        services.employment_services.match_gain if services.employment_services.enabled else 0.0,
        services.identified_poor_share * 256, labour.formal_job_probability.array(),
        training.formal_job_gain, np.array([rng.key("match"), rng.key("formal")]), action,
    )  # fmt: skip

    losing = positions(action == LOSE)
    pop.employment[losing] = Employment.UNEMPLOYED
    pop.wage[losing] = 0.0
    # one-off living subsidy after >= 12 months of continuous work (prov. 10)
    if services.other_insurance.living_subsidy_yuan > 0:
        pop.subsidised[losing] = pop.work_months[losing] >= 12
    hired = positions(action >= HIRED_INFORMAL)
    formal = action[hired] == HIRED_FORMAL
    pop.subsidised[hired] = False
    pop.employment[hired] = np.where(formal, Employment.FORMAL, Employment.INFORMAL)
    pop.wage[hired] = offered_wage(
        pop, hired, formal, world, labour, wage_index(scenario, clock.year), training.wage_gain
    )
    if clock.month == 1:
        pop.earnings_this_year[:] = 0.0
    _clocks(
        pop.employment, pop.wage, pop.si_months, pop.work_months, pop.unemployed_months,
        pop.earnings_this_year,
    )  # fmt: skip
