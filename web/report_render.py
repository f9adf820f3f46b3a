"""Render a ScreeningReport as a standalone HTML document or a PDF, without a Flask app.

The CLI (`chengxin screen --format html|pdf`) and the web app both call these functions;
the layout follows CNKI's 文本复制检测报告单 because that is what readers already know.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from screening.report import (
    KIND_CITED,
    KIND_COPIED,
    KIND_EXCLUDED,
    KIND_OMITTED,
    KIND_OWN,
    KIND_REWRITE,
    KIND_TRANSLATED,
    CharCounter,
    Match,
    ScreeningReport,
    SourceShare,
    TextRun,
    match_kind,
    percent,
    text_runs,
)
from screening.report.excerpts import copied_spans
from web.report_meaning import MEANING_COLOURS, MEANING_LABELS
from web.report_sections import beijing_time, section_context, verification

_ENV = Environment(
    loader=PackageLoader("web", "templates"),
    autoescape=select_autoescape(),
    trim_blocks=True,
    lstrip_blocks=True,
)

# Passage colours (CNKI): red copied, green cited, brown-grey own work; grey excluded.
COLOURS = {
    KIND_COPIED: "#d7263d",
    KIND_CITED: "#2e8b57",
    KIND_OWN: "#8c7b6b",
    KIND_EXCLUDED: "#b0b0b0",
    **MEANING_COLOURS,
    "ok": "#dfe3e8",
}
# When matches overlap, the more serious kind colours the text.
_PRIORITY = {
    KIND_COPIED: 5,
    KIND_CITED: 4,
    KIND_OWN: 3,
    KIND_REWRITE: 2,
    KIND_TRANSLATED: 1,
    KIND_EXCLUDED: 0,
}

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "文本复制检测报告单",
        "number": "№",
        "checked_at": "检测时间",
        "document": "检测文献",
        "author": "作者",
        "unit": "单位",
        "scope": "检测范围",
        "cutoff": "比对截止日期",
        "copy_ratio": "总文字复制比",
        "without_quotes": "去除引用文献复制比",
        "without_own": "去除本人文献复制比",
        "max_source": "单篇最大文字复制比",
        "copied_chars": "重复字数",
        "total_chars": "总字数",
        "max_source_chars": "单篇最大重复字数",
        "paragraphs": "总段落数",
        "front_copied": "前部重合字数",
        "back_copied": "后部重合字数",
        "suspect_paragraphs": "疑似段落数",
        "suspect_max": "疑似段落最大重合字数",
        "suspect_min": "疑似段落最小重合字数",
        "indicators": "指标",
        "not_assessed": "未检测",
        "ind_wording_plagiarism": "疑似剽窃文字表述",
        "ind_self_plagiarism": "疑似自我剽窃",
        "ind_excessive_quotation": "过度引用",
        "ind_whole_plagiarism": "疑似整体剽窃",
        "ind_idea_plagiarism": "疑似剽窃观点",
        "ind_duplicate_submission": "一稿多投",
        "ind_duplicate_publication": "重复发表",
        "strip": "全文分布",
        "front": "前部20%",
        "back": "后部80%",
        "segments": "分段检测结果",
        "index": "序号",
        "chars": "字数",
        "chapter": "章节",
        "untitled": "（未分章节）",
        "segment": "片段",
        "sources": "相似文献列表",
        "source_title": "题名",
        "source_author": "作者",
        "source_venue": "来源",
        "source_date": "日期",
        "share": "复制比",
        "is_cited": "是否引证",
        "yes": "是",
        "no": "否",
        "none": "无",
        "excluded_sources": "已排除的来源",
        "reason": "原因",
        "passages": "全文对照",
        "original": "原文内容",
        "similar": "相似内容来源",
        "similar_here": "此处有{n}字相似",
        "score": "相似度",
        "excluded": "已排除",
        "unavailable": "（来源原文不可用）",
        "other_passages": "未计入的匹配",
        "legend": "图例",
        "kind_copied": "复制",
        "kind_cited": "引用",
        "kind_own": "本人已发表",
        "kind_excluded": "已排除",
        "kind_ok": "无问题",
        "notes": "说明",
        "filters": "当前设置",
        "min_match": "最小匹配字数",
        "exclude_quotes": "总文字复制比中去除引文",
        "exclude_references": "去除参考文献",
        "exclude_templates": "去除模板文字（封面、声明、授权书）",
        "own_work_sources": "本人作品来源",
        "thresholds": "指标阈值",
        "verify": "扫码核验报告编号",
        "page": "页",
        "reason_template": "模板文字",
        "reason_references": "参考文献",
        "reason_excluded_source": "已排除来源",
        "reason_below_minimum": "短于最小匹配字数",
        "reason_quotation": "引文",
        "reason_citation": "已标注引用",
        "reason_own_work": "本人作品",
        "source_reason_own_work": "本人作品",
        "source_reason_not_original": "非原始来源",
        "source_reason_collaboration": "合作",
        "source_reason_other": "其他",
        "def_unit": "字：抽取文本中的非空白字符；封面、声明、授权书等模板文字和参考文献表"
        "（按当前设置）既不计入分子也不计入分母。",
        "def_copy_ratio": "总文字复制比 = 重复字数 / 总字数；重复字数为所有计入匹配在本文中"
        "所覆盖字符的并集（重叠部分只计一次）。",
        "def_without_quotes": "去除引用文献复制比：同上，但不计位于引号内或带有引用标注的匹配。",
        "def_without_own": "去除本人文献复制比：同上，但不计来源为作者本人已发表作品的匹配。",
        "def_max_source": "单篇最大文字复制比：与单一来源匹配的字符并集 / 总字数。",
        "def_paragraphs": "段落为含有计入字符的文本行；疑似段落为含有重复字数的段落。",
        "def_front_back": "前部为计入字符的前20%，后部为其余80%。",
        "def_excluded": "被排除的匹配（模板、参考文献、已排除来源、短于最小字数）"
        "仍列出并以灰色显示，但不计入任何比例。",
        "def_scope": "检测结果仅对所选检测范围和比对截止日期有效；比对库增加后结果可能变化。"
        "公式、图片和表格中的内容未检测。复制比不是结论，须由专家判断。",
        **MEANING_LABELS["zh"],
    },
    "en": {
        "title": "Text Similarity Report",
        "number": "No.",
        "checked_at": "Checked at",
        "document": "Document",
        "author": "Author",
        "unit": "Unit",
        "scope": "Compared against",
        "cutoff": "Corpus cut-off date",
        "copy_ratio": "Total similarity",
        "without_quotes": "Excluding quotations and citations",
        "without_own": "Excluding the author's own work",
        "max_source": "Largest single source",
        "copied_chars": "Matched characters",
        "total_chars": "Total characters",
        "max_source_chars": "Largest single source, characters",
        "paragraphs": "Paragraphs",
        "front_copied": "Matched in the first 20%",
        "back_copied": "Matched in the last 80%",
        "suspect_paragraphs": "Paragraphs with matches",
        "suspect_max": "Most matched in one paragraph",
        "suspect_min": "Least matched in one paragraph",
        "indicators": "Indicators",
        "not_assessed": "not assessed",
        "ind_wording_plagiarism": "Suspected copied wording",
        "ind_self_plagiarism": "Suspected self-plagiarism",
        "ind_excessive_quotation": "Excessive quotation",
        "ind_whole_plagiarism": "Suspected wholesale copying",
        "ind_idea_plagiarism": "Suspected copied ideas",
        "ind_duplicate_submission": "Duplicate submission",
        "ind_duplicate_publication": "Duplicate publication",
        "strip": "Distribution over the document",
        "front": "First 20%",
        "back": "Last 80%",
        "segments": "Results by section",
        "index": "#",
        "chars": "Characters",
        "chapter": "Section",
        "untitled": "(untitled)",
        "segment": "Segment",
        "sources": "Similar sources",
        "source_title": "Title",
        "source_author": "Author",
        "source_venue": "Venue",
        "source_date": "Date",
        "share": "Share",
        "is_cited": "Cited",
        "yes": "yes",
        "no": "no",
        "none": "none",
        "excluded_sources": "Excluded sources",
        "reason": "Reason",
        "passages": "Side by side",
        "original": "Submitted text",
        "similar": "Similar source text",
        "similar_here": "{n} similar characters here",
        "score": "Score",
        "excluded": "Excluded",
        "unavailable": "(source text unavailable)",
        "other_passages": "Matches not counted",
        "legend": "Legend",
        "kind_copied": "copied",
        "kind_cited": "cited",
        "kind_own": "own published work",
        "kind_excluded": "excluded",
        "kind_ok": "no match",
        "notes": "Notes",
        "filters": "Active settings",
        "min_match": "Minimum match length (characters)",
        "exclude_quotes": "Quotations left out of the total",
        "exclude_references": "Reference list left out",
        "exclude_templates": "Template text (cover, declarations) left out",
        "own_work_sources": "Sources by the author",
        "thresholds": "Indicator thresholds",
        "verify": "Scan to verify the report number",
        "page": "Page",
        "reason_template": "template text",
        "reason_references": "reference list",
        "reason_excluded_source": "excluded source",
        "reason_below_minimum": "below minimum length",
        "reason_quotation": "quotation",
        "reason_citation": "cited",
        "reason_own_work": "own work",
        "source_reason_own_work": "author's own work",
        "source_reason_not_original": "not the original source",
        "source_reason_collaboration": "collaboration",
        "source_reason_other": "other",
        "def_unit": "Character: a non-whitespace character of the extracted text; template "
        "text (cover, declarations) and the reference list are, as set, left out of "
        "both numerator and denominator.",
        "def_copy_ratio": "Total similarity = matched characters / total characters; "
        "matched characters are the union of all counted matches in this document "
        "(overlaps count once).",
        "def_without_quotes": "Excluding quotations: as above, leaving out matches inside "
        "quotation marks or carrying a citation mark.",
        "def_without_own": "Excluding own work: as above, leaving out matches whose "
        "source is the author's own earlier work.",
        "def_max_source": "Largest single source: the union of one source's matches / "
        "total characters.",
        "def_paragraphs": "A paragraph is a line with counted characters; a paragraph "
        "with matches has matched characters.",
        "def_front_back": "The front is the first 20% of counted characters, the back "
        "the remaining 80%.",
        "def_excluded": "Excluded matches (template, references, excluded sources, "
        "below minimum) stay listed in grey but count in no ratio.",
        "def_scope": "Results hold only for the chosen corpus and cut-off date and may "
        "change as the corpus grows. Formulas, figures and tables are not checked. "
        "A percentage is not a verdict; experts must judge.",
        **MEANING_LABELS["en"],
    },
}

_UNASSESSED_INDICATORS = (
    "idea_plagiarism",
    "duplicate_submission",
    "duplicate_publication",
)


@dataclass(frozen=True, slots=True)
class _Piece:
    """A run of passage text with one highlight kind and the source numbers starting it."""

    text: str
    kind: str | None
    marks: tuple[int, ...] = ()


def render_html(
    report: ScreeningReport,
    *,
    text: str,
    fetch_source_text: Callable[[str], str],
    lang: str = "zh",
    verify_url: str | None = None,
    context_chars: int = 40,
    brief: bool = False,
) -> str:
    """The report as one standalone HTML document (styles inline, no external assets).

    Args:
        report: the report to show.
        text: the screened text its offsets point into.
        fetch_source_text: source id -> source text, for the right column; may raise
            LookupError or OSError, and the passage then says the text is unavailable.
        lang: "zh" (default) or "en" labels.
        verify_url: a URL template with `{report_number}` and `{check_code}` for the
            QR code and the printed verification line; without it the QR code carries
            the number, title, ratio, time and text hash.
        context_chars: characters shown around each matched span.
        brief: the short form (简洁): header, figures, flags and sources, no passages.
    """
    return _render(
        report,
        text=text,
        fetch_source_text=fetch_source_text,
        lang=lang,
        verify_url=verify_url,
        context_chars=context_chars,
        is_print=False,
        brief=brief,
    )


def render_pdf(
    report: ScreeningReport,
    *,
    text: str,
    fetch_source_text: Callable[[str], str],
    lang: str = "zh",
    verify_url: str | None = None,
    context_chars: int = 40,
    brief: bool = False,
) -> bytes:
    """The report as PDF (WeasyPrint), CJK fonts embedded, № and page x/y on every page."""
    import weasyprint  # heavy; only the PDF path needs it

    html = _render(
        report,
        text=text,
        fetch_source_text=fetch_source_text,
        lang=lang,
        verify_url=verify_url,
        context_chars=context_chars,
        is_print=True,
        brief=brief,
    )
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf


def _render(
    report: ScreeningReport,
    *,
    text: str,
    fetch_source_text: Callable[[str], str],
    lang: str,
    verify_url: str | None,
    context_chars: int,
    is_print: bool,
    brief: bool = False,
) -> str:
    """Build the view model and fill the template."""
    if lang not in LABELS:
        raise ValueError(f"unsupported language {lang!r}")
    if len(text) != report.document.length:
        raise ValueError("text is not the text the report was computed on")
    labels = LABELS[lang]
    counter = CharCounter.for_report(report, text)
    runs = text_runs(report, text)
    listed = [s for s in report.sources if s.excluded is None and s.copied_chars > 0]
    numbers = {s.source_id: i for i, s in enumerate(listed, 1)}
    passages = (
        []
        if brief
        else _passages(report, text, fetch_source_text, numbers, labels, context_chars)
    )
    chapters = []
    placed: set[int] = set()
    for chapter in report.chapters:
        mine = [
            p
            for i, p in enumerate(passages)
            if i not in placed and chapter.start <= p["start"] < chapter.end
        ]
        placed.update(i for i, p in enumerate(passages) if p in mine)
        chapters.append(
            {
                "figures": chapter,
                "name": _chapter_name(
                    chapter.title, chapter.index, chapter.is_segment, labels
                ),
                "strip": _strip(runs, counter, chapter.start, chapter.end),
                "passages": mine,
            }
        )
    others = [p for i, p in enumerate(passages) if i not in placed]
    context = {
        "r": report,
        "L": labels,
        "lang": lang,
        "is_print": is_print,
        "pct": percent,
        "colours": COLOURS,
        "checked_at": beijing_time(report.checked_at),
        "brief": brief,
        "strip": _strip(runs, counter, 0, len(text)),
        "front_x": report.figures.front_chars,
        "chapters": chapters,
        "other_passages": others,
        "sources": listed,
        "numbers": numbers,
        "excluded_sources": [s for s in report.sources if s.excluded is not None],
        "indicators": report.indicators,
        "unassessed": _UNASSESSED_INDICATORS,
        "max_source": _max_source(report),
        "qr": _qr(report, verify_url),
        **section_context(report, text, lang, verify_url),
    }
    return _ENV.get_template("report/report.html").render(context)


def _chapter_name(
    title: str, index: int, is_segment: bool, labels: Mapping[str, str]
) -> str:
    """A chapter's heading, or a label for segments and untitled stretches."""
    if is_segment:
        return f"{labels['segment']} {index}"
    return title or labels["untitled"]


