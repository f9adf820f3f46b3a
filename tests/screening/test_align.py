"""Passage alignment invariants: identity, symmetry, disjointness, spans, obfuscations."""

from __future__ import annotations

import random

import pytest

from screening.align import AlignedPassage, align, similarity
from screening.tokenize import get_tokenizer

SOURCE = (
    "学术不端行为严重损害科学研究的公信力。本文基于问卷调查和访谈，分析了研究生学术诚信教育的现状。"
    "Results show that mentoring reduces misconduct by 30 percent. "
    "研究发现，导师指导频率与学生的诚信认知显著相关，课程教育的作用相对有限。"
    "我们建议高校建立覆盖培养全过程的诚信教育体系，并完善不端行为的调查与处理机制。"
)
OTHER = (
    "黄河流域的泥沙输移受到降水、植被和人类活动的共同影响。利用1960年至2015年的水文资料，"
    "本研究估算了主要支流的输沙量变化。Sediment yield declined sharply after 1980. "
    "结果表明水土保持措施是输沙量减少的主要原因，气候因素的贡献较小。"
)


def _inside(p: AlignedPassage, src: str, tgt: str) -> bool:
    s0, s1 = p.src_span
    t0, t1 = p.tgt_span
    return 0 <= s0 < s1 <= len(src) and 0 <= t0 < t1 <= len(tgt)


def test_identical_text_scores_one() -> None:
    passages = align(SOURCE, SOURCE)
    assert len(passages) == 1
    assert passages[0].score == pytest.approx(1.0)
    assert passages[0].src_span == passages[0].tgt_span
    assert passages[0].tgt_span[1] - passages[0].tgt_span[0] >= len(SOURCE) - 2
    assert similarity(SOURCE, SOURCE) == pytest.approx(1.0)


def test_disjoint_text_scores_near_zero() -> None:
    assert align(SOURCE, OTHER) == []
    assert similarity(SOURCE, OTHER) < 0.05


def test_score_is_symmetric_and_spans_mirror() -> None:
    tgt = OTHER[:60] + SOURCE[20:150] + OTHER[60:]
    forward = align(SOURCE, tgt)
    backward = align(tgt, SOURCE)
    assert forward and len(forward) == len(backward)
    for f, b in zip(forward, backward, strict=True):
        assert f.score == b.score
        assert f.src_span == b.tgt_span and f.tgt_span == b.src_span
    assert similarity(SOURCE, tgt) == pytest.approx(similarity(tgt, SOURCE))


def test_verbatim_copy_is_found_with_exact_bounds() -> None:
    copied = SOURCE[22:160]
    tgt = OTHER[:70] + copied + OTHER[70:]
    (p,) = align(SOURCE, tgt)
    assert _inside(p, SOURCE, tgt)
    assert abs(p.tgt_span[0] - 70) <= 2 and abs(p.tgt_span[1] - (70 + len(copied))) <= 2
    assert abs(p.src_span[0] - 22) <= 2


def test_formatting_tricks_are_seen_through_with_original_offsets() -> None:
    tricked = (
        "學術不端行為嚴重損害科學研究的公信力\u200b，本文基於問卷調查和\n訪談，分析了研究生學術誠信教育的現狀。"
        "Ｒesults shоw that mentoring reduces misconduct by ３０ percent."
    )
    tgt = OTHER[:50] + tricked + OTHER[50:]
    (p,) = align(SOURCE, tgt)
    assert _inside(p, SOURCE, tgt)
    assert p.score > 0.9
    assert tgt[p.tgt_span[0]] == "學"
    assert p.tgt_span[1] >= 50 + len(tricked) - 2


def _edit_words(text: str, share: float, rng: random.Random) -> str:
    words = get_tokenizer().cut(text)
    out = []
    for w in words:
        r = rng.random()
        if r < share / 3:
            continue
        if r < 2 * share / 3:
            out.append("相关")
        out.append(w)
    return "".join(out)


def test_word_edits_and_reordering_are_found() -> None:
    rng = random.Random(7)
    sents = [s + "。" for s in SOURCE.split("。") if s]
    edited = [_edit_words(s, 0.25, rng) for s in sents]
    mosaic = "".join([edited[3], edited[0], edited[2]])
    tgt = OTHER[:80] + mosaic + OTHER[80:]
    passages = align(SOURCE, tgt)
    assert passages
    best = max(passages, key=lambda p: p.tgt_span[1] - p.tgt_span[0])
    assert _inside(best, SOURCE, tgt)
    assert best.tgt_span[0] <= 90 and best.tgt_span[1] >= 80 + len(mosaic) - 10


def test_short_common_phrases_are_not_passages() -> None:
    a = OTHER + "结果表明该方法是有效的。"
    b = SOURCE + "结果表明该方法是有效的。"
    assert align(a, b) == []


def test_empty_inputs() -> None:
    assert align("", SOURCE) == []
    assert align("", "") == []


def test_highly_repetitive_text_still_aligns() -> None:
    text = "学术诚信" * 30
    (p,) = align(text, text)
    assert p.score == pytest.approx(1.0) and p.tgt_span == (0, len(text))
