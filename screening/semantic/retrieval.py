"""Candidate sources window by window, over the index's word postings.

A thesis is long and a reused passage is a small part of it. Ranking documents by the
evidence summed over the whole thesis lets documents that share a little with many
windows (same field, same stock methods) crowd out the one document that holds most of
one window: the source of a rewritten passage. So each window keeps its own best few
documents, as PAN source retrieval queries chunk by chunk.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from screening.postings import (
    MIN_WINDOW_WEIGHT,
    Postings,
    QueryWords,
    sorted_unique,
    unique_inverse,
)

__all__ = ["window_candidates"]


def _postings_of(
    parts: Sequence[Postings], keys: np.ndarray, df_cap: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query entry, document) of every posting of the keys, and each key's df; keys
    held by more than `df_cap` documents are counted but not expanded."""
    df = np.zeros(len(keys), dtype=np.int64)
    spans = []
    for p in parts:
        lo = np.searchsorted(p.keys, keys, side="left")
        hi = np.searchsorted(p.keys, keys, side="right")
        df += hi - lo
        spans.append((p, lo, hi))
    entries, docs = [], []
    for p, lo, hi in spans:
        counts = np.where(df > df_cap, 0, hi - lo)
        total = int(counts.sum())
        if total == 0:
            continue
        entries.append(np.repeat(np.arange(len(keys)), counts))
        starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
        docs.append(np.asarray(p.docs)[starts + np.arange(total)].astype(np.int64))
    if not entries:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, df
    return np.concatenate(entries), np.concatenate(docs), df


def window_candidates(
    parts: Sequence[Postings],
    query: QueryWords,
    *,
    alive: np.ndarray,
    df_cap: int,
    min_share: float,
    per_window: int,
) -> dict[int, tuple[float, list[int]]]:
    """Document number -> (best window share, windows) of the `per_window` documents
    holding the largest IDF-weighted share (at least `min_share`) of each window's
    informative content words."""
    n_docs = len(alive)
    if not len(query.key) or not n_docs:
        return {}
    entry, doc, df = _postings_of(parts, query.key, df_cap)
    n_live = max(int(alive.sum()), 1)
    idf_key = np.where(
        (df > 0) & (df <= df_cap), np.log((1.0 + n_live) / (1.0 + df)) + 1.0, 0.0
    )
    n_words = len(query.weight)
    idf_word = np.zeros(n_words)
    np.maximum.at(idf_word, query.word, idf_key)
    word_w = idf_word * query.weight
    n_windows = int(query.window.max()) + 1
    word_window = np.zeros(n_words, dtype=np.int64)
    word_window[query.word] = query.window
    totals = np.bincount(word_window, weights=word_w, minlength=n_windows)
    keep = alive[doc]
    if not keep.any():
        return {}
    # Sort-based distinct values: numpy 2's hashing `unique` is slow on these arrays.
    pair = sorted_unique(query.word[entry[keep]] * np.int64(n_docs) + doc[keep])
    p_word, p_doc = pair // n_docs, pair % n_docs
    cells, inv = unique_inverse(word_window[p_word] * np.int64(n_docs) + p_doc)
    share = np.bincount(inv, weights=word_w[p_word]) / np.maximum(
        totals[cells // n_docs], 1e-9
    )
    # A window needs substance: a few informative words' worth of IDF.
    share[totals[cells // n_docs] < MIN_WINDOW_WEIGHT] = 0.0
    ok = share >= min_share
    c_window, c_doc, share = cells[ok] // n_docs, cells[ok] % n_docs, share[ok]
    order = np.lexsort((c_doc, -share, c_window))
    out: dict[int, tuple[float, list[int]]] = {}
    taken = 0
    last = -1
    for i in order.tolist():
        w = int(c_window[i])
        if w != last:
            last, taken = w, 0
        if taken >= per_window:
            continue
        taken += 1
        d = int(c_doc[i])
        best, wins = out.get(d, (0.0, []))
        wins.append(w)
        out[d] = (max(best, float(share[i])), wins)
    return out
