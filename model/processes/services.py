"""Public services (phase 5, prov. 5-9, 12, 19, 21), between permits and settlement.

Owns the columns `schooled`, `local_medical`, `pension`, and moves people into public rental
housing (`housing`); a major illness without local medical insurance may send a household home
(through `migration.send_home`, counted as a return).

Each service has an **access basis** (`hukou`: settled only; `permit`: a residence permit or
hukou; `id_card`: anyone in the city). Eligible migrants without the service apply with
`monthly_take_up x awareness` (prov. 21), raised where complaint channels reverse wrongful
denials (prov. 20, `take_up_factor`); with a channel, each eligible applicant is a possible
complaint the city pays to handle (a share `wrongful_denial_share` of them).

**Queued services** — school places for the children of migrants whose family lives with them
(prov. 5-6) and public rental flats for those renting or in dormitories and sheds (prov. 12) —
have `places_per_1000_capacity x capacity / 1000` places per city (capacity grows with the
cities' investment, prov. 15). Applicants are ranked, city by city: identified poor first where
the service gives the poor priority (only the identified: prov. 19), then by months lived in the
city (the longest-waiting first); they take places while whole places remain, never more than
the city has (`model/processes/allocation.py`).
A school place takes one place per child. Children not in a local school are left behind, which
raises the household's return hazard and lowers the value it puts on hukou.

**Cover** — local medical insurance (prov. 8) and pensions (prov. 9) — has no capacity limit;
formal workers are covered by their employer's schemes.

**Health** (prov. 7): a household has a major illness with a monthly probability; one without
local medical insurance goes home with `uninsured_return_probability`, or else falls into
poverty (minimum income) with `uninsured_impoverishment_probability`.

**Training** (prov. 4): a twelfth of the yearly places each month, by the same kind of queue;
a trained worker's next job pays `wage_gain` more and is formal with `formal_job_gain` more
probability (see labour). **Employment services** (prov. 3) act in the labour market.
**Assistance** (prov. 11): a household in sudden hardship is assisted if it has access and
takes it up; otherwise it goes home with `unassisted_return_probability`.
"""

from __future__ import annotations

import numba
import numpy as np

from model.enums import Employment, Housing, HukouStatus, PovertyStatus
from model.flows import Flow
from model.kernels import positions
from model.population import Population
from model.processes import access
from model.processes.allocation import allocate
from model.processes.context import Month
from model.processes.households import children_counted_once, pupils_per_child
from model.processes.migration import CITY_BOUND, send_home
from model.scenario import PopulationMargins
from model.scenario.services import Services
from model.streams import Draws
from model.world import World

#: Columns this phase writes (a test checks it writes no other): places and cover, training,
#: poverty caused by uninsured illness (prov. 7), and everything a household going home loses.
WRITES = tuple(
    dict.fromkeys(
        ("schooled", "local_medical", "pension", "housing", "trained", "poverty", *CITY_BOUND)
    )
)


def identified_poor(pop: Population, rows: np.ndarray, services: Services) -> np.ndarray:
    """For `rows`, poor migrants identified as poor at their destination (prov. 19)."""
    return access.identified_poor(pop, rows, services.identified_poor_share)


def school_places(world: World, services: Services) -> np.ndarray:
    return services.schooling.places_per_1000_capacity * world.capacity_people / 1000


def housing_places(world: World, services: Services) -> np.ndarray:
    return services.public_rental_housing.places_per_1000_capacity * world.capacity_people / 1000


def pupils(pop: Population, margins: PopulationMargins) -> np.ndarray:
    """Children in local public school places per row, in children (school places used): the
    children counted once of rows holding a place (schooled, living with their family)."""
    held = pop.schooled & pop.family_with & (pop.city >= 0)
    return pop.weight * children_counted_once(pop, margins) * held


def needs_school(pop: Population, rows: np.ndarray) -> np.ndarray:
    return pop.family_with[rows] & (pop.children[rows] > 0) & ~pop.schooled[rows]


def needs_flat(pop: Population, rows: np.ndarray) -> np.ndarray:
    return access.NEEDS_HOUSING[pop.housing[rows]]


def _queue_rank(
    pop: Population, rows: np.ndarray, services: Services, poor_priority: bool
) -> np.ndarray:
    rank = pop.months_in_city[rows].astype(np.float64)
    if poor_priority:
        rank = rank + 10_000.0 * identified_poor(pop, rows, services)
    return rank


