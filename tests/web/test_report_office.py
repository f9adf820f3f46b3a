"""The research office's report: filters that persist and are audited, flags, citation
groups, 全文标明引文, the short form, public verification and the batch table."""

from __future__ import annotations

import io
import re

import docx
from docx.shared import RGBColor
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from archive.corpus import services as corpus
from archive.kernel import audit
from archive.kernel.accounts import Role
from archive.submissions import services as submissions
from archive.submissions.models import Submission
from screening.report import ScreeningReport, check_code, percent
from tests.archive.factories_thesis import (
    COPIED_PASSAGE,
    PLAIN_COPY,
    QUOTED,
    REPORT_SOURCE_A,
    REPORT_SOURCE_A_TITLE,
    REPORT_SOURCE_B,
    REPORT_SOURCE_B_TITLE,
    THESIS_WITH_REFERENCES,
)
from tests.factories import make_user
from tests.helpers import csrf_token, login, post_form, text_of


def _screened(session, client, text=THESIS_WITH_REFERENCES, name="t.txt"):
    corpus.add_document(
        session, doc_id="web/a.txt", text=REPORT_SOURCE_A, title=REPORT_SOURCE_A_TITLE
    )
    corpus.add_document(
        session, doc_id="web/b.txt", text=REPORT_SOURCE_B, title=REPORT_SOURCE_B_TITLE
    )
    office = make_user(session, Role.RESEARCH_OFFICE)
    session.commit()
    login(client, office.username)
    batch = submissions.create_batch(session, actor=office)
    sub = submissions.add_file(
        session,
        batch=batch,
        actor=office,
        file_name=name,
        stream=io.BytesIO(text.encode()),
    )
    session.commit()
    return office, batch, sub


def _report(session, sub_id) -> ScreeningReport:
    session.expire_all()
    return ScreeningReport.from_dict(session.get(Submission, sub_id).report)


def test_report_page_shows_flags_groups_citation_unit_and_counts(session, client):
    _, _, sub = _screened(session, client)
    page = client.get(f"/screening/submissions/{sub.id}")
    assert page.status_code == 200
    text = text_of(page)
    html = page.get_data(as_text=True)
    # flags: ten zero-width characters and one 繁體 character, in the copied passage
    assert re.search(
        r'data-kind="zero_width"><td>零宽或隐形字符</td><td>10</td><td>10</td>', html
    )
    assert 'data-testid="evasion"' in html and "疑似规避检测" in text
    # 是否引证 read from the thesis's own 参考文献: both sources are listed there
    rows = re.findall(r'data-testid="source-row".*?</tr>', html, re.S)
    assert len(rows) == 2 and all(">是<" in row for row in rows)
    # groups: the listed, unquoted copy and the listed, quoted sentence
    assert re.search(
        r'data-group="cited_not_quoted">.*?data-field="count">1<', html, re.S
    )
    assert re.search(r'data-group="cited_quoted">.*?data-field="count">1<', html, re.S)
    assert re.search(r'data-group="neither">.*?data-field="count">0<', html, re.S)
    # 单位 from the cover; 字数 say what each counts; passages counted as the case counts
    assert 'data-testid="doc-unit">教育学院<' in html
    assert "计入字数，不含模板文字和参考文献表" in text
    assert "计入复制比 2 处，共 2 处匹配" in text


def test_a_group_link_shows_only_that_groups_passages(session, client):
    _, _, sub = _screened(session, client)
    rep = _report(session, sub.id)
    page = client.get(f"/screening/submissions/{sub.id}?group=cited_quoted")
    html = page.get_data(as_text=True)
    marks = re.findall(
        r'<mark class="k-(\w+)" data-m="(\d+)"', html.split('id="pane-right"')[0]
    )
    quoted = {str(i) for i, m in enumerate(rep.matches) if m.source == "web/b.txt"}
    assert marks and {i for _, i in marks} <= quoted
    assert 'data-testid="group-filter"' in html


def test_filters_recompute_persist_and_are_audited(session, client):
    _, _, sub = _screened(session, client)
    before = _report(session, sub.id).figures
    response = post_form(
        client,
        f"/screening/submissions/{sub.id}/options",
        {
            "action": "filters",
            "exclude_quotes": "on",
            "exclude_templates": "on",
            "min_match_chars": "13",
        },
    )
    assert response.status_code == 302
    after = _report(session, sub.id)
    assert after.options.exclude_quotes and not after.options.exclude_references
    # quotations leave the total; the reference list now counts in the denominator
    assert after.figures.copied_chars < before.copied_chars
    assert after.figures.total_chars > before.total_chars
    stored = session.get(Submission, sub.id).options
    assert stored["exclude_quotes"] is True and stored["exclude_references"] is False
    (entry,) = audit.list_entries(
        session, action="update_report_options", entity_id=str(sub.id)
    )
    assert entry.after["exclude_quotes"] is True
    page = client.get(f"/screening/submissions/{sub.id}").get_data(as_text=True)
    assert 'data-testid="filter-quotes" checked' in page
    assert 'data-testid="filter-references">' in page
    # the printable report names the filters that were applied
    full = client.get(f"/screening/submissions/{sub.id}/report.html")
    assert "总文字复制比中去除引文: 是" in text_of(full)
    assert "去除参考文献: 否" in text_of(full)
    # restore puts every filter back
    post_form(
        client, f"/screening/submissions/{sub.id}/options", {"action": "restore_all"}
    )
    restored = _report(session, sub.id)
    assert restored.figures == before


