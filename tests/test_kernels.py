"""The shared array kernels do what the numpy they replace does, at every size and density."""

import numba
import numpy as np
import pytest

from model.kernels import Rows, look_up, pack_bits, popcount, positions


@pytest.mark.parametrize("n", [0, 1, 63, 64, 65, 1000, 100_003])
@pytest.mark.parametrize("density", [0.0, 0.002, 0.05, 0.124, 0.126, 0.5, 1.0])
def test_positions_are_flatnonzero(n, density):
    mask = np.random.default_rng(n).random(n) < density
    got = positions(mask)
    assert got.dtype == np.int64
    assert np.array_equal(got, np.flatnonzero(mask))
    assert np.array_equal(positions(mask.astype(np.uint8) * 3), got)  # any non-zero counts


def test_look_up_is_indexing_negative_codes_included():
    rng = np.random.default_rng(0)
    table = rng.integers(0, 31, 684).astype(np.int8)
    codes = rng.integers(-1, 684, 10_000).astype(np.int16)
    assert np.array_equal(look_up(table, codes), table[codes])
    flags = np.array([True, False, True, True, False, False])
    housing = rng.integers(0, 6, 5000).astype(np.uint8)
    assert np.array_equal(look_up(flags, housing), flags[housing])
    for size in (1, 2, 63, 64, 65):  # a boolean table as one integer's bits, up to 64 entries
        flags = rng.random(size) < 0.5
        for dtype in (np.int8, np.int16, np.int64):
            codes = rng.integers(-size, size, 5000).astype(dtype)
            assert np.array_equal(look_up(flags, codes), flags[codes]), (size, dtype)


@numba.njit
def _shared(words_a, words_b):
    n = 0
    for i in range(words_a.size):
        n += popcount(words_a[i] & words_b[i])
    return n


def test_packed_bits_count_what_the_mask_sets():
    rng = np.random.default_rng(1)
    for n in (1, 64, 1000, 4097):
        a, b = rng.random(n) < 0.3, rng.random(n) < 0.6
        words_a, words_b = pack_bits(a), pack_bits(b)
        assert words_a.size == -(-n // 64)
        assert _shared(words_a, words_b) == np.count_nonzero(a & b)


@pytest.mark.parametrize("n", [1, 7, 1000, 4096, 30_000])
def test_queue_order_is_lexsort_by_city_then_rank(n):
    """Counting-sorted whole-number ranks and comparison- or radix-sorted others give
    np.lexsort's order: by city, highest rank first, ties in position order."""
    from model.processes.allocation import queue_order

    rng = np.random.default_rng(n)
    city = rng.integers(0, 684, n).astype(np.int16)
    months = rng.integers(0, 120, n).astype(np.float64)
    for rank in (
        months + 10_000.0 * (rng.random(n) < 0.1),  # services: months in the city, priority
        months,  # many ties
        rng.random(n) * 50.0,  # points scores
        np.round(rng.random(n) * 50.0, 1) + 1e6 * (rng.random(n) < 0.1),  # tied, priority
        months - 60.0,  # whole but negative: compared
        (rng.random(n) - 0.5) * 1e300,  # both signs, the whole exponent range
        np.where(rng.random(n) < 0.5, -0.0, 0.0),  # signed zeros tie
        np.where(rng.random(n) < 0.01, np.inf, -np.inf),  # infinities
        np.where(rng.random(n) < 0.01, np.nan, months),  # not a number: compared
    ):
        assert np.array_equal(queue_order(city, rank), np.lexsort((-rank, city)))
    at_origin = np.where(rng.random(n) < 0.1, -1, city).astype(np.int16)  # a code below 0
    assert np.array_equal(queue_order(at_origin, months), np.lexsort((-months, at_origin)))


@pytest.mark.parametrize("n", [0, 1, 63, 64, 65, 2003])
def test_rows_combine_and_count_as_the_masks_they_pack(n):
    rng = np.random.default_rng(n)
    a, b, c = (rng.random(n) < d for d in (0.5, 0.1, 0.9))
    ra, rb = Rows.of(a), Rows.of(b)
    cases = {
        "and": (ra & rb, a & b),
        "or": (ra | rb, a | b),
        "not": (~ra, ~a),  # the last word's padding stays empty
        "mask on the right": (ra & c, a & c),
        "mask on the left": (c & ra, c & a),
        "or, mask on the left": (c | ~rb, c | ~b),
        "nested": (~(ra | rb) & (c | ~ra), ~(a | b) & (c | ~a)),
    }
    for name, (rows, mask) in cases.items():
        assert isinstance(rows, Rows), name
        assert np.array_equal(rows.mask(), mask), name
        assert rows.count() == np.count_nonzero(mask), name
        assert np.array_equal(rows.positions(), np.flatnonzero(mask)), name
        assert len(rows) == n
    assert Rows.of(ra) is ra
    values = rng.random(n)
    assert np.array_equal(values[ra & c], values[a & c])  # indexes as its mask
    assert np.asarray(ra).dtype == np.bool_ and np.array_equal(np.asarray(ra), a)
    assert (~Rows.of(np.zeros(n, bool))).count() == n
