"""The states a migrant or a city can be in. Rules compare against these, never bare integers."""

from enum import IntEnum

import numpy as np


class NamedEnum(IntEnum):
    """An enum whose lower-case name is how scenario files and outputs spell it."""

    @property
    def key(self) -> str:
        return self.name.lower()


class SizeClass(NamedEnum):
    """The seven city-size classes of the 2014 State Council notice (国发〔2014〕51号)."""

    SUPER_LARGE = 0  # 超大城市, urban districts >= 10 million
    EXTRA_LARGE = 1  # 特大城市, 5-10 million
    LARGE_1 = 2  # I型大城市, 3-5 million
    LARGE_2 = 3  # II型大城市, 1-3 million
    MEDIUM = 4  # 中等城市, 0.5-1 million
    SMALL_1 = 5  # I型小城市, 0.2-0.5 million
    SMALL_2 = 6  # II型小城市, < 0.2 million


class Region(NamedEnum):
    """The four statistical regions of the NBS migrant-worker survey."""

    EAST = 0
    CENTRAL = 1
    WEST = 2
    NORTHEAST = 3


class Education(NamedEnum):
    NONE = 0
    PRIMARY = 1
    JUNIOR_SECONDARY = 2
    SENIOR_SECONDARY = 3
    COLLEGE_PLUS = 4


class PovertyStatus(IntEnum):
    """Poor status in the sense of the 2019 opinion (its target group)."""

    NOT_POOR = 0
    REGISTERED_POOR = 1  # 建档立卡 registered poor household
    MINIMUM_INCOME = 2  # 农村低保 rural minimum-income recipient


class HukouStatus(IntEnum):
    RURAL = 0  # still holds rural hukou (a migrant, or at home)
    SETTLED = 1  # took local hukou in the city where they live (落户)


class Employment(IntEnum):
    AT_ORIGIN = 0  # in the rural origin: farming or local work, not in the urban labour market
    UNEMPLOYED = 1  # in a city, searching
    INFORMAL = 2  # in a city, job without social insurance
    FORMAL = 3  # in a city, job with social insurance (accrues social-insurance months)
    RETIRED = 4  # past retirement age, out of the labour force


class Housing(IntEnum):
    AT_ORIGIN = 0
    DORMITORY = 1  # employer dormitory
    WORKSITE = 2  # work-site shed: not a legal stable residence
    RENTAL = 3  # private rental, alone or shared
    OWNED = 4  # owns a home in the city
    PUBLIC_RENTAL = 5  # public rental housing (公租房, prov. 12)


#: Housing that counts as a legal stable residence (合法稳定住所; rented housing counts, prov. 14
#: and the 2015 residence-permit regulation). Work-site sheds do not.
LEGAL_HOMES = (Housing.DORMITORY, Housing.RENTAL, Housing.OWNED, Housing.PUBLIC_RENTAL)
EMPLOYED = (Employment.INFORMAL, Employment.FORMAL)
#: The 2019 opinion's target group: registered poor and minimum-income households.
POOR = (PovertyStatus.REGISTERED_POOR, PovertyStatus.MINIMUM_INCOME)


def _lookup(size: int, members: tuple) -> np.ndarray:
    table = np.zeros(size, dtype=bool)
    table[list(members)] = True
    return table


#: `IS_LEGAL_HOME`, `IS_EMPLOYED`, `IS_POOR`: membership by table lookup (`kernels.look_up`
#: over every row), much faster than `np.isin` on a million rows.
IS_LEGAL_HOME = _lookup(len(Housing), LEGAL_HOMES)
IS_EMPLOYED = _lookup(len(Employment), EMPLOYED)
IS_POOR = _lookup(len(PovertyStatus), POOR)
