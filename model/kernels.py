"""Small array kernels the phases and outcomes share, for what numpy does slowly over a million
rows: a table lookup by small integer codes, the positions of a mask's set rows, and masks as
packed bits (`Rows`, sets of rows combined and counted 64 at a time)."""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.cpython.unsafe.numbers import trailing_zeros
from numba.extending import intrinsic


@numba.njit(cache=True)
def _look_up(table, codes):
    out = np.empty(codes.size, dtype=table.dtype)
    for i in range(codes.size):
        out[i] = table[codes[i]]
    return out


@numba.njit(cache=True)
def _look_up_bits(bits, n, codes):
    out = np.empty(codes.size, dtype=np.bool_)
    for i in range(codes.size):  # a shift per row, no load: vectorised
        code = np.int64(codes[i])
        code += n * (code < 0)
        out[i] = (bits >> np.uint64(code)) & np.uint64(1)
    return out


def look_up(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """`table[codes]` (negative codes count from the end, as numpy's do) for a small table
    and 1-d codes of any integer type: what indexing does, several times faster over every
    row (numpy first widens each code to a 64-bit index; measured 2.7 vs 0.3 ms for a million
    rows). A boolean table of up to 64 entries is read as the bits of one integer (0.18 vs
    0.41 ms a million rows)."""
    if table.dtype == np.bool_ and table.size <= 64:
        bits = np.uint64(sum(1 << k for k in np.flatnonzero(table).tolist()))
        return _look_up_bits(bits, table.size, codes)
    return _look_up(table, codes)


def pack_bits(mask: np.ndarray) -> np.ndarray:
    """A 1-d boolean mask as bits in 64-bit words: row 64 i + b is bit b of word i (the last
    word padded with zeros)."""
    packed = np.packbits(mask, bitorder="little")
    words = np.zeros(-(-packed.size // 8) * 8, dtype=np.uint8)
    words[: packed.size] = packed
    return words.view("<u8")


@intrinsic
def popcount(typingctx, x):
    """Set bits of an integer word: LLVM's ctpop (one instruction where the CPU has one)."""
    if not isinstance(x, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return x(x), codegen


@numba.njit(cache=True)
def _positions(mask, count):
    out = np.empty(count + 1, dtype=np.int64)
    k = 0
    for r in range(mask.size):  # every row is written; the next write keeps it only if set
        out[k] = r
        k += mask[r]
    return out[:count]


@numba.njit(cache=True)
def _set_bits(words, count):
    out = np.empty(count, dtype=np.int64)
    k = 0
    for i in range(words.size):
        w = words[i]
        while w != 0:  # one turn per set bit, lowest first
            out[k] = i * 64 + trailing_zeros(w)
            k += 1
            w &= w - np.uint64(1)
    return out


def positions(mask: np.ndarray) -> np.ndarray:
    """`np.flatnonzero(mask)` for a 1-d boolean mask. A sparse mask (under one row in eight
    set, as most of a month's draws) is packed into bits and its set bits walked (0.1-0.3 ms a
    million rows); a denser one is compacted branch-free (~0.4 ms at any density), where
    `flatnonzero` mispredicts its way to 0.4-0.8 ms."""
    mask = np.asarray(mask, dtype=np.bool_)  # no copy for a boolean mask
    count = np.count_nonzero(mask)
    if count * 8 < mask.size:
        return _set_bits(pack_bits(mask), count)
    return _positions(mask, count)


@numba.njit(cache=True)
def _count(words):
    n = np.uint64(0)
    for i in range(words.size):
        n += popcount(words[i])
    return n


class Rows:
    """A set of rows as packed bits (`pack_bits`): what outcomes combine and count, 64 rows a
    word. `&`, `|` and `~` work word by word (a boolean mask on either side is packed first),
    so a mask built from the snapshot's sets costs a few microseconds over a million rows
    instead of a pass over each row; `tally` counts it by popcounts. Where numpy wants an
    array (indexing, `np.asarray`) it is the boolean mask."""

    __array_ufunc__ = None  # `mask & rows`: numpy defers to `Rows.__rand__`

    def __init__(self, words: np.ndarray, n: int):
        self.words, self.n = words, n

    @classmethod
    def of(cls, mask: np.ndarray | Rows) -> Rows:
        """`mask` (boolean, one per row) as packed rows; rows pass through."""
        if isinstance(mask, Rows):
            return mask
        mask = np.asarray(mask, dtype=np.bool_)
        return cls(pack_bits(mask), mask.size)

    def __and__(self, other: np.ndarray | Rows) -> Rows:
        return Rows(self.words & Rows.of(other).words, self.n)

    def __or__(self, other: np.ndarray | Rows) -> Rows:
        return Rows(self.words | Rows.of(other).words, self.n)

    __rand__, __ror__ = __and__, __or__

    def __invert__(self) -> Rows:
        words = ~self.words
        if self.n % 64:  # the last word's padding stays empty
            words[-1] &= np.uint64((1 << (self.n % 64)) - 1)
        return Rows(words, self.n)

    def __len__(self) -> int:
        return self.n

    def count(self) -> int:
        """Rows in the set."""
        return int(_count(self.words))

    def positions(self) -> np.ndarray:
        """The set's rows, ascending (`positions` of its mask, without unpacking it)."""
        return _set_bits(self.words, self.count())

    def mask(self) -> np.ndarray:
        """The set as a boolean mask over all rows."""
        bits = np.unpackbits(self.words.view(np.uint8), count=self.n, bitorder="little")
        return bits.view(np.bool_)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """As a boolean mask wherever numpy wants an array (`weight[rows]`, `np.asarray`)."""
        mask = self.mask()
        return mask if dtype is None else mask.astype(dtype)
