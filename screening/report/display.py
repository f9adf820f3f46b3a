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
    KIND_REWRITE,
    KIND_TRANSLATED,
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
    """The passage colour a marked match takes: copied, cited, own or excluded, or
    rewrite / translated for reuse of meaning (its own colour, whatever the citing)."""
    if match.is_meaning:
        return match.kind if match.excluded in _MEANING_SHOWN else KIND_EXCLUDED
    if match.excluded is None:
        return KIND_COPIED
    if match.excluded in (QUOTATION, CITATION):
        return KIND_CITED
    if match.excluded == OWN_WORK:
        return KIND_OWN
    return KIND_EXCLUDED


# Meaning matches keep their colour when they count (cited ones too).
_MEANING_SHOWN = frozenset({None, QUOTATION, CITATION, OWN_WORK})


def text_runs(report: ScreeningReport, text: str) -> tuple[TextRun, ...]:
    """Split the text into runs of one kind (copied > cited > own > rewrite >
    translated > ok; omitted apart).

    Only counting matches colour the text, so the strip agrees with the figures.
    """
    kinds = bytearray(len(text))
    codes = {KIND_TRANSLATED: 1, KIND_REWRITE: 2, KIND_OWN: 3, KIND_CITED: 4}
    codes[KIND_COPIED] = 5
    names = {0: KIND_OK, 6: KIND_OMITTED, **{c: k for k, c in codes.items()}}
    counts = counts_in_total(report.options)
    for code in (1, 2, 3, 4, 5):
        for m in report.matches:
            kind = match_kind(m)
            if codes.get(kind) == code and m.excluded in counts:
                kinds[m.offset : m.end] = bytes([code]) * m.length
    for start, end in merge_spans(
        omitted_spans(report.document.structure, report.options)
    ):
        kinds[start:end] = b"\x06" * (end - start)
    counter = CharCounter.for_report(report, text)
    runs: list[TextRun] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or kinds[i] != kinds[start]:
            kind = names[kinds[start]]
            runs.append(TextRun(start, i, kind, counter.chars(start, i)))
            start = i
    return tuple(runs)
