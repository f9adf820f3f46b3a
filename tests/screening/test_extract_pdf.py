"""The PDF reader: the engine `auto` picks, and every refusal of a PDF a user can meet."""

from __future__ import annotations

import random

import pytest

from screening.errors import (
    EncryptedDocument,
    NoTextLayer,
    ScreeningError,
    UnmappedFonts,
    UnreadableDocument,
)
from screening.extract import extract
from tests.chinese_text import chinese_paragraph
from tests.screening.extract_checks import assert_message
from tests.screening.makefiles import (
    write_cid_pdf,
    write_image_pdf,
    write_reportlab_pdf,
)


def test_auto_engine_reads_with_pdfium(tmp_path):
    pdf = write_reportlab_pdf(
        tmp_path / "a.pdf", [["第一页的文字。"], ["第二页的文字。"]]
    )

    assert extract(pdf).metadata["pdf_engine"] == "pdfium"


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
