"""Results of screening: matched passages and the CNKI-style figures built on them.

Users already read CNKI's 文本复制检测报告单, so the figures keep CNKI's names and meaning.
Exact definitions (repeated in the rendered report's 说明 footer):

- A counted character (字) is a code point of the extracted text that is not whitespace
  and, with the default options, lies outside template text (cover, declarations,
  authorisation) and the reference list. 总字数 is the number of counted characters.
- A counting match is one whose `excluded` is None, "quotation", "citation" or
  "own_work" (with `exclude_quotes` set, "quotation" and "citation" do not count).
  Matches excluded as "template", "references", "excluded_source" or "below_minimum"
  count nowhere, but stay in the list so that a reader sees them.
- 重复字数 is the number of counted characters covered by the UNION of the counting
  matches' spans in the screened text (overlapping matches are not added twice).
- 总文字复制比 = 重复字数 / 总字数.
- 去除引用文献复制比: as 总文字复制比, leaving out matches that lie mostly inside a marked
  quotation or carry a citation mark.
- 去除本人文献复制比: as 总文字复制比, leaving out matches whose source is the author's own
  earlier work (`own_work_sources`).
- 单篇最大文字复制比: the largest union of one source's counting matches / 总字数;
  单篇最大重复字数 is that union's size.
- 总段落数: lines of text with at least one counted character; 疑似段落数: those with
  重复字数 > 0, with the largest and smallest such paragraph's 重复字数.
- 前部/后部重合字数: 重复字数 within the first 20% / the last 80% of the counted characters.
- Per chapter, the same three ratios with the chapter's counted characters as denominator.

Ratios are kept as exact fractions of 1 (floats from integer counts); they are rounded to
one decimal place only for display (`percent`).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from types import MappingProxyType
from typing import Any

from screening.document import Chapter, DocumentStructure, Span

SCHEMA = "chengxin.report/1"

# Reasons a match is left out of every figure (first applicable wins, in this order).
TEMPLATE = "template"
REFERENCES = "references"
EXCLUDED_SOURCE = "excluded_source"
BELOW_MINIMUM = "below_minimum"
# Reasons a match still counts in 总文字复制比 but leaves one of the reduced ratios.
QUOTATION = "quotation"
CITATION = "citation"
OWN_WORK = "own_work"

HARD_EXCLUSIONS = frozenset({TEMPLATE, REFERENCES, EXCLUDED_SOURCE, BELOW_MINIMUM})
SOFT_EXCLUSIONS = frozenset({QUOTATION, CITATION, OWN_WORK})

# Why a user excluded a source: 本人作品 / 非原始来源 / 合作 / 其他 (Turnitin's reasons).
SOURCE_EXCLUSION_REASONS = ("own_work", "not_original", "collaboration", "other")
# The same reasons as the users write them; stored as the codes above.
_REASON_ALIASES = {
    "本人作品": "own_work",
    "非原始来源": "not_original",
    "合作": "collaboration",
    "其他": "other",
}

# A citation mark this many code points after a match (same line) still cites it:
# "……已有研究证明[12]。" usually ends the copied sentence just before the mark.
CITATION_REACH = 8
# 前部 is the first fifth of the counted characters, 后部 the rest (CNKI's 20%/80%).
FRONT_FRACTION = (1, 5)
# Without chapters CNKI cuts fixed segments of about 1.2万 characters; so do we.
SEGMENT_CHARS = 12_000

# Which passage colour a match label stands for (CNKI: red copied, green cited,
# brown-grey own work); hard exclusions are shown greyed.
KIND_COPIED = "copied"
KIND_CITED = "cited"
KIND_OWN = "own"
KIND_EXCLUDED = "excluded"
KIND_OK = "ok"
KIND_OMITTED = "omitted"


@dataclass(frozen=True, slots=True)
class Match:
    """One reused passage: a span of the screened text and the span of the source it copies.

    Offsets and lengths are code points into each document's extracted text (for a UTF-8
    `.txt` file that is the file's text unchanged). `excluded` is None when the match counts
    in the figures, else the reason it does not (for example "template", "references",
    "quotation", "excluded_source", "below_minimum", "own_work").
    """

    source: str
    offset: int
    length: int
    source_offset: int
    source_length: int
    score: float
    excluded: str | None = None

    @property
    def end(self) -> int:
        """One past the last code point of the matched span in the screened text."""
        return self.offset + self.length


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """The user's settings for one view of a report; figures are recomputed when they change.

    Attributes:
        excluded_sources: source id -> reason ("own_work", "not_original",
            "collaboration", "other", or 本人作品/非原始来源/合作/其他, stored as the
            codes); an iterable of ids is taken as reason "other".
        min_match_chars: matches with fewer non-whitespace characters leave the figures
            (CNKI-like small-match filter; 0 turns it off).
        own_work_sources: sources by the same author, as the caller determined them.
        exclude_quotes: also leave quoted/cited matches out of 总文字复制比 (Turnitin's
            quote filter); by default they count there and leave only 去除引用.
        exclude_references: leave the reference list out of numerator and denominator.
        exclude_templates: leave cover, declaration and authorisation text out likewise.
        whole_plagiarism_share: one source above this share flags 疑似整体剽窃.
        excessive_quotation_share: quoted/cited share above this flags 过度引用.
        self_plagiarism_share: own-work share above this flags 疑似自我剽窃.
        wording_plagiarism_share: uncited, not-own share above this flags
            疑似剽窃文字表述.
    """

    excluded_sources: Mapping[str, str] = field(default_factory=dict)
    min_match_chars: int = 13
    own_work_sources: frozenset[str] = frozenset()
    exclude_quotes: bool = False
    exclude_references: bool = True
    exclude_templates: bool = True
    whole_plagiarism_share: float = 0.5
    excessive_quotation_share: float = 0.3
    self_plagiarism_share: float = 0.05
    wording_plagiarism_share: float = 0.05

    def __post_init__(self) -> None:
        """Freeze the mappings and reject reasons and limits a report could not explain."""
        raw = self.excluded_sources
        pairs = dict(raw) if isinstance(raw, Mapping) else dict.fromkeys(raw, "other")
        pairs = {k: _REASON_ALIASES.get(v, v) for k, v in pairs.items()}
        for source, reason in pairs.items():
            if reason not in SOURCE_EXCLUSION_REASONS:
                raise ValueError(f"unknown exclusion reason {reason!r} for {source!r}")
        object.__setattr__(
            self, "excluded_sources", MappingProxyType(dict(sorted(pairs.items())))
        )
        object.__setattr__(self, "own_work_sources", frozenset(self.own_work_sources))
        if self.min_match_chars < 0:
            raise ValueError("min_match_chars must not be negative")

    def __hash__(self) -> int:
        """Hash by value, although the exclusion reasons are held in a mapping."""
        return hash(
            (
                tuple(self.excluded_sources.items()),
                self.min_match_chars,
                self.own_work_sources,
                self.exclude_quotes,
                self.exclude_references,
                self.exclude_templates,
                self.whole_plagiarism_share,
                self.excessive_quotation_share,
                self.self_plagiarism_share,
                self.wording_plagiarism_share,
            )
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON form, recorded in every report so a reader knows the active filters."""
        return {
            "excluded_sources": dict(self.excluded_sources),
            "min_match_chars": self.min_match_chars,
            "own_work_sources": sorted(self.own_work_sources),
            "exclude_quotes": self.exclude_quotes,
            "exclude_references": self.exclude_references,
            "exclude_templates": self.exclude_templates,
            "whole_plagiarism_share": self.whole_plagiarism_share,
            "excessive_quotation_share": self.excessive_quotation_share,
            "self_plagiarism_share": self.self_plagiarism_share,
            "wording_plagiarism_share": self.wording_plagiarism_share,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportOptions:
        """Read back `to_dict` output."""
        values = dict(data)
        values["own_work_sources"] = frozenset(values.get("own_work_sources", ()))
        return cls(**values)


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Display metadata of a corpus document, passed in by the caller (the archive)."""

    source_id: str
    title: str = ""
    author: str = ""
    venue: str = ""
    published_on: date | None = None


@dataclass(frozen=True, slots=True)
class Figures:
    """Whole-document figures, CNKI names in comments; ratios are exact fractions of 1."""

    total_chars: int  # 总字数
    copied_chars: int  # 重复字数
    copy_ratio: float  # 总文字复制比
    copied_chars_without_quotes: int
    copy_ratio_without_quotes: float  # 去除引用文献复制比
    copied_chars_without_own: int
    copy_ratio_without_own: float  # 去除本人文献复制比
    quoted_chars: int  # counted text that is quoted or cited
    quoted_ratio: float
    own_chars: int  # counted text matching the author's own work
    own_ratio: float
    max_source_id: str | None  # 单篇最大文字复制比's source
    max_source_chars: int  # 单篇最大重复字数
    max_source_ratio: float  # 单篇最大文字复制比
    paragraph_count: int  # 总段落数
    suspect_paragraph_count: int  # 疑似段落数
    suspect_paragraph_max_chars: int  # 疑似段落最大重合字数
    suspect_paragraph_min_chars: int  # 疑似段落最小重合字数
    front_chars: int
    front_copied_chars: int  # 前部重合字数
    back_chars: int
    back_copied_chars: int  # 后部重合字数
    match_count: int
    counted_match_count: int


@dataclass(frozen=True, slots=True)
class Indicator:
    """One CNKI-style indicator tick, with the value and the threshold that set it."""

    code: str
    is_flagged: bool
    value: float
    threshold: float


@dataclass(frozen=True, slots=True)
class ChapterSource:
    """A source's share of one chapter, for the chapter's 相似文献列表."""

    source_id: str
    copied_chars: int
    ratio: float
    is_cited: bool


@dataclass(frozen=True, slots=True)
class ChapterFigures:
    """Figures for one chapter (or a fixed segment when the thesis has no chapters)."""

    index: int
    title: str
    start: int
    end: int
    is_segment: bool
    total_chars: int
    copied_chars: int
    copy_ratio: float
    copied_chars_without_quotes: int
    copy_ratio_without_quotes: float
    copied_chars_without_own: int
    copy_ratio_without_own: float
    sources: tuple[ChapterSource, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceShare:
    """A source in the 相似文献列表: its metadata and the union of its counting spans."""

    info: SourceInfo
    copied_chars: int
    ratio: float
    is_cited: bool
    is_own_work: bool
    excluded: str | None
    match_count: int
    counted_match_count: int

    @property
    def source_id(self) -> str:
        """The corpus document id, as in `Match.source`."""
        return self.info.source_id


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What was screened: names for the header, and a hash tying figures to the text."""

    name: str
    title: str
    author: str
    unit: str
    length: int
    text_sha256: str
    structure: DocumentStructure


@dataclass(frozen=True, slots=True)
class ScreeningReport:
    """A complete report: settings, figures, chapters, sources and every match."""

    report_number: str
    checked_at: datetime
    corpus: str
    cutoff_date: date
    document: DocumentInfo
    options: ReportOptions
    figures: Figures
    indicators: tuple[Indicator, ...]
    chapters: tuple[ChapterFigures, ...]
    sources: tuple[SourceShare, ...]
    matches: tuple[Match, ...]

    def source(self, source_id: str) -> SourceShare:
        """The list entry of one source; raises KeyError for an unknown id."""
        for share in self.sources:
            if share.source_id == source_id:
                return share
        raise KeyError(source_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON form honouring the screening contract (top-level `matches`)."""
        return {
            "schema": SCHEMA,
            "report_number": self.report_number,
            "checked_at": self.checked_at.isoformat(),
            "corpus": self.corpus,
            "cutoff_date": self.cutoff_date.isoformat(),
            "document": _document_to_dict(self.document),
            "options": self.options.to_dict(),
            "figures": asdict(self.figures),
            "indicators": [asdict(i) for i in self.indicators],
            "chapters": [asdict(c) for c in self.chapters],
            "sources": [_share_to_dict(s) for s in self.sources],
            "matches": [_match_to_dict(m) for m in self.matches],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScreeningReport:
        """Read back `to_dict` output (for example a stored JSON report)."""
        schema = data.get("schema", SCHEMA)
        if schema != SCHEMA:
            raise ValueError(f"unsupported report schema {schema!r}")
        return cls(
            report_number=data["report_number"],
            checked_at=datetime.fromisoformat(data["checked_at"]),
            corpus=data["corpus"],
            cutoff_date=date.fromisoformat(data["cutoff_date"]),
            document=_document_from_dict(data["document"]),
            options=ReportOptions.from_dict(data["options"]),
            figures=Figures(**data["figures"]),
            indicators=tuple(Indicator(**i) for i in data["indicators"]),
            chapters=tuple(_chapter_from_dict(c) for c in data["chapters"]),
            sources=tuple(_share_from_dict(s) for s in data["sources"]),
            matches=tuple(Match(**m) for m in data["matches"]),
        )


@dataclass(frozen=True, slots=True)
class TextRun:
    """A stretch of the screened text of one kind, for strips and highlighting."""

    start: int
    end: int
    kind: str  # "copied", "cited", "own", "ok" or "omitted" (template/references)
    chars: int  # counted characters in the run (0 when omitted)


class CharCounter:
    """Counts counted characters (字) in ranges and unions of spans of one text."""

    def __init__(self, text: str, omitted: Iterable[tuple[int, int]] = ()) -> None:
        """Mark whitespace and the omitted spans as not counted, then prefix-sum."""
        mask = bytearray(0 if ch.isspace() else 1 for ch in text)
        for start, end in _merge(omitted):
            mask[start:end] = bytes(end - start)
        self.length = len(text)
        self._prefix = [0, *accumulate(mask)]

    @classmethod
    def for_report(cls, report: ScreeningReport, text: str) -> CharCounter:
        """The counter a report's figures were computed with."""
        return cls(text, _omitted_spans(report.document.structure, report.options))

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
            for s, e in _merge(spans)
            if e > start and s < stop
        )

    def position_of(self, count: int) -> int:
        """The smallest offset before which `count` counted characters lie."""
        return bisect_left(self._prefix, count)


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
) -> ScreeningReport:
    """Mark each match's exclusion reason and compute the CNKI figures (module docstring).

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
        title: 检测文献 (the thesis title), author: 作者, unit: 单位.

    Raises:
        ValueError: a match or structure span lies outside the text.
    """
    _check_spans(text, matches, structure)
    layout = _Layout(text, structure, options)
    marked = tuple(
        sorted(
            (replace(m, excluded=layout.reason(m)) for m in matches),
            key=lambda m: (m.offset, m.end, m.source, m.source_offset),
        )
    )
    counted = [m for m in marked if layout.counts(m)]
    figures = _figures(layout, marked, counted)
    return ScreeningReport(
        report_number=report_number,
        checked_at=checked_at,
        corpus=corpus_description,
        cutoff_date=cutoff_date,
        document=DocumentInfo(
            name=document_name,
            title=title,
            author=author,
            unit=unit,
            length=len(text),
            text_sha256=text_sha256(text),
            structure=structure,
        ),
        options=options,
        figures=figures,
        indicators=_indicators(options, figures, layout, counted),
        chapters=_chapters(layout, counted),
        sources=_sources(layout, marked, counted, sources),
        matches=marked,
    )


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
    )


