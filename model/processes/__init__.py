"""One module per phase of the monthly calendar (DESIGN §4). Each phase is a function
`step(pop, world, scenario, clock, rng, ...)` that touches only the columns it owns and draws
only from its own random stream."""
