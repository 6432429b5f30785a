"""The migrant population as a structure of arrays: one numpy column per attribute, one row per
agent, small dtypes. A run handles a million rows in tens of megabytes.

`COLUMNS` is the one table of every column: name, dtype, unit and meaning. States are enums
from `model.enums`; the rules compare against them, never against bare integers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np

from model.enums import HukouStatus, PovertyStatus


class Column(NamedTuple):
    name: str
    dtype: type
    unit: str
    meaning: str


COLUMNS: tuple[Column, ...] = (
    Column("weight", np.float32, "people", "people this row represents"),
    Column("birth_year", np.int16, "year", "year of birth; age = year - birth_year"),
    Column("female", np.bool_, "flag", "female"),
    Column("education", np.uint8, "Education", "highest education level"),
    Column("poverty", np.uint8, "PovertyStatus", "registered poor / minimum income / not poor"),
    Column("origin_province", np.uint8, "province id", "province of the rural hukou"),
    Column("married", np.bool_, "flag", "has a spouse"),
    Column("children", np.uint8, "children", "school-age children (6-15)"),
    Column(
        "family_with",
        np.bool_,
        "flag",
        "spouse and children live with the migrant in the city (whole-family migration)",
    ),
    Column("city", np.int16, "city id", "city lived in; -1 = at the rural origin"),
    Column("hukou", np.uint8, "HukouStatus", "rural hukou, or settled in the city lived in"),
    Column("employment", np.uint8, "Employment", "labour-market state"),
    Column("housing", np.uint8, "Housing", "where the migrant lives in the city"),
    Column("months_in_city", np.int16, "months", "continuous months lived in the current city"),
    Column(
        "si_months",
        np.int16,
        "months",
        "months of social insurance paid in the current city (formal jobs accrue them)",
    ),
    Column("unemployed_months", np.int16, "months", "length of the current unemployment spell"),
    Column("permit", np.bool_, "flag", "holds a residence permit (居住证) of the current city"),
    Column("wage", np.float32, "yuan per month", "current wage; 0 when not employed"),
    Column("ability", np.float32, "multiplier", "individual wage ability (lognormal, mean 1)"),
    Column(
        "settle_propensity",
        np.float32,
        "quantile",
        "individual taste for local hukou: willing when below the willingness probability",
    ),
    Column("land_mu", np.uint8, "mu", "rural contract land of the household (1 mu = 1/15 ha)"),
    Column(
        "identification_rank",
        np.uint8,
        "rank",
        "0-255; a poor migrant is identified as poor at the destination when rank / 256 < "
        "the identified share (prov. 19)",
    ),
    Column(
        "schooled",
        np.bool_,
        "flag",
        "the migrant's children living in the city have local school places (prov. 5)",
    ),
    Column("local_medical", np.bool_, "flag", "in local medical insurance (prov. 8)"),
    Column("pension", np.bool_, "flag", "covered by a local pension scheme (prov. 9)"),
    Column("trained", np.bool_, "flag", "completed subsidised skills training (prov. 4)"),
    Column("work_months", np.int16, "months", "current spell of continuous employment"),
    Column(
        "months_in_city_this_year",
        np.uint8,
        "months",
        "months of the calendar year so far spent in a city (reset each January)",
    ),
    Column(
        "earnings_this_year",
        np.float32,
        "yuan",
        "wages earned in the calendar year so far, summed over the months worked",
    ),
    Column(
        "subsidised",
        np.bool_,
        "flag",
        "received the one-off living subsidy for the current unemployment spell (prov. 10)",
    ),
)


@dataclass
class Population:
    """Columns of equal length; see `COLUMNS` for each one's dtype, unit and meaning."""

    weight: np.ndarray
    birth_year: np.ndarray
    female: np.ndarray
    education: np.ndarray
    poverty: np.ndarray
    origin_province: np.ndarray
    married: np.ndarray
    children: np.ndarray
    family_with: np.ndarray
    city: np.ndarray
    hukou: np.ndarray
    employment: np.ndarray
    housing: np.ndarray
    months_in_city: np.ndarray
    si_months: np.ndarray
    unemployed_months: np.ndarray
    permit: np.ndarray
    wage: np.ndarray
    ability: np.ndarray
    settle_propensity: np.ndarray
    land_mu: np.ndarray
    identification_rank: np.ndarray
    schooled: np.ndarray
    local_medical: np.ndarray
    pension: np.ndarray
    trained: np.ndarray
    work_months: np.ndarray
    months_in_city_this_year: np.ndarray
    earnings_this_year: np.ndarray
    subsidised: np.ndarray

    @classmethod
    def empty(cls, n: int) -> Population:
        """`n` rows of zeros (at origin: city -1), for synthesis and hand-built test worlds."""
        pop = cls(**{c.name: np.zeros(n, dtype=c.dtype) for c in COLUMNS})
        pop.city[:] = -1
        pop.weight[:] = 1.0
        pop.ability[:] = 1.0
        return pop

    def __post_init__(self) -> None:
        lengths = {len(getattr(self, f.name)) for f in fields(self)}
        if len(lengths) != 1:
            raise ValueError(f"population columns differ in length: {sorted(lengths)}")

    def __len__(self) -> int:
        return len(self.weight)

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, c.name).nbytes for c in COLUMNS)

    def age(self, year: int) -> np.ndarray:
        return (year - self.birth_year).astype(np.int16)

    # --- named selections (masks over all rows) ---------------------------------------------

    def in_city(self) -> np.ndarray:
        """Living in a city (settled or not)."""
        return self.city >= 0

    def migrants(self) -> np.ndarray:
        """Migrants: living in a city with rural hukou (candidates to settle)."""
        return (self.city >= 0) & (self.hukou == HukouStatus.RURAL)

    def poor(self) -> np.ndarray:
        """Registered poor (建档立卡) or rural minimum income (低保), wherever they live."""
        return self.poverty != PovertyStatus.NOT_POOR
