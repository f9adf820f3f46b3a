"""The meaning layer's retrieval windows: found by binary search, they are the windows
walking the sentences one by one gives."""

from __future__ import annotations

import numpy as np
import pytest

from screening.semantic.finder import _windows, _windows_walked


@pytest.mark.parametrize("seed", range(20))
def test_windows_are_those_walked_sentence_by_sentence(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 60))
    # Sentences in order, some long, some empty, with gaps between some.
    lengths = rng.choice([0, 1, 5, 30, 80, 300], n).tolist()
    gaps = rng.choice([0, 0, 2], n).tolist()
    sents, at = [], 0
    for length, gap in zip(lengths, gaps, strict=True):
        at += gap
        sents.append((at, at + length))
        at += length
    for width in (1, 60, 240):
        assert _windows(sents, width) == _windows_walked(sents, width)


def test_sentences_out_of_order_are_walked() -> None:
    sents = [(0, 50), (10, 20), (50, 400), (30, 40)]

    assert _windows(sents, 60) == _windows_walked(sents, 60)
