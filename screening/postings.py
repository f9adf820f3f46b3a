"""Word postings of the meaning layer, kept in the index's segments beside the passages.

Each segment holds, sorted by key, one (meaning key, document number) pair per distinct
content-word key of each document: 8 bytes per posting, about 1.5 bytes per corpus
character. A thesis is cut into windows of a few sentences; a document is a candidate
source when it holds a large, IDF-weighted share of some window's content words,
whatever their characters (synonyms share a key, translations are looked up as keys).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

__all__ = [
    "WORD_FIELDS",
    "Postings",
    "QueryWords",
    "build_postings",
    "merge_postings",
    "rank_documents",
    "window_shares",
    "sorted_unique",
]

WORD_FIELDS = ("word_keys", "word_docs")
MIN_WINDOW_WEIGHT = 12.0  # IDF-weighted words a window needs to retrieve by


@dataclass(frozen=True, slots=True)
class Postings:
    """Sorted meaning keys and the document number holding each."""

    keys: np.ndarray  # uint32 [n], sorted
    docs: np.ndarray  # int32 [n]

    @classmethod
    def empty(cls) -> Postings:
        """No postings (a segment written before the meaning layer)."""
        return cls(np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int32))

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        return int(self.keys.nbytes + self.docs.nbytes)


@dataclass(frozen=True, slots=True)
class QueryWords:
    """A thesis's content words as query entries: each entry is one key of one word.

    `window` and `word` number the entry's window and word (a word may have several
    keys: it is found when any of them is); `weight` is the word's evidence weight.
    """

    window: np.ndarray  # int64 per entry
    word: np.ndarray  # int64 per entry (global word number)
    key: np.ndarray  # uint32 per entry
    weight: np.ndarray  # float64 per word
    # int64 per word: its form (words of one form hold the same keys and weight),
    # so the documents holding it are looked up once; None: each word its own form.
    form: np.ndarray | None = None


def build_postings(docs: Sequence[int], keys: Sequence[np.ndarray]) -> Postings:
    """Postings of documents given their distinct keys, sorted by key."""
    if not docs:
        return Postings.empty()
    all_keys = np.concatenate([np.asarray(k, dtype=np.uint32) for k in keys])
    all_docs = np.concatenate(
        [np.full(len(k), d, dtype=np.int32) for d, k in zip(docs, keys, strict=True)]
    )
    order = np.lexsort((all_docs, all_keys))
    return Postings(all_keys[order], all_docs[order])


def merge_postings(parts: Sequence[Postings], alive: np.ndarray) -> Postings:
    """One sorted postings array of the live documents of `parts`."""
    keys = np.concatenate([np.asarray(p.keys) for p in parts] or [np.zeros(0)])
    docs = np.concatenate([np.asarray(p.docs) for p in parts] or [np.zeros(0)])
    keys = keys.astype(np.uint32)
    docs = docs.astype(np.int32)
    mask = alive[docs] if len(docs) else np.zeros(0, dtype=bool)
    keys, docs = keys[mask], docs[mask]
    order = np.lexsort((docs, keys))
    return Postings(keys[order], docs[order])


def _lookup(
    parts: Sequence[Postings], keys: np.ndarray, hard_cap: int, label: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(label of its entry, document number (as the postings hold it)) of every posting
    of the keys, and each key's df.

    Keys held by more than `hard_cap` documents are not expanded (too common to
    point at a source)."""
    # Each distinct key is looked up once, in sorted order: a thesis's words share
    # synonym-class keys, and sorted needles walk the postings' memory in order (at
    # 24 million postings, 4.6 ms a retrieval instead of 16.8 ms).
    distinct, back = np.unique(keys, return_inverse=True)
    back = back.ravel()
    df_distinct = np.zeros(len(distinct), dtype=np.int64)
    ranges = []
    for p in parts:
        lo = np.searchsorted(p.keys, distinct, side="left")
        hi = np.searchsorted(p.keys, distinct, side="right")
        df_distinct += hi - lo
        ranges.append((p, lo, hi))
    df = df_distinct[back]
    # Per entry, not per distinct key: the caller wants each entry's label repeated.
    wanted = df <= hard_cap
    e_all, d_all = [], []
    for p, lo, hi in ranges:
        counts = np.where(wanted, hi[back] - lo[back], 0)
        total = int(counts.sum())
        if total == 0:
            continue
        starts = np.repeat(lo[back] - np.cumsum(counts) + counts, counts)
        e_all.append(np.repeat(label, counts))
        d_all.append(np.asarray(p.docs)[starts + np.arange(total)])
    if not e_all:
        return label[:0], np.zeros(0, dtype=np.int32), df
    if len(e_all) == 1:
        return e_all[0], d_all[0], df
    return np.concatenate(e_all), np.concatenate(d_all), df


