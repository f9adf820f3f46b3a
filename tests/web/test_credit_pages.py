"""Credit office pages and the credit API, through the real app."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from archive.kernel import clock
from archive.kernel.accounts import Role
from archive.kernel.audit import AuditEntry
from casework.credit import services
from casework.credit.models import Occasion
from tests.casework.credit.factories_credit import make_subject, sanction_input
from tests.factories import make_user
from tests.helpers import login, post_form, text_of


def _setup(session):
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    admin = make_user(session, Role.CREDIT_ADMIN, username="xy-admin")
    person, user = make_subject(session, name="李小红", university_id="S20260001")
    [record] = services.ingest_final_decision(
        session, actor="casework", case_id=5, entries=[sanction_input(person)]
    )
    session.commit()
    return admin, person, user, record


def test_file_tabs_grade_and_state_chips(client, session):
    _admin, person, _user, _record = _setup(session)
    login(client, "xy-admin")
    page = client.get(f"/credit/people/{person.id}")
    assert page.status_code == 200
    text = text_of(page)
    assert (
        "李小红" in text and "D · 严重失信" in text and "4101**********1234" not in text
    )
    assert "410102200001011234" in text  # credit admins may see whole ID numbers
    for tab in ("commitments", "dishonesty", "honours", "evaluation", "repairs"):
        assert client.get(f"/credit/people/{person.id}?tab={tab}").status_code == 200
    dishonesty = text_of(client.get(f"/credit/people/{person.id}?tab=dishonesty"))
    assert "公示中" in dishonesty and "可申请日期 ： 2027-01-10" in dishonesty.replace(
        "：", " ： "
    )
    index = text_of(client.get("/credit/?q=李小红"))
    assert "S20260001" in index


def test_search_needs_credit_view(client, session):
    _setup(session)
    make_user(session, Role.STUDENT, username="plain-student")
    session.commit()
    login(client, "plain-student")
    assert client.get("/credit/").status_code == 403


def test_api_check_and_file(client, session):
    _admin, person, _user, _record = _setup(session)
    login(client, "xy-admin")
    body = client.get("/api/credit/check?person=S20260001&action=admission").get_json()
    assert (
        body["allowed"] is False
        and body["until"] == "2029-01-09"
        and body["grade"] == "D"
    )
    assert "信用等级 D" in body["reason"]
    bad = client.get("/api/credit/check?person=S20260001&action=travel")
    assert bad.status_code == 422
    missing = client.get("/api/credit/check?person=NOPE&action=admission")
    assert missing.status_code == 404
    assert "人员名册中没有" in missing.get_json()["error"]["message"]
    data = client.get("/api/credit/people/S20260001").get_json()
    assert data["grade"]["grade"] == "D" and data["records"][0]["state"] == "public"
    page = text_of(client.get("/credit/check?person=S20260001&action=admission"))
    assert "不予办理" in page and "2029-01-09" in page


def test_rule_and_commitment_editors_make_versions(client, session):
    _admin, person, _user, _record = _setup(session)
    login(client, "xy-admin")
    page = client.get("/credit/rules/student_integrity")
    assert page.status_code == 200
    rules = services.current_rule_set(session, services.kind_for(person)).rules
    changed = dict(rules, base_score=100, thresholds={"A": 95, "B": 70, "C": 40})
    response = post_form(
        client,
        "/credit/rules/student_integrity",
        {"rules": json.dumps(changed), "note": "提高 A 级门槛"},
    )
    assert response.status_code == 302
    rules_page = text_of(client.get("/credit/rules"))
    assert "第 2 版" in rules_page and "须第二审核人" in rules_page
    assert (
        post_form(
            client, "/credit/rules/student_integrity", {"rules": "{oops"}
        ).status_code
        == 422
    )
    template = services.template_for(session, Occasion.EXAM)
    response = post_form(
        client,
        f"/credit/commitments/{template.id}",
        {"title": template.current.title, "body": "新的承诺正文"},
    )
    assert response.status_code == 302
    assert "第 2 版" in text_of(client.get(f"/credit/commitments/{template.id}"))


def test_repair_review_and_export_pages(client, session, app):
    admin, person, user, record = _setup(session)
    clock.freeze(datetime(2027, 2, 1, 4, tzinfo=UTC))
    application = services.apply_for_repair(
        session,
        actor=user,
        record_id=record.id,
        statement="已整改",
        has_met_obligations=True,
        sign_repair_commitment=True,
    )
    session.commit()
    login(client, "xy-admin")
    assert "已整改" in text_of(client.get("/credit/repairs"))
    assert client.get(f"/credit/repairs/{application.id}/proof").status_code == 404
    refused = post_form(
        client,
        f"/credit/repairs/{application.id}/decide",
        {"decision": "approve", "reason": ""},
    )
    assert refused.status_code == 422
    ok = post_form(
        client,
        f"/credit/repairs/{application.id}/decide",
        {"decision": "approve", "reason": "整改到位"},
    )
    assert ok.status_code == 302
    assert "已修复" in text_of(client.get("/credit/sanctions"))
    run = post_form(client, "/credit/exports", {"format": "json"})
    assert run.status_code == 302
    log = text_of(client.get("/credit/exports"))
    assert "JSON" in log
    download = client.get("/credit/exports/1/download")
    assert download.status_code == 200
    doc = json.loads(download.data)
    assert doc["records"][0]["ZT"] == "已修复"


def test_report_pdf_html_and_public_verification(client, session):
    _admin, person, _user, _record = _setup(session)
    login(client, "xy-admin")
    html = client.get(f"/credit/people/{person.id}/report.html")
    assert html.status_code == 200
    text = text_of(html)
    for section in (
        "报告说明",
        "概述",
        "信用评价",
        "失信记录",
        "信用修复记录",
        "守信荣誉",
        "信用承诺",
        "澄清记录",
    ):
        assert section in text
    body = html.get_data(as_text=True)
    number = re.search(r'data-testid="report-number">(\w+)<', body).group(1)
    code = re.search(r'data-testid="verification-code">(\w+)<', body).group(1)
    pdf = client.get(f"/credit/people/{person.id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    client.post("/logout", data={})
    anonymous = client.application.test_client()
    good = anonymous.get(f"/public/verify?number={number}&code={code}")
    assert (
        good.status_code == 200
        and "真实有效" in text_of(good)
        and "李*" in text_of(good)
    )
    bad = anonymous.get(f"/public/verify?number={number}&code=WRONG")
    assert bad.status_code == 404 and "未找到" in text_of(bad)


def test_public_list_masks_and_hides_non_public(client, session):
    _admin, person, _user, _record = _setup(session)
    other, _ = make_subject(session, name="王大力", university_id="S20260002")
    services.ingest_final_decision(
        session,
        actor="casework",
        case_id=6,
        entries=[
            sanction_input(
                other, "S12", ends_on=date(2027, 1, 9), decision_number="校〔2026〕9号"
            )
        ],
    )
    session.commit()
    page = client.get("/public/sanctions")
    text = text_of(page)
    assert page.status_code == 200
    assert "李*" in text and "李小红" not in text and "4101**********1234" in text
    assert "410102200001011234" not in text
    assert "王*" not in text and "校〔2026〕9号" not in text


def test_workbench_panel_counts_open_repairs(client, session):
    _admin, _person, user, record = _setup(session)
    clock.freeze(datetime(2027, 2, 1, 4, tzinfo=UTC))
    services.apply_for_repair(
        session,
        actor=user,
        record_id=record.id,
        statement="已整改",
        has_met_obligations=True,
        sign_repair_commitment=True,
    )
    session.commit()
    clock.freeze(datetime(2027, 3, 1, 4, tzinfo=UTC))
    login(client, "xy-admin")
    text = text_of(client.get("/"))
    assert re.search(r"待审核的修复申请：\s*1", text) and "已超期 1" in text


def test_honour_correction_and_broken_commitment_forms(client, session):
    _admin, person, user, record = _setup(session)
    exam = services.template_for(session, Occasion.EXAM)
    signature = services.sign_commitment(
        session, actor=user, version_id=exam.current.id
    )
    session.commit()
    login(client, "xy-admin")
    honour = post_form(
        client,
        f"/credit/people/{person.id}/honours",
        {
            "title": "校级诚信之星",
            "deciding_unit": "学生发展处",
            "decided_on": "2026-01-20",
        },
    )
    assert honour.status_code == 302
    assert "校级诚信之星" in text_of(
        client.get(f"/credit/people/{person.id}?tab=honours")
    )
    assert (
        post_form(
            client, f"/credit/records/{record.id}/correct", {"note": ""}
        ).status_code
        == 422
    )
    fixed = post_form(
        client,
        f"/credit/records/{record.id}/correct",
        {"note": "文号录入错误", "decision_number": "校学术〔2026〕30号"},
    )
    assert fixed.status_code == 302
    page = text_of(client.get(f"/credit/people/{person.id}?tab=dishonesty"))
    assert (
        "已更正" in page
        and "校学术〔2026〕30号" in page
        and "校学术〔2026〕3号" in page
    )
    broken = post_form(
        client,
        f"/credit/signatures/{signature.id}/broken",
        {"reason": "考试夹带", "credit_class": "minor"},
    )
    assert broken.status_code == 302
    assert "违背信用承诺" in text_of(
        client.get(f"/credit/people/{person.id}?tab=dishonesty")
    )


def test_searches_file_views_and_downloads_are_audited(client, session):
    _admin, person, _user, _record = _setup(session)
    login(client, "xy-admin")

    def actions() -> list[str]:
        session.expire_all()
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))

    client.get("/credit/?q=李小红")
    assert actions()[-1] == "credit_search"
    client.get(f"/credit/people/{person.id}")
    assert actions()[-1] == "credit_file_viewed"
    client.get("/api/credit/people/S20260001")
    assert actions()[-1] == "credit_file_viewed"
    assert post_form(client, "/credit/exports", {"format": "csv"}).status_code == 302
    assert client.get("/credit/exports/1/download").status_code == 200
    assert actions()[-1] == "credit_export_download"
    assert client.get("/credit/exports/1/download?schema=1").status_code == 200
    assert client.get("/credit/exports/9/download").status_code == 404
    assert actions().count("credit_export_download") == 2


def test_check_page_clean_person_and_unknown_number(client, session):
    _setup(session)
    make_subject(session, name="王清白", university_id="S20269999", with_user=False)
    session.commit()
    login(client, "xy-admin")
    clean = client.get("/credit/check?person=S20269999&action=award")
    assert clean.status_code == 200
    text = text_of(clean)
    assert "王清白" in text and "可以办理" in text and "无失信记录" in text
    typo = client.get("/credit/check?person=S2026999&action=award")
    assert typo.status_code == 200
    text = text_of(typo)
    assert "人员名册中没有该工号/学号" in text and "输入有误" in text
    assert "可以办理" not in text


def test_check_page_words_a_refusal_in_the_readers_language(client, session):
    _setup(session)
    login(client, "xy-admin")
    chinese = text_of(client.get("/credit/check?person=S20260001&action=funding"))
    assert (
        "失信惩戒措施“取消申报/晋升资格”执行中" in chinese
        and "至 2029-01-09" in chinese
    )
    client.get("/lang/en")
    english = text_of(client.get("/credit/check?person=S20260001&action=funding"))
    assert "is in force" in english and "until 2029-01-09" in english
    assert "执行中" not in english and "按分级分类监管规则" not in english
