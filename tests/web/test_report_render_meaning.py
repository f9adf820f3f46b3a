"""Rewritten and translated matches in the standalone HTML and PDF report: their own
figures beside 总文字复制比, their colours and their reasons, escaped."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from pdfminer.high_level import extract_text

from screening.document import DocumentStructure
from screening.report import (
    KIND_REWRITE,
    KIND_TRANSLATED,
    Match,
    ReportOptions,
    ScreeningReport,
    SourceInfo,
    build_report,
)
from web.report_meaning import MEANING_COLOURS
from web.report_render import render_html, render_pdf

SCRIPT = '<script>alert("x")</script>'
REWRITTEN = "仿真表明，一旦降水重现期大于5年，市中心大约23%的排水管道会发生超负荷运行。"
TRANSLATED = "印度拥有健全的农村金融法律体系，其小额金融机构作为中介发放小额信贷。"
TEXT = f"第一章 绪论\n{REWRITTEN}\n作者自己的叙述。\n{TRANSLATED}\n"
SOURCES = {
    "zh": "模拟结果显示，当降雨重现期超过5年时，中心城区约有23%的排水管段出现超载现象。",
    "en": "India has a sound system of rural finance law; its microfinance "
    "institutions act as intermediaries for microcredit.",
}


def make_report() -> ScreeningReport:
    start_r = TEXT.index(REWRITTEN)
    start_t = TEXT.index(TRANSLATED)
    matches = [
        Match(
            "zh",
            start_r,
            len(REWRITTEN),
            0,
            len(SOURCES["zh"]),
            0.63,
            kind=KIND_REWRITE,
            pairs=(("降水", "降雨"), ("超负荷", "超载"), (SCRIPT, "x")),
            terms=("5", "23"),
        ),
        Match(
            "en",
            start_t,
            len(TRANSLATED),
            0,
            len(SOURCES["en"]),
            0.41,
            kind=KIND_TRANSLATED,
            pairs=(("印度", "india"), ("信贷", "microcredit")),
        ),
    ]
    return build_report(
        document_name="thesis.txt",
        text=TEXT,
        structure=DocumentStructure(),
        matches=matches,
        sources={"zh": SourceInfo("zh", "武汉城市雨洪模拟"), "en": SourceInfo("en")},
        options=ReportOptions(),
        corpus_description="校内学位论文库",
        cutoff_date=date(2026, 11, 1),
        checked_at=datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
        report_number="CX-2026-000077",
    )


def test_html_shows_meaning_figures_kinds_and_reasons() -> None:
    report = make_report()
    html = render_html(report, text=TEXT, fetch_source_text=SOURCES.__getitem__)

    assert report.figures.copy_ratio == 0.0
    assert "改写相似比" in html and "其中跨语言" in html
    assert 'id="copy-ratio">0.0%' in html
    assert f'id="rewrite-ratio">{report.meaning.rewrite_ratio * 100:.1f}%' in html
    assert '<mark class="rewrite">' in html and '<mark class="translated">' in html
    assert "降水 ↔ 降雨" in html and "印度 ↔ india" in html
    assert MEANING_COLOURS[KIND_REWRITE] in html
    assert SCRIPT not in html and "&lt;script&gt;" in html


def test_english_html_names_the_kinds() -> None:
    html = render_html(
        make_report(), text=TEXT, fetch_source_text=SOURCES.__getitem__, lang="en"
    )

    assert "Rewritten similarity" in html and "suspected rewrite" in html
    assert "cross-language" in html


def test_pdf_carries_the_meaning_figures_and_reasons() -> None:
    pdf = render_pdf(make_report(), text=TEXT, fetch_source_text=SOURCES.__getitem__)

    text = extract_text(io.BytesIO(pdf))
    assert "改写相似比" in text
    assert "疑似改写" in text and "跨语言" in text
    assert "对齐的词语" in text