def _max_source(report: ScreeningReport) -> SourceShare | None:
    """The source behind 单篇最大文字复制比, if any."""
    source_id = report.figures.max_source_id
    return report.source(source_id) if source_id is not None else None


def _qr(report: ScreeningReport, verify_url: str | None) -> str:
    """A data URI of an SVG QR code for verifying the report."""
    if verify_url:
        payload = verification(report, verify_url)["url"]
    else:
        payload = "\n".join(
            (
                f"chengxin {report.report_number}",
                report.document.title or report.document.name,
                percent(report.figures.copy_ratio),
                report.checked_at.isoformat(),
                f"sha256:{report.document.text_sha256}",
            )
        )
    # segno costs ~10 ms to import: paid by the first report, not by every start-up.
    import segno

    data_uri: str = segno.make(payload, error="m", micro=False).svg_data_uri(scale=3)
    return data_uri


def _strip(
    runs: Sequence[TextRun], counter: CharCounter, start: int, end: int
) -> dict[str, Any]:
    """Rectangles (x, width in counted characters, kind) for a strip over [start, end)."""
    rects: list[dict[str, Any]] = []
    x = 0
    for run in runs:
        if run.end <= start or run.start >= end or run.kind == KIND_OMITTED:
            continue
        width = counter.chars(max(run.start, start), min(run.end, end))
        if width <= 0:
            continue
        if rects and rects[-1]["kind"] == run.kind:
            rects[-1]["width"] += width
        else:
            rects.append({"x": x, "width": width, "kind": run.kind})
        x += width
    return {"total": max(x, 1), "rects": rects}


