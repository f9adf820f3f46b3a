"""Figures of reuse in meaning (疑似改写 / 跨语言), kept apart from the copy figures."""

from __future__ import annotations

from collections.abc import Sequence

from screening.report.counting import CharCounter, fraction, match_spans
from screening.report.labels import KIND_TRANSLATED
from screening.report.model import Match, MeaningFigures


def meaning_figures(
    counter: CharCounter, copied: Sequence[Match], meaning: Sequence[Match]
) -> MeaningFigures:
    """改写相似比 and its 跨语言 part: counted characters in meaning matches that no
    copied match already covers, so the two ratios never count a character twice."""
    total = counter.total
    copy_spans = match_spans(copied)
    base = counter.union_chars(copy_spans)
    translated = [m for m in meaning if m.kind == KIND_TRANSLATED]
    rewrite_chars = counter.union_chars(copy_spans + match_spans(meaning)) - base
    translated_chars = counter.union_chars(copy_spans + match_spans(translated)) - base
    return MeaningFigures(
        rewrite_chars=rewrite_chars,
        rewrite_ratio=fraction(rewrite_chars, total),
        translated_chars=translated_chars,
        translated_ratio=fraction(translated_chars, total),
        rewrite_match_count=len(meaning) - len(translated),
        translated_match_count=len(translated),
    )
