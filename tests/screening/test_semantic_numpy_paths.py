"""The meaning layer's numpy shortcuts (every candidate source of a thesis goes through
them) decide exactly as the plain Python rules they replaced."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from screening.normalize import normalize
from screening.semantic.align import (
    MeaningSide,
    _bucket,
    _near_sentences,
    covered_sentences,
    prepare,
)
from screening.semantic.lexicon import get_lexicon
from screening.semantic.words import is_chinese, projected_keys
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


def _covered_one_by_one(side: MeaningSide, skip: list[tuple[int, int]]) -> set[int]:
    """The rule as first written: each sentence's overlap with each span, summed."""
    to_orig = side.norm.to_original
    out: set[int] = set()
    for i, (s0, e0) in enumerate(side.sents):
        s, e = int(to_orig[s0]), int(to_orig[e0 - 1]) + 1
        inside = sum(
            max(0, min(e, b) - max(s, a)) for a, b in sorted(skip) if a < e and b > s
        )
        if 2 * inside > e - s:
            out.add(i)
    return out


def test_covered_sentences_by_numbers_are_those_one_by_one() -> None:
    """Overlapping, empty, inverted and outlying spans counted as the loop did."""
    rng = random.Random(3)
    side = prepare(normalize(" 甲，乙。\n" + SOURCE + "\n\n" + random_chinese(9, 600)))
    n = len(side.norm.to_original)
    for _ in range(200):
        skip = []
        for _ in range(rng.randrange(1, 12)):
            a = rng.randrange(-5, n + 5)
            skip.append((a, a + rng.randrange(-20, 200)))
        assert covered_sentences(side, skip) == _covered_one_by_one(side, skip)
    assert covered_sentences(side, []) == set()


def test_subset_by_runs_is_word_by_word() -> None:
    """A side's subset copied run by run holds what picking word by word held."""
    rng = random.Random(4)
    for text in (SOURCE + random_chinese(8, 500), ENGLISH_SOURCE):
        side = prepare(normalize(text))
        n = len(side.sents)
        for _ in range(50):
            keep = {rng.randrange(-2, n + 2) for _ in range(rng.randrange(0, n + 1))}
            got = side.subset(keep)
            order = sorted(i for i in keep if 0 <= i < n)
            renumber = {old: new for new, old in enumerate(order)}
            chosen = [i for i, s in enumerate(side.word_sent.tolist()) if s in renumber]
            assert got.sents == [side.sents[i] for i in order]
            assert got.words == [side.words[i] for i in chosen]
            assert got.word_sent.tolist() == [
                renumber[side.word_sent[i]] for i in chosen
            ]
            assert got.word_sent.dtype == np.int64
            assert got.native == [side.native[i] for i in chosen]
            projected = side.projected
            assert got.projected == (
                None if projected is None else [projected[i] for i in chosen]
            )


def test_remembered_projected_keys_are_those_projected_again() -> None:
    """An English side's projected keys, remembered by text and kind, are what
    projecting each word gives (a second side reading them from memory too)."""
    lexicon = get_lexicon()
    for _ in range(2):
        side = prepare(normalize(ENGLISH_SOURCE + " H2O 25% 混合 text"))
        assert side.projected == [projected_keys(w, lexicon) for w in side.words]
