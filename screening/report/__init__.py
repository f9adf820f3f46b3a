"""Results of screening: matched passages and the CNKI-style figures built on them.

Users already read CNKI's 文本复制检测报告单, so the figures keep CNKI's names and meaning.
Exact definitions (repeated in the rendered report's 说明 footer):

- A counted character (字) is a code point of the extracted text that is neither
  whitespace nor invisible (zero-width and other format characters) and, with the default options, lies outside template text (cover, declarations,
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

The package re-exports its public names from modules by concern: `labels` (schema,
exclusion reasons, passage kinds), `options` (ReportOptions), `model` (Match and the
report's parts), `result` (ScreeningReport), `serialize` (the JSON form), `counting`
(counted characters and span unions), `layout` (why a match counts, paragraphs,
sections), `figures` and `chapters` (the figures above), `build` (build_report,
recompute) and `display` (percent, match colours, text runs).
"""

from __future__ import annotations

from screening.report.build import (
    build_report,
    check_code,
    recompute,
    text_sha256,
)
from screening.report.counting import (
    CharCounter,
)
from screening.report.display import (
    match_kind,
    percent,
    text_runs,
)
from screening.report.labels import (
    BELOW_MINIMUM,
    CITATION,
    CITATION_REACH,
    EXCLUDED_SOURCE,
    FRONT_FRACTION,
    HARD_EXCLUSIONS,
    KIND_CITED,
    KIND_COPIED,
    KIND_EXCLUDED,
    KIND_OK,
    KIND_OMITTED,
    KIND_OWN,
    KIND_REWRITE,
    KIND_TRANSLATED,
    MATCH_COPY,
    OWN_WORK,
    QUOTATION,
    REFERENCES,
    SCHEMA,
    SEGMENT_CHARS,
    SOFT_EXCLUSIONS,
    SOURCE_EXCLUSION_REASONS,
    TEMPLATE,
)
from screening.report.model import (
    ChapterFigures,
    ChapterSource,
    DocumentInfo,
    Figures,
    Indicator,
    Match,
    MeaningFigures,
    SourceInfo,
    SourceShare,
    TextRun,
)
from screening.report.options import (
    ReportOptions,
)
from screening.report.result import (
    ScreeningReport,
)

__all__ = [
    "BELOW_MINIMUM",
    "CITATION",
    "CITATION_REACH",
    "ChapterFigures",
    "ChapterSource",
    "CharCounter",
    "DocumentInfo",
    "EXCLUDED_SOURCE",
    "FRONT_FRACTION",
    "Figures",
    "HARD_EXCLUSIONS",
    "Indicator",
    "KIND_CITED",
    "KIND_COPIED",
    "KIND_EXCLUDED",
    "KIND_OK",
    "KIND_OMITTED",
    "KIND_OWN",
    "KIND_REWRITE",
    "KIND_TRANSLATED",
    "MATCH_COPY",
    "Match",
    "MeaningFigures",
    "OWN_WORK",
    "QUOTATION",
    "REFERENCES",
    "ReportOptions",
    "SCHEMA",
    "SEGMENT_CHARS",
    "SOFT_EXCLUSIONS",
    "SOURCE_EXCLUSION_REASONS",
    "ScreeningReport",
    "SourceInfo",
    "SourceShare",
    "TEMPLATE",
    "TextRun",
    "build_report",
    "check_code",
    "match_kind",
    "percent",
    "recompute",
    "text_runs",
    "text_sha256",
]
