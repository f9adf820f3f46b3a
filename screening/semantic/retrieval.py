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

from screening.postings import Postings, QueryWords, window_shares

__all__ = ["window_candidates"]


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
    c_window, c_doc, share = window_shares(
        parts,
        query,
        alive=alive,
        df_cap=df_cap,
        n_idf=max(int(alive.sum()), 1),
        min_share=min_share,
    )
    order = np.lexsort((c_doc, -share, c_window))
    # Each window's first `per_window` cells in that order, picked at once: against a
    # corpus of one field many cells pass, and most were skipped one by one.
    ordered = c_window[order]
    at = np.arange(len(order))
    new = np.empty(len(order), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    order = order[at - np.maximum.accumulate(np.where(new, at, 0)) < per_window]
    out: dict[int, tuple[float, list[int]]] = {}
    for w, d, s in zip(
        c_window[order].tolist(),
        c_doc[order].tolist(),
        share[order].tolist(),
        strict=True,
    ):
        best, wins = out.get(d, (0.0, []))
        wins.append(w)
        out[d] = (max(best, s), wins)
    return out
