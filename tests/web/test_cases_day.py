"""The case pages as each person meets them: names instead of ids, no row versions, only
the moves allowed now (the others say why), the hearing, the mixed panel form, the
workbench's to-do list, the tipster's files and outcome, and the public letter check."""

from __future__ import annotations

import io
import re

from archive.kernel import clock
from casework.models import CaseSource, CaseState, Relation
from casework.services import deadlines, experts, intake, letters, panel, tips
from tests.casework.factories_casework import PDF, make_cast, named_case, walk_to
from tests.helpers import login, post_form, text_of

S = CaseState


def test_case_page_names_people_and_hides_versions(client, session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    panel.declare_conflict(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        user_id=cast.admin.id,
        relation=Relation.OTHER,
    )
    session.commit()
    login(client, cast.office.username)
    page = text_of(client.get(f"/cases/{case.id}?tab=panel"))
    assert cast.lead.display_name in page and cast.admin.display_name in page
    assert not re.search(r"#\d", page)
    summary = text_of(client.get(f"/cases/{case.id}"))
    assert "版本" not in summary and "举报人身份保密" in summary


def test_no_reporter_protection_line_without_a_reporter(client, session):
    cast = make_cast(session)
    case = intake.open_case(
        session,
        actor=cast.office,
        title="主动调查",
        allegation="学院自查发现论文数据存疑，需要调查核实。",
        source=CaseSource.INITIATIVE,
    )
    session.commit()
    login(client, cast.office.username)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "举报人身份保密" not in page and 'data-tab="reporter"' not in page


def test_day_zero_of_the_appeal_window_offers_no_final_move_and_says_why(
    client, session
):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.APPEAL_WINDOW)
    session.commit()
    login(client, cast.office.username)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'value="final"' not in html
    blocked = text_of(client.get(f"/cases/{case.id}"))
    assert (
        "尚不能办理“申诉期届满，决定生效”" in blocked and "届满前决定不生效" in blocked
    )
    assert "(the appeal window" not in blocked


def test_the_lead_sees_the_hearing_and_the_office_files_a_waiver(client, session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.RESPONDENT_COMMENT)
    session.commit()
    login(client, cast.lead.username)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="hearing"' in html and 'value="determination"' not in html
    r = post_form(
        client,
        f"/cases/{case.id}/statements",
        {
            "version": str(case.version),
            "party_id": str(case.parties[0].id),
            "kind": "waiver",
            "body": "当面签字放弃",
            "file": (io.BytesIO(PDF + b"w"), "放弃声明.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "已书面放弃" in html and 'value="determination"' in html


def test_the_panel_form_offers_committee_members_and_experts(client, session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.ACCEPTED)
    expert = experts.add_expert(
        session, actor=cast.office, name="何律师", unit="律师事务所", title="律师"
    )
    session.commit()
    login(client, cast.office.username)
    page = text_of(client.get(f"/cases/{case.id}?tab=panel"))
    assert cast.committee.display_name in page and "何律师" in page
    r = post_form(
        client,
        f"/cases/{case.id}/panel",
        {"version": str(case.version), "member": f"expert:{expert.person_id}"},
    )
    assert r.status_code == 303
    page = text_of(client.get(f"/cases/{case.id}?tab=panel"))
    assert (
        "何律师已加入调查组" in page.replace(" ", "") or "何律师 已加入调查组" in page
    )
    assert "校外专家" in page


def test_the_workbench_lists_a_case_due_today(client, session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    deadlines.current_deadline(session, case.id).due_on = clock.today()
    session.commit()
    login(client, cast.member2.username)
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="due-today"' in html and case.number in html
    assert "没有临近或超期的期限" not in html


def test_the_tipster_and_the_office_exchange_files(client, session):
    receipt = tips.submit_tip(
        session, title="数据造假", allegation="论文图3的数据与原始记录明显不符。"
    )
    cast = make_cast(session)
    session.commit()
    post_form(
        client,
        "/tips/follow",
        {"code": receipt.receipt_code, "password": receipt.password},
    )
    page = text_of(client.get("/tips/case"))
    assert "已收到举报，等待初步核查" in page and "复核" not in page
    r = post_form(
        client,
        "/tips/case",
        {
            "body": "补充原始记录截图",
            "attachment": (io.BytesIO(PDF + b"t"), "截图.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    bad = post_form(
        client,
        "/tips/case",
        {"body": "程序", "attachment": (io.BytesIO(b"MZ\x90\x00"), "run.exe")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 303
    assert "截图.pdf" in text_of(client.get("/tips/case"))
    staff = client.application.test_client()
    login(staff, cast.office.username)
    case = receipt.case
    session.refresh(case)
    html = staff.get(f"/cases/{case.id}?tab=reporter").get_data(as_text=True)
    assert "截图.pdf" in html and "run.exe" not in html
    r = post_form(
        staff,
        f"/cases/{case.id}/messages",
        {
            "version": str(case.version),
            "thread": "reporter",
            "body": "请填写附件中的情况说明表",
            "file": (io.BytesIO(PDF + b"form"), "情况说明表.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    tip_html = client.get("/tips/case").get_data(as_text=True)
    link = re.search(r'href="(/tips/case/files/\d+)"[^>]*>情况说明表.pdf', tip_html)
    assert link is not None
    assert client.get(link.group(1)).data.startswith(b"%PDF")


def test_the_tipster_learns_the_outcome_at_close(client, session):
    cast = make_cast(session)
    receipt = tips.submit_tip(
        session, title="抄袭", allegation="被举报人的论文第三章大段抄袭他人论文。"
    )
    case = receipt.case
    intake.add_respondent(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        kind=cast.respondent.kind,
        name=cast.respondent.name,
        person_id=cast.respondent.id,
    )
    walk_to(session, cast, case, S.FINAL)
    session.commit()
    post_form(
        client,
        "/tips/follow",
        {"code": receipt.receipt_code, "password": receipt.password},
    )
    page = text_of(client.get("/tips/case"))
    assert "办理完毕" in page and "认定被举报人构成学术不端行为" in page
    assert "留校察看" not in page and cast.respondent.name not in page
    assert "表决" not in page


def test_the_public_letter_check(client, session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.APPEAL_WINDOW)
    (doc,) = letters.list_documents(session, case.id)
    number = letters.latest_decision(session, case.id).number
    session.commit()
    ok = client.get(
        "/public/verify/letter",
        query_string={"number": number, "code": doc.verify_code},
    )
    page = text_of(ok)
    assert ok.status_code == 200 and "真实有效" in page and "留校察看" in page
    assert cast.respondent.name not in page
    wrong = client.get(
        "/public/verify/letter", query_string={"number": number, "code": "ABCDEFGHJK"}
    )
    assert wrong.status_code == 404 and "真实有效" not in text_of(wrong)
