"""The credit loop in a real browser: a final decision puts a student on the sanction list,
the public page shows it, the grade drops to D and the pre-admission check refuses with the
reason and the end date; after the minimum period the student applies for repair, the
administrator approves, the public page drops the entry, the file keeps it marked 已修复,
and the next provincial export carries the repair."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from archive.kernel import accounts, clock
from archive.kernel.accounts import Role
from archive.kernel.people import PersonKind, create_person
from casework.catalogue import CreditClass, MisconductType
from casework.credit import services
from casework.credit.contract import SanctionInput
from tests.e2e.conftest import browser_login

pytestmark = pytest.mark.browser


def _seed(live_server) -> tuple[int, str]:
    with live_server.session() as s:
        accounts.create_user(
            s,
            username="e2e-credit-admin",
            password="browser-pass-1",
            display_name="信用管理员 陈老师",
            roles={Role.CREDIT_ADMIN},
        )
        student = accounts.create_user(
            s,
            username="e2e-credit-student",
            password="browser-pass-1",
            display_name="学生 孙同学",
            roles={Role.STUDENT},
            university_id="E2E2026001",
        )
        person = create_person(
            s,
            kind=PersonKind.STUDENT,
            name="孙小雨",
            university_id="E2E2026001",
            unit="文学院",
            id_number="410105200102034567",
            user_id=student.id,
        )
        s.commit()
        return person.id, "E2E2026001"


def _final_decision(live_server, person_id: int) -> None:
    """What casework does when the case's decision becomes final (the hand-off contract)."""
    with live_server.session() as s:
        services.ingest_final_decision(
            s,
            actor="casework",
            case_id=None,
            entries=[
                SanctionInput(
                    person_id=person_id,
                    code="S06",
                    starts_on=date(2026, 3, 2),
                    ends_on=date(2029, 3, 1),
                    is_public=True,
                    report_to_province=True,
                    credit_class=CreditClass.SERIOUS,
                    decision_number="中原科院学术〔2026〕12号",
                    reason="学位论文大段抄袭他人已发表论文",
                    basis="《高等学校预防与处理学术不端行为办法》第二十七条、第二十九条",
                    decided_on=date(2026, 3, 2),
                    deciding_unit="中原科技学院",
                    misconduct_type=MisconductType.PLAGIARISM.value,
                    case_number="XS-2026-E2E",
                )
            ],
        )
        s.commit()


def _switch_user(page, live_server, username: str) -> None:
    # Requests still in flight would set the old session cookie again.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    browser_login(page, live_server, username, "browser-pass-1")
    page.wait_for_selector("[data-testid=current-user]")


def test_sanction_to_repair_to_export(live_server, page):
    # Long on purpose: one browser session follows a record through its whole life
    # (public list, repair application, review, export), each step on the previous one.
    clock.freeze(datetime(2026, 3, 5, 2, tzinfo=UTC))
    person_id, uid = _seed(live_server)
    _final_decision(live_server, person_id)

    # The public page (no sign-in) shows the entry, masked.
    page.goto(f"{live_server.url}/public/sanctions")
    public = page.get_by_test_id("public-sanctions")
    assert "中原科院学术〔2026〕12号" in public.inner_text()
    assert "孙**" in public.inner_text() and "孙小雨" not in public.inner_text()
    assert "4101**********4567" in public.inner_text()

    # The administrator sees grade D, and the pre-admission check refuses with reason and end date.
    _switch_user(page, live_server, "e2e-credit-admin")
    page.goto(f"{live_server.url}/credit/?q={uid}")
    page.get_by_role("link", name="孙小雨").click()
    assert page.get_by_test_id("grade-chip").inner_text().startswith("D")
    page.goto(f"{live_server.url}/credit/check")
    page.get_by_test_id("check-person").fill(uid)
    page.get_by_test_id("check-action").select_option("admission")
    page.get_by_role("button", name="核查").click()
    result = page.get_by_test_id("check-result")
    assert result.get_attribute("data-allowed") == "false"
    assert "信用等级 D" in page.get_by_test_id("check-reason").inner_text()
    assert "2029-03-01" in page.get_by_test_id("check-until").inner_text()

    # A first provincial export carries the new entry.
    page.goto(f"{live_server.url}/credit/exports")
    page.get_by_test_id("run-export").click()
    page.wait_for_selector("[data-testid=export-log] tbody tr td")

    # Before the minimum period the student sees the date it becomes possible.
    _switch_user(page, live_server, "e2e-credit-student")
    page.goto(f"{live_server.url}/me/")
    assert page.get_by_test_id("repair-disabled").is_disabled()
    assert "2027-03-02" in page.get_by_test_id("possible-on").inner_text()

    # Time moves past the minimum period (1 year for a serious record); the student applies.
    clock.advance(timedelta(days=365))
    page.goto(f"{live_server.url}/me/")
    page.get_by_test_id("repair-apply").click()
    page.get_by_test_id("repair-statement").fill(
        "已撤回论文并完成学术规范培训，深刻认识错误。"
    )
    page.get_by_test_id("repair-obligations").check()
    page.get_by_test_id("repair-commitment").check()
    page.get_by_test_id("repair-submit").click()
    page.wait_for_url("**/me/?tab=repairs")
    assert "审核中" in page.get_by_test_id("repair-history").inner_text()

    # The administrator approves with reasons.
    _switch_user(page, live_server, "e2e-credit-admin")
    page.goto(f"{live_server.url}/credit/repairs?status=submitted")
    row = page.locator(
        "[data-testid=repair-list] tbody tr", has_text="中原科院学术〔2026〕12号"
    )
    row.get_by_test_id("repair-reason").fill(
        "已纠正失信行为并签署信用修复承诺，准予修复。"
    )
    row.get_by_test_id("repair-approve").click()
    page.wait_for_url("**/credit/repairs")
    assert "已修复" in page.get_by_test_id("repair-list").inner_text()

    # The public page no longer shows it; the file still does, marked 已修复.
    page.goto(f"{live_server.url}/public/sanctions")
    assert (
        "中原科院学术〔2026〕12号"
        not in page.get_by_test_id("public-sanctions").inner_text()
    )
    page.goto(f"{live_server.url}/credit/people/{person_id}?tab=dishonesty")
    records = page.get_by_test_id("dishonesty-records").inner_text()
    assert "中原科院学术〔2026〕12号" in records and "已修复" in records
    assert page.get_by_test_id("grade-chip").inner_text().startswith("A")

    # The next provincial export carries the repair.
    page.goto(f"{live_server.url}/credit/exports")
    page.get_by_test_id("run-export").locator("xpath=..").locator(
        "select[name=format]"
    ).select_option("json")
    page.get_by_test_id("run-export").click()
    page.wait_for_selector("[data-testid=export-log] tbody tr:nth-child(2)")
    with live_server.session() as s:
        newest = services.last_export(s)
        assert newest is not None
        path = live_server.settings.data_dir / "exports" / "credit" / newest.file_name
    rows = [
        r
        for r in json.loads(path.read_text(encoding="utf-8"))["records"]
        if r["CF_WSH"] == "中原科院学术〔2026〕12号"
    ]
    assert len(rows) == 1 and rows[0]["ZT"] == "已修复"
