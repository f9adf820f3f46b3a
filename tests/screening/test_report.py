"""Report figures on hand-made texts whose answers are known by counting."""

import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.document import Chapter, DocumentStructure, Span
from screening.report import (
    Match,
    ReportOptions,
    ScreeningReport,
    SourceInfo,
    build_report,
    percent,
    recompute,
    text_runs,
)

CONTRACT_FIELDS = {
    "source",
    "offset",
    "length",
    "source_offset",
    "source_length",
    "score",
    "excluded",
}


def make(text, matches, structure=None, options=None, sources=None):
    return build_report(
        document_name="thesis.txt",
        text=text,
        structure=structure or DocumentStructure(),
        matches=matches,
        sources=sources or {},
        options=options or ReportOptions(),
        corpus_description="校内论文库",
        cutoff_date=date(2026, 11, 1),
        checked_at=datetime(2026, 11, 26, 8, 30, tzinfo=UTC),
        report_number="CX-2026-000001",
        title="论文题目",
        author="张三",
        unit="计算机学院",
    )


def m(source, offset, length, excluded=None):
    return Match(source, offset, length, 0, length, 0.9, excluded)


def test_overlapping_matches_count_their_union_not_their_sum():
    report = make("甲" * 100, [m("a", 0, 30), m("b", 20, 30)])
    f = report.figures
    assert f.total_chars == 100
    assert f.copied_chars == 50
    assert f.copy_ratio == 0.5
    assert (f.max_source_id, f.max_source_chars, f.max_source_ratio) == ("a", 30, 0.3)
    assert [s.source_id for s in report.sources] == ["a", "b"]
    assert all(match.excluded is None for match in report.matches)


def test_same_source_overlaps_count_once_in_its_share():
    report = make("甲" * 100, [m("a", 0, 30), m("a", 10, 30)])
    assert report.source("a").copied_chars == 40
    assert report.figures.max_source_chars == 40


def test_whitespace_is_not_counted():
    text = "甲 " * 50  # 50 characters and 50 spaces
    report = make(text, [m("a", 0, 40)])
    assert report.figures.total_chars == 50
    assert report.figures.copied_chars == 20


def test_template_and_references_leave_numerator_and_denominator():
    text = "声" * 20 + "文" * 100 + "参" * 30
    structure = DocumentStructure(
        templates=(Span(0, 20),), references=(Span(120, 150),)
    )
    matches = [m("t", 0, 15), m("r", 125, 20), m("b", 40, 20)]
    report = make(text, matches, structure)
    f = report.figures
    assert f.total_chars == 100
    assert f.copied_chars == 20
    assert f.copy_ratio == 0.2
    assert {x.source: x.excluded for x in report.matches} == {
        "t": "template",
        "r": "references",
        "b": None,
    }
    with_refs = make(text, matches, structure, ReportOptions(exclude_references=False))
    assert with_refs.figures.total_chars == 130
    assert with_refs.figures.copied_chars == 40


def test_match_straddling_the_reference_list_counts_only_its_body_part():
    text = "文" * 100 + "参" * 30
    structure = DocumentStructure(references=(Span(100, 130),))
    report = make(text, [m("a", 80, 30)], structure)
    assert report.matches[0].excluded is None
    assert report.figures.copied_chars == 20


def test_quotation_counts_in_total_but_leaves_without_quotes_ratio():
    text = "甲" * 100
    structure = DocumentStructure(quotations=(Span(10, 40),))
    report = make(text, [m("q", 10, 30), m("c", 60, 20)], structure)
    f = report.figures
    assert report.matches[0].excluded == "quotation"
    assert f.copy_ratio == 0.5
    assert f.copy_ratio_without_quotes == 0.2
    assert f.quoted_ratio == 0.3
    assert report.source("q").is_cited
    assert not report.source("c").is_cited
    strict = make(
        text,
        [m("q", 10, 30), m("c", 60, 20)],
        structure,
        ReportOptions(exclude_quotes=True),
    )
    assert strict.figures.copy_ratio == 0.2


def test_citation_mark_just_after_a_match_marks_it_cited():
    text = "甲" * 50 + "[1]" + "乙" * 47
    structure = DocumentStructure(citations=(Span(50, 53),))
    report = make(text, [m("a", 20, 30), m("b", 60, 20)], structure)
    assert [x.excluded for x in report.matches] == ["citation", None]
    assert report.figures.copied_chars == 50
    assert report.figures.copied_chars_without_quotes == 20


