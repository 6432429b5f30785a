"""Allocating scarce places per city by rank: settlement quotas, school seats, public flats."""

from __future__ import annotations

import numpy as np


def allocate(rows: np.ndarray, city: np.ndarray, demand: np.ndarray, rank: np.ndarray,
             capacity_left: np.ndarray, lottery: np.ndarray) -> np.ndarray:
    """The `rows` that get a place, city by city, highest `rank` first (ties in row order),
    while `capacity_left[city]` lasts; each row takes `demand` places. The row at which a
    city's capacity runs out gets its place with probability (capacity left) / demand, using
    its `lottery` number in [0, 1): a row stands for many people, and admissions then match
    capacity in expectation at any population size. Updates `capacity_left` (never below 0).
    """
    if rows.size == 0:
        return rows
    order = np.lexsort((-rank, city))
    rows, city, demand, lottery = rows[order], city[order], demand[order], lottery[order]
    demand = demand.astype(np.float64)
    cumulative = np.cumsum(demand)
    starts = np.searchsorted(city, city, side="left")
    before = cumulative - demand - np.where(starts > 0, cumulative[starts - 1], 0.0)
    room = capacity_left[city] - before  # places left when this row's turn comes
    chosen = (room >= demand - 1e-9) | ((room > 0) & (lottery < room / np.maximum(demand,
                                                                                    1e-12)))
    np.subtract.at(capacity_left, city[chosen], demand[chosen])
    np.maximum(capacity_left, 0.0, out=capacity_left)
    return rows[chosen]
