"""The meaning aligner's numbers: each word's keys numbered once per pair of texts,
TF-ISF word weights and the sentences' key vectors, worked out with numpy rather than
word by word in Python (the aligner runs once per candidate source of every thesis).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from screening.postings import sorted_unique
from screening.semantic.words import Word

__all__ = [
    "LOOSE_CREDIT",
    "Columns",
    "KeyIds",
    "Weights",
    "columns",
    "key_ids",
    "sentence_matrix",
    "word_weights",
]

LOOSE_CREDIT = 0.6  # a match through a looser key (broader class, gloss, part)


@dataclass(slots=True)
class KeyIds:
    """The words' keys as numbers: each distinct tuple of keys (thesis words first, in
    order of first appearance) and each distinct key numbered once, so the per-word
    work of weighting and of the sentence matrices is numpy, not Python."""

    q: np.ndarray  # tuple number of each thesis word
    s: np.ndarray  # tuple number of each source word
    tuples: list[tuple[str, ...]]
    keys: list[str]
    start: np.ndarray  # each tuple's first slot in `flat`
    count: np.ndarray  # keys per tuple
    flat: np.ndarray  # key numbers, tuple by tuple

    def slots(self, words: np.ndarray) -> np.ndarray:
        """The `flat` slots of the given tuple numbers' keys, one word after another."""
        count = self.count[words]
        total = int(count.sum())
        first = self.start[words] - np.cumsum(count) + count
        return np.repeat(first, count) + np.arange(total, dtype=np.int64)


def key_ids(q_keys: list[tuple[str, ...]], s_keys: list[tuple[str, ...]]) -> KeyIds:
    """Number the tuples of keys of both sides and their keys."""
    number: dict[tuple[str, ...], int] = {}
    q = [number.setdefault(ks, len(number)) for ks in q_keys]
    s = [number.setdefault(ks, len(number)) for ks in s_keys]
    key_no: dict[str, int] = {}
    flat = [key_no.setdefault(k, len(key_no)) for ks in number for k in ks]
    count = np.array([len(ks) for ks in number], dtype=np.int64)
    return KeyIds(
        np.array(q, dtype=np.int64),
        np.array(s, dtype=np.int64),
        list(number),
        list(key_no),
        np.cumsum(count) - count,
        count,
        np.array(flat, dtype=np.int64),
    )


@dataclass(slots=True)
class Weights:
    """TF-ISF weights of each word of both sides, per key, and which thesis words are
    distinctive (found in few sentences of the two texts)."""

    q: list[float]
    s: list[float]
    isf: list[float]  # per key number (`KeyIds.keys`)
    distinctive: list[bool]


def word_weights(
    ids: KeyIds,
    q_words: list[Word],
    q_sent: np.ndarray,
    s_words: list[Word],
    s_sent: np.ndarray,
    n_sents: int,
) -> Weights:
    """Rare keys weigh more (inverse sentence frequency over both texts)."""
    n_keys = len(ids.keys)
    sf = np.zeros(n_keys, dtype=np.int64)
    for word_sent, words in ((q_sent, ids.q), (s_sent, ids.s)):
        slots = ids.slots(words)
        sent = np.repeat(word_sent, ids.count[words])
        if not len(slots):
            continue
        # Each key once per sentence it occurs in.
        cell = sorted_unique((sent - sent.min()) * n_keys + ids.flat[slots])
        sf += np.bincount(cell % n_keys, minlength=n_keys)
    counts = sf.tolist()
    log_of = {c: math.log((n_sents + 1) / (c + 1)) + 1.0 for c in set(counts)}
    isf = [log_of[c] for c in counts]
    rare = max(2, 0.15 * n_sents)
    # Each distinct tuple of keys is looked at once: its firm keys' best ISF, and
    # whether the rarest of them is in few sentences.
    top = np.zeros(len(ids.tuples))
    few = np.zeros(len(ids.tuples), dtype=bool)
    flat = ids.flat.tolist()
    for t, ks in enumerate(ids.tuples):
        first = int(ids.start[t])
        nums = flat[first : first + len(ks)]
        firm = [n for n, k in zip(nums, ks, strict=True) if not k.startswith("~")]
        firm = firm or nums
        top[t] = max(isf[n] for n in firm) if firm else 0.0
        few[t] = min((counts[n] for n in firm), default=0) <= rare
    q_weight = np.array([w.weight for w in q_words], dtype=np.float64)
    s_weight = np.array([w.weight for w in s_words], dtype=np.float64)
    term = np.array([w.kind == "term" for w in q_words], dtype=bool)
    return Weights(
        q=(q_weight * top[ids.q]).tolist(),
        s=(s_weight * top[ids.s]).tolist(),
        isf=isf,
        distinctive=(term | few[ids.q]).tolist(),
    )


@dataclass(slots=True)
class Columns:
    """Each key slot's matrix column and value (keys met in order, as a vocabulary)."""

    col: np.ndarray  # int32 per `KeyIds.flat` slot
    val: np.ndarray  # float64 per slot
    width: int


def columns(ids: KeyIds, isf: list[float]) -> Columns:
    """Columns numbered as keys are met (thesis words first), a looser key sharing its
    firm key's column at a lower credit."""
    vocab: dict[str, int] = {}
    col: list[int] = []
    val: list[float] = []
    for ks, first in zip(ids.tuples, ids.start.tolist(), strict=True):
        for n, k in enumerate(ks):
            vocab.setdefault(k, len(vocab))
            col.append(vocab.setdefault(k.lstrip("~"), len(vocab)))
            credit = LOOSE_CREDIT if k[0] == "~" else 1.0
            val.append(isf[int(ids.flat[first + n])] / len(ks) * credit)
    return Columns(
        np.array(col, dtype=np.int32), np.array(val, dtype=np.float64), len(vocab)
    )


def sentence_matrix(
    ids: KeyIds, words: np.ndarray, word_sent: np.ndarray, n_rows: int, cols: Columns
) -> Any:
    """Rows = sentences, columns = keys, ISF-weighted and L2-normalised (a CSR matrix)."""
    # SciPy is imported here, not at the top: `chengxin` starts without it (the fixed
    # cost of a screen run; tests/web/test_launch.py holds that).
    from scipy import sparse

    slots = ids.slots(words)
    rows = np.repeat(word_sent, ids.count[words]).astype(np.int32)
    # As many columns as keys met (not a fixed 2**22): scipy's products cost time in
    # proportion to the column count.
    mat = sparse.csr_matrix(
        (cols.val[slots].astype(np.float32), (rows, cols.col[slots])),
        shape=(n_rows, cols.width),
    )
    norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms).dot(mat).tocsr()