def _lottery(rng: Draws, decision: str, rows: np.ndarray, p: float) -> np.ndarray:
    """For `rows` drawn with u < p for `decision`, u / p: again uniform on [0, 1), a row's
    lottery number for the place at which a city's capacity runs out (no extra draw: common
    random numbers). A row stands for many people, so admitting it in proportion to the places
    left makes the places used match the places a city has at any number of rows."""
    return rng.uniform(rows, decision) / np.float32(max(p, 1e-12))


def take_up_factor(services: Services) -> float:
    """What multiplies every take-up rate: awareness of entitlements (prov. 21) and, with
    complaint channels (prov. 20), the wrongful denials they reverse. Take-up rates are as
    observed without channels, net of wrongful denials d; a channel reversing a share r of them
    lets 1 - d(1 - r) of applications through instead of 1 - d."""
    c = services.complaints
    granted = 1.0
    if c.channel:
        granted = (1.0 - c.wrongful_denial_share * (1.0 - c.reversed_share)) / max(
            1.0 - c.wrongful_denial_share, 1e-9
        )
    return services.awareness * granted


def _drawn(pop: Population, rng: Draws, decision: str, p: float) -> np.ndarray:
    """Rows living in a city whose number for `decision` is below `p`: only they can act on
    it (each row's number is its own: common random numbers)."""
    return rng.in_city_below(pop.city, p, decision)


def _admit(
    rows: np.ndarray,
    city: np.ndarray,
    demand: np.ndarray,
    rank: np.ndarray,
    places: np.ndarray,
    held: np.ndarray,
    bookings: Bookings,
    lottery: np.ndarray,
) -> np.ndarray:
    """The `rows` admitted to places a city holds (seats, flats): by rank, while the places
    not held and not booked last; the row at the margin by lottery, booked in expectation."""
    free = np.maximum(places - bookings.booked - held, 0.0)
    return allocate(rows, city, demand, rank, free, lottery=lottery, expected_ledger=bookings)


class Bookings:
    """One kind of held place (school seats or flats), per city: the places that lotteries at
    the margin booked in expectation (see `allocate`). A lost lottery books the room it offered
    as held by nobody: part of a row, it leaves as the city's holders leave (each month by the
    share of them who left since the last services phase, the system-wide share where the city
    had none). A won lottery's row holds more than the room it was offered; that overshoot is
    booked against the row and released when the row stops holding its place."""

    def __init__(self, n_cities: int):
        self.n_cities = n_cities
        self.unheld = np.zeros(n_cities)
        self.over_row = np.empty(0, dtype=np.int64)
        self.over_city = np.empty(0, dtype=np.int64)
        self.over_people = np.empty(0)
        self._held_before: np.ndarray | None = None

    @property
    def booked(self) -> np.ndarray:
        """Per city, places booked beyond those rows hold (signed): offer places less this."""
        over = np.bincount(self.over_city, self.over_people, minlength=self.n_cities)
        return self.unheld - over

    def book(self, city, rows, room, demand, won) -> None:
        """The lotteries at the margin: `won` rows take `demand` places for `room`."""
        np.add.at(self.unheld, city[~won], room[~won])
        self.over_row = np.concatenate([self.over_row, rows[won]])
        self.over_city = np.concatenate([self.over_city, city[won].astype(np.int64)])
        self.over_people = np.concatenate([self.over_people, (demand - room)[won]])

    def turn_over(self, held: np.ndarray, holding: np.ndarray) -> None:
        """Release what left since the last call: `held` places per city now, `holding`
        whether each overshooting row still holds its place in the city it won it in."""
        if self._held_before is not None:
            before = self._held_before
            with np.errstate(divide="ignore", invalid="ignore"):
                overall = 1.0 - held.sum() / before.sum() if before.sum() > 0 else 0.0
                left = np.where(before > 0, 1.0 - held / before, overall)
            self.unheld *= 1.0 - np.clip(left, 0.0, 1.0)
        keep = holding
        self.over_row, self.over_city = self.over_row[keep], self.over_city[keep]
        self.over_people = self.over_people[keep]

    def remember(self, held: np.ndarray) -> None:
        self._held_before = held


