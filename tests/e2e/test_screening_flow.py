"""The research office in a real browser: upload a batch, watch states, read and adjust a report."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from archive.corpus import services as corpus
from archive.kernel.accounts import Role
from tests.archive.factories_screening import COPIED, SOURCE_A, SOURCE_B, THESIS
from tests.e2e.conftest import browser_login
from tests.factories import PASSWORD, make_user
from tests.screening.rewrites import ENGLISH_SOURCE, REWRITE, SOURCE, TRANSLATION

pytestmark = pytest.mark.browser


def test_upload_batch_open_report_exclude_source_download_pdf(
    live_server, page, tmp_path
):
    with live_server.session() as s:
        make_user(s, Role.RESEARCH_OFFICE, username="e2e-keyanchu")
        corpus.add_document(
            s,
            doc_id="e2e/integrity.txt",
            text=SOURCE_A,
            title="科研诚信制度研究",
            author="陈立新",
        )
        corpus.add_document(
            s, doc_id="e2e/quantum.txt", text=SOURCE_B, title="量子计算综述"
        )
        s.commit()

    files = tmp_path / "upload"
    files.mkdir()
    copied = files / "2021009_王五_教育学_科研诚信建设研究.txt"
    copied.write_text(THESIS, encoding="utf-8")
    clean = files / "clean.txt"
    clean.write_text(
        "城市绿地的生态服务功能与居民健康之间存在密切联系，本文对此进行了实地调查。",
        encoding="utf-8",
    )
    empty = files / "empty.txt"
    empty.write_bytes(b"")

    browser_login(page, live_server, "e2e-keyanchu", PASSWORD)
    page.goto(f"{live_server.url}/screening/")
    page.set_input_files(
        "[data-testid=file-input]", [str(copied), str(clean), str(empty)]
    )
    assert page.locator("#upload-list li").count() == 3
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(r".*/screening/batches/\d+$"))

    rows = page.locator("[data-testid=submission-row]")
    assert rows.count() == 3
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=submission-row]')]"
        ".every(r => r.dataset.state === 'done' || r.dataset.state === 'failed')"
    )
    table = page.locator("[data-testid=batch-table]").inner_text()
    assert "科研诚信建设研究" in table and "王五" in table
    assert "完成" in table and "失败" in table
    failed = page.locator("tr[data-state=failed] [data-testid=reason]").inner_text()
    assert "empty.txt" in failed and "空文件" in failed
    # sorted by similarity: the copied thesis comes first
    assert "科研诚信建设研究" in rows.first.inner_text()

    rows.first.locator("[data-testid=report-link]").click()
    page.wait_for_selector("[data-testid=figures]")
    before = page.locator("[data-testid=copy-ratio]").inner_text()
    assert before != "0.0%"
    left = page.locator("[data-testid=pane-left] mark.k-copied").first
    right = page.locator("[data-testid=pane-right] mark.k-copied").first
    assert COPIED in left.inner_text() and COPIED in right.inner_text()
    page.wait_for_load_state("load")  # the pane script is attached before we hover
    left.hover()
    expect(right).to_have_class(re.compile(r"\blit\b"))
    right.click()
    expect(left).to_have_class(re.compile(r"\blit\b"))

    source_row = page.locator(
        "[data-testid=source-row][data-source='e2e/integrity.txt']"
    )
    source_row.locator("select[name=reason]").select_option("not_original")
    source_row.locator("[data-testid=exclude-source]").click()
    page.wait_for_selector("[data-testid=excluded-sources]")
    after = page.locator("[data-testid=copy-ratio]").inner_text()
    assert after == "0.0%" and after != before
    assert "非原始来源" in page.locator("[data-testid=excluded-sources]").inner_text()

    with page.expect_download() as download:
        page.click("[data-testid=download-pdf]")
    path = download.value.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"


def test_report_shows_rewritten_and_translated_matches_with_reasons(live_server, page):
    with live_server.session() as s:
        make_user(s, Role.RESEARCH_OFFICE, username="e2e-meaning")
        corpus.add_document(
            s, doc_id="e2e/flood.txt", text=SOURCE, title="武汉城市雨洪模拟"
        )
        corpus.add_document(
            s, doc_id="e2e/microfinance.txt", text=ENGLISH_SOURCE, title="Microfinance"
        )
        s.commit()
    thesis = (
        "第一章 绪论\n城市化进程加快，学界对排水问题的关注日益增加。\n"
        + REWRITE
        + "\n第二章 农村金融\n"
        + TRANSLATION
        + "\n"
    )

    browser_login(page, live_server, "e2e-meaning", PASSWORD)
    page.goto(f"{live_server.url}/screening/")
    page.set_input_files(
        "[data-testid=file-input]",
        files=[
            {
                "name": "改写论文.txt",
                "mimeType": "text/plain",
                "buffer": thesis.encode(),
            }
        ],
    )
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(r".*/screening/batches/\d+$"))
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=submission-row]')]"
        ".every(r => r.dataset.state === 'done' || r.dataset.state === 'failed')"
    )
    page.locator("[data-testid=report-link]").first.click()
    page.wait_for_selector("[data-testid=meaning-figures]")

    # Rewritten text is not copied text: its own figure, the copy ratio untouched.
    assert page.locator("[data-testid=copy-ratio]").inner_text() == "0.0%"
    assert page.locator("[data-testid=rewrite-ratio]").inner_text() != "0.0%"
    assert page.locator("[data-testid=translated-ratio]").inner_text() != "0.0%"
    rows = page.locator("[data-testid=meaning-match]")
    assert rows.count() == 2
    table = page.locator("[data-testid=meaning-matches]").inner_text()
    assert "疑似改写" in table and "跨语言" in table
    assert "降水 ↔ 降雨" in table and "印度 ↔ india" in table
    expect(page.locator("[data-testid=pane-left] mark.k-rewrite").first).to_be_visible()
    expect(
        page.locator("[data-testid=pane-left] mark.k-translated").first
    ).to_be_visible()
