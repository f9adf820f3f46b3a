"""The report's sections beside the CNKI grid: disguise flags, citation groups, the
verification line and the applied filters, for the standalone HTML/PDF and the pages.

Kept apart from `report_render` so that sections over new match kinds are added there
and these stay generic over matches.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from screening.report import ScreeningReport, check_code
from screening.report.citations import CITATION_GROUPS

BEIJING = timezone(timedelta(hours=8), "CST")
# Places listed under "where they are"; the counts stay complete.
FLAG_PLACES = 30
# Characters of context shown on each side of a flagged run.
FLAG_CONTEXT = 8

SECTION_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "beijing_time": "北京时间",
        "flags": "标记：伪装与隐藏字符",
        "flag_kind": "类别",
        "flag_chars": "字符数",
        "flag_in_matches": "其中位于计入的匹配中",
        "flag_traditional": "繁体字",
        "flag_fullwidth": "全角字母或数字",
        "flag_zero_width": "零宽或隐形字符",
        "flag_lookalike": "形似字母（西里尔、希腊字母）",
        "flag_hidden": "隐藏文字（白色、极小字号或隐藏格式）",
        "flags_none": "未发现伪装或隐藏字符。",
        "flags_where": "位置",
        "flags_more": "另有 {n} 处未列出",
        "evasion_suspected": "疑似规避检测：伪装字符集中在匹配段落中",
        "def_flags": "标记：检测前系统将繁体字转为简体、全角字母数字转为半角、删除零宽字符、"
        "将形似的西里尔或希腊字母视为拉丁字母；此处列出这些字符的数量和位置。"
        "零宽字符不计入字数。伪装字符集中出现在匹配段落中时标为“疑似规避检测”。",
        "groups": "按引证分组",
        "group_cited_quoted": "已引证且加引号",
        "group_cited_not_quoted": "已引证未加引号",
        "group_quoted_not_cited": "加引号未引证",
        "group_neither": "未引证未加引号",
        "group_matches": "匹配数",
        "def_groups": "引证：来源列于本文参考文献表中，或匹配处带有引用标注。",
        "verify_line": "核验：{url}　核验码 {code}",
        "check_code": "核验码",
        "brief": "简洁报告",
        "total_chars_note": "计入字数，不含模板文字和参考文献表（按当前设置）",
    },
    "en": {
        "beijing_time": "Beijing time",
        "flags": "Flags: disguised and hidden characters",
        "flag_kind": "Kind",
        "flag_chars": "Characters",
        "flag_in_matches": "Of which in counted matches",
        "flag_traditional": "Traditional characters",
        "flag_fullwidth": "Full-width letters or digits",
        "flag_zero_width": "Zero-width or invisible characters",
        "flag_lookalike": "Look-alike letters (Cyrillic, Greek)",
        "flag_hidden": "Hidden text (white, tiny or formatted hidden)",
        "flags_none": "No disguised or hidden characters found.",
        "flags_where": "Where",
        "flags_more": "{n} more not listed",
        "evasion_suspected": "Evasion suspected: disguised characters cluster in matches",
        "def_flags": "Flags: before comparing, traditional characters are read as "
        "simplified, full-width letters and digits as ASCII, zero-width characters are "
        "dropped and look-alike Cyrillic or Greek letters read as Latin; their number and "
        "places are listed. Zero-width characters are not counted as characters. Evasion "
        "is suspected when they cluster in matched passages.",
        "groups": "Matches by citation",
        "group_cited_quoted": "Cited and quoted",
        "group_cited_not_quoted": "Cited, not quoted",
        "group_quoted_not_cited": "Quoted, not cited",
        "group_neither": "Neither cited nor quoted",
        "group_matches": "Matches",
        "def_groups": "Cited: the source is in the document's reference list, or the "
        "match carries a citation mark.",
        "verify_line": "Verify at {url}  check code {code}",
        "check_code": "Check code",
        "brief": "Short report",
        "total_chars_note": "counted characters, without template text and the "
        "reference list (as set)",
    },
}


def beijing_time(moment: datetime) -> str:
    """A stored (UTC) time as the pages show it: Beijing time, seconds included."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(BEIJING):%Y-%m-%d %H:%M:%S}"


def visible(text: str) -> str:
    """Text with invisible characters written out (U+200B), so a reader sees them."""
    return "".join(
        f"⟨U+{ord(ch):04X}⟩" if unicodedata.category(ch) == "Cf" else ch for ch in text
    )


def flag_rows(
    report: ScreeningReport, labels: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One row per disguise kind: its label, characters, and characters in matches."""
    if report.flags is None:
        return []
    inside = dict(report.flags.in_matches)
    return [
        {
            "kind": kind,
            "label": labels[f"flag_{kind}"],
            "chars": chars,
            "in_matches": inside.get(kind, 0),
        }
        for kind, chars in report.flags.chars
    ]


def flag_places(
    report: ScreeningReport, text: str, labels: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The first flagged runs with their offsets and a little context, for "where"."""
    if report.flags is None:
        return []
    out = []
    for run in report.flags.runs[:FLAG_PLACES]:
        out.append(
            {
                "kind": labels[f"flag_{run.kind}"],
                "start": run.start,
                "end": run.end,
                "before": visible(text[max(0, run.start - FLAG_CONTEXT) : run.start]),
                "text": visible(text[run.start : run.end]),
                "after": visible(text[run.end : run.end + FLAG_CONTEXT]),
            }
        )
    return out


def group_rows(
    report: ScreeningReport, labels: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The citation groups in their fixed order, with labels."""
    by_code = {g.code: g for g in report.citation_groups}
    return [
        {
            "code": code,
            "label": labels[f"group_{code}"],
            "match_count": by_code[code].match_count,
            "chars": by_code[code].chars,
            "matches": by_code[code].matches,
        }
        for code in CITATION_GROUPS
        if code in by_code
    ]


def verification(report: ScreeningReport, verify_url: str | None) -> dict[str, str]:
    """The verification URL (with № and check code filled in) and the check code."""
    code = check_code(report)
    url = (
        verify_url.format(report_number=report.report_number, check_code=code)
        if verify_url
        else ""
    )
    return {"url": url, "code": code}


def section_context(
    report: ScreeningReport, text: str, lang: str, verify_url: str | None
) -> dict[str, Any]:
    """What the report template's extra sections need."""
    labels = SECTION_LABELS[lang]
    return {
        "S": labels,
        "flag_rows": flag_rows(report, labels),
        "flag_places": flag_places(report, text, labels),
        "group_rows": group_rows(report, labels),
        "verification": verification(report, verify_url),
    }
