"""Allocating scarce places per city by rank: settlement quotas, school seats, public flats."""

from __future__ import annotations

import numpy as np


def allocate(
    rows: np.ndarray,
    city: np.ndarray,
    demand: np.ndarray,
    rank: np.ndarray,
    capacity_left: np.ndarray,
    lottery: np.ndarray | None = None,
) -> np.ndarray:
    """The `rows` that get a place, city by city, highest `rank` first (ties in row order),
    while `capacity_left[city]` lasts; each row takes `demand` places. Updates
    `capacity_left` (never below 0).

    Without `lottery`, a row gets a place only if its whole demand fits: capacity is never
    exceeded (places that are physical: seats, flats). With `lottery` (numbers in [0, 1)), the
    row at which a city's capacity runs out gets its place with probability (capacity left) /
    demand: a row stands for many people, and admissions then match a yearly quota in
    expectation at any population size.
    """
    if rows.size == 0:
        return rows
    order = np.lexsort((-rank, city))
    rows, city, demand = rows[order], city[order], demand[order]
    demand = demand.astype(np.float64)
    cumulative = np.cumsum(demand)
    starts = np.searchsorted(city, city, side="left")
    before = cumulative - demand - np.where(starts > 0, cumulative[starts - 1], 0.0)
    room = capacity_left[city] - before  # places left when this row's turn comes
    chosen = room >= demand - 1e-9
    if lottery is not None:
        chosen |= (room > 0) & (lottery[order] < room / np.maximum(demand, 1e-12))
    np.subtract.at(capacity_left, city[chosen], demand[chosen])
    np.maximum(capacity_left, 0.0, out=capacity_left)
    return rows[chosen]
