"""Allocating scarce places per city by rank: settlement quotas, school seats, public flats,
training places."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np

if TYPE_CHECKING:
    from model.processes.services import Bookings


def allocate(
    rows: np.ndarray,
    city: np.ndarray,
    demand: np.ndarray,
    rank: np.ndarray,
    capacity_left: np.ndarray,
    lottery: np.ndarray | None = None,
    expected_ledger: Bookings | None = None,
) -> np.ndarray:
    """The `rows` that get a place, city by city, highest `rank` first (ties in row order),
    while `capacity_left[city]` lasts; each row takes `demand` places. Updates
    `capacity_left` (never below 0).

    Without `lottery`, a row gets a place only if its whole demand fits: capacity is never
    exceeded. With `lottery` (numbers in [0, 1)), the row at which a city's capacity runs out
    gets its place with probability (capacity left) / demand: a row stands for many people, so
    the places used match the places a city has in expectation at any number of rows, even
    where one row stands for more people than the city has places. That holds as it stands for
    places that are offered once (a year's quota, a month's training places).

    Places that are held (school seats, flats) are offered again every month while free, so a
    lost lottery would be drawn again until some row wins, and a city would end one whole row
    over its places. `expected_ledger` (the caller's `Bookings`, kept between months; it offers
    the places less `booked`) books the lottery's outcome in expectation instead: a lost lottery
    books the room it offered, a won one books the row's demand beyond the room against the row.
    Booked places then always equal the places offered, and the places rows hold equal them in
    expectation.
    """
    if rows.size == 0:
        return rows
    order = queue_order(city, rank)
    rows, city, demand = rows[order], city[order], demand[order]
    demand = demand.astype(np.float64)
    cumulative = np.cumsum(demand)
    starts = np.searchsorted(city, city, side="left")
    before = cumulative - demand - np.where(starts > 0, cumulative[starts - 1], 0.0)
    room = capacity_left[city] - before  # places left when this row's turn comes
    chosen = room >= demand - 1e-9
    if lottery is not None:
        marginal = (room > 0) & ~chosen  # the row at which the city's places run out
        won = marginal & (lottery[order] < room / np.maximum(demand, 1e-12))
        chosen |= won
        if expected_ledger is not None:
            m = marginal
            expected_ledger.book(city[m], rows[m], room[m], demand[m], won[m])
    np.subtract.at(capacity_left, city[chosen], demand[chosen])
    np.maximum(capacity_left, 0.0, out=capacity_left)
    return rows[chosen]


#: Whole-number ranks below this are ordered by counting (months in a city, plus a priority
#: bonus); others (points scores) by comparison.
COUNTED_RANKS = 1 << 16


def queue_order(city: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Positions by city, then by rank from the highest, ties in position order: what
    `np.lexsort((-rank, city))` gives. Whole-number ranks in [0, COUNTED_RANKS) (the services'
    queues: months in the city and a priority bonus) are ordered by two stable counting sorts,
    O(n) instead of a comparison sort's ~80 ns an element on the development machine; other
    ranks (points scores) by a stable radix sort of their bits and a counting sort by city
    (numpy's stable comparison sort took four times as long for December's ~60,000
    applicants at a million rows)."""
    rank, city = np.asarray(rank), np.asarray(city)
    if not rank.size or city.min() < 0:
        return np.lexsort((-rank, city))
    city = np.asarray(city, dtype=np.int64)
    n_cities = int(city.max()) + 1
    if rank.min() >= 0 and rank.max() < COUNTED_RANKS and np.array_equal(rank, np.floor(rank)):
        return _counting_order(city, rank.astype(np.int64), n_cities, int(rank.max()))
    # other ranks (points scores): highest first by their bits, then cities by counting
    return _stable_by(highest_first(rank), city, n_cities)


#: From this many ranks a radix sort beats numpy's stable comparison sort.
RADIX_FROM = 1 << 12


def highest_first(rank: np.ndarray) -> np.ndarray:
    """Positions by `rank` from the highest, ties in position order: what
    `np.argsort(-rank, kind="stable")` gives. From `RADIX_FROM` finite ranks on, by a stable
    radix sort of keys whose unsigned order is the order of -rank (the sign bit flipped, and
    every bit of negative numbers; -0.0 counts as 0.0, as comparison does)."""
    rank = np.asarray(rank, dtype=np.float64)
    if rank.size < RADIX_FROM or np.isnan(rank).any():
        return np.argsort(-rank, kind="stable")
    bits = (-rank + 0.0).view(np.uint64)  # + 0.0: -0.0 becomes 0.0
    negative = (bits >> np.uint64(63)).astype(bool)
    return _radix_order(np.where(negative, ~bits, bits | np.uint64(1 << 63)))


@numba.njit(cache=True)
def _radix_order(keys):
    """Positions of `keys` (unsigned 64-bit) in increasing order, ties in position order: a
    least-significant-digit radix sort, 16 bits a pass, each key carried with its position;
    a pass whose digit every key shares is skipped."""
    n = keys.size
    order, spare = np.arange(n), np.empty(n, dtype=np.int64)
    keys, spare_keys = keys.copy(), np.empty(n, dtype=np.uint64)
    digits = np.uint64(0xFFFF)
    starts = np.empty(digits + 2, dtype=np.int64)
    for shift in range(0, 64, 16):
        s = np.uint64(shift)
        starts[:] = 0
        for i in range(n):
            starts[((keys[i] >> s) & digits) + 1] += 1
        if starts.max() == n:
            continue
        for d in range(digits + 1):
            starts[d + 1] += starts[d]
        for i in range(n):
            key = keys[i]
            d = (key >> s) & digits
            j = starts[d]
            spare[j], spare_keys[j] = order[i], key
            starts[d] = j + 1
        order, spare = spare, order
        keys, spare_keys = spare_keys, keys
    return order


@numba.njit(cache=True)
def _counting_order(city, rank, n_cities, top):
    by_rank = _stable_by(np.arange(city.size), top - rank, top + 1)  # highest rank first
    return _stable_by(by_rank, city, n_cities)


@numba.njit(cache=True)
def _stable_by(order, key, n_keys):
    """`order` stably sorted by `key[order]` (integers in [0, n_keys))."""
    starts = np.zeros(n_keys + 1, dtype=np.int64)
    for i in order:
        starts[key[i] + 1] += 1
    for k in range(n_keys):
        starts[k + 1] += starts[k]
    out = np.empty(order.size, dtype=np.int64)
    for i in order:
        out[starts[key[i]]] = i
        starts[key[i]] += 1
    return out