def text_runs(report: ScreeningReport, text: str) -> tuple[TextRun, ...]:
    """Split the text into runs of one kind (copied > cited > own > ok; omitted apart).

    Only matches counting in 总文字复制比 colour the text, so the strip agrees with it.
    """
    kinds = bytearray(len(text))
    codes = {KIND_OWN: 1, KIND_CITED: 2, KIND_COPIED: 3}
    names = {0: KIND_OK, 1: KIND_OWN, 2: KIND_CITED, 3: KIND_COPIED, 4: KIND_OMITTED}
    counts = _counts_in_total(report.options)
    for code in (1, 2, 3):
        for m in report.matches:
            kind = match_kind(m)
            if codes.get(kind) == code and m.excluded in counts:
                kinds[m.offset : m.end] = bytes([code]) * m.length
    for start, end in _merge(_omitted_spans(report.document.structure, report.options)):
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


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 text, tying a report (and its QR code) to what was read."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- internals -------------------------------------------------------------------


class _Layout:
    """The text's countable characters and structure, as the options see them."""

    def __init__(
        self, text: str, structure: DocumentStructure, options: ReportOptions
    ) -> None:
        self.text = text
        self.options = options
        self.structure = structure
        self.counter = CharCounter(text, _omitted_spans(structure, options))
        self.nonspace = CharCounter(text)
        self.templates = _merge((s.start, s.end) for s in structure.templates)
        self.references = _merge((s.start, s.end) for s in structure.references)
        self.quotations = _merge((s.start, s.end) for s in structure.quotations)
        self.citations = sorted((s.start, s.end) for s in structure.citations)
        self._counting = _counts_in_total(options)

    def reason(self, m: Match) -> str | None:
        """The first applicable exclusion reason of a match, or None when it counts."""
        options = self.options
        if options.exclude_templates and _mostly_inside(m, self.templates):
            return TEMPLATE
        if options.exclude_references and _mostly_inside(m, self.references):
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
        return _mostly_inside(m, self.quotations)

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


