"""Building a report from the detector's matches, and recomputing it under new settings."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime

from screening.document import Chapter, DocumentStructure, Span
from screening.report.chapters import chapter_figures
from screening.report.citations import (
    CitationGroup,
    citation_groups,
    group_of,
    listed_sources,
)
from screening.report.cover import cover_unit
from screening.report.figures import document_figures, indicator_ticks, source_shares
from screening.report.flags import DisguiseFlags, disguise_flags, hidden_spans
from screening.report.layout import TextLayout
from screening.report.meaning import meaning_figures
from screening.report.model import DocumentInfo, Match, SourceInfo
from screening.report.options import ReportOptions
from screening.report.result import ScreeningReport


def build_report(
    *,
    document_name: str,
    text: str,
    structure: DocumentStructure,
    matches: Sequence[Match],
    sources: Mapping[str, SourceInfo],
    options: ReportOptions,
    corpus_description: str,
    cutoff_date: date,
    checked_at: datetime,
    report_number: str,
    title: str = "",
    author: str = "",
    unit: str = "",
    hidden: Sequence[Span] = (),
) -> ScreeningReport:
    """Mark each match's exclusion reason and compute the CNKI figures (see `screening.report`).

    Args:
        document_name: file name shown as 检测文献 when `title` is empty.
        text: the extracted text the match offsets point into.
        structure: chapters, reference list, quotations, citation marks, templates.
        matches: the detector's matches; their `excluded` values are replaced.
        sources: display metadata per source id; missing ids get an id-only entry.
        options: filters and exclusions for this view.
        corpus_description: 检测范围, printed on the report.
        cutoff_date: 比对截止日期 of the corpus.
        checked_at: 检测时间.
        report_number: the report's №, printed on every page and in the QR code.
        title: 检测文献 (the thesis title), author: 作者, unit: 单位 (else read from
            the cover page).
        hidden: spans the file hides from its reader (`ExtractedDocument.hidden`).

    Raises:
        ValueError: a match or structure span lies outside the text.
    """
    _check_spans(text, matches, structure)
    layout = TextLayout(
        text, structure, options, listed_sources(text, structure, sources)
    )
    marked = tuple(
        sorted(
            (replace(m, excluded=layout.reason(m)) for m in matches),
            key=lambda m: (m.offset, m.end, m.source, m.source_offset),
        )
    )
    # Rewritten and translated matches have figures of their own (改写相似比) and
    # never enter 总文字复制比 or the figures derived from it.
    copies = [m for m in marked if not m.is_meaning]
    counted = [m for m in copies if layout.counts(m)]
    meaning = [m for m in marked if m.is_meaning and layout.counts(m)]
    figures = document_figures(layout, copies, counted)
    return ScreeningReport(
        report_number=report_number,
        checked_at=checked_at,
        corpus=corpus_description,
        cutoff_date=cutoff_date,
        document=DocumentInfo(
            name=document_name,
            title=title,
            author=author,
            unit=unit or cover_unit(text, structure),
            length=len(text),
            text_sha256=text_sha256(text),
            structure=structure,
        ),
        options=options,
        figures=figures,
        indicators=indicator_ticks(options, figures, layout, counted),
        chapters=chapter_figures(layout, counted),
        sources=source_shares(layout, marked, counted, sources),
        matches=marked,
        flags=_flags(text, counted, hidden),
        citation_groups=_groups(layout, marked),
        meaning=meaning_figures(layout.counter, counted, meaning),
    )


def _flags(
    text: str, counted: Sequence[Match], hidden: Sequence[Span]
) -> DisguiseFlags:
    """Disguised and hidden characters, hidden spans clipped to the text."""
    spans = ((s.start, s.end) for s in hidden if 0 <= s.start < s.end <= len(text))
    return disguise_flags(text, counted, spans)


def recompute(
    report: ScreeningReport, options: ReportOptions, *, text: str
) -> ScreeningReport:
    """The same report under new settings (a source excluded, a minimum length set).

    Raises:
        ValueError: `text` is not the text the report was computed on.
    """
    if text_sha256(text) != report.document.text_sha256:
        raise ValueError("text does not match the report's text_sha256")
    return build_report(
        document_name=report.document.name,
        text=text,
        structure=report.document.structure,
        matches=[replace(m, excluded=None) for m in report.matches],
        sources={s.source_id: s.info for s in report.sources},
        options=options,
        corpus_description=report.corpus,
        cutoff_date=report.cutoff_date,
        checked_at=report.checked_at,
        report_number=report.report_number,
        title=report.document.title,
        author=report.document.author,
        unit=report.document.unit,
        hidden=[Span(start, end) for start, end in hidden_spans(report.flags)],
    )


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 text, tying a report (and its QR code) to what was read."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _groups(layout: TextLayout, marked: Sequence[Match]) -> tuple[CitationGroup, ...]:
    """The counting matches in their citation groups."""
    return citation_groups(
        marked,
        [
            group_of(is_cited=layout.is_attributed(m), is_quoted=layout.is_quoted(m))
            if layout.counts(m)
            else None
            for m in marked
        ],
        layout.counter.union_chars,
    )


def check_code(report: ScreeningReport) -> str:
    """The check code printed with a report's №: the head of its text's SHA-256, so that
    a number alone does not open a report's figures to anyone online."""
    return report.document.text_sha256[:10]


def _check_spans(
    text: str, matches: Iterable[Match], structure: DocumentStructure
) -> None:
    """Reject offsets that do not point into the text: figures would silently lie."""
    length = len(text)
    for m in matches:
        if m.offset < 0 or m.length < 0 or m.end > length:
            raise ValueError(f"match {m} lies outside the text (length {length})")
    spans: list[Span | Chapter] = [
        *structure.chapters,
        *structure.references,
        *structure.quotations,
        *structure.citations,
        *structure.templates,
    ]
    for span in spans:
        if span.start < 0 or span.end < span.start or span.end > length:
            raise ValueError(f"structure span {span} lies outside the text")
