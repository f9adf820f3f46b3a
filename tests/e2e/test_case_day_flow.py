"""A tip to a final decision in a real browser, with a mixed panel (an investigator lead, a
committee member and an outside expert with no account), where the respondent's 陈述申辩
cannot be skipped: the move is not offered, a forced request is refused in words, and it
opens once the respondent waives in writing. Each person's workbench lists what waits for
them; the tipster sees the stage in plain words and the outcome; the decision letter names
the measure and its check line leads to a public page that confirms it."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from archive.kernel import accounts, clock
from archive.kernel.accounts import Role
from archive.kernel.people import PersonKind, create_person
from casework.models import Case, CaseDeadline, CaseDocument, DeadlineRule
from casework.services import letters
from tests.e2e.conftest import ARTIFACTS, browser_login

pytestmark = pytest.mark.browser
PASSWORD = "browser-pass-1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _seed(live_server, tag: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    ids: dict[str, int] = {}
    with live_server.session() as s:
        for key, name, role, unit in (
            ("office", "诚信办 钱老师", Role.INVESTIGATOR, "诚信办"),
            ("lead", "调查组长 孙老师", Role.INVESTIGATOR, "纪委"),
            ("committee", "学术委员会 吴教授", Role.COMMITTEE_MEMBER, "学术委员会"),
            ("member", "学术委员会 郑教授", Role.COMMITTEE_MEMBER, "物理学院"),
            ("student", f"王同学{tag[:3]}", Role.STUDENT, "计算机学院"),
        ):
            user = accounts.create_user(
                s,
                username=f"{key}-{tag}",
                password=PASSWORD,
                display_name=name,
                roles={role},
                unit=unit,
                university_id=f"D{tag}" if key == "student" else None,
            )
            ids[key] = user.id
        create_person(
            s,
            kind=PersonKind.STUDENT,
            name=f"王同学{tag[:3]}",
            university_id=f"D{tag}",
            unit="计算机学院",
            user_id=ids["student"],
        )
        s.commit()
    return ids


def _as(page, live_server, who: str, tag: str) -> None:  # type: ignore[no-untyped-def]
    # Requests still in flight would set the old session cookie again.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    browser_login(page, live_server, f"{who}-{tag}", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_test_id("current-user").wait_for()


def _submit(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.click(selector)


def _flash_ok(page) -> None:  # type: ignore[no-untyped-def]
    assert page.locator(".flash-error").count() == 0, page.locator(
        ".flash-error"
    ).inner_text()


def _act(page, to: str, reason: str = "") -> None:  # type: ignore[no-untyped-def]
    page.select_option("[data-testid=transition-to]", to)
    page.fill("[data-testid=transition-reason]", reason)
    _submit(page, "[data-testid=transition-submit]")
    _flash_ok(page)
    page.wait_for_selector(f"[data-testid=case-state][data-state={to}]")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"case-day-{name}.png"), full_page=True)


def _offered(page) -> list[str]:  # type: ignore[no-untyped-def]
    select = page.locator("[data-testid=transition-to] option")
    return [select.nth(i).get_attribute("value") for i in range(select.count())]


def _tipster(page, base: str, code: str, password: str) -> None:  # type: ignore[no-untyped-def]
    # Requests still in flight would set the old session cookie again.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    page.goto(f"{base}/tips/follow")
    page.fill("input[name=code]", code)
    page.fill("input[name=password]", password)
    _submit(page, "[data-testid=follow-form] button[type=submit]")


def test_tip_to_final_decision_with_a_mixed_panel_and_the_comment_not_skipped(
    live_server, page
):
    # Long on purpose: one case from tip to final decision, each step on the last one.
    tag = uuid.uuid4().hex[:8]
    ids = _seed(live_server, tag)
    base = live_server.url
    title = f"学位论文抄袭 {tag}"
    student = f"王同学{tag[:3]}"

    # 1. A tip, without an account; the tipster reads the stage in plain words.
    page.goto(f"{base}/tips/new")
    page.fill("input[name=title]", title)
    page.fill("input[name=respondent_hint]", f"计算机学院 {student}")
    page.fill("textarea[name=allegation]", "其硕士论文第三章大段抄袭他人已发表论文。")
    _submit(page, "[data-testid=tip-form] button[type=submit]")
    code = page.get_by_test_id("receipt-code").inner_text()
    password = page.get_by_test_id("receipt-password").inner_text()
    with live_server.session() as s:
        case_id = s.scalars(select(Case.id).where(Case.title == title)).one()
    case_url = f"{base}/cases/{case_id}"
    _tipster(page, base, code, password)
    assert page.get_by_test_id("tip-stage").inner_text() == "已收到举报，等待初步核查"

    # 2. The office registers the respondent, screens and accepts; the to-do list shows it.
    _as(page, live_server, "office", tag)
    assert title in page.get_by_test_id("case-todo").inner_text()
    page.goto(case_url)
    assert "版本" not in page.inner_text("body")
    page.click("[data-testid=respondent-form] >> xpath=..")
    page.select_option("[data-testid=respondent-form] select[name=kind]", "student")
    page.fill("[data-testid=respondent-form] input[name=name]", student)
    page.fill("[data-testid=respondent-form] input[name=university_id]", f"D{tag}")
    _submit(page, "[data-testid=respondent-form] button[type=submit]")
    _flash_ok(page)
    _act(page, "screening")
    _act(page, "accepted", "举报对象明确，事实具体，予以受理。")

    # 3. A mixed panel: an outside expert registered on the spot, a committee member, a lead.
    page.goto(f"{case_url}?tab=panel")
    page.click("[data-testid=expert-form] >> xpath=..")
    page.fill("[data-testid=expert-form] input[name=name]", f"林教授{tag[:3]}")
    page.fill("[data-testid=expert-form] input[name=unit]", "华东师范大学")
    page.fill("[data-testid=expert-form] input[name=title]", "教授")
    _submit(page, "[data-testid=expert-form] button[type=submit]")
    _flash_ok(page)
    expert_option = page.locator(
        "[data-testid=panel-user] option", has_text=f"林教授{tag[:3]}"
    ).get_attribute("value")
    for value, lead in (
        (f"user:{ids['lead']}", True),
        (f"user:{ids['member']}", False),
        (expert_option, False),
    ):
        page.select_option("[data-testid=panel-user]", value)
        if lead:
            page.check("[data-testid=panel-form] input[name=is_lead]")
        _submit(page, "[data-testid=panel-form] button[type=submit]")
        _flash_ok(page)
    panel_text = page.get_by_test_id("panel").inner_text()
    assert "校外专家" in panel_text and "学术委员会委员" in panel_text
    checks = page.get_by_test_id("recusal-checks").inner_text()
    assert f"林教授{tag[:3]}" in checks and "学术委员会 郑教授" in checks
    assert not re.search(r"#\d", checks)
    _shot(page, "1-mixed-panel")

    # 4. The committee opens the investigation (its to-do list shows the case first).
    _as(page, live_server, "committee", tag)
    assert title in page.get_by_test_id("case-todo").inner_text()
    _shot(page, "0-committee-todo")
    page.goto(case_url)
    _act(page, "investigating", "学术委员会决定启动正式调查。")

    # 5. The lead files the draft and puts it to the respondent.
    _as(page, live_server, "lead", tag)
    page.goto(f"{case_url}?tab=evidence")
    page.set_input_files(
        "[data-testid=draft-form] input[name=file]",
        files=[
            {
                "name": "草稿.pdf",
                "mimeType": "application/pdf",
                "buffer": PDF + tag.encode(),
            }
        ],
    )
    _submit(page, "[data-testid=draft-form] button[type=submit]")
    _flash_ok(page)
    page.goto(case_url)
    _act(page, "report_draft")
    _act(page, "respondent_comment")

    # 6. The move to the committee is not offered, and a forced request is refused in words.
    assert "determination" not in _offered(page)
    assert "尚未陈述申辩" in page.get_by_test_id("blocked-moves").inner_text()
    assert "尚未陈述申辩" in page.get_by_test_id("hearing").inner_text()
    assert page.locator("[data-testid=transition-form]").count() == 0
    with page.expect_navigation():
        page.evaluate(
            """id => {
                const f = document.createElement('form');
                f.method = 'post';
                f.action = `/cases/${id}/transition`;
                const add = (n, v) => {
                    const i = document.createElement('input');
                    i.name = n; i.value = v; f.appendChild(i);
                };
                add('csrf_token', document.querySelector('input[name=csrf_token]').value);
                add('version', document.querySelector('input[name=version]').value);
                add('to', 'determination');
                document.body.appendChild(f);
                f.submit();
            }""",
            case_id,
        )
    error = page.locator(".flash-error").inner_text()
    assert "尚未陈述申辩，也未书面放弃" in error and student in error
    assert page.get_by_test_id("case-state").get_attribute("data-state") == (
        "respondent_comment"
    )
    _shot(page, "2-comment-not-skipped")

    # 7. The respondent waives in writing on their own page.
    _as(page, live_server, "student", tag)
    page.goto(f"{base}/cases/mine/{case_id}")
    page.click("[data-testid=waive-form] >> xpath=..")
    page.fill(
        "[data-testid=waive-form] textarea[name=statement]",
        "本人已阅读调查报告草稿，自愿放弃陈述申辩的权利。",
    )
    _submit(page, "[data-testid=waive-form] button[type=submit]")
    _flash_ok(page)

    # 8. Now the lead may hand over; the deadline is met by the waiver.
    _as(page, live_server, "lead", tag)
    page.goto(case_url)
    assert "已书面放弃" in page.get_by_test_id("hearing").inner_text()
    _act(page, "determination")
    assert "书面放弃陈述申辩" in page.get_by_test_id("deadlines").inner_text()
    with live_server.session() as s:
        row = s.scalars(
            select(CaseDeadline).where(
                CaseDeadline.case_id == case_id,
                CaseDeadline.rule == DeadlineRule.RESPONDENT_COMMENT,
            )
        ).one()
        assert row.met_how == "waiver"

    # 9. The committee finds, names the specific measure, and decides.
    _as(page, live_server, "committee", tag)
    page.goto(case_url)
    form = page.get_by_test_id("finding-form")
    form.locator("select[name=finding]").select_option("misconduct")
    form.locator("select[name=misconduct_type]").select_option("plagiarism")
    form.locator("textarea[name=facts]").fill("论文第三章与他人论文重合，未注明出处。")
    _submit(page, "[data-testid=finding-form] button[type=submit]")
    _flash_ok(page)
    sanction = page.get_by_test_id("sanction-form")
    sanction.locator("select[name=code]").select_option("S12")
    sanction.locator("[data-testid=sanction-level]").select_option("记过")
    _submit(page, "[data-testid=sanction-form] button[type=submit]")
    _flash_ok(page)
    assert "S12 记过（10 个月）" in page.get_by_test_id("sanctions").inner_text()
    _act(page, "decided", "表决：赞成 9，反对 0。")

    # 10. The office serves the letter; on day 0 of the window the final move is not offered.
    _as(page, live_server, "office", tag)
    page.goto(case_url)
    _act(page, "notified")
    _act(page, "appeal_window")
    assert "final" not in _offered(page)
    assert "申诉期届满，决定生效" in page.get_by_test_id("blocked-moves").inner_text()
    _shot(page, "3-appeal-window-day-0")
    _tipster(page, base, code, password)
    assert "复核" not in page.get_by_test_id("tip-stage").inner_text()

    # 11. After the window the office makes the decision final.
    clock.advance(timedelta(days=40))
    try:
        _as(page, live_server, "office", tag)
        page.goto(case_url)
        _act(page, "final")
    finally:
        clock.reset()

    # 12. The tipster learns the outcome the rules allow, not the measure.
    _tipster(page, base, code, password)
    assert page.get_by_test_id("tip-stage").inner_text() == "办理完毕"
    outcome = page.get_by_test_id("tip-outcome").inner_text()
    assert "构成学术不端行为" in outcome and "记过" not in outcome
    assert student not in page.inner_text("body")
    _shot(page, "4-tipster-outcome")

    # 13. The letter's check line leads to a public page that confirms that letter.
    with live_server.session() as s:
        doc = s.scalars(
            select(CaseDocument).where(CaseDocument.case_id == case_id)
        ).one()
        number = letters.latest_decision(s, case_id).number
        check_code = doc.verify_code
    # Requests still in flight would set the old session cookie again.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    page.goto(f"{base}/public/verify/letter")
    page.fill("[data-testid=letter-verify-form] input[name=number]", number)
    page.fill("[data-testid=letter-verify-form] input[name=code]", check_code)
    _submit(page, "[data-testid=letter-verify-form] button[type=submit]")
    result = page.get_by_test_id("letter-verify-result").inner_text()
    assert "真实有效" in result and "记过" in result and number in result
    assert student not in result and student[0] + "*" in result
    _shot(page, "5-letter-check")
