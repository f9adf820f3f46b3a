"""Word postings of the meaning layer: the ranking's building blocks."""

from __future__ import annotations

import numpy as np
import pytest

from screening.postings import _sorted_unique


@pytest.mark.parametrize("n", [0, 1, 2, 50, 20_000])
def test_sorted_unique_is_numpys_unique(n: int) -> None:
    values = np.random.default_rng(n).integers(0, 3 * n + 1, n).astype(np.int64)

    got = _sorted_unique(values)

    assert np.array_equal(got, np.unique(values)) and got.dtype == np.int64
