"""National accounts of urbanization (the historical scenario's `national:` section).

The agents are rural-hukou workers; the rest of China's population is held as aggregate
stocks so that the national **hukou** and **resident urbanization rates** are simulated, not
given. Each December:

    total(t+1)       = total(t) * (1 + natural_growth_per_year)
    urban_hukou(t+1) = urban_hukou(t) * (1 + natural_growth_per_year)
                       + people settled in the year (workers and the family members living
                         with them, counted by the agents: `Flow.SETTLED_FAMILY`)
                       + other_hukou_conversions_share_per_year * total(t)
    urban_residents  = urban_hukou
                       + unsettled migrants in cities * (1 + family_members_per_migrant_in_city)
                       + other_rural_hukou_urban_share * total

hukou urbanization rate = urban_hukou / total; resident rate = urban_residents / total.
Other conversions stand for reclassified areas, students and soldiers, whose hukou becomes
urban without a migrant worker settling; no source in the project gives them, so they are an
uncertainty with a prior range, fitted with the start share and the dependants of migrants
(docs/validation.md reports them as such).
"""

from __future__ import annotations

from dataclasses import dataclass

from model.scenario.national import National


@dataclass
class NationalAccounts:
    total: float
    urban_hukou: float
    urban_residents: float = 0.0

    @classmethod
    def start(cls, national: National) -> NationalAccounts:
        total = national.total_population_start
        return cls(total=total, urban_hukou=total * national.urban_hukou_share_start)

    def close_year(
        self, national: National, settled_people: float, migrants_in_cities: float
    ) -> None:
        growth = 1.0 + national.natural_growth_per_year
        conversions = national.other_hukou_conversions_share_per_year * self.total
        self.urban_hukou = self.urban_hukou * growth + settled_people + conversions
        self.total *= growth
        self.urban_residents = (
            self.urban_hukou
            + migrants_in_cities * (1.0 + national.family_members_per_migrant_in_city)
            + national.other_rural_hukou_urban_share * self.total
        )

    @property
    def hukou_rate(self) -> float:
        return self.urban_hukou / self.total

    @property
    def resident_rate(self) -> float:
        return self.urban_residents / self.total
