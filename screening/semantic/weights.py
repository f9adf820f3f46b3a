"""The meaning aligner's numbers: each word's keys numbered once per pair of texts,
TF-ISF word weights and the sentences' key vectors, worked out with numpy rather than
word by word in Python (the aligner runs once per candidate source of every thesis).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from screening.semantic.words import TERM_WEIGHT, Word

__all__ = [
    "LOOSE_CREDIT",
    "Columns",
    "KeyIds",
    "Weights",
    "by_first_appearance",
    "columns",
    "key_ids",
    "sentence_matrices",
    "sentence_matrix",
    "sentence_rows",
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


_NEVER = np.iinfo(np.int64).max


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
        # Tuple numbers by identity (`ids` sorted, `id_numbers` alongside); `kept`
        # holds each tuple alive so that no other takes its id. Tuple n's key
        # numbers are t_flat[t_start[n]:][:t_count[n]].
        self.ids = np.zeros(0, dtype=np.uint64)
        self.id_numbers = np.zeros(0, dtype=np.int64)
        self.kept: list[tuple[str, ...]] = []
        self.t_start = np.zeros(1024, dtype=np.int64)
        self.t_count = np.zeros(1024, dtype=np.int64)
        self.t_flat = np.zeros(4096, dtype=np.int64)
        self.t_used = 0
        self._local = np.zeros(0, dtype=np.int64)
        self._first = np.zeros(0, dtype=np.int64)

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

    def scratch(self) -> np.ndarray:
        """A scratch array of -1 per key number (callers leave it so again)."""
        if len(self._local) < len(self.strings):
            self._local = np.full(len(self.loose), -1, dtype=np.int64)
            self._first = np.full(len(self.loose), _NEVER, dtype=np.int64)
        return self._local

    def first_met(self, numbers: np.ndarray) -> np.ndarray:
        """The distinct key numbers in order of first appearance (`np.unique` sorted
        all of them, several times per pair of texts)."""
        self.scratch()  # both scratch arrays as long as the keys
        first, at = self._first, np.arange(len(numbers), dtype=np.int64)
        np.minimum.at(first, numbers, at)
        out = numbers[first[numbers] == at]
        first[out] = _NEVER
        return out

    def tuple_numbers(
        self, ident: np.ndarray, rank: np.ndarray, tuples: list[tuple[str, ...]]
    ) -> np.ndarray:
        """The numbers here of the tuples whose ids are `ident` (sorted, distinct;
        `tuples[rank[k]]` has id `ident[k]`): its keys' numbers are then one slice of
        `t_flat`. Looked up in a sorted array of ids, not a dict: a dict of some ten
        thousand ids missed the cache on nearly every one of a source's words."""
        at = np.searchsorted(self.ids, ident)
        found = at < len(self.ids)
        found[found] = self.ids[at[found]] == ident[found]
        out = np.empty(len(ident), dtype=np.int64)
        out[found] = self.id_numbers[at[found]]
        new = np.flatnonzero(~found)
        if len(new):  # numbered in order of first appearance
            new = new[np.argsort(rank[new], kind="stable")]
            out[new] = [self._remember(tuples[r]) for r in rank[new].tolist()]
            fresh = np.argsort(ident[new], kind="stable")
            self.ids = np.insert(self.ids, at[new][fresh], ident[new][fresh])
            self.id_numbers = np.insert(
                self.id_numbers, at[new][fresh], out[new][fresh]
            )
        return out

    def _remember(self, keys: tuple[str, ...]) -> int:
        """Number a new tuple and append its keys' numbers to `t_flat`."""
        numbers = [self.key(k) for k in keys]
        n = len(self.kept)
        self.kept.append(keys)
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
    distinct, rank, firsts, word_no = by_first_appearance(ident)
    met = np.empty(len(rank), dtype=np.int64)  # tuples numbered as first met
    met[rank] = np.arange(len(rank), dtype=np.int64)
    tuples = list(map(both.__getitem__, firsts.tolist()))
    q, s = word_no[: len(q_keys)], word_no[len(q_keys) :]
    with _numbering:
        if max(len(_numbers.kept), len(_numbers.strings)) > _KeyNumbers.limit:
            _numbers = _KeyNumbers()
        reg = _numbers
        numbers = reg.tuple_numbers(distinct, rank, tuples)[met]
        count = reg.t_count[numbers]  # keys per tuple
        first_slot = reg.t_start[numbers] - np.cumsum(count) + count
        flat_all = reg.t_flat[
            np.repeat(first_slot, count) + np.arange(int(count.sum()))
        ]
        # Keys numbered here in the order first met (as a vocabulary would number
        # them), and a looser key's firm form that is no key here after them.
        in_order = reg.first_met(flat_all)
        n_keys = len(in_order)
        local = reg.scratch()
        local[in_order] = np.arange(n_keys, dtype=np.int64)
        flat = local[flat_all]
        firm_all = reg.firm[in_order]
        firm_form = local[firm_all]
        missing = np.flatnonzero(firm_form < 0)
        if len(missing):
            extra = reg.first_met(firm_all[missing])
            local[extra] = np.arange(n_keys, n_keys + len(extra), dtype=np.int64)
            firm_form[missing] = local[firm_all[missing]]
            local[extra] = -1
        local[in_order] = -1
        loose = reg.loose[in_order]
    return KeyIds(
        q,
        s,
        tuples,
        in_order,
        reg.strings,
        np.cumsum(count) - count,
        count,
        flat,
        loose,
        firm_form,
    )


