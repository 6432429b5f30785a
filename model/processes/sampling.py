"""Vectorised categorical sampling shared by synthesis and migration."""

import numpy as np


def sample_rows(weights: np.ndarray, row: np.ndarray, u: np.ndarray) -> np.ndarray:
    """For each draw i, a column sampled from row `row[i]` of `weights` using uniform `u[i]`.

    `weights` is (rows, columns), non-negative, each row with a positive sum. One `searchsorted`
    over the rows' cumulative distributions laid end to end (row r shifted by r) samples every
    draw at once, whatever its row: cost O(draws · log(rows · columns)).
    """
    weights = np.asarray(weights, dtype=np.float64)
    totals = weights.sum(axis=1, keepdims=True)
    if np.any(totals <= 0):
        raise ValueError("every row of weights needs a positive sum")
    cdf = np.cumsum(weights / totals, axis=1)
    cdf[:, -1] = 1.0  # no rounding gap at the end of a row
    n_rows, n_cols = weights.shape
    flat = (cdf + np.arange(n_rows)[:, None]).ravel()
    # a draw of exactly 1.0 cannot occur (u < 1), and u >= 0 lands in its own row
    index = np.searchsorted(flat, row.astype(np.float64) + u, side="right")
    return (index - row.astype(np.int64) * n_cols).clip(0, n_cols - 1)


def sample_categories(shares: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Category index for each uniform `u`, with probabilities `shares` (summing to 1)."""
    cdf = np.cumsum(np.asarray(shares, dtype=np.float64))
    cdf[-1] = 1.0
    return np.searchsorted(cdf, u, side="right").clip(0, len(cdf) - 1)