class PlacesLedger:
    """The model's bookings of school seats and flats, kept from month to month."""

    def __init__(self, n_cities: int):
        self.school = Bookings(n_cities)
        self.flats = Bookings(n_cities)

    def turn_over(
        self, pop: Population, margins: PopulationMargins
    ) -> tuple[np.ndarray, np.ndarray]:
        """Release what left since last month; return the seats and flats held per city now."""
        seats, flats = _held(pop, margins, self.school.n_cities)
        rows, city = self.school.over_row, self.school.over_city
        self.school.turn_over(
            seats, pop.schooled[rows] & pop.family_with[rows] & (pop.city[rows] == city)
        )
        rows, city = self.flats.over_row, self.flats.over_city
        self.flats.turn_over(
            flats, (pop.housing[rows] == Housing.PUBLIC_RENTAL) & (pop.city[rows] == city)
        )
        return seats, flats

    def remember(self, seats: np.ndarray, flats: np.ndarray) -> None:
        """The seats and flats held per city after this month's admissions."""
        self.school.remember(seats)
        self.flats.remember(flats)


@numba.njit(cache=True)
def _holding(city, family_with, schooled, housing, out):
    for r in range(city.size):  # branch-free: LLVM vectorises it
        pupil = schooled[r] & family_with[r]
        out[r] = (city[r] >= 0) & (pupil | (housing[r] == Housing.PUBLIC_RENTAL))


@numba.njit(cache=True)
def _held_places(rows, city, weight, children, family_with, schooled, housing, per_child, n):
    seats = np.zeros(n)
    flats = np.zeros(n)
    for r in rows:
        w = np.float64(weight[r])
        seats[city[r]] += w * children[r] * per_child * (schooled[r] & family_with[r])
        flats[city[r]] += w * (housing[r] == Housing.PUBLIC_RENTAL)
    return seats, flats


def _held(
    pop: Population, margins: PopulationMargins, n_cities: int
) -> tuple[np.ndarray, np.ndarray]:
    """School seats (children, as `pupils` counts them) and flats held by rows, per city
    (people): a vectorised pass finds the rows holding either (a fifth of them), a second
    adds theirs."""
    holding = np.empty(len(pop), dtype=np.bool_)
    _holding(pop.city, pop.family_with, pop.schooled, pop.housing, holding)
    return _held_places(
        positions(holding), pop.city, pop.weight, pop.children, pop.family_with, pop.schooled,
        pop.housing, pupils_per_child(margins), n_cities,
    )  # fmt: skip


@numba.njit(cache=True)
def _employer_cover(employment, local_medical, pension):
    """Formal workers (only in a city) are covered by their employer's schemes."""
    for r in range(employment.size):  # one branch-free pass (LLVM vectorises it)
        formal = employment[r] == Employment.FORMAL
        local_medical[r] |= formal
        pension[r] |= formal