def by_first_appearance(
    values: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct values (sorted), each one's number in order of first appearance,
    the positions where each first appears (in that order) and each value's number:
    `np.unique(..., return_index=True, return_inverse=True)` and an argsort did this
    with two stable sorts, one numpy's default sort does it."""
    n = len(values)
    perm = np.argsort(values)
    ordered = values[perm]
    new = np.empty(n, dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    at = np.minimum.reduceat(perm, starts) if n else starts  # each one's first place
    is_first = np.zeros(n, dtype=bool)
    is_first[at] = True
    rank = (np.cumsum(is_first) - 1)[at]
    numbers = np.empty(n, dtype=np.int64)
    numbers[perm] = rank[np.cumsum(new) - 1]
    return ordered[starts], rank, np.flatnonzero(is_first), numbers


@dataclass(slots=True)
class Weights:
    """TF-ISF weights of each word of both sides, per key, and which thesis words are
    distinctive (found in few sentences of the two texts)."""

    q: list[float]
    s: list[float]
    isf_key: np.ndarray  # per key number (`KeyIds.keys`)
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
        cell = _distinct((sent - sent.min()) * n_keys + ids.flat[slots])
        sf += np.bincount(cell % n_keys, minlength=n_keys)
    # One logarithm per distinct count, looked up by count (a list of thousands of
    # keys went through a dict, then back into an array).
    seen = np.flatnonzero(np.bincount(sf)).tolist()
    log_of = np.zeros(seen[-1] + 1 if seen else 0, dtype=np.float64)
    log_of[seen] = [math.log((n_sents + 1) / (c + 1)) + 1.0 for c in seen]
    isf_key = log_of[sf]
    rare = max(2, 0.15 * n_sents)
    # Each tuple's firm keys (its looser "~" ones only when it has no other): the
    # best ISF among them, and whether the rarest of them is in few sentences.
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
        isf_key=isf_key,
        distinctive=(term | few[ids.q]).tolist(),
    )


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted: numpy's default sort (vectorised; on 32 bits when
    they fit) took a third of the time of the stable one, numpy 2's hashing
    `np.unique` eight times as long."""
    if len(values) and int(values.max()) < 2**31 and int(values.min()) >= 0:
        values = values.astype(np.int32)
    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _terms(words: list[Word]) -> np.ndarray:
    """Which words are terms (numbers, formulas, Latin-script terms)."""
    return np.fromiter((w.kind == "term" for w in words), dtype=bool, count=len(words))


@dataclass(slots=True)
class Columns:
    """Each key slot's matrix column and value (keys met in order, as a vocabulary)."""

    col: np.ndarray  # int32 per `KeyIds.flat` slot
    val: np.ndarray  # float64 per slot
    width: int


