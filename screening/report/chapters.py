"""Figures per chapter, or per fixed segment when the thesis has no chapters."""

from __future__ import annotations

from collections.abc import Sequence

from screening.report.counting import fraction, match_spans
from screening.report.figures import per_source_chars
from screening.report.layout import TextLayout
from screening.report.model import ChapterFigures, ChapterSource, Match


def chapter_figures(
    layout: TextLayout, counted: Sequence[Match]
) -> tuple[ChapterFigures, ...]:
    """Per-chapter figures; chapters partition the counted text, so they sum up."""
    counter = layout.counter
    everything = match_spans(counted)
    no_quotes = match_spans(m for m in counted if not layout.is_quoted_or_cited(m))
    no_own = match_spans(m for m in counted if not layout.is_own(m))
    out: list[ChapterFigures] = []
    for index, (title, start, end, is_segment) in enumerate(layout.sections(), 1):
        total = counter.chars(start, end)
        copied = counter.union_chars(everything, start, end)
        without_quotes = counter.union_chars(no_quotes, start, end)
        without_own = counter.union_chars(no_own, start, end)
        shares = per_source_chars(counter, counted, start, end)
        sources = tuple(
            ChapterSource(
                source_id=source_id,
                copied_chars=chars,
                ratio=fraction(chars, total),
                is_cited=source_id in layout.listed_sources
                or any(
                    layout.is_quoted_or_cited(m)
                    for m in counted
                    if m.source == source_id and m.offset < end and m.end > start
                ),
            )
            for source_id, chars in sorted(
                shares.items(), key=lambda kv: (-kv[1], kv[0])
            )
            if chars > 0
        )
        out.append(
            ChapterFigures(
                index=index,
                title=title,
                start=start,
                end=end,
                is_segment=is_segment,
                total_chars=total,
                copied_chars=copied,
                copy_ratio=fraction(copied, total),
                copied_chars_without_quotes=without_quotes,
                copy_ratio_without_quotes=fraction(without_quotes, total),
                copied_chars_without_own=without_own,
                copy_ratio_without_own=fraction(without_own, total),
                sources=sources,
            )
        )
    return tuple(out)
