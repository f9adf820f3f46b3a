"""The numpy sentence cosines hold to scipy's product, bit for bit and in order."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from screening.semantic.cosine import cosines


def _shuffled_rows(rng: np.random.Generator, n: int, width: int) -> sparse.csr_matrix:
    """A random float32 CSR matrix with each row's entries in no particular order."""
    m = sparse.random(
        n,
        width,
        density=rng.uniform(0.02, 0.5),
        format="csr",
        dtype=np.float32,
        random_state=rng,
    )
    data, indices = m.data.copy(), m.indices.copy()
    for r in range(n):
        a, b = m.indptr[r], m.indptr[r + 1]
        perm = rng.permutation(b - a)
        data[a:b], indices[a:b] = data[a:b][perm], indices[a:b][perm]
    return sparse.csr_matrix((data, indices, m.indptr.copy()), shape=(n, width))


def test_cosines_are_scipys_product() -> None:
    """Entries, their order and their bits are those of `(qm @ sm.T).tocoo()`."""
    rng = np.random.default_rng(0)
    for _ in range(300):
        width = int(rng.integers(1, 60))
        qm = _shuffled_rows(rng, int(rng.integers(1, 25)), width)
        sm = _shuffled_rows(rng, int(rng.integers(1, 40)), width)
        old = (qm @ sm.T).tocoo()
        new = cosines(
            (qm.data, qm.indices, qm.indptr), (sm.data, sm.indices, sm.indptr), width
        )
        assert new.row.tolist() == old.row.tolist()
        assert new.col.tolist() == old.col.tolist()
        assert new.data.tobytes() == old.data.tobytes()
