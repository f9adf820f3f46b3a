"""What a report is made of: matches, sources, figures, indicators, chapters, text runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from screening.document import DocumentStructure
from screening.report.labels import (
    KIND_REWRITE,
    KIND_TRANSLATED,
    MATCH_COPY,
    MEANING_KINDS,
)

__all__ = [
    "KIND_REWRITE",
    "KIND_TRANSLATED",
    "MATCH_COPY",
    "Match",
    "SourceInfo",
    "Figures",
    "MeaningFigures",
    "Indicator",
    "ChapterSource",
    "ChapterFigures",
    "SourceShare",
    "DocumentInfo",
    "TextRun",
]


@dataclass(frozen=True, slots=True)
class Match:
    """One reused passage: a span of the screened text and the span of the source it copies.

    Offsets and lengths are code points into each document's extracted text (for a UTF-8
    `.txt` file that is the file's text unchanged). `excluded` is None when the match counts
    in the figures, else the reason it does not (for example "template", "references",
    "quotation", "excluded_source", "below_minimum", "own_work").

    `kind` is "copy" for copied characters, or "rewrite" (疑似改写) / "translated"
    (跨语言) for reuse of meaning; such a match carries its reasons: `pairs`, the
    aligned (thesis word, source word) pairs, and `terms`, the shared numbers, formulas
    and technical terms (`score` is the weighted share of aligned words).
    """

    source: str
    offset: int
    length: int
    source_offset: int
    source_length: int
    score: float
    excluded: str | None = None
    kind: str = MATCH_COPY
    pairs: tuple[tuple[str, str], ...] = ()
    terms: tuple[str, ...] = ()

    @property
    def end(self) -> int:
        """One past the last code point of the matched span in the screened text."""
        return self.offset + self.length

    @property
    def is_meaning(self) -> bool:
        """A rewritten or translated match (figures apart from the copy ratio)."""
        return self.kind in MEANING_KINDS


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
class MeaningFigures:
    """Figures of reuse in meaning, beside (never inside) 总文字复制比.

    改写相似比 is the share of counted characters in rewritten or translated matches
    that no copied match covers; 跨语言 is the translated part of it.
    """

    rewrite_chars: int = 0
    rewrite_ratio: float = 0.0  # 改写相似比
    translated_chars: int = 0
    translated_ratio: float = 0.0  # 跨语言相似比
    rewrite_match_count: int = 0
    translated_match_count: int = 0


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
class TextRun:
    """A stretch of the screened text of one kind, for strips and highlighting."""

    start: int
    end: int
    kind: str  # "copied", "cited", "own", "ok" or "omitted" (template/references)
    chars: int  # counted characters in the run (0 when omitted)
