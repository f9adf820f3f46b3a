"""The research office's batch to a filtered report with flags, in a real browser: a DOCX
thesis whose copied passage hides zero-width and 繁體 characters and whose 参考文献 lists
its sources, beside a plain copy; sort the batch, read the flags and citation groups,
switch filters, exclude and restore a source, open 全文标明引文 and verify the report."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from archive.corpus import services as corpus
from archive.kernel.accounts import Role
from tests.archive.factories_thesis import (
    PLAIN_COPY,
    REPORT_SOURCE_A,
    REPORT_SOURCE_A_TITLE,
    REPORT_SOURCE_B,
    REPORT_SOURCE_B_TITLE,
    THESIS_WITH_REFERENCES,
)
from tests.e2e.conftest import ARTIFACTS, browser_login
from tests.factories import PASSWORD, make_user
from tests.screening.makefiles import write_docx

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Keep a screenshot of a key page of the journey for the closing note."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-office-{name}.png"), full_page=True)


def test_batch_to_a_filtered_report_with_flags(
    live_server, page, tmp_path
):  # long: one journey
    with live_server.session() as s:
        make_user(s, Role.RESEARCH_OFFICE, username="e2e-office")
        corpus.add_document(
            s, doc_id="e2e-ro/a.txt", text=REPORT_SOURCE_A, title=REPORT_SOURCE_A_TITLE
        )
        corpus.add_document(
            s, doc_id="e2e-ro/b.txt", text=REPORT_SOURCE_B, title=REPORT_SOURCE_B_TITLE
        )
        s.commit()
    files = tmp_path / "upload"
    files.mkdir()
    thesis = write_docx(
        files / "2021009_王五_教育学_科研诚信建设研究.docx",
        [("plain", line) for line in THESIS_WITH_REFERENCES.splitlines() if line],
    )
    copy = files / "copy.txt"
    copy.write_text(PLAIN_COPY, encoding="utf-8")

    browser_login(page, live_server, "e2e-office", PASSWORD)
    page.goto(f"{live_server.url}/screening/")
    page.set_input_files("[data-testid=file-input]", [str(thesis), str(copy)])
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(r".*/screening/batches/\d+$"))
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=submission-row]')]"
        ".every(r => r.dataset.state === 'done')"
    )
    page.reload()
    rows = page.locator("[data-testid=submission-row]")
    expect(rows).to_have_count(2)
    # largest first; the 学院 read from the DOCX cover; a verdict per row
    assert "copy.txt" in rows.first.inner_text()
    thesis_row = rows.filter(has_text="科研诚信建设研究")
    expect(thesis_row.locator("td[data-field=unit]")).to_have_text("教育学院")
    expect(thesis_row.locator("[data-testid=verdict]")).to_have_text(
        re.compile("通过|修改后复检|不通过")
    )
    expect(page.locator("[data-testid=threshold-line]")).to_have_count(2)
    # one click sorts by 总文字复制比 ascending, the next largest first again
    page.click("[data-testid=sort-copy-ratio]")
    assert "科研诚信建设研究" in rows.first.inner_text()
    page.click("[data-testid=sort-copy-ratio]")
    assert "copy.txt" in rows.first.inner_text()
    _shot(page, "batch")

    thesis_row.locator("[data-testid=report-link]").click()
    page.wait_for_selector("[data-testid=figures]")
    expect(page.locator("[data-testid=doc-unit]")).to_have_text("教育学院")
    flags = page.locator("[data-testid=flags]")
    expect(flags.locator("[data-kind=zero_width] td").nth(1)).to_have_text("10")
    expect(page.locator("[data-testid=evasion]")).to_be_visible()
    for row in page.locator("[data-testid=source-row]").all():
        expect(row.locator("td").nth(6)).to_have_text("是")  # listed in its 参考文献
    groups = page.locator("[data-testid=citation-groups]")
    expect(groups.locator("[data-group=cited_quoted] [data-field=count]")).to_have_text(
        "1"
    )
    expect(
        groups.locator("[data-group=cited_not_quoted] [data-field=count]")
    ).to_have_text("1")
    _shot(page, "report")
    before = page.locator("[data-testid=copy-ratio]").inner_text()

    # the filter panel: quotations out of the total; the setting stays with the report
    page.check("[data-testid=filter-quotes]")
    page.click("[data-testid=apply-filters]")
    page.wait_for_selector("[data-testid=figures]")
    quotes_out = page.locator("[data-testid=copy-ratio]").inner_text()
    assert quotes_out != before
    page.reload()
    expect(page.locator("[data-testid=filter-quotes]")).to_be_checked()

    # per-source exclusion with a reason: still 是否引证 是, figures fall; then restore
    row = page.locator("[data-testid=source-row][data-source='e2e-ro/a.txt']")
    row.locator("select[name=reason]").select_option("not_original")
    row.locator("[data-testid=exclude-source]").click()
    page.wait_for_selector("[data-testid=excluded-sources]")
    expect(page.locator("[data-testid=copy-ratio]")).to_have_text("0.0%")
    row = page.locator("[data-testid=source-row][data-source='e2e-ro/a.txt']")
    expect(row.locator("td").nth(6)).to_have_text("是")
    _shot(page, "filtered")
    page.click("[data-testid=restore-source]")
    expect(page.locator("[data-testid=copy-ratio]")).to_have_text(quotes_out)
    page.uncheck("[data-testid=filter-quotes]")
    page.click("[data-testid=apply-filters]")
    expect(page.locator("[data-testid=copy-ratio]")).to_have_text(before)

    # 全文标明引文: the whole text, every match marked, the hidden characters shown
    page.click("[data-testid=fulltext-link]")
    full = page.locator("[data-testid=fulltext]")
    expect(full.locator("mark.k-copied").first).to_be_visible()
    expect(full.locator("[data-flag=zero_width]")).to_have_count(10)
    assert "第二章 研究方法" in full.inner_text()
    _shot(page, "fulltext")

    # the printed № and check code lead to the public verification page
    report_url = page.url.replace("/fulltext", "/report.html")
    page.goto(report_url)
    line = page.locator(".verify-line").inner_text()
    verify = re.search(r"(https?://\S+/public/report-verify\?\S+)", line)
    assert verify is not None
    # Requests still in flight would set the old session cookie again.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    page.goto(verify.group(1))
    expect(page.locator("[data-testid=verify-result]")).to_contain_text("真实有效")
    expect(page.locator("[data-testid=verified-ratio]")).to_have_text(before)
    _shot(page, "verify")