def test_excluding_a_listed_source_keeps_it_cited(session, client):
    _, _, sub = _screened(session, client)
    post_form(
        client,
        f"/screening/submissions/{sub.id}/options",
        {"action": "exclude", "source": "web/a.txt", "reason": "not_original"},
    )
    rep = _report(session, sub.id)
    assert rep.source("web/a.txt").excluded == "not_original"
    assert rep.source("web/a.txt").is_cited


def test_fulltext_marks_every_match_and_flag(session, client):
    _, _, sub = _screened(session, client)
    rep = _report(session, sub.id)
    page = client.get(f"/screening/submissions/{sub.id}/fulltext")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    body = html.split('data-testid="fulltext">')[1].split("</div>")[0]
    ids = set(re.findall(r'<mark class="k-\w+" data-m="(\d+)', body))
    assert ids == {str(i) for i in range(len(rep.matches))}
    assert body.count('data-flag="zero_width"') == 10
    assert body.count('data-flag="traditional"') == 1
    # the whole text is there, not only the passages
    assert "本研究采用问卷调查与访谈相结合的方法" in body and "参考文献" in body
    assert QUOTED in re.sub(r"<[^>]+>", "", body)


def test_short_form_and_verification(session, client):
    _, _, sub = _screened(session, client)
    rep = _report(session, sub.id)
    full = client.get(f"/screening/submissions/{sub.id}/report.html")
    brief = client.get(f"/screening/submissions/{sub.id}/report.html?form=brief")
    assert "全文对照" in text_of(full) and "全文对照" not in text_of(brief)
    assert "简洁报告" in text_of(brief) and "相似文献列表" in text_of(brief)
    code = check_code(rep)
    assert f"核验码 {code}" in text_of(full)
    assert f"/public/report-verify?number={rep.report_number}&amp;code={code}" in (
        full.get_data(as_text=True)
    )
    assert "北京时间" in text_of(full) and "UTC" not in text_of(full)
    pdf = client.get(f"/screening/submissions/{sub.id}/report.pdf?form=brief")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"
    # the public page: genuine with the right code, nothing without it
    client.get("/logout")
    ok = client.get(f"/public/report-verify?number={rep.report_number}&code={code}")
    assert ok.status_code == 200
    assert "真实有效" in text_of(ok)
    assert f'data-testid="verified-ratio">{percent(rep.figures.copy_ratio)}<' in (
        ok.get_data(as_text=True)
    )
    assert "2021009" not in text_of(ok)
    bad = client.get(
        f"/public/report-verify?number={rep.report_number}&code=0000000000"
    )
    assert bad.status_code == 404 and "真实有效" not in text_of(bad)
    (entry,) = audit.list_entries(session, action="verify_report")
    assert entry.entity_id == str(sub.id)


