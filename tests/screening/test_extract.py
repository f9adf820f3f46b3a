"""Extraction from real files made by the tools theses come from (LibreOffice, ReportLab,
WeasyPrint, python-docx), and every refusal a user can meet, with its message."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening import extract as extract_module
from screening.errors import (
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    NoTextLayer,
    ScreeningError,
    UnknownEncoding,
    UnmappedFonts,
    UnreadableDocument,
    UnsupportedDocument,
)
from screening.extract import extract
from tests.chinese_text import chinese_paragraph
from tests.screening.makefiles import (
    SOFFICE,
    WQY_ZENHEI,
    soffice_convert,
    w_paragraph,
    write_cid_pdf,
    write_docx,
    write_image_pdf,
    write_platypus_pdf,
    write_raw_docx,
    write_reportlab_pdf,
    write_weasyprint_pdf,
    write_zip_bomb,
)

needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed")
CJK = re.compile(r"[\u4e00-\u9fff]")


def both_engines(path: Path):
    """Extract with pdfminer and pypdfium2; they must agree on text and page starts."""
    by_miner = extract(path, engine="pdfminer")
    by_pdfium = extract(path, engine="pdfium")
    assert by_pdfium.text == by_miner.text
    assert by_pdfium.page_starts == by_miner.page_starts
    assert by_miner.metadata["pdf_engine"] == "pdfminer"
    assert by_pdfium.metadata["pdf_engine"] == "pdfium"
    return by_miner


def assert_at(text: str, passage: str) -> int:
    """The passage occurs once, and its offset slices it back out (code points)."""
    assert text.count(passage) == 1, passage
    offset = text.index(passage)
    assert text[offset : offset + len(passage)] == passage
    return offset


def assert_message(error: ScreeningError, name: str) -> None:
    """Messages name the file and give the reason in Chinese with an English gloss."""
    assert error.file_name == name
    assert str(error).startswith(name + ": ")
    assert CJK.search(error.message)
    assert re.search(r"\([A-Za-z][^)]*\)", error.message)


# --- PDF ---------------------------------------------------------------------------------


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
    import subprocess

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
    import subprocess

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


def test_auto_engine_reads_with_pdfium(tmp_path):
    pdf = write_reportlab_pdf(
        tmp_path / "a.pdf", [["第一页的文字。"], ["第二页的文字。"]]
    )

    assert extract(pdf).metadata["pdf_engine"] == "pdfium"


@pytest.mark.slow
def test_engines_agree_on_a_150_page_pdf(tmp_path):
    pages = [
        [chinese_paragraph(page * 7 + k, 6) for k in range(4)] for page in range(150)
    ]
    pdf = write_reportlab_pdf(
        tmp_path / "long.pdf", pages, header="博士学位论文", page_numbers=True
    )

    doc = both_engines(pdf)

    assert len(doc.page_starts) == 150
    assert doc.text == "\n".join(p for page in pages for p in page)
    if len(os.sched_getaffinity(0)) > 1:  # pdfium's side was read by two processes
        assert extract_module._readers.pool is not None


@pytest.mark.slow
def test_a_pdf_reader_process_that_died_is_replaced(tmp_path):
    pages = [[chinese_paragraph(page, 3)] for page in range(60)]
    pdf = write_reportlab_pdf(tmp_path / "sixty.pdf", pages)
    if extract_module._pdf_processes(60) < 2:
        pytest.skip("one core: long PDFs are read in this process")
    expected = "\n".join(p for page in pages for p in page)
    assert extract(pdf).text == expected
    pool = extract_module._readers.pool
    for process in list(pool._processes.values()):  # as the OOM killer would
        os.kill(process.pid, signal.SIGKILL)
    for _ in range(100):  # the pool notices its dead reader
        if pool._broken:
            break
        time.sleep(0.05)

    assert extract(pdf).text == expected  # read by a new pool
    assert extract_module._readers.pool is not pool


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


@pytest.mark.parametrize("engine", ["pdfminer", "pdfium"])
def test_font_without_unicode_map_is_refused(tmp_path, engine):
    pdf = write_cid_pdf(tmp_path / "cnki.pdf")

    with pytest.raises(UnmappedFonts) as caught:
        extract(pdf, engine=engine)

    assert caught.value.reason == "cid_fonts"
    assert "(cid:" not in str(caught.value)
    assert "Unicode" in caught.value.message
    assert_message(caught.value, "cnki.pdf")


@pytest.mark.parametrize("engine", ["pdfminer", "pdfium"])
def test_encrypted_pdf_is_refused(tmp_path, engine):
    pdf = write_reportlab_pdf(
        tmp_path / "locked.pdf", [["加密的论文正文。"]], encrypt="s3cret"
    )

    with pytest.raises(EncryptedDocument) as caught:
        extract(pdf, engine=engine)

    assert caught.value.reason == "encrypted"
    assert "加密" in caught.value.message
    assert_message(caught.value, "locked.pdf")


@pytest.mark.parametrize("engine", ["pdfminer", "pdfium"])
def test_pdf_with_only_an_owner_password_is_read(tmp_path, engine):
    pdf = write_reportlab_pdf(
        tmp_path / "owner.pdf", [["只设置了权限密码的论文。"]], encrypt=""
    )

    assert extract(pdf, engine=engine).text == "只设置了权限密码的论文。"


@pytest.mark.parametrize("engine", ["pdfminer", "pdfium"])
@pytest.mark.parametrize("keep", [0.1, 0.5, 0.97])
def test_truncated_pdf_is_unreadable(tmp_path, engine, keep):
    data = write_reportlab_pdf(
        tmp_path / "full.pdf", [["完整的文字。"]] * 3
    ).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: int(len(data) * keep)])

    with pytest.raises(UnreadableDocument) as caught:
        extract(cut, engine=engine)

    assert_message(caught.value, "cut.pdf")


@pytest.mark.parametrize("engine", ["pdfminer", "pdfium"])
def test_image_only_pdf_has_no_text_layer(tmp_path, engine):
    pdf = write_image_pdf(tmp_path / "scan.pdf")

    with pytest.raises(NoTextLayer) as caught:
        extract(pdf, engine=engine)

    assert not isinstance(caught.value, UnmappedFonts)
    assert_message(caught.value, "scan.pdf")


def test_kangxi_radicals_from_word_fonts_become_ordinary_characters(tmp_path):
    # Some Word/WPS fonts map 文, 大, 方 to the look-alike Kangxi radicals ⽂ ⼤ ⽅ in
    # their ToUnicode tables; a search or a comparison would then miss them.
    pdf = write_reportlab_pdf(tmp_path / "word.pdf", [["参考⽂献和⼤学的⽅法。"]])

    assert both_engines(pdf).text == "参考文献和大学的方法。"


def test_pdf_is_sniffed_whatever_its_name(tmp_path):
    pdf = write_reportlab_pdf(tmp_path / "x.pdf", [["按内容识别的文件。"]])

    doc = extract(pdf.read_bytes(), name="renamed.txt")

    assert doc.media_type == "application/pdf"
    assert doc.text == "按内容识别的文件。"
    assert doc.name == "renamed.txt"


def test_file_named_pdf_without_pdf_header_is_unreadable(tmp_path):
    path = tmp_path / "fake.pdf"
    path.write_text("这不是 PDF 文件", encoding="utf-8")

    with pytest.raises(UnreadableDocument):
        extract(path)


# --- sizes and emptiness -----------------------------------------------------------------


def test_zero_byte_file_is_empty(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")

    with pytest.raises(EmptyDocument) as caught:
        extract(path)

    assert caught.value.reason == "empty"
    assert_message(caught.value, "empty.pdf")


def test_whitespace_only_text_is_empty():
    with pytest.raises(EmptyDocument):
        extract(b" \n\t\r\n", name="blank.txt")
    with pytest.raises(EmptyDocument):
        extract("\u3000\u3000\n".encode(), name="blank.txt")
    with pytest.raises(EmptyDocument):
        extract("\ufeff  \n".encode("utf-16"), name="blank16.txt")


def test_too_large_file_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_text("大" * 2000, encoding="utf-8")

    def no_read(*args, **kwargs):
        raise AssertionError("the file must not be opened")

    monkeypatch.setattr(Path, "open", no_read)
    with pytest.raises(DocumentTooLarge) as caught:
        extract(path, max_bytes=1000)

    assert caught.value.reason == "too_large"
    assert_message(caught.value, "big.txt")


def test_too_large_bytes_are_refused():
    with pytest.raises(DocumentTooLarge):
        extract(b"x" * 101, name="bytes.txt", max_bytes=100)


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableDocument) as caught:
        extract(tmp_path / "gone.docx")

    assert_message(caught.value, "gone.docx")


# --- DOCX --------------------------------------------------------------------------------


def test_docx_paragraphs_tables_and_no_header(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("第一章 绪论", level=1)
    document.add_paragraph("高校科研诚信建设是一项长期任务。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "样本"
    table.cell(0, 1).text = "数量"
    table.cell(1, 0).text = "硕士论文"
    table.cell(1, 1).text = "1200"
    document.add_paragraph("表格之后的段落。")
    document.sections[0].header.paragraphs[0].text = "页眉文字"
    document.core_properties.title = "科研诚信研究"
    document.core_properties.author = "张三"
    path = tmp_path / "thesis.docx"
    document.save(str(path))

    doc = extract(path)

    assert doc.text == (
        "第一章 绪论\n高校科研诚信建设是一项长期任务。\n样本\n数量\n硕士论文\n1200\n表格之后的段落。"
    )
    assert doc.media_type.endswith("wordprocessingml.document")
    assert doc.metadata == {"title": "科研诚信研究", "author": "张三"}


def test_docx_footnotes_endnotes_and_text_boxes(tmp_path):
    body = (
        w_paragraph("正文第一段。")
        + '<w:p><w:r><w:t>有脚注的句子</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>'
        + "<w:r><w:t>。</w:t></w:r></w:p>"
        + "<w:p><w:r><w:delText>删除的修订</w:delText></w:r>"
        + "<w:r><w:t>保留的文字</w:t><w:tab/><w:t>制表符之后</w:t></w:r></w:p>"
        + "<w:p><w:r><w:pict><w:txbxContent>"
        + w_paragraph("文本框里的文字")
        + "</w:txbxContent></w:pict></w:r><w:r><w:t>锚定段落</w:t></w:r></w:p>"
    )
    path = write_raw_docx(
        tmp_path / "notes.docx",
        body,
        footnotes=["脚注：引自某文献。"],
        endnotes=["尾注内容。"],
    )

    doc = extract(path)

    assert doc.text == (
        "正文第一段。\n有脚注的句子。\n保留的文字\t制表符之后\n锚定段落\n文本框里的文字\n"
        "脚注：引自某文献。\n尾注内容。"
    )


def test_docx_with_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    xml = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "'
        + secret.as_uri()
        + '">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
        '2006/main"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>'
    )
    path = tmp_path / "xxe.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", xml)

    with pytest.raises(UnreadableDocument) as caught:
        extract(path)

    assert "TOP-SECRET" not in str(caught.value)
    assert_message(caught.value, "xxe.docx")


def test_zip_bomb_named_docx_is_refused_before_expanding(tmp_path):
    bomb = write_zip_bomb(tmp_path / "thesis.docx", expanded_bytes=300 * 1024 * 1024)
    assert bomb.stat().st_size < 2 * 1024 * 1024

    with pytest.raises((UnreadableDocument, DocumentTooLarge)) as caught:
        extract(bomb)

    assert_message(caught.value, "thesis.docx")


def test_zip_bomb_with_plausible_ratio_hits_the_expansion_limit(tmp_path):
    bomb = write_zip_bomb(tmp_path / "big.docx", expanded_bytes=8 * 1024 * 1024)

    with pytest.raises(DocumentTooLarge) as caught:
        extract(bomb, max_expanded_bytes=4 * 1024 * 1024)

    assert_message(caught.value, "big.docx")


def test_zip_that_lies_about_its_size_is_caught(tmp_path):
    path = write_raw_docx(tmp_path / "liar.docx", w_paragraph("正文。" * 2000))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/document.xml")
    # Shrink the declared size in the central directory (and local header) to 100 bytes.
    real = info.file_size.to_bytes(4, "little")
    data = data.replace(real, (100).to_bytes(4, "little"))
    path.write_bytes(bytes(data))

    with pytest.raises(UnreadableDocument):
        extract(path)


def test_zip_that_is_not_a_docx_is_unsupported(tmp_path):
    path = tmp_path / "data.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")

    with pytest.raises(UnsupportedDocument) as caught:
        extract(path)

    assert caught.value.reason == "unsupported_type"
    assert_message(caught.value, "data.docx")


def test_empty_docx_is_empty(tmp_path):
    path = write_raw_docx(tmp_path / "blank.docx", w_paragraph("  "))

    with pytest.raises(EmptyDocument):
        extract(path)


NUMBERING = (
    '<w:abstractNum w:abstractNumId="0">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
    '<w:pStyle w:val="Heading1"/><w:lvlText w:val="第%1章"/><w:suff w:val="space"/>'
    "</w:lvl>"
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:isLgl/>'
    '<w:pStyle w:val="Heading2"/><w:lvlText w:val="%1.%2"/><w:suff w:val="space"/>'
    "</w:lvl></w:abstractNum>"
    '<w:abstractNum w:abstractNumId="1">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/>'
    '<w:lvlText w:val="%1"/></w:lvl></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="2">'
    '<w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>'
    "</w:abstractNum>"
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    '<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>'
)
STYLES = (
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
    '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr>'
    '<w:rPr><w:sz w:val="32"/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>'
    '<w:basedOn w:val="Heading1"/><w:pPr><w:numPr><w:ilvl w:val="1"/>'
    '<w:numId w:val="1"/></w:numPr></w:pPr><w:rPr><w:sz w:val="28"/></w:rPr></w:style>'
)


def styled(style: str, text: str) -> str:
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
        f"<w:r><w:t>{text}</w:t></w:r></w:p>"
    )


def listed(num_id: int, text: str) -> str:
    return (
        f'<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
        f"</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
    )


def test_docx_automatic_numbering_is_part_of_the_text(tmp_path):
    body = (
        styled("Heading1", "绪论")
        + styled("Heading2", "研究背景")
        + w_paragraph("正文。")
        + listed(2, "第一点")
        + listed(2, "第二点")
        + listed(3, "无序要点")
        + styled("Heading2", "研究内容")
        + styled("Heading1", "方法")
        + styled("Heading2", "模型")
    )
    path = write_raw_docx(
        tmp_path / "numbered.docx", body, numbering_xml=NUMBERING, styles_xml=STYLES
    )

    doc = extract(path)

    assert doc.text == (
        "第一章 绪论\n1.1 研究背景\n正文。\n① 第一点\n② 第二点\n无序要点\n"
        "1.2 研究内容\n第二章 方法\n2.1 模型"
    )


@pytest.mark.slow
@needs_soffice
def test_docx_and_the_pdf_libreoffice_prints_from_it_agree(tmp_path):
    paragraphs = [chinese_paragraph(seed, 7) for seed in range(3)]
    # LibreOffice ignores w:isLgl, so this document avoids it (Word would print "1.1").
    numbering = NUMBERING.replace("<w:isLgl/>", "").replace("%1.%2", "（%2）")
    body = (
        styled("Heading1", "绪论")
        + styled("Heading2", "研究背景")
        + "".join(w_paragraph(p) for p in paragraphs)
        + styled("Heading1", "方法")
    )
    docx = write_raw_docx(
        tmp_path / "same.docx", body, numbering_xml=numbering, styles_xml=STYLES
    )
    pdf = soffice_convert(docx, "pdf", tmp_path)

    from_docx = extract(docx).text
    from_pdf = both_engines(pdf).text

    assert from_docx == "\n".join(
        ["第一章 绪论", "（1） 研究背景", *paragraphs, "第二章 方法"]
    )
    assert from_pdf == from_docx


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


# --- old DOC -----------------------------------------------------------------------------


@pytest.mark.slow
@needs_soffice
def test_old_doc_is_converted_with_libreoffice(tmp_path):
    paragraph = chinese_paragraph(5, 4)
    source = write_docx(
        tmp_path / "old.docx", [("h1", "第一章 绪论"), ("p", paragraph)]
    )
    doc_file = soffice_convert(source, "doc", tmp_path / "out")
    assert doc_file.read_bytes().startswith(b"\xd0\xcf\x11\xe0")

    doc = extract(doc_file)

    assert doc.media_type == "application/msword"
    assert doc.text == f"第一章 绪论\n{paragraph}"


def test_old_doc_without_libreoffice_is_unsupported(monkeypatch):
    monkeypatch.setattr(extract_module.shutil, "which", lambda name: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600

    with pytest.raises(UnsupportedDocument) as caught:
        extract(ole, name="old.doc")

    assert "DOCX" in caught.value.message
    assert_message(caught.value, "old.doc")


# --- TXT ---------------------------------------------------------------------------------

SAMPLE = "第一章 绪论\r\n高校科研诚信建设（2024年）需要“文本复用检测”。English too.\n𠀀字与€符号\n"


def test_utf8_text_is_returned_unchanged():
    doc = extract(SAMPLE.encode("utf-8"), name="a.txt")

    assert doc.text == SAMPLE
    assert doc.media_type == "text/plain"
    assert doc.metadata["encoding"] == "utf-8"
    assert doc.text[doc.text.index("𠀀") + 1] == "字"


def test_utf8_bom_is_dropped():
    assert extract(b"\xef\xbb\xbf" + SAMPLE.encode(), name="a.txt").text == SAMPLE


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(encoding):
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    doc = extract(bom + SAMPLE.encode(encoding), name="a.txt")

    assert doc.text == SAMPLE


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(encoding):
    english = "Plain English text in UTF-16 without a byte order mark.\n" * 3
    chinese = "这是没有字节顺序标记的中文文本，用于检测编码识别。\n" * 3

    assert extract(english.encode(encoding), name="e.txt").text == english
    assert extract(chinese.encode(encoding), name="c.txt").text == chinese


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "gb2312"])
def test_gb_encodings(encoding):
    text = (
        "第一章 绪论\r\n高校科研诚信建设需要“文本复用检测”，包括引用（张三，2019）。\n"
    )

    doc = extract(text.encode(encoding), name="gb.txt")

    assert doc.text == text
    assert doc.metadata["encoding"] == "gb18030"


def test_gb18030_only_characters():
    text = "𠀀是扩展字符，其余是常用汉字组成的句子，用来确认解码正确。\n"

    assert extract(text.encode("gb18030"), name="gb.txt").text == text


def test_english_only_text_extracts():
    text = "Research integrity matters.\nThis thesis is written in English only.\n"

    doc = extract(text.encode("ascii"), name="english.txt")

    assert doc.text == text


@pytest.mark.parametrize(
    "text",
    ["BMW and MZ are not magic numbers in a sentence.", "Notes: %PDF-1.7 is a header."],
)
def test_text_that_starts_like_a_binary_format_is_text(text):
    assert extract(text.encode(), name="notes.txt").text == text


def test_binary_junk_named_txt_is_unknown_encoding():
    junk = bytes((i * 73 + 41) % 256 for i in range(4096))

    with pytest.raises(UnknownEncoding) as caught:
        extract(junk, name="junk.txt")

    assert caught.value.reason == "unknown_encoding"
    assert_message(caught.value, "junk.txt")


def test_high_bytes_that_are_neither_utf8_nor_chinese_are_refused():
    latin1 = "Café résumé naïve — déjà vu, très élégant.\n".encode("cp1252") * 5

    with pytest.raises(UnknownEncoding):
        extract(latin1, name="latin.txt")


def test_big5_is_not_guessed_as_gbk():
    big5 = "學術誠信建設是長期任務，需要每一位研究者共同努力。\n".encode("big5") * 3

    with pytest.raises(UnknownEncoding):
        extract(big5, name="big5.txt")


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "scan.png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "photo.jpg"),
        (b"Rar!\x1a\x07\x00" + b"\x00" * 64, "thesis.rar"),
        (b"{\\rtf1\\ansi hello}", "thesis.rtf"),
        (bytes(range(256)) * 4, "blob.bin"),
        (b"<html><body>\xe8\xae\xba\xe6\x96\x87</body></html>", "saved-as-web.doc"),
        (b'{"not": "a thesis"}', "report.json"),
    ],
)
def test_unknown_binary_types_are_unsupported(head, name):
    with pytest.raises(UnsupportedDocument) as caught:
        extract(head, name=name)

    assert_message(caught.value, name)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from("\n\r\t")
        ),
        min_size=1,
    ).filter(lambda t: t.strip() and not t.startswith("\ufeff"))
)
def test_any_utf8_text_comes_back_unchanged(text):
    assert extract(text.encode("utf-8"), name="any.txt").text == text


def test_damaged_pdfs_fail_cleanly(tmp_path):
    """Flipped, deleted and inserted bytes: a ScreeningError or text, never a crash."""
    pages = [[chinese_paragraph(1, 3)], [chinese_paragraph(2, 3)]]
    source = write_reportlab_pdf(
        tmp_path / "ok.pdf", pages, page_numbers=True
    ).read_bytes()
    for seed in range(60):
        rnd = random.Random(seed)
        data = bytearray(source)
        where = rnd.randrange(len(data))
        if seed % 3 == 0:
            for _ in range(rnd.randint(1, 20)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
        elif seed % 3 == 1:
            del data[where : where + rnd.randint(1, 500)]
        else:
            data[where:where] = rnd.randbytes(rnd.randint(1, 50))
        for engine in ("pdfminer", "pdfium"):
            try:
                doc = extract(bytes(data), name="damaged.pdf", engine=engine)
            except ScreeningError as error:
                assert error.file_name == "damaged.pdf"
            else:
                assert doc.text.strip()


def test_damaged_docx_fails_cleanly(tmp_path):
    body = "".join(w_paragraph(chinese_paragraph(seed, 3)) for seed in range(5))
    source = write_raw_docx(
        tmp_path / "ok.docx", body, footnotes=["脚注。"]
    ).read_bytes()
    for seed in range(80):
        rnd = random.Random(seed)
        data = bytearray(source)
        for _ in range(rnd.randint(1, 10)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        try:
            doc = extract(bytes(data), name="damaged.docx")
        except ScreeningError as error:
            assert error.file_name == "damaged.docx"
        else:
            assert doc.text.strip()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["x.txt", "x.pdf", "x.docx", "x"]))
def test_any_bytes_give_text_or_a_screening_error(data, name):
    try:
        doc = extract(data, name=name)
    except ScreeningError as error:
        assert error.file_name == name
    else:
        assert doc.text.strip()
