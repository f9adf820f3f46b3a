"""Rewritten and translated matches in a report: their own figures (改写相似比), never
inside 总文字复制比, their own colours, and their reasons kept in the JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from screening.document import DocumentStructure, Span
from screening.report import (
    KIND_REWRITE,
    KIND_TRANSLATED,
    Match,
    ReportOptions,
    ScreeningReport,
    build_report,
    match_kind,
    text_runs,
)


def make(text: str, matches: list[Match], structure: DocumentStructure | None = None):
    return build_report(
        document_name="thesis.txt",
        text=text,
        structure=structure or DocumentStructure(),
        matches=matches,
        sources={},
        options=ReportOptions(),
        corpus_description="校内论文库",
        cutoff_date=date(2026, 11, 1),
        checked_at=datetime(2026, 11, 26, 8, 30, tzinfo=UTC),
        report_number="CX-2026-000002",
    )


def copied(source: str, offset: int, length: int) -> Match:
    return Match(source, offset, length, 0, length, 0.95)


def meaning(source: str, offset: int, length: int, kind: str) -> Match:
    return Match(
        source,
        offset,
        length,
        0,
        length,
        0.61,
        kind=kind,
        pairs=(("降水", "降雨"), ("缩小", "减少")),
        terms=("swmm", "23"),
    )


def test_meaning_matches_never_enter_the_copy_ratio() -> None:
    report = make(
        "甲" * 200,
        [
            copied("a", 0, 40),
            meaning("b", 30, 50, KIND_REWRITE),  # 10 of its 50 are already copied
            meaning("c", 120, 40, KIND_TRANSLATED),
        ],
    )

    assert report.figures.copied_chars == 40
    assert report.figures.copy_ratio == 0.2
    assert report.figures.counted_match_count == 1
    assert report.meaning.rewrite_chars == 40 + 40
    assert report.meaning.rewrite_ratio == 0.4
    assert report.meaning.translated_chars == 40
    assert report.meaning.translated_ratio == 0.2
    assert report.meaning.rewrite_match_count == 1
    assert report.meaning.translated_match_count == 1


def test_meaning_matches_have_their_own_colours() -> None:
    report = make(
        "甲" * 100,
        [meaning("b", 0, 30, KIND_REWRITE), meaning("c", 50, 30, KIND_TRANSLATED)],
    )

    assert [match_kind(m) for m in report.matches] == [KIND_REWRITE, KIND_TRANSLATED]
    kinds = [r.kind for r in text_runs(report, "甲" * 100)]
    assert kinds == ["rewrite", "ok", "translated", "ok"]


def test_template_rules_apply_to_meaning_matches_too() -> None:
    structure = DocumentStructure(templates=(Span(0, 60),))
    report = make("甲" * 100, [meaning("b", 0, 50, KIND_REWRITE)], structure)

    assert report.matches[0].excluded == "template"
    assert report.meaning.rewrite_chars == 0


def test_reasons_survive_the_json_round_trip() -> None:
    report = make("甲" * 100, [copied("a", 0, 20), meaning("b", 40, 30, KIND_REWRITE)])

    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    back = ScreeningReport.from_dict(data)

    assert back == report
    assert data["meaning_figures"]["rewrite_chars"] == 30
    rewrite = data["matches"][1]
    assert rewrite["kind"] == "rewrite"
    assert rewrite["pairs"] == [["降水", "降雨"], ["缩小", "减少"]]
    # Copied matches keep the contract's fields unchanged.
    assert "kind" not in data["matches"][0]
