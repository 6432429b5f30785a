"""The `simulation:` section: calendar and number of agent rows."""

from __future__ import annotations

from model.scenario.types import (
    StrictModel,
    structure,
)


class Simulation(StrictModel):
    start_year: int = structure(
        "calendar year of the first simulated month (January)", ge=2000, le=2100
    )
    years: int = structure("number of simulated years (12 months each)", ge=1, le=50)
    migrants: int = structure(
        "number of agent rows (each row represents population.represented_people / migrants "
        "people)",
        ge=10,
        le=50_000_000,
    )