def _counts_in_total(options: ReportOptions) -> frozenset[str | None]:
    """The labels that count in 总文字复制比 under these options."""
    if options.exclude_quotes:
        return frozenset({None, OWN_WORK})
    return frozenset({None, QUOTATION, CITATION, OWN_WORK})


def _omitted_spans(
    structure: DocumentStructure, options: ReportOptions
) -> list[tuple[int, int]]:
    """Template text and the reference list, when the options leave them out."""
    spans: list[Span] = []
    if options.exclude_templates:
        spans.extend(structure.templates)
    if options.exclude_references:
        spans.extend(structure.references)
    return [(s.start, s.end) for s in spans]


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
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


def _mostly_inside(m: Match, merged: list[tuple[int, int]]) -> bool:
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


def _spans(matches: Iterable[Match]) -> list[tuple[int, int]]:
    """The screened-text spans of matches."""
    return [(m.offset, m.end) for m in matches]


def _ratio(part: int, whole: int) -> float:
    """part / whole, 0.0 for an empty whole."""
    return part / whole if whole else 0.0


def _figures(
    layout: _Layout, marked: Sequence[Match], counted: Sequence[Match]
) -> Figures:
    """The whole-document grid of figures."""
    counter = layout.counter
    total = counter.total
    everything = _spans(counted)
    copied = counter.union_chars(everything)
    without_quotes = counter.union_chars(
        _spans(m for m in counted if not layout.is_quoted_or_cited(m))
    )
    without_own = counter.union_chars(
        _spans(m for m in counted if not layout.is_own(m))
    )
    quoted = counter.union_chars(
        _spans(m for m in counted if layout.is_quoted_or_cited(m))
    )
    own = counter.union_chars(_spans(m for m in counted if layout.is_own(m)))
    per_source = _per_source_chars(counter, counted)
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
        copy_ratio=_ratio(copied, total),
        copied_chars_without_quotes=without_quotes,
        copy_ratio_without_quotes=_ratio(without_quotes, total),
        copied_chars_without_own=without_own,
        copy_ratio_without_own=_ratio(without_own, total),
        quoted_chars=quoted,
        quoted_ratio=_ratio(quoted, total),
        own_chars=own,
        own_ratio=_ratio(own, total),
        max_source_id=max_source_id,
        max_source_chars=max_chars,
        max_source_ratio=_ratio(max_chars, total),
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


