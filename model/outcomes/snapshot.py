"""What outcomes read at the end of a year (`Snapshot`), and the helpers that turn rows into
(population, class) tables in people."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial, wraps

import numba
import numpy as np
from numba.cpython.unsafe.numbers import trailing_zeros

from model.enums import IS_EMPLOYED, HukouStatus, PovertyStatus, SizeClass
from model.kernels import Rows, look_up, popcount
from model.national import NationalAccounts
from model.population import Population
from model.processes import fiscal, households, settlement
from model.processes.households import children_counted_once, left_behind_counted_once
from model.scenario import Scenario
from model.world import World

#: Months in a city after which a migrant is in the target group (prov. 2: one year).
TARGET_GROUP_MONTHS = 12


@dataclass(frozen=True)
class Classes:
    """A per-row quantity that takes one of a few values, as the rows holding each value:
    where rows count equally, `tally` sums it by counting each value's rows in the set (no
    walk over rows); otherwise it reads `per_row`."""

    rows: tuple[Rows, ...]
    values: tuple[float, ...]
    per_row: Callable[[], np.ndarray]


@dataclass(frozen=True)
class Snapshot:
    """What outcomes read at the end of a year: the population, the world and the year's flows."""

    population: Population
    world: World
    flows: np.ndarray  # people by (Flow, SizeClass, poor)
    migrants_at_year_start: np.ndarray  # people by (SizeClass, poor)
    months_at_settlement: np.ndarray  # people by (SizeClass, poor, months in the city)
    scenario: Scenario
    settlement_rules: settlement.CityRules
    year: int
    accounts: fiscal.Accounts
    quota_people: np.ndarray  # next year's points quota per city (inf where none)
    national: NationalAccounts | None = None  # historical scenarios only
    #: the candidates assessed and asked in this month's settlement phase, if they were (no
    #: phase after it changes what `assess` reads; its settlers are dropped)
    assessed: settlement.Position | None = None

    @cached_property
    def settlement_position(self) -> tuple[Rows, Rows]:
        """Rows eligible to settle now, and willing to (prov. 14, 16)."""
        pop = self.population
        world, scenario, year = self.world, self.scenario, self.year
        if self.assessed is None:
            a = settlement.assess(pop, world, scenario, self.settlement_rules, year, ask=True)
            rows, eligible, probability = a.rows, a.eligible, a.probability
        else:  # the month's candidates; those who settled since are dropped below
            rows, eligible = self.assessed.rows, self.assessed.eligible
            probability = self.assessed.probability_now(pop, world, scenario, year)
        words = np.zeros((2, -(-len(pop) // 64)), dtype="<u8")
        _still_candidates(rows, eligible, probability, pop.settle_propensity, pop.hukou, words)
        return Rows(words[0], len(pop)), Rows(words[1], len(pop))

    def rows(self, column: str, code: int | None = None) -> Rows:
        """Rows whose boolean `column` is set, or whose `column` equals `code`: packed once per
        snapshot, as several outcomes read the same."""
        key = ("rows", column, code)
        if key not in self.memo:
            values = getattr(self.population, column)
            self.memo[key] = Rows.of(values if code is None else values == code)
        return self.memo[key]

    def migrants_with(self, column: str, code: int | None = None) -> Rows:
        """Migrants (rural hukou) whose boolean `column` is set, or whose `column` equals
        `code` (`rows`): kept once per snapshot, as outcomes tally the same."""
        key = ("migrants_with", column, code)
        if key not in self.memo:
            self.memo[key] = self.unsettled & self.rows(column, code)
        return self.memo[key]

    def holds(self, rows: object) -> bool:
        """Whether `rows` is a set this snapshot keeps (a property, or in its memo): the same
        object as long as the snapshot lives, so what is computed from it can be kept too."""
        return any(rows is kept for kept in (*vars(self).values(), *self.memo.values()))

    def looked_up(self, table: np.ndarray, column: str) -> Rows:
        """Rows whose code in `column` is set in the boolean `table` (`look_up`): packed once
        per snapshot."""
        key = ("looked_up", column, table.tobytes())
        if key not in self.memo:
            self.memo[key] = Rows.of(look_up(table, getattr(self.population, column)))
        return self.memo[key]

    @cached_property
    def memo(self) -> dict[object, object]:
        """What `once_per_snapshot` functions computed, by function and arguments."""
        return {}

    @cached_property
    def in_city(self) -> Rows:
        """Living in a city."""
        return Rows.of(self.population.city >= 0)

    @cached_property
    def people_per_row(self) -> float | None:
        """The people every row stands for, when all rows stand for the same number (as a
        synthesised population's do); None when weights differ."""
        weight = self.population.weight
        if weight.size and weight.min() == weight.max():
            return float(weight[0])
        return None

    @cached_property
    def group_bits(self) -> np.ndarray:
        """Each group's rows (`group`) as packed bits, shape (groups, words): with equal
        weights, a head count by group is the number of rows a mask shares with each group."""
        return self._grouping[1]

    @cached_property
    def poverty_bits(self) -> np.ndarray:
        """Rows not poor and poor, wherever they live, as packed bits (`national_tally`)."""
        return np.stack([(~self.poor).words, self.poor.words])

    @cached_property
    def people_by_city(self) -> np.ndarray:
        """People living in each city, not poor and poor, shape (cities, 2)."""
        pop = self.population
        words = self.in_city.words
        return _city_sum(words, pop.city, self.poverty_class, pop.weight, self.world.n_cities)

    @cached_property
    def group(self) -> np.ndarray:
        """Each row's group, SizeClass of its city x 2 + poor; -1 at the rural origin (int8)."""
        return self._grouping[0]

    @cached_property
    def _grouping(self) -> tuple[np.ndarray, np.ndarray]:
        pop = self.population
        return _groups(pop.city, pop.poverty, self.world.size_class, 2 * len(SizeClass))

    @cached_property
    def children_classes(self) -> Classes:
        """School-age children per row, each counted once (`children_counted_once`), as
        `Classes`: rows with k children, living with them or not."""
        return self._by_children(households.counted_once, children_counted_once)

    @cached_property
    def left_behind_classes(self) -> Classes:
        """Left-behind children per row (`left_behind_counted_once`) as `Classes`."""
        return self._by_children(households.left_behind, left_behind_counted_once)

    def _by_children(self, per_row: Callable, per_population: Callable) -> Classes:
        """The classes of a quantity `per_row(children, family_with, margins)` reads: rows
        with k > 0 children, living with them or not (the value itself from `per_row`; every
        row's from `per_population(population, margins)`, which holds no snapshot: a snapshot
        in its own cache would live on until a garbage collection)."""
        margins = self.scenario.population
        top = int(self.population.children.max(initial=0))
        family = self.rows("family_with")
        rows, values = [], []
        for k in range(1, top + 1):
            for with_them, living in ((False, ~family), (True, family)):
                value = per_row(np.array([k], np.uint8), np.array([with_them]), margins)[0]
                if value:
                    rows.append(self.rows("children", k) & living)
                    values.append(float(value))
        return Classes(
            tuple(rows), tuple(values), partial(per_population, self.population, margins)
        )

    @cached_property
    def unsettled(self) -> Rows:
        """Rural hukou (migrants, wherever they live; `tally` keeps those in a city)."""
        return Rows.of(self.population.hukou == HukouStatus.RURAL)

    @cached_property
    def settled(self) -> Rows:
        """Took local hukou in the city lived in."""
        return Rows.of(self.population.hukou == HukouStatus.SETTLED)

    @cached_property
    def employed(self) -> Rows:
        """In a formal or informal job."""
        return self.looked_up(IS_EMPLOYED, "employment")

    @cached_property
    def target_group(self) -> Rows:
        """Settlers, and unsettled migrants in their city for 12 months or more (prov. 2)."""
        pop = self.population
        return self.settled | (self.unsettled & (pop.months_in_city >= TARGET_GROUP_MONTHS))

    @cached_property
    def poverty_class(self) -> np.ndarray:
        """Each row's poverty as 0 (not poor) or 1 (poor), int8: the groups of `national_tally`."""
        return self.population.poor().view(np.int8)

    @cached_property
    def poor(self) -> Rows:
        """Registered poor (建档立卡) or rural minimum income (低保), wherever they live."""
        return Rows.of(self.poverty_class.view(np.bool_))


def once_per_snapshot(function: Callable[..., object]) -> Callable[..., object]:
    """`function(s, *args)` computed once per snapshot and arguments: outcomes that share a
    quantity (the funnel's stages, pupils in public schools, workers away) read it again
    instead of recounting every row. Arrays come back as copies (a caller may change its
    own); other values (the funnel's masks) are shared and only read."""

    @wraps(function)
    def once(s: Snapshot, *args: object) -> object:
        key = (function, args)
        if key not in s.memo:
            s.memo[key] = function(s, *args)
        value = s.memo[key]
        return value.copy() if isinstance(value, np.ndarray) else value

    return once


def table() -> np.ndarray:
    """An empty (population, class) table of NaN."""
    return np.full((2, 1 + len(SizeClass)), np.nan)


def by_group(people: np.ndarray) -> np.ndarray:
    """(SizeClass, poor) people -> (population, class) table with the `all` margins."""
    out = np.zeros((2, 1 + len(SizeClass)))
    out[0, 1:] = people.sum(axis=1)
    out[1, 1:] = people[:, 1]
    out[:, 0] = out[:, 1:].sum(axis=1)
    return out


@numba.njit(cache=True)
def _groups(city, poverty, city_class, n_groups):
    """Each row's group (`Snapshot.group`) and each group's rows as packed bits, in one pass."""
    group = np.empty(city.size, dtype=np.int8)
    bits = np.zeros((n_groups, (city.size + 63) // 64), dtype=np.uint64)
    for r in range(city.size):  # branch-free: the class is read for every row, -1 kept outside
        poor = poverty[r] != PovertyStatus.NOT_POOR
        in_city = city[r] >= 0
        g = (city_class[max(city[r], 0)] * 2 + poor) * in_city - (not in_city)
        group[r] = g
        bits[max(g, 0), r >> 6] |= np.uint64(in_city) << np.uint64(r & 63)  # none outside
    return group, bits


@numba.njit(cache=True)
def _city_sum(words, city, poverty_class, values, n_cities):
    out = np.zeros((n_cities, 2))
    for i in range(words.size):
        w = words[i]
        while w != 0:  # one turn per row in a city, in row order
            r = i * 64 + trailing_zeros(w)
            w &= w - np.uint64(1)
            out[city[r], poverty_class[r]] += values[r]
    return out


@numba.njit(cache=True)
def _group_sum(words, group, weight, values, n_groups):
    """Weighted sum of `values` (one value: the same for all) over the set rows of `words`
    (packed bits) by `group` (each set row's group at least 0), in row order."""
    out = np.zeros(n_groups)
    constant, first = values.size == 1, values[0]
    for i in range(words.size):
        w = words[i]
        while w != 0:  # one turn per set row, lowest first
            r = i * 64 + trailing_zeros(w)
            w &= w - np.uint64(1)
            out[group[r]] += np.float64(weight[r]) * (first if constant else values[r])
    return out


@numba.njit(cache=True)
def _still_candidates(rows, eligible, probability, propensity, hukou, words):
    """Set the bits of `rows` still with rural hukou: eligible in `words[0]`, willing
    (`settlement.wants_hukou`) in `words[1]`."""
    for i in range(rows.size):
        r = rows[i]
        still = hukou[r] == HukouStatus.RURAL
        willing = settlement.wants_hukou(propensity[r], probability[i])
        bit = np.uint64(1) << np.uint64(r & 63)
        words[0, r >> 6] |= bit * np.uint64(eligible[i] & still)
        words[1, r >> 6] |= bit * np.uint64(willing & still)


@numba.njit(cache=True)
def _rows_in(sets, bits):
    """Rows of `bits` in each of `sets` (packed bits, one set per row of `sets`): exact
    integer counts, whatever order they are summed in."""
    out = np.zeros(sets.shape[0])
    for k in range(sets.shape[0]):
        n = np.uint64(0)
        for i in range(bits.size):
            n += popcount(sets[k, i] & bits[i])
        out[k] = n
    return out


def tally(
    s: Snapshot, rows: Rows | np.ndarray, values: np.ndarray | Classes | None = None
) -> np.ndarray:
    """Weighted sum (of `values`, or of people) over `rows` (or a mask) living in a city, by
    group. People in a set the snapshot keeps (`Snapshot.holds`: the migrants, the employed,
    ...) are counted once and read again by the outcomes that share it."""
    if values is None and s.holds(rows):
        key = ("tally", id(rows))
        if key not in s.memo:
            s.memo[key] = _tally(s, rows, None)
        return s.memo[key].copy()  # a caller may change its own
    return _tally(s, rows, values)


def _tally(s: Snapshot, rows: Rows | np.ndarray, values: np.ndarray | Classes | None):
    if isinstance(values, Classes):
        if s.people_per_row is None:
            values = values.per_row()
        else:  # each value times the people of its rows in the set
            rows = Rows.of(rows)
            total = np.zeros((2, 1 + len(SizeClass)))
            for holding, value in zip(values.rows, values.values, strict=True):
                part = rows & holding
                if part.words.any():  # an empty part adds nothing (the set within a family)
                    total += value * _tally(s, part, None)
            return total
    words = Rows.of(rows).words
    if values is None and s.people_per_row is not None:  # rows counted, not people summed
        people = _rows_in(s.group_bits, words) * s.people_per_row
    else:
        values = np.ones(1) if values is None else values  # one value: the same for all
        words = words & s.in_city.words  # rows at the origin have no group (-1)
        people = _group_sum(words, s.group, s.population.weight, values, 2 * len(SizeClass))
    return by_group(people.reshape(len(SizeClass), 2))


def tally_and_national(
    s: Snapshot, rows: Rows | np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, tuple[float, float]]:
    """`tally` and `national_tally` of the same `values` over the same rows, in one walk."""
    groups, (not_poor, poor) = _group_and_poverty_sum(
        Rows.of(rows).words, s.group, s.poverty_class, s.population.weight, values,
        2 * len(SizeClass),
    )  # fmt: skip
    return by_group(groups.reshape(len(SizeClass), 2)), (not_poor + poor, poor)


@numba.njit(cache=True)
def _group_and_poverty_sum(words, group, poverty_class, weight, values, n_groups):
    """`_group_sum` of the set rows by `group` (rows at the origin, -1, in a slot dropped) and
    by `poverty_class` (wherever they live), in one walk: each sum in row order, as
    `_group_sum` adds them."""
    out = np.zeros(n_groups + 1)
    poverty = np.zeros(2)
    for i in range(words.size):
        w = words[i]
        while w != 0:
            r = i * 64 + trailing_zeros(w)
            w &= w - np.uint64(1)
            x = np.float64(weight[r]) * values[r]
            out[group[r] % (n_groups + 1)] += x  # -1: the last slot
            poverty[poverty_class[r]] += x
    return out[:n_groups], poverty


def national_tally(
    s: Snapshot, rows: Rows | np.ndarray, values: np.ndarray | None = None
) -> tuple[float, float]:
    """Weighted sum (of `values`, or of people) over `rows` (or a mask) wherever they live:
    all, and the poor."""
    words = Rows.of(rows).words
    if values is None and s.people_per_row is not None:
        not_poor, poor = _rows_in(s.poverty_bits, words) * s.people_per_row
    else:
        values = np.ones(1) if values is None else values
        not_poor, poor = _group_sum(words, s.poverty_class, s.population.weight, values, 2)
    return not_poor + poor, poor


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Numerator / denominator, NaN where the denominator is empty."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def poor_only(values: np.ndarray) -> np.ndarray:
    """A table whose figure is about the poor, shown in both population rows."""
    values[0] = values[1]
    return values


def per_city(s: Snapshot, values: np.ndarray) -> np.ndarray:
    """A per-city quantity summed by size class; the `poor` row is NaN (cities, not people)."""
    out = table()
    out[0, 1:] = np.bincount(s.world.size_class, weights=values, minlength=len(SizeClass))
    out[0, 0] = out[0, 1:].sum()
    return out


def national(value: float) -> np.ndarray:
    """A national figure: the (all, all) cell; NaN elsewhere."""
    out = table()
    out[0, 0] = value
    return out
