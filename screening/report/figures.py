"""The whole-document figures, CNKI's indicator ticks and the source list (definitions in
the `screening.report` docstring)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from screening.report.counting import CharCounter, fraction, match_spans
from screening.report.labels import FRONT_FRACTION
from screening.report.layout import TextLayout
from screening.report.model import Figures, Indicator, Match, SourceInfo, SourceShare
from screening.report.options import ReportOptions


def document_figures(
    layout: TextLayout, marked: Sequence[Match], counted: Sequence[Match]
) -> Figures:
    """The whole-document grid of figures."""
    counter = layout.counter
    total = counter.total
    everything = match_spans(counted)
    copied = counter.union_chars(everything)
    without_quotes = counter.union_chars(
        match_spans(m for m in counted if not layout.is_quoted_or_cited(m))
    )
    without_own = counter.union_chars(
        match_spans(m for m in counted if not layout.is_own(m))
    )
    quoted = counter.union_chars(
        match_spans(m for m in counted if layout.is_quoted_or_cited(m))
    )
    own = counter.union_chars(match_spans(m for m in counted if layout.is_own(m)))
    per_source = per_source_chars(counter, counted)
    max_source_id, max_chars = None, 0
    for source_id, chars in sorted(per_source.items()):
        if chars > max_chars:
            max_source_id, max_chars = source_id, chars
    paragraph_chars = [
        counter.union_chars(everything, start, end)
        for start, end in layout.paragraphs()
    ]
    suspect = [c for c in paragraph_chars if c > 0]
    front_chars = total * FRONT_FRACTION[0] // FRONT_FRACTION[1]
    cut = counter.position_of(front_chars)
    front_copied = counter.union_chars(everything, 0, cut)
    return Figures(
        total_chars=total,
        copied_chars=copied,
        copy_ratio=fraction(copied, total),
        copied_chars_without_quotes=without_quotes,
        copy_ratio_without_quotes=fraction(without_quotes, total),
        copied_chars_without_own=without_own,
        copy_ratio_without_own=fraction(without_own, total),
        quoted_chars=quoted,
        quoted_ratio=fraction(quoted, total),
        own_chars=own,
        own_ratio=fraction(own, total),
        max_source_id=max_source_id,
        max_source_chars=max_chars,
        max_source_ratio=fraction(max_chars, total),
        paragraph_count=len(paragraph_chars),
        suspect_paragraph_count=len(suspect),
        suspect_paragraph_max_chars=max(suspect, default=0),
        suspect_paragraph_min_chars=min(suspect, default=0),
        front_chars=front_chars,
        front_copied_chars=front_copied,
        back_chars=total - front_chars,
        back_copied_chars=copied - front_copied,
        match_count=len(marked),
        counted_match_count=len(counted),
    )


def per_source_chars(
    counter: CharCounter,
    counted: Sequence[Match],
    start: int = 0,
    end: int | None = None,
) -> dict[str, int]:
    """Union of each source's counting spans, in counted characters."""
    by_source: dict[str, list[tuple[int, int]]] = {}
    for m in counted:
        by_source.setdefault(m.source, []).append((m.offset, m.end))
    return {
        source: counter.union_chars(spans, start, end)
        for source, spans in by_source.items()
    }


def indicator_ticks(
    options: ReportOptions,
    figures: Figures,
    layout: TextLayout,
    counted: Sequence[Match],
) -> tuple[Indicator, ...]:
    """CNKI's indicator ticks that the figures can support, each with its threshold."""
    wording = layout.counter.union_chars(
        match_spans(
            m
            for m in counted
            if not layout.is_quoted_or_cited(m) and not layout.is_own(m)
        )
    )
    wording_ratio = fraction(wording, figures.total_chars)
    checks = (
        ("wording_plagiarism", wording_ratio, options.wording_plagiarism_share),
        ("self_plagiarism", figures.own_ratio, options.self_plagiarism_share),
        (
            "excessive_quotation",
            figures.quoted_ratio,
            options.excessive_quotation_share,
        ),
        ("whole_plagiarism", figures.max_source_ratio, options.whole_plagiarism_share),
    )
    return tuple(
        Indicator(
            code=code, is_flagged=value > threshold, value=value, threshold=threshold
        )
        for code, value, threshold in checks
    )


def source_shares(
    layout: TextLayout,
    marked: Sequence[Match],
    counted: Sequence[Match],
    infos: Mapping[str, SourceInfo],
) -> tuple[SourceShare, ...]:
    """Every source a match names: counting ones largest first, then the rest."""
    total = layout.counter.total
    per_source = per_source_chars(layout.counter, counted)
    shares = []
    for source_id in sorted({m.source for m in marked}):
        own = [m for m in marked if m.source == source_id]
        own_counted = [m for m in counted if m.source == source_id]
        # 是否引证 does not change when a filter leaves the source out of the figures.
        is_cited = source_id in layout.listed_sources or any(
            layout.is_quoted_or_cited(m) for m in own
        )
        chars = per_source.get(source_id, 0)
        shares.append(
            SourceShare(
                info=infos.get(source_id) or SourceInfo(source_id=source_id),
                copied_chars=chars,
                ratio=fraction(chars, total),
                is_cited=is_cited,
                is_own_work=source_id in layout.options.own_work_sources,
                excluded=layout.options.excluded_sources.get(source_id),
                match_count=len(own),
                counted_match_count=len(own_counted),
            )
        )
    shares.sort(key=lambda s: (s.excluded is not None, -s.copied_chars, s.source_id))
    return tuple(shares)