def _per_source_chars(
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


def _indicators(
    options: ReportOptions,
    figures: Figures,
    layout: _Layout,
    counted: Sequence[Match],
) -> tuple[Indicator, ...]:
    """CNKI's indicator ticks that the figures can support, each with its threshold."""
    wording = layout.counter.union_chars(
        _spans(
            m
            for m in counted
            if not layout.is_quoted_or_cited(m) and not layout.is_own(m)
        )
    )
    wording_ratio = _ratio(wording, figures.total_chars)
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


def _chapters(layout: _Layout, counted: Sequence[Match]) -> tuple[ChapterFigures, ...]:
    """Per-chapter figures; chapters partition the counted text, so they sum up."""
    counter = layout.counter
    everything = _spans(counted)
    no_quotes = _spans(m for m in counted if not layout.is_quoted_or_cited(m))
    no_own = _spans(m for m in counted if not layout.is_own(m))
    out: list[ChapterFigures] = []
    for index, (title, start, end, is_segment) in enumerate(layout.sections(), 1):
        total = counter.chars(start, end)
        copied = counter.union_chars(everything, start, end)
        without_quotes = counter.union_chars(no_quotes, start, end)
        without_own = counter.union_chars(no_own, start, end)
        shares = _per_source_chars(counter, counted, start, end)
        sources = tuple(
            ChapterSource(
                source_id=source_id,
                copied_chars=chars,
                ratio=_ratio(chars, total),
                is_cited=any(
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
                copy_ratio=_ratio(copied, total),
                copied_chars_without_quotes=without_quotes,
                copy_ratio_without_quotes=_ratio(without_quotes, total),
                copied_chars_without_own=without_own,
                copy_ratio_without_own=_ratio(without_own, total),
                sources=sources,
            )
        )
    return tuple(out)


def _sources(
    layout: _Layout,
    marked: Sequence[Match],
    counted: Sequence[Match],
    infos: Mapping[str, SourceInfo],
) -> tuple[SourceShare, ...]:
    """Every source a match names: counting ones largest first, then the rest."""
    total = layout.counter.total
    per_source = _per_source_chars(layout.counter, counted)
    shares = []
    for source_id in sorted({m.source for m in marked}):
        own = [m for m in marked if m.source == source_id]
        own_counted = [m for m in counted if m.source == source_id]
        chars = per_source.get(source_id, 0)
        shares.append(
            SourceShare(
                info=infos.get(source_id) or SourceInfo(source_id=source_id),
                copied_chars=chars,
                ratio=_ratio(chars, total),
                is_cited=any(layout.is_quoted_or_cited(m) for m in own_counted),
                is_own_work=source_id in layout.options.own_work_sources,
                excluded=layout.options.excluded_sources.get(source_id),
                match_count=len(own),
                counted_match_count=len(own_counted),
            )
        )
    shares.sort(key=lambda s: (s.excluded is not None, -s.copied_chars, s.source_id))
    return tuple(shares)


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


def _match_to_dict(m: Match) -> dict[str, Any]:
    """The contract's match object."""
    return {
        "source": m.source,
        "offset": m.offset,
        "length": m.length,
        "source_offset": m.source_offset,
        "source_length": m.source_length,
        "score": m.score,
        "excluded": m.excluded,
    }


def _share_to_dict(s: SourceShare) -> dict[str, Any]:
    """A flat source-list entry."""
    return {
        "source_id": s.info.source_id,
        "title": s.info.title,
        "author": s.info.author,
        "venue": s.info.venue,
        "published_on": s.info.published_on.isoformat()
        if s.info.published_on
        else None,
        "copied_chars": s.copied_chars,
        "ratio": s.ratio,
        "is_cited": s.is_cited,
        "is_own_work": s.is_own_work,
        "excluded": s.excluded,
        "match_count": s.match_count,
        "counted_match_count": s.counted_match_count,
    }


def _share_from_dict(d: Mapping[str, Any]) -> SourceShare:
    """Inverse of `_share_to_dict`."""
    published = d.get("published_on")
    return SourceShare(
        info=SourceInfo(
            source_id=d["source_id"],
            title=d.get("title", ""),
            author=d.get("author", ""),
            venue=d.get("venue", ""),
            published_on=date.fromisoformat(published) if published else None,
        ),
        copied_chars=d["copied_chars"],
        ratio=d["ratio"],
        is_cited=d["is_cited"],
        is_own_work=d["is_own_work"],
        excluded=d["excluded"],
        match_count=d["match_count"],
        counted_match_count=d["counted_match_count"],
    )


def _chapter_from_dict(d: Mapping[str, Any]) -> ChapterFigures:
    """Inverse of `asdict(ChapterFigures)`."""
    values = dict(d)
    values["sources"] = tuple(ChapterSource(**s) for s in d.get("sources", ()))
    return ChapterFigures(**values)


def _spans_to_list(spans: Iterable[Span]) -> list[dict[str, int]]:
    """Spans as JSON objects."""
    return [{"start": s.start, "end": s.end} for s in spans]


def _spans_from_list(items: Iterable[Mapping[str, int]]) -> tuple[Span, ...]:
    """Inverse of `_spans_to_list`."""
    return tuple(Span(i["start"], i["end"]) for i in items)


def _document_to_dict(d: DocumentInfo) -> dict[str, Any]:
    """The screened document and its structure, so a report can be recomputed."""
    s = d.structure
    return {
        "name": d.name,
        "title": d.title,
        "author": d.author,
        "unit": d.unit,
        "length": d.length,
        "text_sha256": d.text_sha256,
        "structure": {
            "chapters": [
                {"title": c.title, "start": c.start, "end": c.end} for c in s.chapters
            ],
            "references": _spans_to_list(s.references),
            "quotations": _spans_to_list(s.quotations),
            "citations": _spans_to_list(s.citations),
            "templates": _spans_to_list(s.templates),
            "has_toc": s.has_toc,
        },
    }


def _document_from_dict(d: Mapping[str, Any]) -> DocumentInfo:
    """Inverse of `_document_to_dict`."""
    s = d["structure"]
    return DocumentInfo(
        name=d["name"],
        title=d["title"],
        author=d["author"],
        unit=d["unit"],
        length=d["length"],
        text_sha256=d["text_sha256"],
        structure=DocumentStructure(
            chapters=tuple(
                Chapter(c["title"], c["start"], c["end"]) for c in s["chapters"]
            ),
            references=_spans_from_list(s["references"]),
            quotations=_spans_from_list(s["quotations"]),
            citations=_spans_from_list(s["citations"]),
            templates=_spans_from_list(s["templates"]),
            has_toc=s["has_toc"],
        ),
    )
