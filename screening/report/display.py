"""What a reader sees: ratios as CNKI prints them, each match's colour, the text in runs."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from screening.report.counting import (
    CharCounter,
    counts_in_total,
    merge_spans,
    omitted_spans,
)
from screening.report.labels import (
    CITATION,
    KIND_CITED,
    KIND_COPIED,
    KIND_EXCLUDED,
    KIND_OK,
    KIND_OMITTED,
    KIND_OWN,
    OWN_WORK,
    QUOTATION,
)
from screening.report.model import Match, TextRun
from screening.report.result import ScreeningReport


def percent(ratio: float) -> str:
    """Format a ratio as CNKI does, one decimal half-up ("12.3%"), for display only."""
    value = (Decimal(repr(ratio)) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value}%"


def match_kind(match: Match) -> str:
    """The passage colour a marked match takes: copied, cited, own or excluded."""
    if match.excluded is None:
        return KIND_COPIED
    if match.excluded in (QUOTATION, CITATION):
        return KIND_CITED
    if match.excluded == OWN_WORK:
        return KIND_OWN
    return KIND_EXCLUDED


def text_runs(report: ScreeningReport, text: str) -> tuple[TextRun, ...]:
    """Split the text into runs of one kind (copied > cited > own > ok; omitted apart).

    Only matches counting in 总文字复制比 colour the text, so the strip agrees with it.
    """
    kinds = bytearray(len(text))
    codes = {KIND_OWN: 1, KIND_CITED: 2, KIND_COPIED: 3}
    names = {0: KIND_OK, 1: KIND_OWN, 2: KIND_CITED, 3: KIND_COPIED, 4: KIND_OMITTED}
    counts = counts_in_total(report.options)
    for code in (1, 2, 3):
        for m in report.matches:
            kind = match_kind(m)
            if codes.get(kind) == code and m.excluded in counts:
                kinds[m.offset : m.end] = bytes([code]) * m.length
    for start, end in merge_spans(
        omitted_spans(report.document.structure, report.options)
    ):
        kinds[start:end] = b"\x04" * (end - start)
    counter = CharCounter.for_report(report, text)
    runs: list[TextRun] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or kinds[i] != kinds[start]:
            kind = names[kinds[start]]
            runs.append(TextRun(start, i, kind, counter.chars(start, i)))
            start = i
    return tuple(runs)
