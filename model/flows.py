"""Yearly counters of events (arrivals, returns, settlements, permits), in people.

Stocks are read off the population when outcomes are recorded; flows happen during the year and
are counted here as they happen, by the size class of the city concerned and poor status.
"""

from enum import IntEnum

import numba
import numpy as np

from model.enums import IS_POOR, PovertyStatus, SizeClass
from model.population import Population


class Flow(IntEnum):
    ARRIVALS = 0  # came to a city from the rural origin
    RETURNS = 1  # went back to the rural origin (return migration)
    SETTLEMENTS = 2  # took local hukou (落户)
    PERMITS = 3  # obtained a residence permit (居住证)
    SETTLED_OPEN = 4  # settlements by route (settled_by_rule)
    SETTLED_CONDITIONS = 5
    SETTLED_POINTS = 6
    SETTLED_PRIORITY = 7
    POINTS_APPLICANTS = 8  # applied in a points round
    POINTS_ADMITTED = 9  # admitted in a points round, within the quota
    SETTLED_FAMILY = 10  # family members taking local hukou with a settling worker
    ONWARD = 11  # moved on from a city to another city (counted by the city left)
    PAID_EXIT_YUAN = 12  # yuan paid for rural rights the year's settlers gave up (prov. 16)
    ONWARD_ARRIVALS = 13  # came to a city from another city (counted by the city come to)
    BECAME_POOR = 14  # fell into poverty while in a city (prov. 7)
    SETTLED_LEAVING = 15  # settled workers who left their city (counted by the city left)


#: Months in the city tracked for the time-to-settlement distribution (longer ones are capped).
MAX_MONTHS_TRACKED = 600


@numba.njit(cache=True)
def _masked_sum(mask, city, poverty, weight, values, city_class, out):
    # branch-free: a masked-out row adds zero (rows in and out alternate unpredictably)
    constant, first = values.size == 1, values[0]
    for r in range(mask.size):
        counted = mask[r] & (city[r] >= 0)
        poor = np.int64(poverty[r] != PovertyStatus.NOT_POOR)
        value = first if constant else values[r]
        out[city_class[max(city[r], 0)], poor] += np.float64(weight[r]) * value * counted


@numba.njit(cache=True)
def _rows_sum(rows, city, poverty, weight, values, city_class, out):
    for i in range(rows.size):
        r = rows[i]
        poor = np.int64(poverty[r] != PovertyStatus.NOT_POOR)
        out[city_class[city[r]], poor] += np.float64(weight[r]) * values[i]


def people_by_group(
    pop: Population,
    city_size_class: np.ndarray,
    rows: np.ndarray,
    values: np.ndarray | None = None,
    row_values: np.ndarray | None = None,
) -> np.ndarray:
    """Sum of weight (times `values`, a full-length column, or `row_values`, one per row of
    `rows`) over `rows` (a mask or indices) of people living in a city, by (size class of that
    city, poor), shape (SizeClass, 2). One pass, no gathered copies."""
    people = np.zeros((len(SizeClass), 2))
    if rows.dtype == np.bool_:
        if row_values is not None:
            raise ValueError("row_values go with row indices, not a mask")
        values = np.ones(1) if values is None else values  # one value: the same for all
        _masked_sum(rows, pop.city, pop.poverty, pop.weight, values, city_size_class, people)
        return people
    rows = np.asarray(rows, dtype=np.int64)
    per_row = np.ones(rows.size) if row_values is None else np.asarray(row_values, np.float64)
    if values is not None:
        per_row = per_row * values[rows]
    _rows_sum(rows, pop.city, pop.poverty, pop.weight, per_row, city_size_class, people)
    return people


class Flows:
    """People per (flow, size class of the city, poor) since the last `reset`."""

    def __init__(self, city_size_class: np.ndarray):
        self._city_class = city_size_class
        self.people = np.zeros((len(Flow), len(SizeClass), 2))
        #: people settling by (size class, poor, months lived in the city at settlement)
        self.months_at_settlement = np.zeros((len(SizeClass), 2, MAX_MONTHS_TRACKED + 1))

    def add(
        self, flow: Flow, pop: Population, rows: np.ndarray, per_row: np.ndarray | None = None
    ) -> None:
        """Count the rows (indices), all of whom live in a city, by that city (each row's
        people times `per_row`, one value per row, if given)."""
        self.people[flow] += people_by_group(pop, self._city_class, rows, row_values=per_row)

    def add_months_at_settlement(self, pop: Population, rows: np.ndarray) -> None:
        months = np.minimum(pop.months_in_city[rows], MAX_MONTHS_TRACKED).astype(np.int64)
        key = (
            self._city_class[pop.city[rows]].astype(np.int64) * 2 + IS_POOR[pop.poverty[rows]]
        ) * (MAX_MONTHS_TRACKED + 1) + months
        counts = np.bincount(
            key, weights=pop.weight[rows], minlength=self.months_at_settlement.size
        )
        self.months_at_settlement += counts.reshape(self.months_at_settlement.shape)

    def reset(self) -> None:
        self.people[:] = 0.0
        self.months_at_settlement[:] = 0.0
