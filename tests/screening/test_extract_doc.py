"""Old binary .doc files: converted by LibreOffice, refused with advice without it."""

from __future__ import annotations

import pytest

from screening.errors import UnsupportedDocument
from screening.extract import doc as doc_module
from screening.extract import extract
from tests.chinese_text import chinese_paragraph
from tests.screening.extract_checks import assert_message, needs_soffice
from tests.screening.makefiles import soffice_convert, write_docx


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
    monkeypatch.setattr(doc_module.shutil, "which", lambda name: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600

    with pytest.raises(UnsupportedDocument) as caught:
        extract(ole, name="old.doc")

    assert "DOCX" in caught.value.message
    assert_message(caught.value, "old.doc")
