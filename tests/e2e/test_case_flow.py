"""One case in a real browser, from an anonymous tip to an archived final decision with an
appeal, as the people who handle it: the tipster (no account), the integrity office, the
panel lead, the committee and the respondent student. The audit chain holds every step and
the respondent never sees who reported."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from archive.kernel import accounts, audit
from archive.kernel.accounts import Role
from archive.kernel.people import PersonKind, create_person
from casework.models import Case, CaseEvent
from tests.e2e.conftest import browser_login

pytestmark = pytest.mark.browser
PASSWORD = "browser-pass-1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _seed(live_server, tag: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    ids: dict[str, int] = {}
    with live_server.session() as s:
        for key, name, role, unit in (
            ("office", "诚信办 钱老师", Role.INVESTIGATOR, "诚信办"),
            ("lead", "调查组长 孙老师", Role.INVESTIGATOR, "纪委"),
            ("m2", "组员 李老师", Role.INVESTIGATOR, "法学院"),
            ("m3", "组员 周老师", Role.INVESTIGATOR, "理学院"),
            ("committee", "学术委员会 吴教授", Role.COMMITTEE_MEMBER, "学术委员会"),
            ("student", "郑同学", Role.STUDENT, "计算机学院"),
        ):
            user = accounts.create_user(
                s,
                username=f"{key}-{tag}",
                password=PASSWORD,
                display_name=name,
                roles={role},
                unit=unit,
                university_id=f"S{tag}" if key == "student" else None,
            )
            ids[key] = user.id
        create_person(
            s,
            kind=PersonKind.STUDENT,
            name="郑同学",
            university_id=f"S{tag}",
            unit="计算机学院",
            user_id=ids["student"],
        )
        s.commit()
    return ids


def _as(page, live_server, who: str, tag: str) -> None:  # type: ignore[no-untyped-def]
    # Requests still in flight would set the old session cookie again.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()  # a fresh session: the next person signs in
    browser_login(page, live_server, f"{who}-{tag}", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_test_id("current-user").wait_for()


def _act(page, to: str, reason: str = "") -> None:  # type: ignore[no-untyped-def]
    page.select_option("[data-testid=transition-to]", to)
    page.fill("[data-testid=transition-reason]", reason)
    _submit(page, "[data-testid=transition-submit]")
    page.wait_for_selector(f"[data-testid=case-state][data-state={to}]")


def _submit(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.click(selector)


def _flash_ok(page) -> None:  # type: ignore[no-untyped-def]
    assert page.locator(".flash-error").count() == 0, page.locator(
        ".flash-error"
    ).inner_text()


def test_anonymous_tip_to_archived_final_decision_with_appeal(live_server, page):
    # Long on purpose: one case's whole life, in order, in one browser; each numbered
    # step needs the state the steps before it left, so they cannot run apart.
    tag = uuid.uuid4().hex[:8]
    ids = _seed(live_server, tag)
    base = live_server.url
    title = f"论文数据造假 {tag}"
    tipster_contact = f"tipster-{tag}@example.com"

    # 1. The tipster, without an account, files a tip and keeps the receipt.
    page.goto(f"{base}/tips/new")
    page.fill("input[name=title]", title)
    page.fill("input[name=respondent_hint]", "计算机学院 郑同学")
    page.fill(
        "textarea[name=allegation]",
        "其学位论文第4章实验数据与原始记录不符，图4-3系编造。",
    )
    page.fill("input[name=contact]", tipster_contact)
    page.set_input_files(
        "input[name=attachments]",
        files=[{"name": "对比.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    _submit(page, "[data-testid=tip-form] button[type=submit]")
    code = page.get_by_test_id("receipt-code").inner_text()
    password = page.get_by_test_id("receipt-password").inner_text()
    assert len(re.sub(r"\D", "", code)) == 16
    with live_server.session() as s:
        case_id = s.scalars(select(Case.id).where(Case.title == title)).one()
    case_url = f"{base}/cases/{case_id}"

    # 2. The integrity office registers the respondent, starts screening, asks a question.
    _as(page, live_server, "office", tag)
    page.goto(f"{base}/cases/")
    assert page.locator(f"[data-case] >> text={title}").count() >= 1
    page.goto(case_url)
    page.click("[data-testid=respondent-form] >> xpath=..")  # open the <details>
    page.select_option("[data-testid=respondent-form] select[name=kind]", "student")
    page.fill("[data-testid=respondent-form] input[name=name]", "郑同学")
    page.fill("[data-testid=respondent-form] input[name=university_id]", f"S{tag}")
    _submit(page, "[data-testid=respondent-form] button[type=submit]")
    _flash_ok(page)
    _act(page, "screening")
    page.goto(f"{case_url}?tab=reporter")
    page.fill(
        "[data-testid=reporter-form] textarea[name=body]", "请说明原始记录保存在何处。"
    )
    _submit(page, "[data-testid=reporter-form] button[type=submit]")
    _flash_ok(page)

    # 3. The tipster signs in with the receipt and answers.
    # Requests still in flight would set the old session cookie again.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    page.goto(f"{base}/tips/follow")
    page.fill("input[name=code]", code)
    page.fill("input[name=password]", password)
    _submit(page, "[data-testid=follow-form] button[type=submit]")
    assert page.get_by_test_id("tip-stage").inner_text() == "正在初步核查，决定是否受理"
    assert "原始记录保存在何处" in page.get_by_test_id("tip-messages").inner_text()
    page.fill(
        "[data-testid=tip-reply] textarea[name=body]", "保存在实验室服务器 /data/2025。"
    )
    _submit(page, "[data-testid=tip-reply] button[type=submit]")
    assert "实验室服务器" in page.get_by_test_id("tip-messages").inner_text()

    # 4. The office accepts with written reasons and forms a panel of three.
    _as(page, live_server, "office", tag)
    page.goto(case_url)
    _act(page, "accepted", "举报对象明确，事实和线索具体，予以受理。")
    page.goto(f"{case_url}?tab=panel")
    for key, lead in (("lead", True), ("m2", False), ("m3", False)):
        page.select_option("[data-testid=panel-user]", f"user:{ids[key]}")
        if lead:
            page.check("[data-testid=panel-form] input[name=is_lead]")
        _submit(page, "[data-testid=panel-form] button[type=submit]")
        _flash_ok(page)
    assert page.get_by_test_id("recusal-checks").locator("text=通过").count() == 3

    # 5. The committee opens the formal investigation.
    _as(page, live_server, "committee", tag)
    page.goto(case_url)
    _act(page, "investigating", "学术委员会决定启动正式调查。")

    # 6. The panel lead uploads the report draft and puts it to the respondent.
    _as(page, live_server, "lead", tag)
    page.goto(f"{case_url}?tab=evidence")
    assert "对比.pdf" in page.get_by_test_id("evidence").inner_text()
    page.set_input_files(
        "[data-testid=draft-form] input[name=file]",
        files=[
            {
                "name": "调查报告草稿.pdf",
                "mimeType": "application/pdf",
                "buffer": PDF + b"draft",
            }
        ],
    )
    _submit(page, "[data-testid=draft-form] button[type=submit]")
    _flash_ok(page)
    page.goto(case_url)
    _act(page, "report_draft")
    _act(page, "respondent_comment")

    # 7. The respondent student reads the draft and comments; the reporter stays hidden.
    _as(page, live_server, "student", tag)
    page.goto(f"{base}/cases/mine/{case_id}")
    assert page.get_by_test_id("my-case-state").inner_text() == "被举报人陈述申辩"
    assert page.get_by_test_id("my-draft").count() == 1
    page.fill(
        "[data-testid=comment-form] textarea[name=body]",
        "图4-3 系作图失误，原始数据可提供。",
    )
    _submit(page, "[data-testid=comment-form] button[type=submit]")
    _flash_ok(page)
    assert tipster_contact not in page.content()

    # 8. The lead hands over for determination; the committee finds and decides.
    _as(page, live_server, "lead", tag)
    page.goto(case_url)
    _act(page, "determination")
    _as(page, live_server, "committee", tag)
    page.goto(case_url)
    form = page.get_by_test_id("finding-form")
    form.locator("select[name=finding]").select_option("misconduct")
    form.locator("select[name=misconduct_type]").select_option("fabrication")
    form.locator("textarea[name=facts]").fill("学位论文图4-3与原始记录不符，系编造。")
    _submit(page, "[data-testid=finding-form] button[type=submit]")
    _flash_ok(page)
    sanction = page.get_by_test_id("sanction-form")
    sanction.locator("select[name=code]").select_option("S12")
    sanction.locator("[data-testid=sanction-level]").select_option("留校察看")
    sanction.locator("input[name=months]").fill("12")
    _submit(page, "[data-testid=sanction-form] button[type=submit]")
    _flash_ok(page)
    _act(page, "decided", "表决：赞成 9，反对 0，弃权 1。")

    # 9. The office serves the letter; the appeal window opens.
    _as(page, live_server, "office", tag)
    page.goto(case_url)
    _act(page, "notified")
    _act(page, "appeal_window")

    # 10. The student appeals within the window.
    _as(page, live_server, "student", tag)
    page.goto(f"{base}/cases/mine/{case_id}")
    letters = page.get_by_test_id("my-letters").inner_text()
    assert "处理决定书" in letters
    page.fill(
        "[data-testid=appeal-form] textarea[name=grounds]", "处理过重，请求复核。"
    )
    _submit(page, "[data-testid=appeal-form] button[type=submit]")
    _flash_ok(page)
    assert page.get_by_test_id("my-case-state").inner_text() == "申诉待受理"
    assert tipster_contact not in page.content()

    # 11. The committee accepts the appeal, reviews, and upholds: the decision is final.
    _as(page, live_server, "committee", tag)
    page.goto(case_url)
    _act(page, "review", "申诉在期限内提出，予以受理。")
    _act(page, "final", "复查维持原决定。")

    # 12. The office hands over the sanctions and archives the case.
    _as(page, live_server, "office", tag)
    page.goto(case_url)
    _act(page, "sanctions_active")
    _act(page, "archived")
    page.goto(f"{case_url}?tab=timeline")
    timeline = page.get_by_test_id("timeline").inner_text()
    for step in ("予以受理", "启动正式调查", "提出申诉", "复查维持原决定", "归档"):
        assert step in timeline

    # The tipster sees the case closed, with the reasons given.
    # Requests still in flight would set the old session cookie again.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    page.goto(f"{base}/tips/follow")
    page.fill("input[name=code]", code)
    page.fill("input[name=password]", password)
    _submit(page, "[data-testid=follow-form] button[type=submit]")
    assert page.get_by_test_id("tip-stage").inner_text() == "办理完毕"
    assert "予以受理" in page.get_by_test_id("tip-events").inner_text()

    with live_server.session() as s:
        case = s.get(Case, case_id)
        assert case.state.value == "archived" and case.outcome.value == "misconduct"
        assert case.credit_handoff in ("done", "pending")
        moves = s.scalars(
            select(CaseEvent).where(
                CaseEvent.case_id == case_id, CaseEvent.kind == "transition"
            )
        ).all()
        assert len(moves) == 14
        assert audit.verify_chain(s).is_intact
        entries = audit.list_entries(
            s, entity_type="cases", entity_id=str(case_id), limit=500
        )
        assert {e.after.get("state") for e in entries if e.after} >= {
            "screening",
            "accepted",
            "investigating",
            "decided",
            "appeal",
            "final",
            "archived",
        }
        assert all(
            tipster_contact not in str(e.after)
            for e in audit.list_entries(s, limit=5000)
        )
