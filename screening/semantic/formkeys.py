"""Hashed query keys of the word forms theses have used, remembered across theses.

Theses repeat their field's words: each form's keys were looked up, filtered and hashed
string by string for every thesis, and then its small array found again in a
dictionary per retrieval, form by form. Here a thesis's forms are numbered at once,
for both retrievals, and each retrieval's keys of all of them gathered at once from
one flat array.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from screening.semantic.words import Word

__all__ = ["FormTable", "form_table"]

_LIMIT = 500_000  # forms remembered before starting afresh


class FormTable:
    """Numbers of the word forms met, and per kind of keys (memo) their hashed keys.

    A form is a word's text and kind, known here by its remembered tuple of native
    keys (`words.native_keys` keeps one per text and kind): the table holds each such
    tuple, so its identity is not taken by another while the table lives, and a
    thesis's forms are looked up at once by binary search of their tuples' ids, not
    one by one by (text, kind) strings. A text and kind whose tuple was made afresh
    (`native_keys` forgot it) is numbered anew.
    """

    def __init__(self, owner: object) -> None:
        self.owner = owner  # the lexicon the keys were looked up in
        self._ids = np.zeros(0, dtype=np.int64)  # ids of the kept tuples, sorted
        self._at = np.zeros(0, dtype=np.int64)  # the number of each of `_ids`
        self._kept: list[tuple[str, ...]] = []  # per number: its native keys tuple
        self._weight = np.zeros(0, dtype=np.float64)  # per number: its words' weight
        # memo -> (start in pool per form number (-1: not yet hashed), key count, pool)
        self._memos: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._lock = threading.Lock()  # threads screening at once share the table

    def __len__(self) -> int:
        """How many forms are numbered."""
        return len(self._kept)

    def numbers(
        self,
        ids: np.ndarray,
        words: Sequence[Word],
        native: Sequence[tuple[str, ...]],
        which: Sequence[int],
    ) -> tuple[np.ndarray, np.ndarray]:
        """The form numbers of words `which` (indices into `words` and `native`; `ids`:
        the `id` of each one's native keys tuple), numbering new forms on, and their
        weights (a word's weight follows from its form)."""
        ids = np.asarray(ids, dtype=np.int64)
        with self._lock:
            out = self._known(ids)
            miss = np.flatnonzero(out < 0)
            if len(miss):
                self._number_new(ids, miss, out, words, native, which)
            return out, self._weight[out]

    def _known(self, ids: np.ndarray) -> np.ndarray:
        """The numbers of the tuples of these ids, -1 for those not numbered yet."""
        out = np.full(len(ids), -1, dtype=np.int64)
        if len(self._ids):
            pos = np.minimum(np.searchsorted(self._ids, ids), len(self._ids) - 1)
            hit = self._ids[pos] == ids
            out[hit] = self._at[pos[hit]]
        return out

    def _number_new(
        self,
        ids: np.ndarray,
        miss: np.ndarray,
        out: np.ndarray,
        words: Sequence[Word],
        native: Sequence[tuple[str, ...]],
        which: Sequence[int],
    ) -> None:
        """Number the forms at `miss` on, in order of first appearance (into `out`)."""
        new_ids, first, back = np.unique(
            ids[miss], return_index=True, return_inverse=True
        )
        met = np.argsort(first, kind="stable")
        number = np.empty(len(new_ids), dtype=np.int64)
        number[met] = len(self._kept) + np.arange(len(new_ids), dtype=np.int64)
        out[miss] = number[back.ravel()]
        taken = miss[first[met]].tolist()
        self._kept.extend(native[which[n]] for n in taken)
        weights = [words[which[n]].weight for n in taken]
        self._weight = np.concatenate([self._weight, weights])
        at = np.searchsorted(self._ids, new_ids)
        self._ids = np.insert(self._ids, at, new_ids)
        self._at = np.insert(self._at, at, number)

    def hashes(
        self, memo: str, numbers: np.ndarray, compute: Callable[[int], np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(the forms' hashed keys one after another, each form's key count) under
        `memo`; `compute(n)` hashes the keys of the n-th form asked for, once."""
        with self._lock:
            starts, lens, pool = self._hashed(memo, numbers, compute)
        total = int(lens.sum())
        pos = np.repeat(starts - np.cumsum(lens) + lens, lens)
        return pool[pos + np.arange(total, dtype=np.int64)], lens

    def _hashed(
        self, memo: str, numbers: np.ndarray, compute: Callable[[int], np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where the forms' keys start in `memo`'s pool, how many each has, and the
        pool, the forms not yet hashed under `memo` hashed first."""
        start, count, pool = self._memos.get(memo, (_ints(0), _ints(0), _hashes(0)))
        if len(start) < len(self._kept):
            # Room for twice as many: theses bring new forms one after another.
            grow = max(len(self._kept), 2 * len(start)) - len(start)
            start = np.concatenate([start, np.full(grow, -1, dtype=np.int64)])
            count = np.concatenate([count, _ints(grow)])
        missing = np.flatnonzero(start[numbers] < 0).tolist()
        if missing:
            new: list[np.ndarray] = []
            at = len(pool)
            for n in missing:
                form = int(numbers[n])
                if start[form] >= 0:
                    continue  # a form asked for twice
                keys = np.asarray(compute(n), dtype=np.uint32)
                start[form], count[form] = at, len(keys)
                at += len(keys)
                new.append(keys)
            pool = np.concatenate([pool, *new])
        self._memos[memo] = (start, count, pool)
        return start[numbers], count[numbers], pool


def _ints(n: int) -> np.ndarray:
    """n zero int64s."""
    return np.zeros(n, dtype=np.int64)


def _hashes(n: int) -> np.ndarray:
    """n zero uint32 hashes."""
    return np.zeros(n, dtype=np.uint32)


_table: FormTable | None = None


def form_table(owner: object) -> FormTable:
    """The table of forms for keys looked up in `owner` (a lexicon): a new one when
    the lexicon changes or the table has grown past its limit."""
    global _table
    if _table is None or _table.owner is not owner or len(_table) > _LIMIT:
        _table = FormTable(owner)
    return _table
