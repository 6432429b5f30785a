"""The `simulation:` section: calendar, spin-up and number of agent rows."""

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
    spin_up_years: int = structure(
        "years simulated before start_year under the rules in force before the start (the "
        "scenario's `before_start`, or its own rules without one) and left out of the outcomes, "
        "so that the run starts with the stocks a history leaves: months in the city and of "
        "insurance, permits, places, the pool of the eligible and willing, and the people who "
        "took local hukou before the start",
        ge=0,
        le=30,
    )
