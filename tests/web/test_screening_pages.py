"""Screening pages as the research office uses them: upload, batch rows, report, corpus."""

from __future__ import annotations

import io
import re

from archive.corpus import services as corpus
from archive.kernel import accounts
from archive.kernel.accounts import Role
from archive.submissions import services as submissions
from archive.submissions.models import Submission
from tests.archive.factories_screening import COPIED, SOURCE_A, SOURCE_B, THESIS
from tests.factories import make_user
from tests.helpers import csrf_token, login, post_form, text_of


def _office(session, client, role=Role.RESEARCH_OFFICE):
    user = make_user(session, role)
    session.commit()
    login(client, user.username)
    return user


def _seed_corpus(session):
    corpus.add_document(
        session, doc_id="web/a.txt", text=SOURCE_A, title="科研诚信制度研究"
    )
    corpus.add_document(
        session, doc_id="web/b.txt", text=SOURCE_B, title="量子计算综述"
    )
    session.commit()


def _upload(client, files, **fields):
    data = {"name": "测试批次", "min_match_chars": "13", **fields}
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return post_form(
        client, "/screening/batches", data, content_type="multipart/form-data"
    )


def test_upload_batch_then_rows_and_report(session, client):
    _seed_corpus(session)
    _office(session, client)
    response = _upload(
        client,
        [
            ("2020001_张三_教育学_科研诚信研究.txt", THESIS.encode()),
            ("empty.txt", b""),
        ],
    )
    assert response.status_code == 302
    batch_url = response.headers["Location"]
    page = client.get(batch_url)
    text = text_of(page)
    assert "科研诚信研究" in text and "张三" in text and "完成" in text
    assert "empty.txt" in text and "空文件" in text
    batch_id = int(re.search(r"/batches/(\d+)", batch_url).group(1))
    status = client.get(f"/api/screening/batches/{batch_id}").get_json()
    assert status["progress"]["is_done"]
    done = [s for s in status["submissions"] if s["state"] == "done"][0]
    assert done["copy_ratio"] > 0.4 and done["figures_text"]["copy_ratio"].endswith("%")
    failed = [s for s in status["submissions"] if s["state"] == "failed"][0]
    assert "empty.txt" in failed["message"] and failed["reason"] == "empty"

    report = client.get(done["report_url"])
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    assert "文本复制检测报告单" in html and "科研诚信制度研究" in html
    # the copied passage is highlighted on both sides with the same match id
    marks = re.findall(
        r'<mark class="k-copied" data-m="(\d+)"[^>]*>(?:<sup[^>]*>\d+</sup>)?([^<]*)</mark>',
        html,
    )
    assert len(marks) == 2 and marks[0][0] == marks[1][0]
    assert marks[0][1] == COPIED and marks[1][1] == COPIED

    api_report = client.get(
        f"/api/screening/submissions/{done['id']}/report"
    ).get_json()
    assert api_report["matches"][0]["source"] == "web/a.txt"

    # exclude the source: figures are recomputed
    response = post_form(
        client,
        f"/screening/submissions/{done['id']}/options",
        {"action": "exclude", "source": "web/a.txt", "reason": "not_original"},
    )
    assert response.status_code == 302
    after = text_of(client.get(done["report_url"]))
    assert "已排除的来源" in after and "非原始来源" in after
    assert (
        client.get(f"/api/screening/submissions/{done['id']}").get_json()["copy_ratio"]
        == 0
    )
    # restore, then a minimum length above the match also drops it from the figures
    post_form(
        client,
        f"/screening/submissions/{done['id']}/options",
        {"action": "restore_all"},
    )
    post_form(
        client,
        f"/screening/submissions/{done['id']}/options",
        {"action": "min_length", "min_match_chars": "400"},
    )
    assert (
        client.get(f"/api/screening/submissions/{done['id']}").get_json()["copy_ratio"]
        == 0
    )

    pdf = client.get(f"/screening/submissions/{done['id']}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    full = client.get(f"/screening/submissions/{done['id']}/report.html")
    assert full.status_code == 200 and "文本复制检测报告单" in full.get_data(
        as_text=True
    )


def test_api_upload_file_by_file_and_refused_large(session, client):
    _office(session, client)
    token = csrf_token(client)
    created = client.post(
        "/api/screening/batches",
        json={"name": "api", "compare_peers": False},
        headers={"X-CSRFToken": token},
    )
    assert created.status_code == 201
    batch_id = created.get_json()["id"]
    one = client.post(
        f"/api/screening/batches/{batch_id}/files",
        data={"file": (io.BytesIO(THESIS.encode()), "t.txt")},
        headers={"X-CSRFToken": token},
        content_type="multipart/form-data",
    )
    assert one.status_code == 201
    sub_id = one.get_json()["submissions"][0]["id"]
    assert (
        client.get(f"/api/screening/submissions/{sub_id}").get_json()["state"] == "done"
    )
    refused = client.post(
        f"/api/screening/batches/{batch_id}/refused",
        json={"name": "big.pdf", "size": 500 * 1024 * 1024},
        headers={"X-CSRFToken": token},
    )
    sub = refused.get_json()["submissions"][0]
    assert sub["state"] == "failed" and "big.pdf" in sub["message"]
    small = client.post(
        f"/api/screening/batches/{batch_id}/refused",
        json={"name": "small.pdf", "size": 10},
        headers={"X-CSRFToken": token},
    )
    assert small.status_code == 422


def test_pages_need_permissions(session, client):
    _office(session, client, Role.STUDENT)
    assert client.get("/screening/").status_code == 403
    assert client.get("/screening/corpus").status_code == 403
    assert client.get("/api/screening/batches/1").status_code == 403


def test_investigator_may_read_but_not_upload(session, client):
    office = make_user(session, Role.RESEARCH_OFFICE)
    batch = submissions.create_batch(session, actor=office)
    sub = submissions.add_file(
        session,
        batch=batch,
        actor=office,
        file_name="t.txt",
        stream=io.BytesIO(THESIS.encode()),
    )
    session.commit()
    _office(session, client, Role.INVESTIGATOR)
    assert client.get(f"/screening/batches/{batch.id}").status_code == 200
    assert client.get(f"/screening/submissions/{sub.id}").status_code == 200
    assert "提交检测" not in text_of(client.get("/screening/"))
    response = _upload(client, [("x.txt", b"abc")])
    assert response.status_code == 403


def test_corpus_page_add_and_remove(session, client):
    _office(session, client)
    response = post_form(
        client,
        "/screening/corpus",
        {
            "files": [
                (io.BytesIO(SOURCE_B.encode()), "quantum.txt"),
                (io.BytesIO(bytes(range(256)) * 8), "junk.txt"),
            ],
            "author": "李四",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = text_of(client.get("/screening/corpus"))
    assert (
        "quantum.txt" in page and "李四" in page and "junk.txt" in page
    )  # named in the flash
    assert corpus.find_document(session, "quantum.txt").author_key == "name:李四"
    post_form(client, "/screening/corpus/remove", {"doc_id": "quantum.txt"})
    assert corpus.find_document(session, "quantum.txt") is None


def test_nav_shows_screening_entries(session, client):
    _office(session, client)
    html = client.get("/").get_data(as_text=True)
    assert 'data-endpoint="screening.batches"' in html
    assert 'data-endpoint="screening.corpus"' in html


def test_waiting_report_page_explains_failure(session, client):
    office = make_user(session, Role.RESEARCH_OFFICE)
    batch = submissions.create_batch(session, actor=office)
    sub = submissions.add_file(
        session, batch=batch, actor=office, file_name="x.zip", stream=io.BytesIO(b"PK")
    )
    session.commit()
    _office(session, client)
    page = text_of(client.get(f"/screening/submissions/{sub.id}"))
    assert "x.zip" in page and "不支持的文件类型" in page
    assert session.get(Submission, sub.id).state.value == "failed"


def test_screening_pages_in_english(session, client):
    _office(session, client)
    client.get("/lang/en")
    page = text_of(client.get("/screening/"))
    assert "Submit for screening" in page and "Start screening" in page


def test_workbench_panel_lists_recent_batches(session, client):
    office = _office(session, client)
    submissions.create_batch(session, actor=office, name="最近的批次")
    session.commit()
    page = text_of(client.get("/"))
    assert "最近的批次" in page


def test_api_with_a_bearer_token_submits_and_reads_the_report(session, client):
    _seed_corpus(session)
    user = make_user(session, Role.RESEARCH_OFFICE)
    token, _row = accounts.issue_api_token(session, user=user, name="script")
    session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/screening/batches",
        data={"name": "脚本提交", "files": [(io.BytesIO(THESIS.encode()), "t.txt")]},
        headers=auth,
        content_type="multipart/form-data",
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    sub_id = created.get_json()["submissions"][0]["id"]
    status = client.get(f"/api/screening/submissions/{sub_id}", headers=auth).get_json()
    assert status["state"] == "done"
    report = client.get(f"/api/screening/submissions/{sub_id}/report", headers=auth)
    match = report.get_json()["matches"][0]
    assert THESIS[match["offset"] : match["offset"] + match["length"]] == COPIED
    changed = client.post(
        f"/api/screening/submissions/{sub_id}/options",
        json={"exclude": {"web/a.txt": "其他"}},
        headers=auth,
    ).get_json()
    assert changed["figures"]["copy_ratio"] == 0
    assert changed["options"]["excluded_sources"] == {"web/a.txt": "other"}

    batch_id = created.get_json()["id"]
    from openpyxl import load_workbook

    xlsx = client.get(f"/screening/batches/{batch_id}/export.xlsx", headers=auth)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "文件名" and rows[1][0] == "t.txt" and rows[1][6] == "完成"


def test_report_page_in_english(session, client):
    _seed_corpus(session)
    office = _office(session, client)
    batch = submissions.create_batch(session, actor=office)
    sub = submissions.add_file(
        session,
        batch=batch,
        actor=office,
        file_name="t.txt",
        stream=io.BytesIO(THESIS.encode()),
    )
    session.commit()
    client.get("/lang/en")
    page = client.get(f"/screening/submissions/{sub.id}")
    assert page.status_code == 200
    text = text_of(page)
    assert "Text Similarity Report" in text and "Matched in the first 20%" in text
    assert client.get(f"/screening/batches/{batch.id}").status_code == 200
    assert client.get("/screening/corpus").status_code == 200


def test_excel_export_never_writes_formulas(session, client):
    from openpyxl import load_workbook

    office = _office(session, client)
    batch = submissions.create_batch(session, actor=office)
    submissions.add_file(
        session,
        batch=batch,
        actor=office,
        file_name="=HYPERLINK(1).txt",
        stream=io.BytesIO(b""),
    )
    session.commit()
    xlsx = client.get(f"/screening/batches/{batch.id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_report_can_be_kept_as_a_research_record(session, client):
    _seed_corpus(session)
    office = _office(session, client)
    batch = submissions.create_batch(session, actor=office)
    sub = submissions.add_file(
        session,
        batch=batch,
        actor=office,
        file_name="t.txt",
        stream=io.BytesIO(THESIS.encode()),
    )
    session.commit()
    page = client.get(f"/screening/submissions/{sub.id}").get_data(as_text=True)
    assert 'data-testid="to-archive"' in page
    response = post_form(client, f"/screening/submissions/{sub.id}/archive")
    assert response.status_code == 302
    session.expire_all()
    record_id = session.get(Submission, sub.id).record_id
    assert record_id is not None
    page = client.get(f"/screening/submissions/{sub.id}").get_data(as_text=True)
    assert (
        'data-testid="record-link"' in page and f"/archive/records/{record_id}" in page
    )
