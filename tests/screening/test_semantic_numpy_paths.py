"""The meaning layer's numpy shortcuts (every candidate source of a thesis goes through
them) decide exactly as the plain Python rules they replaced."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from screening.normalize import normalize
from screening.semantic.align import _bucket, _near_sentences
from screening.semantic.words import is_chinese
from screening.tokenize import sentences
from tests.chinese_text import chinese_paragraph, random_chinese
from tests.screening.rewrites import ENGLISH_SOURCE, REWRITE, SAME_TOPIC, SOURCE


def _near_by_sets(
    text: str,
    sents: list[tuple[int, int]],
    near: str,
    min_share: float = 0.15,
    neighbour_share: float = 0.25,
) -> list[tuple[int, int]]:
    """The rule as first written: bigram sets, sentence by sentence (a firm hit keeps
    its neighbours too)."""
    grams = {near[i : i + 2] for i in range(len(near) - 1)}
    keep: set[int] = set()
    for i, (s, e) in enumerate(sents):
        own = {text[j : j + 2] for j in range(s, e - 1)}
        shared = len(own & grams)
        if own and shared >= min_share * len(own):
            keep.add(i)
            if shared >= neighbour_share * len(own):
                keep.update((i - 1, i + 1))
    return [sents[i] for i in sorted(keep) if 0 <= i < len(sents)]


@pytest.mark.parametrize(
    "near",
    [REWRITE, SAME_TOPIC, "", "降", random_chinese(3, 120), ENGLISH_SOURCE[:300]],
)
def test_near_sentences_by_numbers_are_those_by_sets(near: str) -> None:
    text = normalize(
        chinese_paragraph(7, 20)
        + "\n"
        + SOURCE
        + "\n𠀀𠀁 甲。"
        + random_chinese(5, 400)
    ).text
    sents = sentences(text, max_chars=200)

    got = _near_sentences(text, sents, near)

    assert got == _near_by_sets(text, sents, near)
    assert _near_sentences(text, [], near) == []


_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z]")


@pytest.mark.parametrize(
    "text",
    [SOURCE, ENGLISH_SOURCE, "", "abc 中文", "中文 abcdefg", "ABC 𠀀 é ü", "1234"],
)
def test_is_chinese_counts_as_the_patterns_did(text: str) -> None:
    sample = text[:20_000]
    cjk, latin = len(_CJK.findall(sample)), len(_LATIN.findall(sample))

    assert is_chinese(text) == (cjk >= 0.25 * (cjk + latin) and cjk > 0)


def test_near_sentences_tell_apart_bigrams_of_one_bucket() -> None:
    """Bigrams the passage puts in one bucket, and text bigrams of its buckets that
    the passage lacks, are decided as by sets."""
    rng = random.Random(5)
    by_bucket: dict[int, list[str]] = {}
    while sum(len(ps) >= 2 for ps in by_bucket.values()) < 30:
        pair = "".join(chr(rng.randrange(0x4E00, 0x4E00 + 3000)) for _ in range(2))
        code = (ord(pair[0]) << 21) | ord(pair[1])
        bucket = int(_bucket(np.array([code], dtype=np.int64))[0])
        by_bucket.setdefault(bucket, []).append(pair)
    crowded = [p for ps in by_bucket.values() if len(ps) >= 2 for p in ps]
    near = "，".join(crowded[::2])
    # Each pair a sentence of its own (the pair repeated), between sentences of
    # other characters: its one bigram with the passage decides whether it is kept.
    filler = "".join(chr(0x6000 + k) for k in range(30))
    text = normalize("".join(f"{p * 8}。{filler}。" for p in crowded)).text
    sents = sentences(text, max_chars=200)

    assert _near_sentences(text, sents, near) == _near_by_sets(text, sents, near)
