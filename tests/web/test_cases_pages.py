"""Casework pages and API through the test client: board, case tabs, forms with versions,
the respondent's own pages, and the reporter's identity never reaching the respondent."""

from __future__ import annotations

import io
import os
from datetime import timedelta

from archive.kernel import clock
from archive.kernel.files import blob_path, storage_root
from casework.models import CaseState, Evidence, EvidenceKind
from casework.services import deadlines, evidence, tips
from tests.casework.factories_casework import make_cast, named_case, walk_to
from tests.helpers import login, post_form, text_of

S = CaseState
REPORTER = "举报人王秘密"
CONTACT = "13912345678"


def test_board_and_every_tab_render_for_an_investigator(client, session):
    cast = make_cast(session)
    case = walk_to(
        session,
        cast,
        named_case(session, cast, reporter_name=REPORTER),
        S.INVESTIGATING,
    )
    session.add(
        Evidence(
            case_id=case.id,
            kind=EvidenceKind.SCREENING_REPORT,
            title="查重检测报告",
            data={
                "passages": [
                    {"source": "a.txt", "length": 40, "text": "被抄袭的句子原文"}
                ]
            },
            added_by_label="查重系统",
        )
    )
    session.flush()
    login(client, cast.lead.username)
    assert "被抄袭的句子原文" in text_of(client.get(f"/cases/{case.id}?tab=evidence"))
    board = client.get("/cases/")
    assert board.status_code == 200 and case.number in text_of(board)
    listing = client.get("/cases/?view=list")
    assert case.number in text_of(listing)
    for tab in (
        "summary",
        "allegation",
        "evidence",
        "reporter",
        "notes",
        "panel",
        "timeline",
        "documents",
    ):
        page = client.get(f"/cases/{case.id}?tab={tab}")
        assert page.status_code == 200, tab
    allegation = text_of(client.get(f"/cases/{case.id}?tab=allegation"))
    assert REPORTER in allegation  # investigators hold CASE_VIEW_REPORTER
    assert "110101200001011234" in text_of(
        client.get(f"/cases/{case.id}")
    )  # VIEW_ID_NUMBERS


def test_committee_member_sees_masked_ids_and_no_reporter(client, session):
    cast = make_cast(session)
    case = named_case(session, cast, reporter_name=REPORTER)
    tips.staff_message(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=None,
        thread="reporter",
        body=f"{REPORTER}老师您好",
        is_question=True,
    )
    login(client, cast.committee.username)
    summary = text_of(client.get(f"/cases/{case.id}"))
    assert "1101**********1234" in summary and "110101200001011234" not in summary
    allegation = text_of(client.get(f"/cases/{case.id}?tab=allegation"))
    assert REPORTER not in allegation and "无权查看" in allegation
    data = client.get(f"/api/cases/{case.id}").get_json()
    assert "reporter" not in data
    thread = text_of(client.get(f"/cases/{case.id}?tab=reporter"))
    assert REPORTER not in thread and "仅受权调查人员可见" in thread


def test_transition_form_with_stale_version_changes_nothing(client, session):
    cast = make_cast(session)
    case = named_case(session, cast)
    login(client, cast.office.username)
    old = case.version
    ok = post_form(
        client, f"/cases/{case.id}/transition", {"to": "screening", "version": old}
    )
    assert ok.status_code == 303
    stale = post_form(
        client,
        f"/cases/{case.id}/transition",
        {"to": "accepted", "reason": "受理", "version": old},
    )
    page = text_of(client.get(stale.headers["Location"]))
    assert "已被他人修改" in page
    session.refresh(case)
    assert case.state is S.SCREENING


def test_api_refuses_disallowed_and_wrong_role_moves(client, session):
    cast = make_cast(session)
    case = named_case(session, cast)
    login(client, cast.committee.username)
    r = client.post(
        f"/api/cases/{case.id}/transitions",
        json={"to": "screening", "expected_version": case.version},
        headers={"X-CSRFToken": client.get("/api/csrf").get_json()["csrf_token"]},
    )
    assert r.status_code == 403
    r = client.post(
        f"/api/cases/{case.id}/transitions",
        json={"to": "final", "expected_version": case.version},
        headers={"X-CSRFToken": client.get("/api/csrf").get_json()["csrf_token"]},
    )
    assert r.status_code == 409
    assert "已接收" in r.get_json()["error"]["message"]


