"""Counted characters (字): what counts, in which spans, and how unions of spans are sized."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate

from screening.document import DocumentStructure, Span
from screening.report.labels import CITATION, OWN_WORK, QUOTATION
from screening.report.model import Match
from screening.report.options import ReportOptions
from screening.report.result import ScreeningReport


class CharCounter:
    """Counts counted characters (字) in ranges and unions of spans of one text."""

    def __init__(self, text: str, omitted: Iterable[tuple[int, int]] = ()) -> None:
        """Mark whitespace, invisible characters (zero-width, format controls: they are
        a disguise, not 字) and the omitted spans as not counted, then prefix-sum."""
        mask = bytearray(
            1 if ch.isprintable() and not ch.isspace() else 0 for ch in text
        )
        for start, end in merge_spans(omitted):
            mask[start:end] = bytes(end - start)
        self.length = len(text)
        self._prefix = [0, *accumulate(mask)]

    @classmethod
    def for_report(cls, report: ScreeningReport, text: str) -> CharCounter:
        """The counter a report's figures were computed with."""
        return cls(text, omitted_spans(report.document.structure, report.options))

    @property
    def total(self) -> int:
        """Counted characters in the whole text."""
        return self._prefix[-1]

    def chars(self, start: int, end: int) -> int:
        """Counted characters in [start, end), clipped to the text."""
        start = max(0, min(start, self.length))
        end = max(start, min(end, self.length))
        return self._prefix[end] - self._prefix[start]

    def union_chars(
        self, spans: Iterable[tuple[int, int]], start: int = 0, end: int | None = None
    ) -> int:
        """Counted characters covered by the union of spans, within [start, end)."""
        stop = self.length if end is None else end
        return sum(
            self.chars(max(s, start), min(e, stop))
            for s, e in merge_spans(spans)
            if e > start and s < stop
        )

    def position_of(self, count: int) -> int:
        """The smallest offset before which `count` counted characters lie."""
        return bisect_left(self._prefix, count)


def counts_in_total(options: ReportOptions) -> frozenset[str | None]:
    """The labels that count in 总文字复制比 under these options."""
    if options.exclude_quotes:
        return frozenset({None, OWN_WORK})
    return frozenset({None, QUOTATION, CITATION, OWN_WORK})


def omitted_spans(
    structure: DocumentStructure, options: ReportOptions
) -> list[tuple[int, int]]:
    """Template text and the reference list, when the options leave them out."""
    spans: list[Span] = []
    if options.exclude_templates:
        spans.extend(structure.templates)
    if options.exclude_references:
        spans.extend(structure.references)
    return [(s.start, s.end) for s in spans]


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint union of half-open spans (empty ones dropped)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def mostly_inside(m: Match, merged: list[tuple[int, int]]) -> bool:
    """More than half of the match's code points lie inside the merged spans."""
    if not merged or m.length <= 0:
        return False
    i = max(0, bisect_right(merged, (m.offset, m.offset)) - 1)
    inside = 0
    for start, end in merged[i:]:
        if start >= m.end:
            break
        inside += max(0, min(end, m.end) - max(start, m.offset))
    return 2 * inside > m.length


def match_spans(matches: Iterable[Match]) -> list[tuple[int, int]]:
    """The screened-text spans of matches."""
    return [(m.offset, m.end) for m in matches]


def fraction(part: int, whole: int) -> float:
    """part / whole, 0.0 for an empty whole."""
    return part / whole if whole else 0.0
