"""The sentence cosines of a pair of texts, as scipy's sparse product gives them but
without its conversions and checks: a thesis region holds a few dozen sentences, and
scipy's fixed cost per step (transpose, product, COO) was most of multiplying them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Cosines", "Rows", "cosines"]

# Above this many sentence pairs scipy multiplies (a dense scratch row per pair would
# cost more than scipy's fixed steps save).
DENSE_CELLS = 1 << 16


# A CSR matrix's arrays: data, indices, indptr.
Rows = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True, slots=True)
class Cosines:
    """Nonzero cosines as COO entries: thesis sentence, source sentence, value."""

    row: np.ndarray
    col: np.ndarray
    data: np.ndarray


def cosines(qm: Rows, sm: Rows, width: int) -> Cosines:
    """`(qm @ sm.T).tocoo()` of two CSR matrices given as (data, indices, indptr),
    `width` columns: the same entries, in the same order, to the same bits (scipy's
    `csr_matmat`, step by step, in numpy)."""
    q_val, q_key, q_ptr = qm
    s_val, s_key, s_ptr = sm
    n_q, n_s = len(q_ptr) - 1, len(s_ptr) - 1
    if n_q * n_s > DENSE_CELLS or q_val.dtype != s_val.dtype:
        from scipy import sparse  # not at the top: `chengxin` starts without it

        a, b = (sparse.csr_matrix(m, shape=(len(m[2]) - 1, width)) for m in (qm, sm))
        coo = (a @ b.T).tocoo()
        return Cosines(coo.row, coo.col, coo.data)
    # scipy turns `sm.T` into CSR: each key's entries in source-row order (stable).
    by_key = np.argsort(s_key, kind="stable")
    key_count = np.bincount(s_key, minlength=width)
    key_start = np.cumsum(key_count) - key_count
    s_row = np.repeat(np.arange(n_s, dtype=np.int64), np.diff(s_ptr))
    q_row = np.repeat(np.arange(n_q, dtype=np.int64), np.diff(q_ptr))
    # Each thesis entry, in stored order, against its key's source entries: the
    # products in the order `csr_matmat` adds them.
    count = key_count[q_key]
    total = int(count.sum())
    first = np.repeat(key_start[q_key] - np.cumsum(count) + count, count)
    hit = by_key[first + np.arange(total, dtype=np.int64)]
    cell = np.repeat(q_row, count) * n_s + s_row[hit]
    prod = np.repeat(q_val, count) * s_val[hit]
    # Added one by one in that order, in the matrices' own precision (as scipy's
    # accumulator is): `np.add.at` adds sequentially, a reduction pairwise.
    sums = np.zeros(n_q * n_s, dtype=prod.dtype)
    np.add.at(sums, cell, prod)
    touch = np.full(n_q * n_s, total, dtype=np.int64)
    np.minimum.at(touch, cell, np.arange(total, dtype=np.int64))
    met = np.flatnonzero(touch < total)
    met = met[sums[met] != 0]  # scipy keeps no zero sum
    # Within a row scipy lists the sentences from the one first met last (its list
    # of sentences met grows at the head).
    met = met[np.lexsort((-touch[met], met // n_s))]
    return Cosines(met // n_s, met % n_s, sums[met])
