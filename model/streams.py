"""Named random streams: one seed per run, one generator per phase (common random numbers).

`Streams(seed)["migration"]` is a `numpy.random.Generator` seeded from
`SeedSequence(seed, spawn_key=(crc32("migration"),))`, so each phase's draws depend only on the
run seed and the phase name, never on how many draws another phase made. Phases also draw a
fixed number of numbers each month (one per row for each decision), whether or not a row is
eligible: a policy that changes who is eligible then changes no draw anywhere, so differences
between scenarios on the same seed are policy, not noise (DESIGN §7).
"""

import zlib

import numpy as np

#: Every stream a run uses, by the phase that owns it.
STREAM_NAMES = (
    "synthesis",
    "demography",
    "migration",
    "labour",
    "permits",
    "services",
    "settlement",
    "fiscal",
)


class Streams:
    """The named generators of one run."""

    def __init__(self, seed: int):
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        self.seed = seed
        self._generators: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        if name not in STREAM_NAMES:
            raise KeyError(f"unknown random stream {name!r}; streams are {STREAM_NAMES}")
        if name not in self._generators:
            sequence = np.random.SeedSequence(self.seed, spawn_key=(zlib.crc32(name.encode()),))
            self._generators[name] = np.random.Generator(np.random.PCG64(sequence))
        return self._generators[name]

    def generators(self) -> dict[str, np.random.Generator]:
        """The generators drawn from so far, by name (their states carry the run on)."""
        return dict(self._generators)

    def restore(self, generators: dict[str, np.random.Generator]) -> None:
        """Continue from `generators` (a copy of an earlier `generators()`)."""
        self._generators = dict(generators)
