"""Word postings of the meaning layer: the ranking's building blocks."""

from __future__ import annotations

import numpy as np
import pytest

from screening.postings import sorted_unique, unique_inverse


@pytest.mark.parametrize("n", [0, 1, 2, 50, 20_000])
def test_sorted_unique_is_numpys_unique(n: int) -> None:
    values = np.random.default_rng(n).integers(0, 3 * n + 1, n).astype(np.int64)

    got = sorted_unique(values)

    assert np.array_equal(got, np.unique(values)) and got.dtype == np.int64


@pytest.mark.parametrize("n", [0, 1, 2, 50, 20_000])
def test_unique_inverse_is_numpys(n: int) -> None:
    rng = np.random.default_rng(n)
    values = np.sort(rng.integers(0, 3 * n + 1, n)).astype(np.int64)
    values = np.concatenate([values[n // 2 :], values[: n // 2]])  # sorted runs

    cells, inv = unique_inverse(values)
    want_cells, want_inv = np.unique(values, return_inverse=True)

    assert np.array_equal(cells, want_cells) and np.array_equal(inv, want_inv)