def test_citation_on_the_next_line_does_not_count():
    text = "甲" * 50 + "\n[1]" + "乙" * 46
    structure = DocumentStructure(citations=(Span(51, 54),))
    report = make(text, [m("a", 20, 30)], structure)
    assert report.matches[0].excluded is None


def test_own_work_counts_in_total_but_leaves_without_own_ratio():
    options = ReportOptions(own_work_sources=frozenset({"mine"}))
    report = make("甲" * 100, [m("mine", 0, 40), m("other", 30, 20)], options=options)
    f = report.figures
    assert report.matches[0].excluded == "own_work"
    assert f.copied_chars == 50
    assert f.copied_chars_without_own == 20
    assert f.copied_chars_without_quotes == 50
    assert f.own_chars == 40
    assert report.source("mine").is_own_work


def test_excluding_a_source_recomputes_the_figures():
    text = "甲" * 100
    report = make(text, [m("a", 0, 60), m("b", 70, 20)])
    assert report.figures.copy_ratio == 0.8
    options = ReportOptions(excluded_sources={"a": "not_original"})
    again = recompute(report, options, text=text)
    assert again.figures.copy_ratio == 0.2
    assert again.figures.max_source_id == "b"
    assert again.matches[0].excluded == "excluded_source"
    assert again.source("a").excluded == "not_original"
    assert again.sources[-1].source_id == "a"
    assert again.report_number == report.report_number
    restored = recompute(again, ReportOptions(), text=text)
    assert restored == report


def test_recompute_refuses_another_text():
    report = make("甲" * 100, [m("a", 0, 60)])
    with pytest.raises(ValueError):
        recompute(report, ReportOptions(), text="乙" * 100)


def test_unknown_exclusion_reason_is_rejected():
    with pytest.raises(ValueError):
        ReportOptions(excluded_sources={"a": "不喜欢"})
    assert dict(ReportOptions(excluded_sources=frozenset({"a"})).excluded_sources) == {
        "a": "other"
    }
    chinese = ReportOptions(excluded_sources={"a": "合作", "b": "本人作品"})
    assert dict(chinese.excluded_sources) == {"a": "collaboration", "b": "own_work"}
    assert hash(chinese) == hash(
        ReportOptions(excluded_sources=chinese.excluded_sources)
    )


def test_minimum_match_length_filters_small_matches():
    text = "甲" * 100
    matches = [m("a", 0, 12), m("b", 50, 13)]
    report = make(text, matches)
    assert [x.excluded for x in report.matches] == ["below_minimum", None]
    assert report.figures.copied_chars == 13
    loose = recompute(report, ReportOptions(min_match_chars=0), text=text)
    assert loose.figures.copied_chars == 25
    strict = recompute(report, ReportOptions(min_match_chars=20), text=text)
    assert strict.figures.copied_chars == 0
    assert strict.figures.max_source_id is None


def test_first_applicable_reason_wins():
    text = "声" * 40 + "文" * 60
    structure = DocumentStructure(templates=(Span(0, 40),), quotations=(Span(0, 40),))
    options = ReportOptions(excluded_sources={"a": "other"})
    report = make(text, [m("a", 0, 30), m("a", 50, 5)], structure, options)
    assert [x.excluded for x in report.matches] == ["template", "excluded_source"]


def test_chapters_partition_the_counted_text_and_sum_up():
    text = "封" * 10 + "一" * 50 + "二" * 40 + "参" * 20
    structure = DocumentStructure(
        chapters=(Chapter("第一章 绪论", 10, 60), Chapter("第二章 方法", 60, 100)),
        templates=(Span(0, 10),),
        references=(Span(100, 120),),
    )
    matches = [m("a", 50, 20), m("b", 80, 10), m("b", 85, 10)]
    report = make(text, matches, structure, ReportOptions(min_match_chars=0))
    chapters = report.chapters
    assert [c.title for c in chapters] == ["第一章 绪论", "第二章 方法"]
    assert [c.total_chars for c in chapters] == [50, 40]
    assert [c.copied_chars for c in chapters] == [10, 25]
    assert sum(c.copied_chars for c in chapters) == report.figures.copied_chars == 35
    assert sum(c.total_chars for c in chapters) == report.figures.total_chars
    assert chapters[1].copy_ratio == 25 / 40
    assert [(s.source_id, s.copied_chars) for s in chapters[1].sources] == [
        ("b", 15),
        ("a", 10),
    ]


