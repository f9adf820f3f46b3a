"""The meaning aligner's numbers: each word's keys numbered once per pair of texts,
TF-ISF word weights and the sentences' key vectors, worked out with numpy rather than
word by word in Python (the aligner runs once per candidate source of every thesis).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from screening.postings import sorted_unique
from screening.semantic.words import TERM_WEIGHT, Word

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
    numbers: np.ndarray  # process-wide number of each key here (`keys` names them)
    names: list[str]  # the process-wide numbers' keys (only ever appended to)
    start: np.ndarray  # each tuple's first slot in `flat`
    count: np.ndarray  # keys per tuple
    flat: np.ndarray  # key numbers, tuple by tuple
    loose: np.ndarray  # bool per key: a looser key ("~")
    firm_form: np.ndarray  # per key, the number of the key without its "~"

    @property
    def keys(self) -> list[str]:
        """The keys, by their numbers here (named only when asked)."""
        return [self.names[g] for g in self.numbers.tolist()]

    def slots(self, words: np.ndarray) -> np.ndarray:
        """The `flat` slots of the given tuple numbers' keys, one word after another."""
        count = self.count[words]
        total = int(count.sum())
        first = self.start[words] - np.cumsum(count) + count
        return np.repeat(first, count) + np.arange(total, dtype=np.int64)


class _KeyNumbers:
    """Process-wide numbers of meaning keys, with whether each is looser ("~") and the
    number of its firm form, and each remembered tuple of keys as an array of them: a
    candidate source repeats the words of the last ones, and numbering their keys
    string by string for every pair of texts was most of aligning it."""

    limit = 400_000  # tuples or keys remembered before starting afresh

    def __init__(self) -> None:
        self.number: dict[str, int] = {}
        self.strings: list[str] = []
        self.loose = np.zeros(1024, dtype=bool)
        self.firm = np.zeros(1024, dtype=np.int64)
        # Tuple number by identity; `kept` holds each tuple alive so that no other
        # takes its id. Tuple n's key numbers are t_flat[t_start[n]:][:t_count[n]].
        self.tuples: dict[int, int] = {}
        self.kept: list[tuple[str, ...]] = []
        self.t_start = np.zeros(1024, dtype=np.int64)
        self.t_count = np.zeros(1024, dtype=np.int64)
        self.t_flat = np.zeros(4096, dtype=np.int64)
        self.t_used = 0

    def key(self, k: str) -> int:
        """The number of a key (numbered on first sight, its firm form too)."""
        n = self.number.get(k)
        if n is None:
            stripped = k.lstrip("~")
            firm = self.key(stripped) if stripped != k else -1
            n = self.number[k] = len(self.strings)
            self.strings.append(k)
            if n >= len(self.loose):
                self.loose = np.concatenate([self.loose, np.zeros_like(self.loose)])
                self.firm = np.concatenate([self.firm, np.zeros_like(self.firm)])
            self.loose[n] = k.startswith("~")
            self.firm[n] = n if firm < 0 else firm
        return n

    def tuple_numbers(self, tuples: list[tuple[str, ...]]) -> np.ndarray:
        """Each tuple's number here (remembered by identity): its keys' numbers are
        then one slice of `t_flat`, gathered for all tuples at once."""
        get = self.tuples.get
        out = [get(id(keys), -1) for keys in tuples]
        new = [i for i, n in enumerate(out) if n < 0]
        for i in new:
            keys = tuples[i]
            n = self.tuples.get(id(keys), -1)  # a tuple met twice in this list
            if n < 0:
                n = self._remember(keys)
            out[i] = n
        return np.array(out, dtype=np.int64)

    def _remember(self, keys: tuple[str, ...]) -> int:
        """Number a new tuple and append its keys' numbers to `t_flat`."""
        numbers = [self.key(k) for k in keys]
        n = len(self.kept)
        self.kept.append(keys)
        self.tuples[id(keys)] = n
        if n >= len(self.t_start):
            self.t_start = np.concatenate([self.t_start, np.zeros_like(self.t_start)])
            self.t_count = np.concatenate([self.t_count, np.zeros_like(self.t_count)])
        end = self.t_used + len(numbers)
        while end > len(self.t_flat):
            self.t_flat = np.concatenate([self.t_flat, np.zeros_like(self.t_flat)])
        self.t_flat[self.t_used : end] = numbers
        self.t_start[n], self.t_count[n] = self.t_used, len(numbers)
        self.t_used = end
        return n


_numbers = _KeyNumbers()
_numbering = threading.Lock()  # threads screening at once share the numbers


