"""The meaning layer's numpy shortcuts (every candidate source of a thesis goes through
them) decide exactly as the plain Python rules they replaced."""

from __future__ import annotations

import re

import pytest

from screening.normalize import normalize
from screening.semantic.align import _near_sentences
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