def test_text_outside_chapters_becomes_an_untitled_section():
    text = "摘" * 20 + "一" * 80
    structure = DocumentStructure(chapters=(Chapter("第一章", 20, 100),))
    report = make(text, [m("a", 0, 30)], structure)
    assert [(c.title, c.total_chars, c.copied_chars) for c in report.chapters] == [
        ("", 20, 20),
        ("第一章", 80, 10),
    ]


def test_without_chapters_the_text_is_cut_into_fixed_segments():
    report = make("甲" * 30_000, [m("a", 11_990, 20)])
    assert [c.total_chars for c in report.chapters] == [12_000, 12_000, 6_000]
    assert all(c.is_segment for c in report.chapters)
    assert [c.copied_chars for c in report.chapters] == [10, 10, 0]


def test_paragraphs_and_front_back():
    text = "\n".join(["甲" * 20, "乙" * 30, "", "丙" * 50])
    # paragraphs start at 0, 21, 53; total 100, front = first 20 characters
    report = make(text, [m("a", 10, 30), m("b", 60, 15)])
    f = report.figures
    assert f.paragraph_count == 3
    assert f.suspect_paragraph_count == 3
    assert f.suspect_paragraph_max_chars == 19
    assert f.suspect_paragraph_min_chars == 10
    assert (f.front_chars, f.back_chars) == (20, 80)
    assert (f.front_copied_chars, f.back_copied_chars) == (10, 34)
    assert f.copied_chars == 44


def test_indicators_flag_whole_plagiarism_and_excessive_quotation():
    text = "甲" * 100
    structure = DocumentStructure(quotations=(Span(60, 100),))
    report = make(text, [m("a", 0, 55), m("q", 60, 40)], structure)
    flags = {i.code: i.is_flagged for i in report.indicators}
    assert flags == {
        "wording_plagiarism": True,
        "self_plagiarism": False,
        "excessive_quotation": True,
        "whole_plagiarism": True,
    }


def test_matches_outside_the_text_are_rejected():
    with pytest.raises(ValueError):
        make("甲" * 10, [m("a", 5, 10)])


def test_json_round_trip_keeps_the_contract():
    text = "封" * 10 + "一" * 50 + "[2]" + "二" * 37 + "参" * 20
    structure = DocumentStructure(
        chapters=(Chapter("第一章", 10, 60), Chapter("第二章", 60, 100)),
        templates=(Span(0, 10),),
        references=(Span(100, 120),),
        citations=(Span(60, 63),),
        quotations=(Span(70, 80),),
        has_toc=True,
    )
    options = ReportOptions(
        excluded_sources={"x": "collaboration"},
        own_work_sources=frozenset({"mine"}),
        min_match_chars=5,
    )
    sources = {
        "a": SourceInfo("a", "来源一", "李四", "某大学学报", date(2020, 5, 1)),
        "mine": SourceInfo("mine", "旧作", "张三"),
    }
    matches = [
        m("a", 40, 20),
        m("mine", 85, 10),
        m("x", 20, 10),
        m("a", 0, 8),
        m("a", 70, 10),
        m("b", 102, 10),
        m("b", 95, 3),
    ]
    report = make(text, matches, structure, options, sources)
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert ScreeningReport.from_dict(data) == report
    assert {
        "matches",
        "figures",
        "chapters",
        "sources",
        "document",
        "options",
        "report_number",
        "checked_at",
        "corpus",
        "cutoff_date",
    } <= set(data)
    assert all(set(x) == CONTRACT_FIELDS for x in data["matches"])
    reasons = {(x["source"], x["offset"]): x["excluded"] for x in data["matches"]}
    assert reasons == {
        ("a", 0): "template",
        ("x", 20): "excluded_source",
        ("a", 40): "citation",
        ("a", 70): "quotation",
        ("mine", 85): "own_work",
        ("b", 95): "below_minimum",
        ("b", 102): "references",
    }
    assert data["cutoff_date"] == "2026-11-01"
    assert data["sources"][0]["title"] == "来源一"