def columns(ids: KeyIds, isf: list[float] | np.ndarray) -> Columns:
    """Columns numbered as keys are met (thesis words first), a looser key sharing its
    firm key's column at a lower credit."""
    # Each slot meets its key and then its firm form: a vocabulary numbers them in
    # that order of first appearance.
    met = np.empty(2 * len(ids.flat), dtype=np.int64)
    met[0::2] = ids.flat
    met[1::2] = ids.firm_form[ids.flat]
    top = int(met.max()) + 1 if len(met) else 0
    first, at = np.full(top, _NEVER, dtype=np.int64), np.arange(len(met))
    np.minimum.at(first, met, at)  # each key's first slot, without sorting them all
    in_order = met[first[met] == at]
    number = np.zeros(top, dtype=np.int64)
    number[in_order] = np.arange(len(in_order))
    per_tuple = np.repeat(ids.count, ids.count)
    credit = np.where(ids.loose[ids.flat], LOOSE_CREDIT, 1.0)
    val = np.asarray(isf, dtype=np.float64)[ids.flat] / per_tuple * credit
    col = number[ids.firm_form[ids.flat]].astype(np.int32)
    return Columns(col, val, len(in_order))


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


def sentence_matrices(
    ids: KeyIds, sides: list[tuple[np.ndarray, np.ndarray, int]], cols: Columns
) -> list[Any]:
    """`sentence_matrix` of each side (tuple numbers, their sentences, sentence count),
    all built as one matrix: scipy's fixed cost per matrix and per step was most of
    the cost of the small ones (`sentence_rows` does each step as it would)."""
    from scipy import sparse  # not at the top: see `sentence_matrix`

    if any(
        len(word_sent) and (word_sent.min() < 0 or word_sent.max() >= n_rows)
        for _, word_sent, n_rows in sides
    ):  # a word out of its rows: as `sentence_matrix` has it (an error)
        return [sentence_matrix(ids, w, ws, n, cols) for w, ws, n in sides]
    return [
        sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, cols.width))
        for data, indices, indptr in sentence_rows(ids, sides, cols)
    ]


def sentence_rows(
    ids: KeyIds, sides: list[tuple[np.ndarray, np.ndarray, int]], cols: Columns
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """`sentence_matrices` as each side's CSR arrays (data, indices, indptr), words
    inside their rows: every step is what `sentence_matrix` does row by row (same
    sums in the same order: the same bits)."""
    if any(
        len(word_sent) and (word_sent.min() < 0 or word_sent.max() >= n_rows)
        for _, word_sent, n_rows in sides
    ):  # as scipy refuses an entry out of its matrix
        raise ValueError("a word lies outside its side's sentences")
    heights = [n_rows for _, _, n_rows in sides]
    offsets = np.cumsum([0, *heights])
    slots = np.concatenate([ids.slots(words) for words, _, _ in sides])
    rows = np.concatenate(
        [
            np.repeat(word_sent + off, ids.count[words])
            for (words, word_sent, _), off in zip(sides, offsets.tolist(), strict=False)
        ]
    ).astype(np.int32)
    from scipy import sparse  # not at the top: see `sentence_matrix`

    mat = sparse.csr_matrix(
        (cols.val[slots].astype(np.float32), (rows, cols.col[slots])),
        shape=(int(offsets[-1]), cols.width),
    )
    data, indices, indptr = mat.data, mat.indices, mat.indptr
    # Row norms as `mat.multiply(mat).sum(axis=1)` takes them (one `reduceat`).
    squares = data * data
    norms = np.zeros(len(indptr) - 1, dtype=squares.dtype)
    nonempty = np.flatnonzero(np.diff(indptr))
    norms[nonempty] = np.add.reduceat(squares, indptr[nonempty])
    norms = np.sqrt(norms)
    norms[norms == 0] = 1.0
    # `diags(1 / norms).dot(mat)` scales each row and lists its entries backwards.
    row_of = np.repeat(np.arange(len(norms)), np.diff(indptr))
    back = indptr[row_of] + indptr[row_of + 1] - 1 - np.arange(len(data))
    scaled = np.empty_like(data)
    scaled[back] = (1.0 / norms)[row_of] * data
    columns_of = np.empty_like(indices)
    columns_of[back] = indices
    out = []
    for lo, hi in pairwise(offsets.tolist()):
        a, b = int(indptr[lo]), int(indptr[hi])
        out.append((scaled[a:b], columns_of[a:b], indptr[lo : hi + 1] - a))
    return out