def key_ids(q_keys: list[tuple[str, ...]], s_keys: list[tuple[str, ...]]) -> KeyIds:
    """Number the tuples of keys of both sides and their keys (keys in the order met,
    thesis words first; a looser key's firm form that is no key here after them)."""
    global _numbers
    # By identity: a word's keys are one remembered tuple per distinct word
    # (`words.native_keys`), and identity is cheaper than hashing a tuple of strings.
    # Two equal tuples numbered apart would weigh alike and add no key twice.
    both = q_keys + s_keys
    ident = np.fromiter(map(id, both), dtype=np.uint64, count=len(both))
    _, at, inv = np.unique(ident, return_index=True, return_inverse=True)
    met = np.argsort(at, kind="stable")  # tuples numbered in order of first appearance
    rank = np.empty(len(at), dtype=np.int64)
    rank[met] = np.arange(len(at), dtype=np.int64)
    tuples = [both[i] for i in at[met].tolist()]
    word_no = rank[inv.ravel()]
    q, s = word_no[: len(q_keys)], word_no[len(q_keys) :]
    with _numbering:
        if max(len(_numbers.tuples), len(_numbers.strings)) > _KeyNumbers.limit:
            _numbers = _KeyNumbers()
        reg = _numbers
        numbers = reg.tuple_numbers(tuples)
        t_count = reg.t_count[numbers]
        first_slot = reg.t_start[numbers] - np.cumsum(t_count) + t_count
        flat_all = reg.t_flat[
            np.repeat(first_slot, t_count) + np.arange(int(t_count.sum()))
        ]
    count = t_count  # keys per tuple
    # Keys numbered here in the order first met (as a vocabulary would number them).
    uniq, first, inv = np.unique(flat_all, return_index=True, return_inverse=True)
    met = np.argsort(first, kind="stable")
    local = np.empty(len(uniq), dtype=np.int64)
    local[met] = np.arange(len(uniq), dtype=np.int64)
    flat = local[inv.ravel()]
    in_order = uniq[met]  # process-wide number of each key here
    n_keys = len(in_order)
    # A looser key's firm form may be no key of these texts: numbered after them.
    firm_all = reg.firm[in_order]
    pos = np.minimum(np.searchsorted(uniq, firm_all), max(len(uniq) - 1, 0))
    here = uniq[pos] == firm_all if len(uniq) else np.zeros(0, dtype=bool)
    firm_form = np.where(here, local[pos] if len(uniq) else pos, -1)
    missing = np.flatnonzero(~here)
    if len(missing):
        _, m_first, m_inv = np.unique(
            firm_all[missing], return_index=True, return_inverse=True
        )
        m_rank = np.empty(len(m_first), dtype=np.int64)
        m_rank[np.argsort(m_first, kind="stable")] = np.arange(len(m_first))
        firm_form[missing] = n_keys + m_rank[m_inv.ravel()]
    return KeyIds(
        q,
        s,
        tuples,
        in_order,
        reg.strings,
        np.cumsum(count) - count,
        count,
        flat,
        reg.loose[in_order],
        firm_form.astype(np.int64),
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
    n_keys = len(ids.numbers)
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
    # Each tuple's firm keys (its looser "~" ones only when it has no other): the
    # best ISF among them, and whether the rarest of them is in few sentences.
    isf_key = np.array(isf, dtype=np.float64)
    tuple_of = np.repeat(np.arange(len(ids.tuples)), ids.count)
    loose = ids.loose[ids.flat]
    has_firm = np.zeros(len(ids.tuples), dtype=bool)
    has_firm[tuple_of[~loose]] = True
    firm = ~loose | ~has_firm[tuple_of]
    top = np.full(len(ids.tuples), -np.inf)
    np.maximum.at(top, tuple_of[firm], isf_key[ids.flat[firm]])
    rarest = np.full(len(ids.tuples), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(rarest, tuple_of[firm], sf[ids.flat[firm]])
    empty = ids.count == 0
    top[empty], rarest[empty] = 0.0, 0
    few = rarest <= rare
    term = _terms(q_words)
    q_weight = np.where(term, TERM_WEIGHT, 1.0)  # `Word.weight`, all at once
    s_weight = np.where(_terms(s_words), TERM_WEIGHT, 1.0)
    return Weights(
        q=(q_weight * top[ids.q]).tolist(),
        s=(s_weight * top[ids.s]).tolist(),
        isf=isf,
        distinctive=(term | few[ids.q]).tolist(),
    )


def _terms(words: list[Word]) -> np.ndarray:
    """Which words are terms (numbers, formulas, Latin-script terms)."""
    return np.fromiter((w.kind == "term" for w in words), dtype=bool, count=len(words))


@dataclass(slots=True)
class Columns:
    """Each key slot's matrix column and value (keys met in order, as a vocabulary)."""

    col: np.ndarray  # int32 per `KeyIds.flat` slot
    val: np.ndarray  # float64 per slot
    width: int


def columns(ids: KeyIds, isf: list[float]) -> Columns:
    """Columns numbered as keys are met (thesis words first), a looser key sharing its
    firm key's column at a lower credit."""
    # Each slot meets its key and then its firm form: a vocabulary numbers them in
    # that order of first appearance.
    met = np.empty(2 * len(ids.flat), dtype=np.int64)
    met[0::2] = ids.flat
    met[1::2] = ids.firm_form[ids.flat]
    distinct, first = np.unique(met, return_index=True)
    number = np.zeros(int(distinct.max()) + 1 if len(distinct) else 0, dtype=np.int64)
    number[distinct[np.argsort(first)]] = np.arange(len(distinct))
    per_tuple = np.repeat(ids.count, ids.count)
    credit = np.where(ids.loose[ids.flat], LOOSE_CREDIT, 1.0)
    val = np.array(isf, dtype=np.float64)[ids.flat] / per_tuple * credit
    col = number[ids.firm_form[ids.flat]].astype(np.int32)
    return Columns(col, val, len(distinct))


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
