"""Disguise flags, citation read from the thesis's own 参考文献, the cover's unit, and the
source characters lit as copied."""

from datetime import UTC, date, datetime

from screening.document import DocumentStructure, Span
from screening.normalize import disguise_runs
from screening.report import (
    Match,
    ReportOptions,
    ScreeningReport,
    SourceInfo,
    build_report,
    recompute,
)
from screening.report.cover import cover_unit
from screening.report.excerpts import copied_spans
from screening.structure import analyse

COPIED = "研究者普遍认为建立健全科研诚信制度是治理学术不端的根本途径"


def make(text, matches, *, structure=None, sources=None, options=None, unit=""):
    return build_report(
        document_name="thesis.txt",
        text=text,
        structure=structure if structure is not None else analyse(text),
        matches=matches,
        sources=sources or {},
        options=options or ReportOptions(),
        corpus_description="校内论文库",
        cutoff_date=date(2026, 11, 1),
        checked_at=datetime(2026, 11, 26, 8, 30, tzinfo=UTC),
        report_number="CX-2026-000001",
        unit=unit,
    )


def test_disguise_runs_name_each_trick_with_its_offsets():
    text = "研\u200b究這是ＡＢ１，Неllo。"
    runs = disguise_runs(text)
    assert runs == [
        ("zero_width", 1, 2),
        ("traditional", 3, 4),
        ("fullwidth", 5, 8),
        ("lookalike", 9, 11),
    ]
    # full-width Chinese punctuation and plain simplified text are not flagged
    assert disguise_runs("研究方法，结果。（一）") == []


def test_flags_clustered_in_a_match_raise_evasion_suspected():
    disguised = "\u200b".join(COPIED[:10]) + COPIED[10:]
    text = "前言部分的文字与本研究无关。" + disguised + "结语。"
    start = text.index(disguised)
    match = Match("a", start, len(disguised), 0, len(COPIED), 0.9)
    report = make(text, [match])
    flags = report.flags
    assert flags is not None
    assert dict(flags.chars)["zero_width"] == 9
    assert dict(flags.in_matches)["zero_width"] == 9
    assert flags.evasion_suspected
    assert all(start <= r.start < start + len(disguised) for r in flags.runs)
    # JSON round trip keeps the flags
    again = ScreeningReport.from_dict(report.to_dict())
    assert again.flags == flags
    # the same characters outside any match: flagged, not suspected
    clean = make(text, [])
    assert clean.flags is not None and clean.flags.total == 9
    assert not clean.flags.evasion_suspected


def test_a_thesis_in_traditional_characters_throughout_is_not_evasion():
    text = "這個研究討論學術規範與誠信問題，並說明資料來源。" * 20
    report = make(text, [Match("a", 0, 24, 0, 24, 0.9)])
    assert report.flags is not None
    assert dict(report.flags.chars)["traditional"] > 100
    assert not report.flags.evasion_suspected


def _thesis_with_references() -> str:
    return (
        "第一章 绪论\n"
        + COPIED
        + "，这一观点已被广泛接受。另有“"
        + COPIED[:20]
        + "”一句。\n"
        + "参考文献\n"
        + "[1] 陈立新. 科研诚信制度研究[J]. 高教研究, 2020(3): 1-9.\n"
        + "[2] 李四. 量子计算综述[J]. 物理, 2019.\n"
    )


def test_is_cited_is_read_from_the_reference_list_and_survives_exclusion():
    text = _thesis_with_references()
    structure = analyse(text)
    assert structure.references
    first = text.index(COPIED)
    quoted = text.index("“") + 1
    sources = {
        "a": SourceInfo("a", title="科研诚信制度研究"),
        "c": SourceInfo("c", title="另一篇未列出的文献"),
    }
    matches = [
        Match("a", first, len(COPIED), 0, len(COPIED), 0.9),
        Match("c", quoted, 20, 0, 20, 0.9),
    ]
    report = make(text, matches, structure=structure, sources=sources)
    assert report.source("a").is_cited
    groups = {g.code: g for g in report.citation_groups}
    assert groups["cited_not_quoted"].match_count == 1
    assert groups["quoted_not_cited"].match_count == 1
    assert groups["cited_quoted"].match_count == 0
    assert groups["neither"].match_count == 0
    assert groups["cited_not_quoted"].chars == len(COPIED)
    # excluding the source leaves it cited (它仍在参考文献中)
    excluded = recompute(
        report, ReportOptions(excluded_sources={"a": "other"}), text=text
    )
    assert excluded.source("a").is_cited
    assert excluded.source("a").excluded == "other"
    assert sum(g.match_count for g in excluded.citation_groups) == 1


def test_unit_is_read_from_the_cover_page():
    cover = (
        "学位论文\n论文题目：科研诚信建设研究\n学    号：2021009\n"
        "学    院：教育学院\n指导教师：赵六\n\n第一章 绪论\n正文。\n"
    )
    assert cover_unit(cover, analyse(cover)) == "教育学院"
    bare = "硕士学位论文\n科研诚信建设研究\n信息科学与技术学院\n二〇二六年五月\n"
    assert cover_unit(bare, DocumentStructure(templates=(Span(0, len(bare)),))) == (
        "信息科学与技术学院"
    )
    report = make(cover, [])
    assert report.document.unit == "教育学院"
    assert make(cover, [], unit="化学系").document.unit == "化学系"
    assert cover_unit("第一章 绪论\n正文。\n", DocumentStructure()) == ""


def test_the_source_pane_lights_only_what_was_copied():
    source = "甲乙丙丁戊己庚辛。研究者普遍认为，这一点非常重要，建立健全科研诚信制度是根本途径。其后文字。"
    copied = "研究者普遍认为，建立健全科研诚信制度是根本途径。"
    text = "前文。" + copied + "后文。"
    start = source.index("研究者")
    end = source.index("其后")
    match = Match("s", text.index(copied), len(copied), start, end - start, 0.9)
    spans = copied_spans(text, source, match)
    lit = "".join(source[a:b] for a, b in spans)
    assert lit == copied
    assert "这一点非常重要" not in lit


def test_a_unit_is_not_read_from_running_text():
    text = "摘要\n本文以某学院为例，讨论科研诚信教育。\n第一章 绪论\n正文。\n"
    assert cover_unit(text, DocumentStructure()) == ""
    labelled = "培养单位：化学与分子工程学院\n"
    assert cover_unit(labelled, DocumentStructure()) == "化学与分子工程学院"
    title_alone = "学位论文\n中美关系\n学号：2020001\n指导教师：李四\n"
    assert cover_unit(title_alone, DocumentStructure()) == ""