def _clusters(matches: Sequence[Match]) -> list[list[Match]]:
    """Groups of matches whose spans in the screened text overlap."""
    groups: list[list[Match]] = []
    end = -1
    for m in sorted(matches, key=lambda m: (m.offset, m.end)):
        if groups and m.offset < end:
            groups[-1].append(m)
            end = max(end, m.end)
        else:
            groups.append([m])
            end = m.end
    return groups


def _pieces(
    text: str, lo: int, hi: int, spans: Sequence[tuple[int, int, str, int | None]]
) -> list[_Piece]:
    """Cut text[lo:hi] at every span edge; each piece takes its most serious kind."""
    cuts = sorted({lo, hi, *(max(lo, min(hi, p)) for s in spans for p in s[:2])})
    pieces: list[_Piece] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a >= b:
            continue
        covering = [s for s in spans if s[0] < b and s[1] > a]
        kind = max((s[2] for s in covering), key=_PRIORITY.__getitem__, default=None)
        marks = tuple(sorted({s[3] for s in spans if s[0] == a and s[3] is not None}))
        pieces.append(_Piece(text[a:b], kind, marks))
    return pieces


def _passages(
    report: ScreeningReport,
    text: str,
    fetch_source_text: Callable[[str], str],
    numbers: Mapping[str, int],
    labels: Mapping[str, str],
    context_chars: int,
) -> list[dict[str, Any]]:
    """Side-by-side passages, one per group of overlapping matches, in text order."""
    nonspace = CharCounter(text)
    cache: dict[str, str | None] = {}

    def source_text(source_id: str) -> str | None:
        if source_id not in cache:
            try:
                cache[source_id] = fetch_source_text(source_id)
            except (LookupError, OSError):
                cache[source_id] = None
        return cache[source_id]

    out = []
    for group in _clusters(report.matches):
        start = min(m.offset for m in group)
        end = max(m.end for m in group)
        lo = max(0, start - context_chars)
        hi = min(len(text), end + context_chars)
        spans = [(m.offset, m.end, match_kind(m), numbers.get(m.source)) for m in group]
        cards = []
        for m in group:
            share = report.source(m.source)
            src = source_text(m.source)
            excerpt: list[_Piece] | None = None
            if src is not None:
                s_start = max(0, min(m.source_offset, len(src)))
                s_end = max(s_start, min(m.source_offset + m.source_length, len(src)))
                s_lo = max(0, s_start - context_chars)
                s_hi = min(len(src), s_end + context_chars)
                excerpt = _pieces(
                    src,
                    s_lo,
                    s_hi,
                    [
                        (a, b, match_kind(m), None)
                        for a, b in copied_spans(text, src, m)
                    ],
                )
                if s_lo > 0:
                    excerpt.insert(0, _Piece("…", None))
                if s_hi < len(src):
                    excerpt.append(_Piece("…", None))
            cards.append(
                {
                    "match": m,
                    "number": numbers.get(m.source),
                    "info": share.info,
                    "kind": match_kind(m),
                    "reason": labels.get(f"reason_{m.excluded}")
                    if m.excluded
                    else None,
                    "excerpt": excerpt,
                }
            )
        left = _pieces(text, lo, hi, spans)
        if lo > 0:
            left.insert(0, _Piece("…", None))
        if hi < len(text):
            left.append(_Piece("…", None))
        is_excluded = all(match_kind(m) == KIND_EXCLUDED for m in group)
        out.append(
            {
                "start": start,
                "chars": nonspace.union_chars((m.offset, m.end) for m in group),
                "is_excluded": is_excluded,
                "left": left,
                "cards": cards,
            }
        )
    return out