def test_batch_table_unit_verdict_histogram_and_numeric_excel(session, client):
    office, batch, sub = _screened(session, client)
    submissions.add_file(
        session,
        batch=batch,
        actor=office,
        file_name="copied.txt",
        stream=io.BytesIO(PLAIN_COPY.encode()),
    )
    session.commit()
    page = client.get(f"/screening/batches/{batch.id}")
    html = page.get_data(as_text=True)
    assert 'data-field="unit">教育学院<' in html
    assert "疑似规避检测：伪装或隐藏字符集中在匹配段落中" in html
    assert re.search(r'data-testid="verdict">(不通过|修改后复检|通过)<', html)
    assert html.count('data-testid="threshold-line"') == 2
    assert "全文字数" in html and 'data-sort="copy_ratio"' in html
    xlsx = client.get(f"/screening/batches/{batch.id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    header = [c.value for c in sheet[1]]
    col = header.index("总文字复制比") + 1
    cell = sheet.cell(row=2, column=col)
    assert isinstance(cell.value, float) and cell.number_format == "0.0%"
    units = {
        row[0]: row[header.index("学院")]
        for row in sheet.iter_rows(2, values_only=True)
    }
    assert units["t.txt"] == "教育学院"
    # sorted by similarity, largest first: the plain copy of COPIED leads
    first = sheet.cell(row=2, column=1).value
    assert first == "copied.txt"


def test_report_sections_in_english(session, client):
    _, batch, sub = _screened(session, client)
    client.get("/lang/en")
    text = text_of(client.get(f"/screening/submissions/{sub.id}"))
    for phrase in (
        "Flags: disguised and hidden characters",
        "Zero-width or invisible characters",
        "Cited, not quoted",
        "Leave out quotations",
        "Passages: 2 counted in the similarity, 2 matches in all",
    ):
        assert phrase in text
    for phrase in ("零宽", "已引证", "去除引文", "计入复制比"):
        assert phrase not in text
    batch_text = text_of(client.get(f"/screening/batches/{batch.id}"))
    assert "Verdict (university thresholds)" in batch_text and "School" in batch_text
    full = text_of(client.get(f"/screening/submissions/{sub.id}/report.html"))
    assert "Beijing time" in full and "Check code" in full


def test_the_api_switches_filters_and_returns_flags_and_groups(session, client):
    _, _, sub = _screened(session, client)
    url = f"/api/screening/submissions/{sub.id}/options"
    headers = {"X-CSRFToken": csrf_token(client)}
    body = client.post(
        url, json={"filters": {"exclude_references": False}}, headers=headers
    ).get_json()
    assert body["options"]["exclude_references"] is False
    assert body["flags"]["evasion_suspected"] is True
    assert [g["code"] for g in body["citation_groups"]][0] == "cited_quoted"
    bad = client.post(url, json={"filters": {"exclude_quotes": "yes"}}, headers=headers)
    assert bad.status_code == 422
    unknown = client.post(url, json={"filters": {"exclude_all": True}}, headers=headers)
    assert unknown.status_code == 422


def test_hidden_text_in_a_docx_is_flagged_and_survives_a_recompute(
    session, client, tmp_path
):
    padding = "这些白色小字用来稀释复制的段落"
    document = docx.Document()
    document.add_paragraph("第一章 绪论")
    paragraph = document.add_paragraph()
    paragraph.add_run(COPIED_PASSAGE[:30])
    white = paragraph.add_run(padding)
    white.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    paragraph.add_run(COPIED_PASSAGE[30:])
    path = tmp_path / "hidden.docx"
    document.save(str(path))
    office, batch, _ = _screened(session, client)
    hidden_sub = submissions.add_file(
        session,
        batch=batch,
        actor=office,
        file_name="hidden.docx",
        stream=io.BytesIO(path.read_bytes()),
    )
    session.commit()
    rep = _report(session, hidden_sub.id)
    assert rep.flags is not None and dict(rep.flags.chars)["hidden"] == len(padding)
    html = client.get(f"/screening/submissions/{hidden_sub.id}").get_data(as_text=True)
    assert 'data-kind="hidden"' in html and "隐藏文字" in html
    post_form(
        client,
        f"/screening/submissions/{hidden_sub.id}/options",
        {"action": "filters", "exclude_references": "on", "min_match_chars": "20"},
    )
    again = _report(session, hidden_sub.id)
    assert again.flags is not None and dict(again.flags.chars)["hidden"] == len(padding)
    full = client.get(f"/screening/submissions/{hidden_sub.id}/fulltext")
    assert full.get_data(as_text=True).count('data-flag="hidden"') == 1


def test_a_rescreen_keeps_the_filters(session, client):
    _, _, sub = _screened(session, client)
    post_form(
        client,
        f"/screening/submissions/{sub.id}/options",
        {"action": "filters", "exclude_quotes": "on", "min_match_chars": "13"},
    )
    post_form(client, f"/screening/submissions/{sub.id}/rescreen")
    rep = _report(session, sub.id)
    assert rep.options.exclude_quotes and not rep.options.exclude_references
    assert not rep.options.exclude_templates


def test_the_pdf_carries_flags_groups_and_the_verification_line(session, client):
    _, _, sub = _screened(session, client)
    rep = _report(session, sub.id)
    pdf = client.get(f"/screening/submissions/{sub.id}/report.pdf")
    text = re.sub(r"\s+", "", extract_text(io.BytesIO(pdf.data)))
    assert "标记：伪装与隐藏字符" in text and "疑似规避检测" in text
    assert "按引证分组" in text and "已引证未加引号" in text
    assert f"核验码{check_code(rep)}" in text and "北京时间" in text
    # the filters applied, near the top and in the notes
    assert text.count("当前设置:最小匹配字数13") == 2


def test_a_report_stored_before_flags_still_opens(session, client):
    _, _, sub = _screened(session, client)
    stored = session.get(Submission, sub.id)
    old = dict(stored.report)
    old.pop("flags")
    old.pop("citation_groups")
    stored.report = old
    session.commit()
    page = client.get(f"/screening/submissions/{sub.id}")
    assert page.status_code == 200 and "重新计算后显示" in text_of(page)
    assert client.get(f"/screening/submissions/{sub.id}/fulltext").status_code == 200
    assert client.get(f"/screening/submissions/{sub.id}/report.html").status_code == 200
    # a recompute records them
    post_form(
        client,
        f"/screening/submissions/{sub.id}/options",
        {"action": "min_length", "min_match_chars": "13"},
    )
    assert _report(session, sub.id).flags is not None