def _taken(
    pop: Population,
    margins: PopulationMargins,
    n_cities: int,
    pupils: np.ndarray,
    tenants: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The seats `pupils` and the flats `tenants` (rows admitted this month) took, per city, as
    `_held` counts them: what held places grew by (no admitted row held one before)."""
    seats = pop.weight[pupils].astype(np.float64) * pop.children[pupils] * pupils_per_child(margins)
    return (
        np.bincount(pop.city[pupils], seats, minlength=n_cities),
        np.bincount(pop.city[tenants], pop.weight[tenants].astype(np.float64), minlength=n_cities),
    )  # fmt: skip


def step(month: Month, ledger: PlacesLedger | None = None) -> dict[str, np.ndarray]:
    """The month's services; returns the rows that started training and were assisted (for
    the city accounts). `ledger`: the model's places ledger (a fresh one if none)."""
    pop, world, scenario, clock, rng, flows = month
    ledger = ledger if ledger is not None else PlacesLedger(world.n_cities)
    seats_held, flats_held = ledger.turn_over(pop, scenario.population)
    services = scenario.services
    reach = take_up_factor(services)
    applicants = []  # eligible applicants, who may complain when wrongly denied (prov. 20)
    # school places (prov. 5-6)
    school = services.schooling
    p = school.monthly_take_up * reach
    rows = _drawn(pop, rng, "school", p)
    rows = rows[needs_school(pop, rows) & access.has_access(pop, rows, school.access)]
    applicants.append(rows)
    admitted = housed = rows[:0]
    if rows.size:
        admitted = _admit(
            rows,
            pop.city[rows],
            pop.weight[rows] * children_counted_once(pop, scenario.population, rows),
            _queue_rank(pop, rows, services, school.poor_priority),
            school_places(world, services),
            seats_held,
            ledger.school,
            _lottery(rng, "school", rows, p),
        )
        pop.schooled[admitted] = True

    # public rental housing (prov. 12)
    flats = services.public_rental_housing
    p = flats.monthly_take_up * reach
    rows = _drawn(pop, rng, "flat", p)
    rows = rows[needs_flat(pop, rows) & access.has_access(pop, rows, flats.access)]
    applicants.append(rows)
    if rows.size:
        housed = _admit(
            rows,
            pop.city[rows],
            pop.weight[rows],
            _queue_rank(pop, rows, services, flats.poor_priority),
            housing_places(world, services),
            flats_held,
            ledger.flats,
            _lottery(rng, "flat", rows, p),
        )
        pop.housing[housed] = Housing.PUBLIC_RENTAL

    seats_taken, flats_taken = _taken(pop, scenario.population, world.n_cities, admitted, housed)
    ledger.remember(seats_held + seats_taken, flats_held + flats_taken)

    # cover: employers' schemes for formal workers, local schemes on take-up (prov. 8, 9)
    _employer_cover(pop.employment, pop.local_medical, pop.pension)
    for column, cover, decision in (
        (pop.local_medical, services.medical_insurance, "medical"),
        (pop.pension, services.pension, "pension"),
    ):
        rows = _drawn(pop, rng, decision, cover.monthly_take_up * reach)
        rows = rows[~column[rows]]
        rows = rows[access.has_access(pop, rows, cover.access)]
        applicants.append(rows)
        column[rows] = True

    # major illness without local insurance sends some households home (prov. 7)
    health = services.health
    ill = _drawn(pop, rng, "illness", health.major_illness_monthly_probability)
    ill = ill[(pop.hukou[ill] == HukouStatus.RURAL) & ~pop.local_medical[ill]]
    v = _lottery(rng, "illness", ill, health.major_illness_monthly_probability)  # uniform
    forced = ill[v < health.uninsured_return_probability]
    impoverished = ill[
        (v >= health.uninsured_return_probability)
        & (v < health.uninsured_return_probability + health.uninsured_impoverishment_probability)
    ]
    newly_poor = impoverished[pop.poverty[impoverished] == PovertyStatus.NOT_POOR]
    pop.poverty[newly_poor] = PovertyStatus.MINIMUM_INCOME
    flows.add(Flow.BECAME_POOR, pop, newly_poor)  # migrants (rural hukou) only
    flows.add(Flow.RETURNS, pop, forced)
    send_home(pop, forced)

    # skills training: this month's share of the yearly places, by queue (prov. 4)
    training = services.training
    p = training.monthly_take_up * reach
    rows = _drawn(pop, rng, "training", p)
    rows = rows[~pop.trained[rows] & access.has_access(pop, rows, training.access)]
    places = training.places_per_1000_capacity_per_year * world.capacity_people / 1000 / 12
    trainees = allocate(
        rows,
        pop.city[rows],
        pop.weight[rows],
        _queue_rank(pop, rows, services, training.poor_priority),
        places,
        lottery=_lottery(rng, "training", rows, p),
    )
    pop.trained[trainees] = True

    # sudden hardship: assistance keeps a household in the city, or it may go home (prov. 11)
    assistance = services.assistance
    rows = _drawn(pop, rng, "hardship", assistance.hardship_monthly_probability)
    rows = rows[pop.hukou[rows] == HukouStatus.RURAL]
    helped = access.has_access(pop, rows, assistance.access) & (
        rng.uniform(rows, "assist") < assistance.take_up * reach
    )
    assisted = rows[helped]
    leaving = rows[
        ~helped
        & (
            rng.uniform(rows, "hardship")
            < assistance.hardship_monthly_probability * assistance.unassisted_return_probability
        )
    ]
    flows.add(Flow.RETURNS, pop, leaving)
    send_home(pop, leaving)
    complaining = np.concatenate(applicants) if services.complaints.channel else applicants[0][:0]
    return {"trainees": trainees, "assisted": assisted, "complaints": complaining}