def test_evidence_upload_refuses_wrong_type(client, session):
    cast = make_cast(session)
    case = named_case(session, cast)
    login(client, cast.office.username)
    r = post_form(
        client,
        f"/cases/{case.id}/evidence",
        {
            "title": "x",
            "version": case.version,
            "file": (io.BytesIO(b"MZ\x90\x00"), "tool.exe"),
        },
        content_type="multipart/form-data",
    )
    assert "不接受此类文件" in text_of(client.get(r.headers["Location"]))
    ok = post_form(
        client,
        f"/cases/{case.id}/evidence",
        {
            "title": "原文",
            "version": case.version,
            "file": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert "已添加材料" in text_of(client.get(ok.headers["Location"]))


def test_respondent_pages_and_api_never_show_the_reporter(client, session):
    cast = make_cast(session)
    case = named_case(session, cast, reporter_name=REPORTER)
    case = walk_to(session, cast, case, S.APPEAL_WINDOW)
    login(client, cast.respondent_user.username)
    pages = [
        client.get("/cases/mine"),
        client.get(f"/cases/mine/{case.id}"),
        client.get("/api/cases/mine"),
        client.get("/"),
    ]
    for page in pages:
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert REPORTER not in body and CONTACT not in body and "外语学院" not in body
    view = text_of(pages[1])
    assert "申诉" in view and "处理决定书" in view
    # Letters addressed to the respondent do not contain the reporter either.
    for letter in pages[2].get_json()["cases"][0]["letters"]:
        pdf = client.get(f"/cases/documents/{letter['id']}")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        assert REPORTER.encode("utf-16-be") not in pdf.data
    # The staff pages and API are closed to the respondent.
    assert client.get(f"/cases/{case.id}").status_code == 403
    assert client.get(f"/api/cases/{case.id}").status_code == 403
    # Appeal through the respondent's page.
    r = post_form(
        client,
        f"/cases/mine/{case.id}/appeal",
        {"grounds": "认定事实有误", "version": case.version},
    )
    assert "申诉已提交" in text_of(client.get(r.headers["Location"]))
    session.refresh(case)
    assert case.state is S.APPEAL


def test_inbox_panel_shows_due_and_overdue(client, session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.SCREENING)
    d = deadlines.current_deadline(session, case.id)
    deadlines.run_reminders(session, d.due_on + timedelta(days=1))
    clock.freeze(clock.now() + timedelta(days=40))
    login(client, cast.office.username)
    page = text_of(client.get("/"))
    assert "期限提醒" in page and case.number in page and "已超期" in page


def test_reports_page_and_csv(client, session):
    cast = make_cast(session)
    named_case(session, cast)
    login(client, cast.committee.username)
    page = client.get("/cases/reports")
    assert page.status_code == 200 and "年度统计" in text_of(page)
    csv = client.get("/cases/reports/annual.csv")
    assert csv.mimetype == "text/csv" and "受理举报总数" in csv.get_data(as_text=True)


def test_holiday_calendar_is_for_administrators(client, session):
    cast = make_cast(session)
    login(client, cast.admin.username)
    assert "节假日日历" in text_of(client.get("/"))
    r = post_form(client, "/cases/holidays", {"day": "2031-10-01", "name": "国庆节"})
    assert r.status_code == 303
    assert "国庆节" in text_of(client.get("/cases/holidays?year=2031"))


def test_evidence_fixity_check_reports_match_and_mismatch(client, session):
    cast = make_cast(session)
    case = named_case(session, cast)
    item = evidence.add_evidence_file(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        title="原件",
        filename="orig.txt",
        stream=io.BytesIO(f"原件内容 {case.id}".encode()),
    )
    login(client, cast.office.username)
    r = post_form(client, f"/cases/evidence/{item.id}/verify")
    assert "校验一致" in text_of(client.get(r.headers["Location"]))
    path = blob_path(storage_root(session), item.sha256)
    os.chmod(path, 0o640)
    original = path.read_bytes()
    try:
        path.write_bytes(b"tampered")
        r = post_form(client, f"/cases/evidence/{item.id}/verify")
        assert "校验不一致" in text_of(client.get(r.headers["Location"]))
    finally:
        path.write_bytes(original)
