"""Word postings of the meaning layer: the ranking's building blocks."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from screening.postings import (
    MIN_WINDOW_WEIGHT,
    Postings,
    QueryWords,
    build_postings,
    sorted_unique,
    window_shares,
)


@pytest.mark.parametrize("n", [0, 1, 2, 50, 20_000])
def test_sorted_unique_is_numpys_unique(n: int) -> None:
    values = np.random.default_rng(n).integers(0, 3 * n + 1, n).astype(np.int64)

    got = sorted_unique(values)

    assert np.array_equal(got, np.unique(values)) and got.dtype == np.int64


def _shares_one_by_one(
    parts: list[Postings], query: QueryWords, alive: np.ndarray, df_cap: int
) -> dict[tuple[int, int], float]:
    """The cells' shares as the retrieval first computed them: each word occurrence's
    documents, each (occurrence, document) once, summed cell by cell."""
    n_idf = int(alive.sum())
    keys = np.concatenate([p.keys for p in parts])
    docs = np.concatenate([p.docs for p in parts])
    holders = [set(docs[keys == k].tolist()) for k in query.key.tolist()]
    df = np.array([len(h) for h in holders])
    idf_key = np.where(
        (df > 0) & (df <= df_cap), np.log((1.0 + n_idf) / (1.0 + df)) + 1.0, 0.0
    )
    n_words = len(query.weight)
    idf = np.zeros(n_words)
    np.maximum.at(idf, query.word, idf_key)
    word_w = idf * query.weight
    window = np.zeros(n_words, dtype=np.int64)
    window[query.word] = query.window
    totals = np.bincount(window, weights=word_w)
    held: dict[int, set[int]] = {}
    for e, word in enumerate(query.word.tolist()):
        if df[e] <= df_cap:
            held.setdefault(word, set()).update(d for d in holders[e] if alive[d])
    found: dict[tuple[int, int], float] = {}
    for word, ds in held.items():
        for d in ds:
            cell = (int(window[word]), d)
            found[cell] = found.get(cell, 0.0) + word_w[word]
    return {
        c: 0.0 if totals[c[0]] < MIN_WINDOW_WEIGHT else f / totals[c[0]]
        for c, f in found.items()
    }


@pytest.mark.parametrize("seed", range(6))
def test_window_shares_by_form_are_those_word_by_word(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_docs, n_forms = 40, 30
    form_keys = [
        rng.choice(60, rng.integers(1, 4), replace=False) for _ in range(n_forms)
    ]
    doc_keys = [np.unique(rng.integers(0, 60, 25)) for _ in range(n_docs)]
    parts = [
        build_postings(list(range(0, 20)), doc_keys[:20]),
        build_postings(list(range(20, n_docs)), doc_keys[20:]),
    ]
    # Words in windows (a form may occur twice in one window), each with its keys.
    form = rng.integers(0, n_forms, 90)
    window = np.sort(rng.integers(0, 8, 90))
    weight = np.where(form % 5 == 0, 2.0, 1.0)
    entries = [(w, k) for w, f in enumerate(form.tolist()) for k in form_keys[f]]
    query = QueryWords(
        window=window[[w for w, _ in entries]],
        word=np.array([w for w, _ in entries], dtype=np.int64),
        key=np.array([k for _, k in entries], dtype=np.uint32),
        weight=weight,
        form=form,
    )
    alive = rng.random(n_docs) > 0.1

    for q in (query, replace(query, form=None)):
        c_window, c_doc, share = window_shares(
            parts, q, alive=alive, df_cap=12, n_idf=int(alive.sum())
        )
        want = _shares_one_by_one(parts, q, alive, 12)
        cells = list(zip(c_window.tolist(), c_doc.tolist(), strict=True))
        assert sorted(cells) == sorted(want)
        assert np.allclose(share, [want[c] for c in cells])


def _shares_by_coo(
    parts: list[Postings], query: QueryWords, alive: np.ndarray, df_cap: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cells as `window_shares` summed them before it built its matrices in CSR
    form itself: SciPy's COO construction, duplicates summed, every cell returned."""
    from scipy import sparse

    n_docs, n_words = len(alive), len(query.weight)
    form = np.asarray(query.form, dtype=np.int64)
    n_forms = int(form.max()) + 1
    first = np.full(n_forms, n_words, dtype=np.int64)
    np.minimum.at(first, form, np.arange(n_words, dtype=np.int64))
    rep = first[form[query.word]] == query.word
    rep_form = form[query.word[rep]]
    keys = query.key[rep]
    df = np.array([sum(int(np.sum(p.keys == k)) for p in parts) for k in keys])
    pairs = [
        (f, d)
        for f, k, n in zip(rep_form.tolist(), keys.tolist(), df.tolist(), strict=True)
        if n <= df_cap
        for p in parts
        for d in p.docs[p.keys == k].tolist()
        if alive[d]
    ]
    n_idf = int(alive.sum())
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
    rows, cols = np.array(pairs, dtype=np.int64).reshape(-1, 2).T
    held = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), (n_forms, n_docs))
    held.data[:] = 1.0
    w = word_w > 0
    said = sparse.csr_matrix(
        (word_w[w], (word_window[w], form[w])), shape=(n_windows, n_forms)
    )
    cells = (said @ held).tocsr()
    c_window = np.repeat(np.arange(n_windows), np.diff(cells.indptr))
    share = np.round(cells.data / np.maximum(totals[c_window], 1e-9), 12)
    share[totals[c_window] < MIN_WINDOW_WEIGHT] = 0.0
    return c_window, cells.indices.astype(np.int64), share


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("min_share", [0.0, 0.3, 0.5])
@pytest.mark.parametrize("n_windows", [12, 60])  # 60: some windows without substance
def test_window_shares_are_scipys_coo_cells_to_the_bit(
    seed: int, min_share: float, n_windows: int
) -> None:
    # Weights of many digits and forms repeated within windows: equal float sums only
    # if each cell adds the same numbers in the same order as SciPy's construction.
    rng = np.random.default_rng(100 + seed)
    n_docs, n_forms = 60, 50
    form_keys = [
        rng.choice(40, rng.integers(1, 4), replace=False) for _ in range(n_forms)
    ]
    doc_keys = [np.unique(rng.integers(0, 40, 20)) for _ in range(n_docs)]
    parts = [
        build_postings(list(range(0, 25)), doc_keys[:25]),
        build_postings(list(range(25, n_docs)), doc_keys[25:]),
    ]
    form = rng.integers(0, n_forms, 200)
    window = np.sort(rng.integers(0, n_windows, 200))
    weight = (1.0 + rng.random(n_forms))[form]
    entries = [(w, k) for w, f in enumerate(form.tolist()) for k in form_keys[f]]
    query = QueryWords(
        window=window[[w for w, _ in entries]],
        word=np.array([w for w, _ in entries], dtype=np.int64),
        key=np.array([k for _, k in entries], dtype=np.uint32),
        weight=weight,
        form=form,
    )
    alive = rng.random(n_docs) > 0.1 if seed % 2 else np.ones(n_docs, dtype=bool)

    got = window_shares(
        parts,
        query,
        alive=alive,
        df_cap=25,
        n_idf=int(alive.sum()),
        min_share=min_share,
    )
    c_window, c_doc, share = _shares_by_coo(parts, query, alive, 25)
    ok = share >= min_share

    want = sorted(
        zip(c_window[ok].tolist(), c_doc[ok].tolist(), share[ok].tolist(), strict=True)
    )
    assert len(want) > 0 and (min_share > 0 or n_windows < 60 or 0.0 in share[ok])
    assert sorted(zip(*(a.tolist() for a in got), strict=True)) == want
    assert np.all(np.diff(got[0]) >= 0)  # windows in order
