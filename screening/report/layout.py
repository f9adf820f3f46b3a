"""The screened text as a report's options see it: why each match counts or not, its
paragraphs (lines) and its sections (chapters, or fixed segments without them)."""

from __future__ import annotations

from bisect import bisect_left

from screening.document import DocumentStructure
from screening.report.counting import (
    CharCounter,
    counts_in_total,
    merge_spans,
    mostly_inside,
    omitted_spans,
)
from screening.report.labels import (
    BELOW_MINIMUM,
    CITATION,
    CITATION_REACH,
    EXCLUDED_SOURCE,
    OWN_WORK,
    QUOTATION,
    REFERENCES,
    SEGMENT_CHARS,
    TEMPLATE,
)
from screening.report.model import Match
from screening.report.options import ReportOptions


class TextLayout:
    """The text's countable characters and structure, as the options see them."""

    def __init__(
        self,
        text: str,
        structure: DocumentStructure,
        options: ReportOptions,
        listed_sources: frozenset[str] = frozenset(),
    ) -> None:
        """Count the text's characters and merge its marked spans once, for every match."""
        self.text = text
        self.listed_sources = listed_sources
        self.options = options
        self.structure = structure
        self.counter = CharCounter(text, omitted_spans(structure, options))
        self.nonspace = CharCounter(text)
        self.templates = merge_spans((s.start, s.end) for s in structure.templates)
        self.references = merge_spans((s.start, s.end) for s in structure.references)
        self.quotations = merge_spans((s.start, s.end) for s in structure.quotations)
        self.citations = sorted((s.start, s.end) for s in structure.citations)
        self._counting = counts_in_total(options)

    def reason(self, m: Match) -> str | None:
        """The first applicable exclusion reason of a match, or None when it counts."""
        options = self.options
        if options.exclude_templates and mostly_inside(m, self.templates):
            return TEMPLATE
        if options.exclude_references and mostly_inside(m, self.references):
            return REFERENCES
        if m.source in options.excluded_sources:
            return EXCLUDED_SOURCE
        if self.nonspace.chars(m.offset, m.end) < options.min_match_chars:
            return BELOW_MINIMUM
        if self.is_quoted(m):
            return QUOTATION
        if self.is_cited(m):
            return CITATION
        if m.source in options.own_work_sources:
            return OWN_WORK
        return None

    def counts(self, m: Match) -> bool:
        """Whether a marked match counts in 总文字复制比."""
        return m.excluded in self._counting

    def is_quoted(self, m: Match) -> bool:
        """More than half of the match lies inside marked quotations."""
        return mostly_inside(m, self.quotations)

    def is_cited(self, m: Match) -> bool:
        """A citation mark starts inside the match or just after it on the same line."""
        reach = m.end + CITATION_REACH
        newline = self.text.find("\n", m.end, reach)
        if newline != -1:
            reach = newline
        i = bisect_left(self.citations, (m.offset, -1))
        if i > 0 and self.citations[i - 1][1] > m.offset:
            return True  # the match starts inside a citation mark
        return i < len(self.citations) and self.citations[i][0] < reach

    def is_attributed(self, m: Match) -> bool:
        """Cited by a mark next to it, or its source named in the thesis's 参考文献."""
        return m.source in self.listed_sources or self.is_cited(m)

    def is_quoted_or_cited(self, m: Match) -> bool:
        """Whether the match leaves 去除引用文献复制比."""
        return self.is_quoted(m) or self.is_cited(m)

    def is_own(self, m: Match) -> bool:
        """Whether the match leaves 去除本人文献复制比."""
        return m.source in self.options.own_work_sources

    def paragraphs(self) -> list[tuple[int, int]]:
        """Lines with at least one counted character (CNKI's 段落)."""
        out: list[tuple[int, int]] = []
        start = 0
        for line in self.text.split("\n"):
            end = start + len(line)
            if self.counter.chars(start, end) > 0:
                out.append((start, end))
            start = end + 1
        return out

    def sections(self) -> list[tuple[str, int, int, bool]]:
        """Chapters plus untitled gaps, or fixed segments when there are no chapters."""
        length = len(self.text)
        chapters = sorted(self.structure.chapters, key=lambda c: (c.start, c.end))
        if not chapters:
            return self._segments()
        out: list[tuple[str, int, int, bool]] = []
        cursor = 0
        for chapter in chapters:
            start = max(chapter.start, cursor)
            end = max(start, min(chapter.end, length))
            if start > cursor:
                out.append(("", cursor, start, False))
            out.append((chapter.title, start, end, False))
            cursor = end
        if cursor < length:
            out.append(("", cursor, length, False))
        return [s for s in out if self.counter.chars(s[1], s[2]) > 0]

    def _segments(self) -> list[tuple[str, int, int, bool]]:
        """Fixed SEGMENT_CHARS-character segments, as CNKI does without a TOC."""
        out: list[tuple[str, int, int, bool]] = []
        total = self.counter.total
        start = 0
        for count in range(SEGMENT_CHARS, total + SEGMENT_CHARS, SEGMENT_CHARS):
            end = len(self.text) if count >= total else self.counter.position_of(count)
            out.append(("", start, end, True))
            start = end
        return out
