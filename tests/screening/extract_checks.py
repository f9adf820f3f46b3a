"""What the extraction tests check again and again: both PDF engines agree, a passage
sits at one offset, a refusal names the file and says why in Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from screening.document import ExtractedDocument
from screening.errors import ScreeningError
from screening.extract import extract
from tests.screening.makefiles import SOFFICE

needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed")
CJK = re.compile(r"[\u4e00-\u9fff]")


def both_engines(path: Path) -> ExtractedDocument:
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
