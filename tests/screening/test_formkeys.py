"""The table of word forms' hashed keys: what it gathers is what hashing each form's
keys anew and concatenating them gives, however the forms were met before."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from screening.semantic.formkeys import FormTable, form_table
from screening.semantic.words import Word


def _keys(form: tuple[str, str], memo: str) -> np.ndarray:
    """Some hashed keys of a form, none for some forms, differing by memo."""
    seed = sum(map(ord, form[0] + form[1] + memo))
    return np.random.default_rng(seed).integers(0, 2**32, seed % 4, dtype=np.uint32)


@pytest.mark.parametrize("seed", range(5))
def test_gathered_keys_are_those_hashed_anew(seed: int) -> None:
    rng = np.random.default_rng(seed)
    vocabulary = [(f"w{i}", ("zh", "term")[i % 2]) for i in range(40)]
    # Each form's remembered native keys: one tuple per text and kind.
    native_of = {form: (f"w:{form[0]}", "c:x") for form in vocabulary}
    table = FormTable(owner=None)
    asked: list[int] = []
    numbered: set[tuple[tuple[str, str], int]] = set()
    for _ in range(6):  # theses sharing some forms, one form twice
        chosen = rng.choice(len(vocabulary), rng.integers(0, 15), replace=False)
        forms = [vocabulary[i] for i in chosen.tolist()]
        forms += forms[:1]
        words = [Word(t, 0, 1, k) for t, k in forms]
        native = [native_of[f] for f in forms]
        numbers, weight = table.numbers(
            np.array([id(t) for t in native]), words, native, range(len(forms))
        )
        assert weight.tolist() == [Word(t, 5, 9, k).weight for t, k in forms]
        numbered.update(zip(forms, numbers.tolist(), strict=True))
        for memo in ("firm", "to-en"):

            def compute(n: int, memo: str = memo, forms: list = forms) -> np.ndarray:
                asked.append(n)
                return _keys(forms[n], memo)

            flat, lens = table.hashes(memo, numbers, compute)
            want = [_keys(f, memo) for f in forms]
            assert lens.tolist() == [len(k) for k in want]
            assert flat.dtype == np.uint32
            assert flat.tolist() == np.concatenate([np.zeros(0), *want]).tolist()
    # Each form numbered once, and hashed once per memo.
    assert len(table) == len({f for f, _ in numbered}) and len(set(numbered)) == len(
        table
    )
    assert len(asked) <= 2 * len(vocabulary)


def test_a_new_lexicon_starts_a_new_table() -> None:
    a, b = object(), object()

    assert form_table(a) is form_table(a)
    assert form_table(b) is not form_table(a)


def test_threads_numbering_at_once_get_each_form_its_keys() -> None:
    vocabulary = [(f"w{i}", "zh") for i in range(300)]
    native_of = {form: (f"w:{form[0]}",) for form in vocabulary}
    table = FormTable(owner=None)

    def thesis(seed: int) -> bool:
        rng = np.random.default_rng(seed)
        forms = [vocabulary[i] for i in rng.permutation(len(vocabulary))[:120]]
        native = [native_of[f] for f in forms]
        numbers, _ = table.numbers(
            np.array([id(t) for t in native]),
            [Word(t, 0, 1, k) for t, k in forms],
            native,
            range(len(forms)),
        )
        flat, _ = table.hashes("firm", numbers, lambda n: _keys(forms[n], "firm"))
        want = np.concatenate([np.zeros(0), *(_keys(f, "firm") for f in forms)])
        return flat.tolist() == want.tolist()

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(thesis, range(64)))
    assert len(table) == len(vocabulary)