def _held(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> csr_matrix:
    """0/1 CSR matrix of the (row, column) pairs, each pair once however often given,
    columns sorted within a row: what `csr_matrix` from COO gives with its data set to
    1, without its sorting and summing of duplicates (the pairs come nearly sorted)."""
    packed = np.sort((rows << 32) | cols, kind="stable")  # timsort: sorted runs
    keep = np.empty(len(packed), dtype=bool)
    keep[:1] = True
    np.not_equal(packed[1:], packed[:-1], out=keep[1:])
    return _csr(packed[keep], np.ones(int(keep.sum())), shape)


def _summed(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, shape: tuple[int, int]
) -> csr_matrix:
    """CSR matrix of values summed per (row, column), columns sorted within a row, as
    `csr_matrix` from COO gives it: a cell's values are added one by one from 0 in
    the order given (so cells of equal values sum to the same float)."""
    packed = (rows << 32) | cols
    order = np.argsort(packed, kind="stable")
    ordered = packed[order]
    new = np.empty(len(ordered), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    cell = np.cumsum(new) - 1
    sums = np.bincount(cell, weights=values[order], minlength=int(new.sum()))
    return _csr(ordered[new], sums, shape)


def _csr(packed: np.ndarray, data: np.ndarray, shape: tuple[int, int]) -> csr_matrix:
    """CSR matrix of sorted distinct (row << 32 | column) cells, with 32-bit indices
    where they fit: SciPy would check and narrow wider ones itself, at a cost."""
    # SciPy is imported here, not at the top: `chengxin` starts without it.
    from scipy import sparse

    n_rows, n_cols = shape
    wide = max(n_cols, len(packed)) >= 2**31
    index = np.int64 if wide else np.int32
    starts = np.arange(n_rows + 1, dtype=np.int64) << 32
    indptr = np.searchsorted(packed, starts).astype(index)
    indices = (packed & 0xFFFFFFFF).astype(index)
    return sparse.csr_matrix((data, indices, indptr), shape=shape)


def _passing(
    indptr: np.ndarray, data: np.ndarray, totals: np.ndarray, min_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """(window, cell index) of the cells that may reach `min_share`, by a test with a
    margin far above rounding: most cells hold a word or two of a window, and
    dividing and rounding each of them was most of the share's time."""
    indptr = indptr.astype(np.int64)
    bar = totals * (min_share - 1e-9)
    # A window without substance shares 0: it passes only a bar of 0 or less.
    bar[totals < MIN_WINDOW_WEIGHT] = np.inf if min_share > 0 else -np.inf
    # Only the windows whose best cell clears the bar are looked at cell by cell.
    rows = np.flatnonzero(np.diff(indptr))
    if not len(rows):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    best = np.maximum.reduceat(data, indptr[rows])
    rows = rows[best >= bar[rows]]
    lo, hi = indptr[rows], indptr[rows + 1]
    count = hi - lo
    cell = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(count.sum())
    window = np.repeat(rows, count)
    keep = data[cell] >= bar[window]
    return window[keep], cell[keep]


def window_shares(
    parts: Sequence[Postings],
    query: QueryWords,
    *,
    alive: np.ndarray,
    df_cap: int,
    n_idf: int,
    min_share: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(window, document number, share) of every cell where a live document holds at
    least `min_share` of a window's informative content words, IDF-weighted over
    `n_idf` documents; a window without substance has share 0. Both retrievals rank
    from these cells (in window order, documents within a window in no set order).

    The documents holding a word are found once per word form (`QueryWords.form`), not
    once per occurrence, and the cells summed by one sparse product (windows x forms,
    weighted) @ (forms x documents held): sorting every (occurrence, document) pair of
    a long thesis was most of the retrieval's time.
    """
    n_docs = len(alive)
    empty = np.zeros(0, dtype=np.int64)
    if not len(query.key) or not n_docs:
        return empty, empty, np.zeros(0)
    n_words = len(query.weight)
    form = (
        np.arange(n_words, dtype=np.int64)
        if query.form is None
        else np.asarray(query.form, dtype=np.int64)
    )
    n_forms = int(form.max()) + 1
    # A form's keys are those of its first word (words of one form hold the same keys).
    first = np.full(n_forms, n_words, dtype=np.int64)
    np.minimum.at(first, form, np.arange(n_words, dtype=np.int64))
    rep = first[form[query.word]] == query.word
    rep_form = form[query.word[rep]]
    held_form, doc, df = _lookup(parts, query.key[rep], df_cap, rep_form)
    # A word's IDF is that of its rarest key; words all of whose keys are too common
    # (or unknown to the corpus) inform nothing and leave the window's total.
    idf_key = np.where(
        (df > 0) & (df <= df_cap), np.log((1.0 + n_idf) / (1.0 + df)) + 1.0, 0.0
    )
    idf_form = np.zeros(n_forms)
    np.maximum.at(idf_form, rep_form, idf_key)
    word_w = idf_form[form] * query.weight
    n_windows = int(query.window.max()) + 1
    word_window = np.zeros(n_words, dtype=np.int64)
    word_window[query.word] = query.window
    totals = np.bincount(word_window, weights=word_w, minlength=n_windows)
    if not alive.all():
        keep = alive[doc]
        held_form, doc = held_form[keep], doc[keep]
    if not len(doc):
        return empty, empty, np.zeros(0)
    # A form once per document, however many of its keys it holds.
    held = _held(held_form, doc, (n_forms, n_docs))
    weighted = word_w > 0
    said = _summed(
        word_window[weighted], form[weighted], word_w[weighted], (n_windows, n_forms)
    )
    cells = said @ held  # windows in order, documents in no set order
    c_window, cell = _passing(cells.indptr, cells.data, totals, min_share)
    c_doc = cells.indices[cell].astype(np.int64)
    # Rounded: the product sums a cell's words in another order than one by one, and
    # equal shares (a document holding a whole window) must stay equal for ranking.
    share = np.round(cells.data[cell] / np.maximum(totals[c_window], 1e-9), 12)
    # A window needs substance: a few informative words' worth of IDF.
    share[totals[c_window] < MIN_WINDOW_WEIGHT] = 0.0
    ok = share >= min_share
    return c_window[ok], c_doc[ok], share[ok]


def rank_documents(
    parts: Sequence[Postings],
    query: QueryWords,
    *,
    n_docs: int,
    alive: np.ndarray,
    df_cap: int,
    min_share: float,
    top_k: int,
) -> list[tuple[int, float, tuple[int, ...]]]:
    """(document number, summed share, the windows reaching `min_share`) of the
    documents holding at least `min_share` of some window's informative content words
    (IDF-weighted), best first.
    """
    c_window, c_doc, share = window_shares(
        parts, query, alive=alive, df_cap=df_cap, n_idf=n_docs, min_share=min_share
    )
    score: dict[int, float] = {}
    windows: dict[int, list[int]] = {}
    # Only the few cells reaching `min_share` come back (in the same order).
    for w, d, s in zip(c_window.tolist(), c_doc.tolist(), share.tolist(), strict=True):
        windows.setdefault(d, []).append(w)
        score[d] = score.get(d, 0.0) + s
    # Documents rank by the evidence of all their windows, not their best one.
    ranked = sorted(score.items(), key=lambda x: (-x[1], x[0]))[:top_k]
    return [(d, s, tuple(sorted(windows[d]))) for d, s in ranked]


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """`np.unique` by sorting: numpy 2's hashing `unique` takes seconds on the tens of
    millions of (word, document) pairs of a long thesis against a large corpus."""
    if not len(values):
        return values
    ordered = np.sort(values, kind="stable")  # timsort: the values come in sorted runs
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def df_cap_for(n_docs: int) -> int:
    """Keys held by more documents than this are too common to retrieve by."""
    return int(min(2000, max(20, math.ceil(0.02 * n_docs))))
