"""Who may use a service (its access basis) and who is identified as poor at the destination:
the two rules every service applies (prov. 2, 19)."""

from __future__ import annotations

from typing import TypeVar

import numpy as np

from model.enums import IS_POOR, Housing, HukouStatus
from model.kernels import look_up
from model.population import Population

T = TypeVar("T")  # a set of rows: a boolean mask or `Rows`

#: Housing whose occupants may apply for public rental housing (not owners or tenants of one).
NEEDS_HOUSING = np.zeros(len(Housing), dtype=bool)
NEEDS_HOUSING[[Housing.DORMITORY, Housing.WORKSITE, Housing.RENTAL]] = True


def basis(access: str, settled: T, permit: T, everyone: T) -> T:
    """Who has the access basis `access`, from the sets (boolean masks or packed rows alike)
    of the settled, the permit holders and everyone considered: `hukou` - settled only;
    `permit` - a residence permit or hukou; `id_card` - anyone living in the city."""
    if access == "hukou":
        return settled
    if access == "permit":
        return settled | permit
    return everyone


def has_access(pop: Population, rows: np.ndarray | slice, access: str) -> np.ndarray:
    """For `rows` (in a city; indices, or a slice such as every row), the access basis
    `access` (`basis`)."""
    settled = pop.hukou[rows] == HukouStatus.SETTLED
    return basis(access, settled, pop.permit[rows], np.ones(len(settled), dtype=bool))


def identified_poor(
    pop: Population, rows: np.ndarray | slice, identified_share: float
) -> np.ndarray:
    """For `rows`, poor migrants the destination has identified as poor (prov. 19): those
    whose fixed identification rank falls below the identified share."""
    poor = look_up(IS_POOR, pop.poverty[rows])
    return poor & (pop.identification_rank[rows] < identified_share * 256)
