"""Hidden text in Word files (white, tiny, formatted hidden) is read and located."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.shared import Pt, RGBColor

from screening.extract import extract
from screening.extract.docx_hidden import cut_hidden
from screening.report.flags import HIDDEN, disguise_flags

VISIBLE = "研究者普遍认为建立健全科研诚信制度是治理学术不端的根本途径。"


def _write(path: Path) -> Path:
    """A DOCX whose second paragraph hides padding three ways (python-docx)."""
    document = docx.Document()
    document.add_paragraph("第一章 绪论")
    paragraph = document.add_paragraph()
    paragraph.add_run(VISIBLE[:8])
    white = paragraph.add_run("白色填充文字")
    white.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    paragraph.add_run(VISIBLE[8:20])
    tiny = paragraph.add_run("极小字号")
    tiny.font.size = Pt(1)
    paragraph.add_run(VISIBLE[20:])
    hidden = paragraph.add_run("隐藏格式")
    hidden.font.hidden = True
    shaded = document.add_paragraph().add_run("白字但有底色，读者看得见。")
    shaded.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    shaded.font.highlight_color = 1  # black highlight: visible
    document.save(str(path))
    return path


def test_white_tiny_and_hidden_runs_are_located(tmp_path):
    doc = extract(_write(tmp_path / "t.docx"), name="t.docx")
    found = [doc.text[s.start : s.end] for s in doc.hidden]
    assert found == ["白色填充文字", "极小字号", "隐藏格式"]
    assert "\ufdd0" not in doc.text and "\ufdd1" not in doc.text
    assert "白字但有底色" in doc.text  # highlighted white text is visible: not flagged
    flags = disguise_flags(doc.text, [], [(s.start, s.end) for s in doc.hidden])
    assert dict(flags.chars)[HIDDEN] == len("白色填充文字极小字号隐藏格式")
    assert [r.kind for r in flags.runs] == [HIDDEN, HIDDEN, HIDDEN]


def test_cut_hidden_keeps_offsets_of_what_is_left():
    text, spans = cut_hidden("甲乙\ufdd0丙丁\ufdd1戊\ufdd0己\ufdd1\ufdd0庚\ufdd1")
    assert text == "甲乙丙丁戊己庚"
    assert [(s.start, s.end) for s in spans] == [(2, 4), (5, 7)]
    assert cut_hidden("无隐藏") == ("无隐藏", ())
