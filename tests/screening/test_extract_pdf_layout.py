"""PDF layout on real files made by the tools theses come from (LibreOffice, ReportLab,
WeasyPrint, XeLaTeX): paragraphs, pages, typed spaces, running headers and page numbers."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.chinese_text import chinese_paragraph
from tests.screening.extract_checks import assert_at, both_engines, needs_soffice
from tests.screening.makefiles import (
    WQY_ZENHEI,
    soffice_convert,
    write_docx,
    write_platypus_pdf,
    write_reportlab_pdf,
    write_weasyprint_pdf,
)


@pytest.mark.slow
@needs_soffice
def test_libreoffice_pdf_gives_paragraphs_pages_and_no_running_header(tmp_path):
    paragraphs = [chinese_paragraph(seed, 9) for seed in range(8)]
    blocks = [("h1", "第一章 绪论")]
    for n, paragraph in enumerate(paragraphs):
        blocks.append(("p", paragraph))
        if n % 2 == 1:
            blocks.append(("pagebreak", ""))
    docx = write_docx(
        tmp_path / "thesis.docx",
        blocks,
        header="某某大学硕士学位论文",
        page_numbers=True,
    )
    pdf = soffice_convert(docx, "pdf", tmp_path)

    doc = both_engines(pdf)

    assert doc.media_type == "application/pdf"
    assert "某某大学硕士学位论文" not in doc.text
    assert not re.search(r"\d", doc.text)  # The footer's page numbers are gone.
    assert doc.text.startswith("第一章 绪论\n")
    for paragraph in paragraphs:
        # Each paragraph wraps over several lines; the breaks inside sentences are gone.
        assert_at(doc.text, paragraph)
    assert len(doc.page_starts) == 4
    assert list(doc.page_starts) == sorted(doc.page_starts)
    assert doc.text[doc.page_starts[2] :].startswith(paragraphs[4])
    assert any("header" in warning for warning in doc.warnings)


@pytest.mark.slow
@needs_soffice
def test_libreoffice_mixed_chinese_english_keeps_typed_spaces(tmp_path):
    blocks = [
        ("h1", "第二章 方法"),
        (
            "p",
            "本文使用Python语言和scikit-learn工具包实现了检测算法，共处理了1200篇论文。",
        ),
        ("p", "The aligner extends seeds into passages and filters short matches."),
    ]
    pdf = soffice_convert(write_docx(tmp_path / "mixed.docx", blocks), "pdf", tmp_path)

    doc = both_engines(pdf)

    assert "第二章 方法" in doc.text
    assert_at(
        doc.text,
        "本文使用Python语言和scikit-learn工具包实现了检测算法，共处理了1200篇论文。",
    )
    assert_at(
        doc.text, "The aligner extends seeds into passages and filters short matches."
    )


def test_reportlab_pdf_strips_headers_and_page_numbers(tmp_path):
    pages = [
        [chinese_paragraph(10 * page + k, 5) for k in range(3)] for page in range(4)
    ]
    pdf = write_reportlab_pdf(
        tmp_path / "paper.pdf",
        pages,
        header="某某大学学报（自然科学版）",
        page_numbers=True,
    )

    doc = both_engines(pdf)

    assert "学报" not in doc.text
    assert not re.search(r"(^|\n)\d+(\n|$)", doc.text)
    assert doc.text == "\n".join(p for page in pages for p in page)
    for number, page in enumerate(pages):
        assert doc.page_starts[number] == assert_at(doc.text, page[0])


def test_reportlab_platypus_english_lines_join_with_spaces(tmp_path):
    first = (
        "Research integrity screening finds reused passages in theses and papers, "
        "and every figure points back at the text the reader sees on the page. "
        "Whole-document similarity cannot see one copied paragraph in a long thesis."
    )
    second = "A second paragraph, set justified like the first, ends the page."
    pdf = write_platypus_pdf(tmp_path / "english.pdf", [first, second])

    doc = both_engines(pdf)

    assert doc.text == f"{first}\n{second}"


def test_weasyprint_pdf_keeps_paragraphs(tmp_path):
    first, second = chinese_paragraph(41, 10), chinese_paragraph(42, 10)
    html = (
        '<html lang="zh-CN"><head><style>'
        "@page { size: A4; margin: 2.5cm } "
        "body { font-family: 'Noto Serif CJK SC', 'WenQuanYi Zen Hei'; font-size: 12pt } "
        "p { text-indent: 2em; margin: 0 }"
        "</style></head><body>"
        f"<h1>第三章 实验</h1><p>{first}</p><p>{second}</p></body></html>"
    )
    pdf = write_weasyprint_pdf(tmp_path / "web.pdf", html)

    doc = both_engines(pdf)

    assert doc.text.startswith("第三章 实验\n")
    assert_at(doc.text, first)
    assert_at(doc.text, second)


def _has_xecjk() -> bool:
    """xelatex with the xeCJK package (texlive-xetex + texlive-lang-chinese)."""
    if shutil.which("xelatex") is None or shutil.which("kpsewhich") is None:
        return False
    found = subprocess.run(
        ["kpsewhich", "xeCJK.sty"], capture_output=True, text=True, check=False
    )
    return bool(found.stdout.strip())


def test_words_hyphenated_at_line_ends_are_rejoined(tmp_path):
    paragraph = (
        "Screening software compares submitted dissertations against institutional "
        "repositories, international publications and internet sources, highlighting "
        "unattributed passages whose similarity exceeds configurable thresholds "
        "established by universities."
    )
    html = (
        '<html lang="en"><head><style>@page { size: A5; margin: 2cm } '
        "p { hyphens: auto; text-align: justify; font-size: 13pt }</style></head>"
        f"<body><p>{paragraph}</p></body></html>"
    )
    pdf = write_weasyprint_pdf(tmp_path / "hyphens.pdf", html)

    assert both_engines(pdf).text == paragraph


@pytest.mark.slow
@pytest.mark.skipif(not _has_xecjk(), reason="xelatex with xeCJK not installed")
def test_xelatex_xecjk_pdf(tmp_path):
    paragraphs = [chinese_paragraph(100 + seed, 12) for seed in range(14)]
    mixed = "Mixed English words like screening and 1200 papers 在中文里。"
    (tmp_path / "t.tex").write_text(
        "\\documentclass{article}\\usepackage{xeCJK}"
        "\\setCJKmainfont{Noto Serif CJK SC}\\begin{document}\\section{绪论}"
        + "\n\n".join([*paragraphs, mixed])
        + "\n\\end{document}",
        encoding="utf-8",
    )
    subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "t.tex"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=300,
    )

    doc = both_engines(tmp_path / "t.pdf")

    assert doc.text == "\n".join(["1 绪论", *paragraphs, mixed])
    assert len(doc.page_starts) > 2  # Page numbers on every page, all removed.


def test_two_em_dash_and_ellipsis_shaped_as_one_glyph(tmp_path):
    # HarfBuzz shapes "——" and "……" as one two-em glyph mapped to two characters;
    # pdfium reports both with the same box, which is not fake bold to drop.
    sentence = "研究的对象——多源数据……以及它们的关系。"
    html = (
        "<html><head><meta charset='utf-8'><style>"
        "body { font-family: 'Noto Serif CJK SC'; font-size: 12pt }"
        f"</style></head><body><p>{sentence}</p></body></html>"
    )
    pdf = write_weasyprint_pdf(tmp_path / "dash.pdf", html)

    assert both_engines(pdf).text == sentence


def test_kangxi_radicals_from_word_fonts_become_ordinary_characters(tmp_path):
    # Some Word/WPS fonts map 文, 大, 方 to the look-alike Kangxi radicals ⽂ ⼤ ⽅ in
    # their ToUnicode tables; a search or a comparison would then miss them.
    pdf = write_reportlab_pdf(tmp_path / "word.pdf", [["参考⽂献和⼤学的⽅法。"]])

    assert both_engines(pdf).text == "参考文献和大学的方法。"


def test_two_column_pdf_reads_column_by_column(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY2", WQY_ZENHEI, subfontIndex=0))
    left, right = chinese_paragraph(61, 4), chinese_paragraph(62, 4)
    pdf = canvas.Canvas(str(tmp_path / "two.pdf"), pagesize=A4)
    pdf.setFont("WQY2", 10)
    for x, paragraph in ((60, left), (310, right)):
        # 22 characters of 10 pt: columns 220 pt wide with a 30 pt gutter.
        for row, k in enumerate(range(0, len(paragraph), 22)):
            pdf.drawString(x, 760 - 14 * row, paragraph[k : k + 22])
    pdf.showPage()
    pdf.save()

    doc = both_engines(tmp_path / "two.pdf")

    assert doc.text == f"{left}\n{right}"
