"""Hashed query keys of the word forms theses have used, remembered across theses.

Theses repeat their field's words: each form's keys were looked up, filtered and hashed
string by string for every thesis, and then its small array found again in a
dictionary per retrieval, form by form. Here a form (text, kind) is numbered once per
thesis, for both retrievals, and each retrieval's keys of all its forms are gathered
from one flat array at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["FormTable", "form_table"]

_LIMIT = 500_000  # forms remembered before starting afresh


class FormTable:
    """Numbers of the word forms met, and per kind of keys (memo) their hashed keys."""

    def __init__(self, owner: object) -> None:
        self.owner = owner  # the lexicon the keys were looked up in
        self._number: dict[tuple[str, str], int] = {}
        # memo -> (start in pool per form number (-1: not yet hashed), key count, pool)
        self._memos: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def __len__(self) -> int:
        """How many forms are numbered."""
        return len(self._number)

    def numbers(self, forms: Sequence[tuple[str, str]]) -> np.ndarray:
        """Each form's number, numbering new ones on (one `dict.get` pass: most forms
        of a thesis were met before)."""
        known = self._number
        out = list(map(known.get, forms))
        for n, found in enumerate(out):
            if found is None:
                out[n] = known.setdefault(forms[n], len(known))
        return np.array(out, dtype=np.int64)

    def hashes(
        self, memo: str, numbers: np.ndarray, compute: Callable[[int], np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(the forms' hashed keys one after another, each form's key count) under
        `memo`; `compute(n)` hashes the keys of the n-th form asked for, once."""
        start, count, pool = self._memos.get(memo, (_ints(0), _ints(0), _hashes(0)))
        if len(start) < len(self._number):
            grow = len(self._number) - len(start)
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
        lens = count[numbers]
        total = int(lens.sum())
        pos = np.repeat(start[numbers] - np.cumsum(lens) + lens, lens)
        return pool[pos + np.arange(total, dtype=np.int64)], lens


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
