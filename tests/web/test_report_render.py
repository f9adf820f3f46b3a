"""The report renders to standalone HTML and PDF, escaped, with CJK fonts embedded."""

import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LTTextContainer

from screening.document import Chapter, DocumentStructure, Span
from screening.report import Match, ReportOptions, SourceInfo, build_report, percent
from web.report_render import render_html, render_pdf

SCRIPT = '<script>alert("x")</script>'
COPIED = "机器学习是人工智能的一个分支，它研究计算机如何从数据中学习。"
METHOD = "我们使用深度神经网络进行文本相似度检测，并与传统方法比较。"
TEXT = (
    "原创性声明：本论文为本人独立完成。\n"
    "第一章 绪论\n"
    f"{COPIED}{SCRIPT}这是作者自己的叙述，没有任何来源。\n"
    "第二章 方法\n"
    f"{METHOD}Deep learning compares texts well. 作者补充说明。\n"
    "参考文献\n[1] 李四. 机器学习导论. 2019."
)
SOURCES = {
    "a": f"前文。{COPIED}后文。",
    "b": f"{METHOD}",
}


def make_report(options=None):
    ch1 = TEXT.index("第一章")
    ch2 = TEXT.index("第二章")
    refs = TEXT.index("参考文献")
    structure = DocumentStructure(
        chapters=(
            Chapter("第一章 绪论", ch1, ch2),
            Chapter(f"第二章 {SCRIPT}", ch2, refs),
        ),
        templates=(Span(0, ch1),),
        references=(Span(refs, len(TEXT)),),
    )
    start_a = TEXT.index(COPIED)
    start_b = TEXT.index(METHOD)
    matches = [
        Match("a", start_a, len(COPIED), 3, len(COPIED), 0.97),
        Match("b", start_b, 20, 0, 20, 0.91),
        Match("b", 0, 12, 0, 12, 0.5),
        Match("gone", refs + 5, 10, 0, 10, 0.8),
    ]
    return build_report(
        document_name="thesis.txt",
        text=TEXT,
        structure=structure,
        matches=matches,
        sources={
            "a": SourceInfo(
                "a", f"机器学习导论{SCRIPT}", "李四", "某大学学报", date(2019, 1, 1)
            ),
            "b": SourceInfo("b", "神经网络方法", "王五"),
        },
        options=options or ReportOptions(),
        corpus_description=f"校内学位论文库{SCRIPT}",
        cutoff_date=date(2026, 11, 1),
        checked_at=datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
        report_number="CX-2026-000042",
        title=f"测试论文{SCRIPT}",
        author="张三",
        unit="计算机学院",
    )


@pytest.fixture(scope="module")
def pdf_bytes():
    return render_pdf(make_report(), text=TEXT, fetch_source_text=SOURCES.__getitem__)


def test_html_shows_the_figures_in_cnki_order():
    report = make_report()
    html = render_html(report, text=TEXT, fetch_source_text=SOURCES.__getitem__)
    f = report.figures
    assert html.startswith("<!DOCTYPE html>")
    order = [
        "文本复制检测报告单",
        "№ CX-2026-000042",
        "检测时间",
        "2026-11-26 16:00:00 (北京时间)",
        "比对截止日期",
        "总文字复制比",
        "去除引用文献复制比",
        "去除本人文献复制比",
        "单篇最大文字复制比",
        "重复字数",
        "全文分布",
        "分段检测结果",
        "相似文献列表",
        "全文对照",
        "说明",
    ]
    positions = [html.index(label) for label in order]
    assert positions == sorted(positions)
    assert f'id="copy-ratio">{percent(f.copy_ratio)}<' in html
    assert f'<td class="num">{f.total_chars}</td>' in html
    assert f"此处有{len(COPIED)}字相似" in html
    assert "2026-11-01" in html
    assert "data:image/svg+xml" in html  # the QR code


def test_html_escapes_every_user_text():
    html = render_html(make_report(), text=TEXT, fetch_source_text=SOURCES.__getitem__)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_excluded_matches_are_shown_greyed_with_their_reason():
    html = render_html(make_report(), text=TEXT, fetch_source_text=SOURCES.__getitem__)
    assert '<mark class="excluded">' in html
    assert "已排除: 模板文字" in html
    assert "已排除: 参考文献" in html
    assert "（来源原文不可用）" in html  # "gone" has no source text


def test_excluded_source_is_listed_with_its_reason_and_filters_are_stated():
    options = ReportOptions(excluded_sources={"b": "collaboration"}, min_match_chars=8)
    html = render_html(
        make_report(options), text=TEXT, fetch_source_text=SOURCES.__getitem__
    )
    assert "已排除的来源" in html
    assert "b (合作)" in html
    assert "最小匹配字数 8" in html


def test_english_labels_on_request():
    html = render_html(
        make_report(), text=TEXT, fetch_source_text=SOURCES.__getitem__, lang="en"
    )
    assert "Text Similarity Report" in html
    assert "Total similarity" in html
    assert "总文字复制比" not in html
    with pytest.raises(ValueError):
        render_html(make_report(), text=TEXT, fetch_source_text=dict().get, lang="fr")


def test_pdf_has_the_chinese_title_and_number_and_page_on_every_page(pdf_bytes):
    assert pdf_bytes.startswith(b"%PDF")
    text = re.sub(r"\s+", "", extract_text(io.BytesIO(pdf_bytes)))
    assert "文本复制检测报告单" in text
    assert "总文字复制比" in text
    pages = list(extract_pages(io.BytesIO(pdf_bytes)))
    for number, page in enumerate(pages, 1):
        page_text = "".join(
            e.get_text() for e in page if isinstance(e, LTTextContainer)
        )
        assert "CX-2026-000042" in page_text
        assert f"{number} / {len(pages)}" in page_text
        assert "复制" in page_text  # the legend


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils missing")
def test_pdf_embeds_a_cjk_font(pdf_bytes, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes)
    listing = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    cjk = [
        line
        for line in listing.splitlines()
        if "CJK" in line or "WenQuanYi" in line or "Zen" in line
    ]
    assert cjk
    assert all(line.split()[-5] == "yes" for line in cjk)  # the "emb" column