def test_text_runs_cover_the_text_and_agree_with_the_figures():
    text = "封" * 10 + "甲" * 90
    structure = DocumentStructure(templates=(Span(0, 10),), quotations=(Span(60, 80),))
    options = ReportOptions(own_work_sources=frozenset({"mine"}))
    report = make(
        text, [m("a", 20, 20), m("q", 60, 20), m("mine", 35, 15)], structure, options
    )
    runs = text_runs(report, text)
    assert runs[0].start == 0 and runs[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(runs, runs[1:], strict=False))
    chars = {}
    for run in runs:
        chars[run.kind] = chars.get(run.kind, 0) + run.chars
    assert chars["omitted"] == 0
    assert (
        chars["copied"] + chars["cited"] + chars["own"] == report.figures.copied_chars
    )
    assert (chars["copied"], chars["own"], chars["cited"]) == (20, 10, 20)


@pytest.mark.parametrize(
    ("ratio", "shown"),
    [
        (0.0, "0.0%"),
        (1 / 3, "33.3%"),
        (0.0005, "0.1%"),
        (0.00049, "0.0%"),
        (1.0, "100.0%"),
    ],
)
def test_percent_rounds_half_up_for_display_only(ratio, shown):
    assert percent(ratio) == shown


@st.composite
def screened(draw):
    length = draw(st.integers(1, 300))
    text = "".join(
        draw(st.lists(st.sampled_from("甲乙a \n"), min_size=length, max_size=length))
    )

    def spans(max_size):
        out = []
        for _ in range(draw(st.integers(0, max_size))):
            start = draw(st.integers(0, length))
            out.append(Span(start, draw(st.integers(start, length))))
        return tuple(out)

    cuts = sorted(draw(st.lists(st.integers(0, length), max_size=4)))
    bounds = [0, *cuts, length]
    chapters = tuple(
        Chapter(f"第{i}章", a, b)
        for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
        if b > a
    )
    structure = DocumentStructure(
        chapters=chapters if draw(st.booleans()) else (),
        references=spans(1),
        quotations=spans(3),
        citations=spans(3),
        templates=spans(2),
    )
    matches = []
    for _ in range(draw(st.integers(0, 12))):
        start = draw(st.integers(0, length))
        end = draw(st.integers(start, length))
        matches.append(m(draw(st.sampled_from("abcd")), start, end - start))
    options = ReportOptions(
        min_match_chars=draw(st.integers(0, 20)),
        own_work_sources=frozenset(draw(st.sets(st.sampled_from("abcd")))),
        excluded_sources=dict.fromkeys(draw(st.sets(st.sampled_from("abcd"))), "other"),
        exclude_quotes=draw(st.booleans()),
        exclude_references=draw(st.booleans()),
        exclude_templates=draw(st.booleans()),
    )
    return text, matches, structure, options


@settings(max_examples=150, deadline=None)
@given(screened())
def test_figures_keep_their_invariants(case):
    text, matches, structure, options = case
    report = make(text, matches, structure, options)
    f = report.figures
    assert 0 <= f.copied_chars <= f.total_chars
    assert f.copied_chars <= sum(x.length for x in matches)
    assert f.copied_chars_without_quotes <= f.copied_chars
    assert f.copied_chars_without_own <= f.copied_chars
    assert f.max_source_chars <= f.copied_chars
    assert all(0.0 <= r <= 1.0 for r in (f.copy_ratio, f.max_source_ratio))
    assert f.front_copied_chars + f.back_copied_chars == f.copied_chars
    assert sum(c.total_chars for c in report.chapters) == f.total_chars
    assert sum(c.copied_chars for c in report.chapters) == f.copied_chars
    assert sum(c.copied_chars_without_own for c in report.chapters) == (
        f.copied_chars_without_own
    )
    assert len(report.matches) == len(matches)
    runs = text_runs(report, text)
    assert sum(r.chars for r in runs if r.kind != "ok") == f.copied_chars
    assert ScreeningReport.from_dict(json.loads(json.dumps(report.to_dict()))) == report
    assert recompute(report, options, text=text) == report
