"""Long PDFs read by several processes: the same text, and a reader that died replaced."""

from __future__ import annotations

import os
import signal
import time

import pytest

from screening.extract import extract, pdf_pool
from tests.chinese_text import chinese_paragraph
from tests.screening.extract_checks import both_engines
from tests.screening.makefiles import write_reportlab_pdf


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
        assert pdf_pool._readers.pool is not None


@pytest.mark.slow
def test_a_pdf_reader_process_that_died_is_replaced(tmp_path):
    pages = [[chinese_paragraph(page, 3)] for page in range(60)]
    pdf = write_reportlab_pdf(tmp_path / "sixty.pdf", pages)
    if pdf_pool._pdf_processes(60) < 2:
        pytest.skip("one core: long PDFs are read in this process")
    expected = "\n".join(p for page in pages for p in page)
    assert extract(pdf).text == expected
    pool = pdf_pool._readers.pool
    for process in list(pool._processes.values()):  # as the OOM killer would
        os.kill(process.pid, signal.SIGKILL)
    for _ in range(100):  # the pool notices its dead reader
        if pool._broken:
            break
        time.sleep(0.05)

    assert extract(pdf).text == expected  # read by a new pool
    assert pdf_pool._readers.pool is not pool
