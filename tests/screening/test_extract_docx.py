"""DOCX: paragraphs, tables, notes, text boxes and Word's numbering, and every refusal
(entities, ZIP bombs, archives that are no DOCX, damage)."""

from __future__ import annotations

import random
import zipfile

import pytest

from screening.errors import (
    DocumentTooLarge,
    EmptyDocument,
    ScreeningError,
    UnreadableDocument,
    UnsupportedDocument,
)
from screening.extract import extract
from tests.chinese_text import chinese_paragraph
from tests.screening.extract_checks import assert_message, both_engines, needs_soffice
from tests.screening.makefiles import (
    soffice_convert,
    w_paragraph,
    write_raw_docx,
    write_zip_bomb,
)


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
