"""Counter-based random numbers: one seed per run, a number for each (phase, month, decision,
row) (common random numbers, DESIGN §7).

A row's uniform for a decision is a hash of a key and the row's index,
    u = top 24 bits of splitmix64(key + row * golden) / 2**24,
    key = hash(seed, phase, decision, month),
so it is fixed before the run starts: it does not depend on how many numbers any phase drew,
nor on which other rows needed one. A phase draws only for the rows that face the decision
(`Draws.uniform(rows, "return")`), and a policy that changes who faces it changes no other
row's number, no other decision's and no other phase's: differences between scenarios on the
same seed are policy, not noise. The hash is SplitMix64's output function (Steele, Lea & Flood
2014, the seeding generator of java.util.SplittableRandom and xoshiro), a bijection of 64-bit
counters whose outputs pass BigCrush; float32 uniforms take its top 24 bits as numpy's do.

Kernels (numba) draw inside their loop with `uniform_at(key, row)`; numpy code with
`Draws.uniform`. Draws that are not per row (a new world's layout, the starting population's
traits) take `Draws.generator()`, a PCG64 generator keyed by the same (seed, phase, month).
"""

import functools
import zlib

import numba
import numpy as np

from model.kernels import positions

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

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(z: int) -> int:
    """SplitMix64's output function on a Python int (keys; `_mix64` is the kernel's)."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


@functools.lru_cache(maxsize=4096)
def _decision_key(seed: int, phase: str, decision: str) -> int:
    z = _mix((seed + _GOLDEN) & _MASK)
    for part in (zlib.crc32(phase.encode()), zlib.crc32(decision.encode())):
        z = _mix(((z ^ part) + _GOLDEN) & _MASK)
    return z


def stream_key(seed: int, phase: str, decision: str, month: int) -> np.uint64:
    """The key of one decision's numbers in one month of one phase."""
    return np.uint64(_mix(((_decision_key(seed, phase, decision) ^ month) + _GOLDEN) & _MASK))


@numba.njit(cache=True, inline="always")
def _mix64(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True, inline="always")
def uniform_at(key, row):
    """The uniform in [0, 1) of `row` under `key` (float32 precision, as a float64)."""
    z = _mix64(key + np.uint64(row) * np.uint64(_GOLDEN))
    return np.float64(z >> np.uint64(40)) * (1.0 / 16777216.0)


@numba.njit(cache=True)
def _uniforms(key, rows):
    out = np.empty(rows.size, dtype=np.float32)
    for i in range(rows.size):
        out[i] = uniform_at(key, rows[i])
    return out


@numba.njit(cache=True)
def _below_in_city(key, city, p, below):
    for r in range(city.size):
        below[r] = (city[r] >= 0) & (uniform_at(key, r) < p)  # bitwise: vectorised


class Draws:
    """One phase's random numbers in one month."""

    def __init__(self, seed: int, phase: str, month: int):
        if phase not in STREAM_NAMES:
            raise KeyError(f"unknown random stream {phase!r}; streams are {STREAM_NAMES}")
        self.seed, self.phase, self.month = seed, phase, month

    def key(self, decision: str) -> np.uint64:
        """The key kernels pass to `uniform_at` for `decision`."""
        return stream_key(self.seed, self.phase, decision, self.month)

    def uniform(self, rows: np.ndarray, decision: str) -> np.ndarray:
        """float32 uniforms in [0, 1) for `rows` (indices) facing `decision`."""
        return _uniforms(self.key(decision), np.asarray(rows, dtype=np.int64))

    def in_city_below(
        self, city: np.ndarray, p: float, decision: str, among: np.ndarray | None = None
    ) -> np.ndarray:
        """Rows living in a city (`city` >= 0), and set in the mask `among` if one is given,
        whose uniform for `decision` is below `p`: the only ones a decision taken with
        probability `p` concerns (indices, ascending). A row's number is its own whatever
        `among` says of other rows."""
        below = np.empty(city.size, dtype=np.bool_)
        _below_in_city(self.key(decision), city, float(p), below)
        if among is not None:
            below &= among
        return positions(below)

    def generator(self) -> np.random.Generator:
        """A numpy generator of this phase and month, for draws that are not per row."""
        seed = int(self.key("generator"))
        return np.random.Generator(np.random.PCG64(seed))


class Streams:
    """The random numbers of one run: `Streams(seed).draws(phase, month)`."""

    def __init__(self, seed: int):
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        self.seed = seed

    def draws(self, phase: str, month: int) -> Draws:
        return Draws(self.seed, phase, month)
