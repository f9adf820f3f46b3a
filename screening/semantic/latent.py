"""Latent meaning: a TruncatedSVD over the corpus's TF-IDF of content-word keys.

A heavy rewrite (降重) keeps what a passage says but not many of its words, so a window
of it may hold too small a share of its source's words for the word postings to point
at the source. Words that occur in the same documents of the corpus fall on the same
latent dimensions, so the rewrite and its source stay close there. The space is
trained from the index's own word postings (nothing is segmented again, nothing is
downloaded), lazily on a process's first query, and kept while the index is unchanged.
It only proposes candidate sources: the sentence aligner still has to find, and
explain, a passage before anything is reported.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from screening.postings import Postings, QueryWords, merge_postings

__all__ = ["LatentSpace", "cached_space", "latent_neighbours", "train_latent"]

DIMS = 128  # latent dimensions (LSA's usual range is 100-300)
MIN_DF = 2  # a key held by one document links nothing


@dataclass(frozen=True, slots=True)
class LatentSpace:
    """The vocabulary (sorted key hashes) with IDF, its projection, and unit document
    vectors by document number (zero rows for removed documents)."""

    keys: np.ndarray  # uint32 [n_keys], sorted
    idf: np.ndarray  # float32 [n_keys]
    basis: np.ndarray  # float32 [n_keys, dims]
    vectors: np.ndarray  # float32 [n_docs, dims]

    @property
    def nbytes(self) -> int:
        """Bytes held in memory."""
        return int(
            self.keys.nbytes + self.idf.nbytes + self.basis.nbytes + self.vectors.nbytes
        )


def train_latent(
    parts: Sequence[Postings],
    alive: np.ndarray,
    *,
    df_cap: int,
    dims: int = DIMS,
) -> LatentSpace | None:
    """The latent space of the live documents' keys; None for a corpus too small to
    learn dimensions from."""
    merged = merge_postings(parts, alive)
    n_docs = len(alive)
    if int(alive.sum()) < 4 * dims or not len(merged.keys):
        return None
    vocab, inverse, counts = np.unique(
        merged.keys, return_inverse=True, return_counts=True
    )
    keep = (counts >= MIN_DF) & (counts <= df_cap)
    if int(keep.sum()) < 4 * dims:
        return None
    col = np.cumsum(keep) - 1
    n_live = int(alive.sum())
    idf = (np.log((1.0 + n_live) / (1.0 + counts[keep])) + 1.0).astype(np.float32)
    used = keep[inverse]
    cols = col[inverse[used]]
    # scikit-learn and SciPy are imported here, not at the top: `chengxin` starts
    # without them (tests/web/test_launch.py holds the fixed cost of a screen run).
    from scipy import sparse
    from sklearn.decomposition import TruncatedSVD

    mat = sparse.csr_matrix(
        (idf[cols], (merged.docs[used].astype(np.int64), cols)),
        shape=(n_docs, len(idf)),
    )
    mat = _unit_rows(mat)
    svd = TruncatedSVD(n_components=dims, algorithm="randomized", random_state=0)
    vectors = svd.fit_transform(mat).astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    vectors[~alive] = 0.0
    return LatentSpace(
        vocab[keep].astype(np.uint32),
        idf,
        np.ascontiguousarray(svd.components_.T, dtype=np.float32),
        vectors,
    )


def _unit_rows(mat):  # type: ignore[no-untyped-def]
    """Rows scaled to unit length (cosine geometry)."""
    from scipy import sparse  # see train_latent

    norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms).dot(mat).tocsr()


def latent_neighbours(
    space: LatentSpace,
    query: QueryWords,
    *,
    per_window: int,
    min_cos: float,
    alive: np.ndarray,
) -> dict[int, tuple[float, list[int]]]:
    """Document number -> (best cosine, windows) of the `per_window` documents nearest
    each query window in the latent space, at `min_cos` or more."""
    from scipy import sparse  # see train_latent

    if not len(query.key):
        return {}
    pos = np.minimum(np.searchsorted(space.keys, query.key), len(space.keys) - 1)
    known = space.keys[pos] == query.key
    n_windows = int(query.window.max()) + 1
    vals = space.idf[pos[known]] * query.weight[query.word[known]]
    qmat = sparse.csr_matrix(
        (vals, (query.window[known], pos[known])),
        shape=(n_windows, len(space.keys)),
    )
    qvec = np.asarray(qmat @ space.basis, dtype=np.float32)
    qvec /= np.maximum(np.linalg.norm(qvec, axis=1, keepdims=True), 1e-9)
    out: dict[int, tuple[float, list[int]]] = {}
    for lo in range(0, n_windows, 256):
        sims = qvec[lo : lo + 256] @ space.vectors.T
        sims[:, ~alive] = -1.0
        k = min(per_window, sims.shape[1])
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        for r, docs in enumerate(top.tolist()):
            for d in docs:
                c = float(sims[r, d])
                if c < min_cos:
                    continue
                best, wins = out.get(d, (0.0, []))
                wins.append(lo + r)
                out[d] = (max(best, c), wins)
    return out


_SPACES: weakref.WeakKeyDictionary[object, tuple[object, LatentSpace | None]] = (
    weakref.WeakKeyDictionary()
)


def cached_space(
    owner: object, stamp: object, build: Callable[[], LatentSpace | None]
) -> LatentSpace | None:
    """The space kept for `owner` (an index) while its `stamp` is unchanged, else built
    again with `build()`."""
    held = _SPACES.get(owner)
    if held is not None and held[0] == stamp:
        return held[1]
    space = build()
    _SPACES[owner] = (stamp, space)
    return space
