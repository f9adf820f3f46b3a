"""Which reader a file goes to (content first, then the name), sizes and emptiness,
and that any bytes give text or a ScreeningError."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.errors import (
    DocumentTooLarge,
    EmptyDocument,
    ScreeningError,
    UnreadableDocument,
    UnsupportedDocument,
)
from screening.extract import extract
from tests.screening.extract_checks import assert_message
from tests.screening.makefiles import write_reportlab_pdf


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


@pytest.mark.parametrize(
    "text",
    ["BMW and MZ are not magic numbers in a sentence.", "Notes: %PDF-1.7 is a header."],
)
def test_text_that_starts_like_a_binary_format_is_text(text):
    assert extract(text.encode(), name="notes.txt").text == text


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
@given(st.binary(max_size=2000), st.sampled_from(["x.txt", "x.pdf", "x.docx", "x"]))
def test_any_bytes_give_text_or_a_screening_error(data, name):
    try:
        doc = extract(data, name=name)
    except ScreeningError as error:
        assert error.file_name == name
    else:
        assert doc.text.strip()
