"""Two journeys in a real browser, with screenshots of their key pages in test-artifacts/:

- the credit check on a clean person: the discipline office imports the people register
  (preview, then confirm), and the credit office checks a registered student with no credit
  file (allowed, 无失信记录) and a mistyped number (told apart, not answered as clean);
- the discipline office's search to an audit entry in words: the discipline office finds a
  case file and opens it, the research office is refused it, and the auditor reads both in
  words, with a sealed record's title withheld.
"""

from __future__ import annotations

from datetime import date

from archive.kernel import accounts, clock
from archive.kernel.accounts import Role
from archive.kernel.files import store_bytes
from archive.kernel.people import PersonKind, create_person
from archive.records.case_files import create_case_file_record
from archive.records.services import RecordInput, create_record
from tests.e2e.conftest import ARTIFACTS, browser_login

PASSWORD = "browser-pass-2"
REGISTER = (
    "2026年在校研究生名单\n"
    "学号,姓名,学院,身份证号码,人员类别\n"
    "2026310001,沈清,教育学院,11010519491231002X,硕士研究生\n"
    "2026310002,韩露,教育学院,,博士研究生\n"
    "2026310003,,教育学院,,硕士研究生\n"
)
SEALED_TITLE = "冻土钻孔温度原始数据（封存）"


def _users(live_server, *pairs: tuple[str, Role]) -> None:  # type: ignore[no-untyped-def]
    with live_server.session() as s:
        for username, role in pairs:
            if accounts.find_user_by_username(s, username) is None:
                accounts.create_user(
                    s,
                    username=username,
                    password=PASSWORD,
                    display_name=f"{username}老师",
                    roles={role},
                )
        s.commit()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _logout(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/login")


def test_credit_check_on_a_clean_person(live_server, page):
    _users(
        live_server,
        ("e2e-reg-jw", Role.DISCIPLINE_OFFICE),
        ("e2e-reg-xy", Role.CREDIT_ADMIN),
    )
    # The discipline office imports the register: preview first, nothing written yet.
    browser_login(page, live_server, "e2e-reg-jw", PASSWORD)
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="人员名册"
    ).click()
    page.get_by_test_id("register-file").set_input_files(
        files=[
            {
                "name": "研究生名单.csv",
                "mimeType": "text/csv",
                "buffer": REGISTER.encode("gb18030"),
            }
        ]
    )
    page.get_by_test_id("register-preview").click()
    summary = page.get_by_test_id("register-summary").inner_text()
    assert "预览（尚未导入）：新增 2 人" in summary
    assert "第 5 行：缺少姓名" in page.get_by_test_id("register-problems").inner_text()
    rows = page.get_by_test_id("register-rows").inner_text()
    assert "1101**********002X" in rows and "11010519491231002X" not in rows
    _shot(page, "journey-credit-1-register-preview")
    page.get_by_test_id("register-confirm").click()
    assert "已导入：新增 2 人" in page.get_by_test_id("register-summary").inner_text()
    _logout(page)

    # The credit office checks a registered student who has no credit file.
    browser_login(page, live_server, "e2e-reg-xy", PASSWORD)
    page.goto(f"{live_server.url}/credit/check")
    page.get_by_test_id("check-person").fill("2026310001")
    page.get_by_test_id("check-action").select_option("award")
    page.get_by_role("button", name="核查").click()
    result = page.get_by_test_id("check-result")
    assert result.get_attribute("data-allowed") == "true"
    assert "沈清" in result.inner_text() and "可以办理" in result.inner_text()
    assert "无失信记录" in page.get_by_test_id("check-reason").inner_text()
    _shot(page, "journey-credit-2-clean-person-allowed")

    # A mistyped number is told apart: not in the register, not "no record".
    page.get_by_test_id("check-person").fill("202631001")
    page.get_by_role("button", name="核查").click()
    unknown = page.get_by_test_id("check-unknown").inner_text()
    assert "人员名册中没有该工号/学号" in unknown and "202631001" in unknown
    assert page.get_by_test_id("check-result").count() == 0
    _shot(page, "journey-credit-3-mistyped-number")


def _seed_archive(live_server) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    _users(
        live_server,
        ("e2e-aud-jw", Role.DISCIPLINE_OFFICE),
        ("e2e-aud-ky", Role.RESEARCH_OFFICE),
        ("e2e-aud-sj", Role.AUDITOR),
    )
    with live_server.session() as s:
        respondent = create_person(s, kind=PersonKind.TEACHER, name="钱某某")
        evidence = store_bytes(
            s, "比对说明：冻土论文数据与原始记录不符。".encode(), filename="证据.txt"
        )
        case = create_case_file_record(
            s,
            actor=None,
            case_number="E2E-AUD-001",
            title="关于冻土论文数据不实的举报案",
            outcome="misconduct",
            closed_on=date(2026, 4, 2),
            evidence_file_ids=[evidence.id],
            letter_file_ids=[],
            summary="经调查，论文部分数据与原始记录不符。",
            unit="地理学院",
            people=[(respondent.id, "被调查人")],
            sanctions=["S05"],
        )
        ky = accounts.find_user_by_username(s, "e2e-aud-ky")
        s.info["actor"] = ky
        sealed = create_record(
            s,
            actor=ky,
            data=RecordInput(
                record_type="data",
                title=SEALED_TITLE,
                date_start=date(2024, 1, 1),
                access_level="sealed",
                sealed_until=date(clock.today().year + 1, 1, 1),
                access_roles=["discipline_office"],
                access_reason="合作协议约定保密",
            ),
        )
        s.commit()
        return case.id, sealed.id


def test_discipline_office_search_to_an_audit_entry_in_words(live_server, page):
    case_id, _sealed_id = _seed_archive(live_server)
    # The discipline office searches in Chinese, finds the case file and opens it.
    browser_login(page, live_server, "e2e-aud-jw", PASSWORD)
    page.goto(f"{live_server.url}/archive/search")
    page.get_by_test_id("archive-q").fill("冻土 数据")
    page.get_by_test_id("archive-search-submit").click()
    hit = page.locator("[data-testid=hit]", has_text="冻土论文数据不实")
    badge = hit.get_by_test_id("access-badge").inner_text()
    assert "校内公开" not in badge and "纪委" in badge and "调查人员" in badge
    hit.locator("a.hit-title").click()
    page.wait_for_url(f"**/archive/records/{case_id}")
    assert "本次访问已记录" in page.get_by_test_id("logged-banner").inner_text()
    _shot(page, "journey-audit-1-case-file-opened")
    _logout(page)

    # The research office may not open case files: refused, and the refusal is logged.
    browser_login(page, live_server, "e2e-aud-ky", PASSWORD)
    response = page.goto(f"{live_server.url}/archive/records/{case_id}")
    assert response is not None and response.status == 404
    _logout(page)

    # The auditor reads the log in words, filters by action, and sees no sealed title.
    browser_login(page, live_server, "e2e-aud-sj", PASSWORD)
    page.goto(f"{live_server.url}/audit/")
    page.get_by_test_id("filter-action").select_option("view")
    page.get_by_role("button", name="筛选").click()
    count = page.get_by_test_id("audit-count").inner_text()
    rows = page.get_by_test_id("audit-row")
    assert f"符合条件 {rows.count()} 条" in count
    viewed = page.locator("[data-testid=audit-row]", has_text="e2e-aud-jw").first
    text = viewed.inner_text()
    assert "查看" in text and "档案" in text and "AJ-E2E-AUD-001" in text
    assert "update" not in text and "records#" not in text
    _shot(page, "journey-audit-2-view-in-words")
    page.get_by_test_id("filter-action").select_option("view_refused")
    page.get_by_role("button", name="筛选").click()
    refused = page.get_by_test_id("audit-table").inner_text()
    assert "查看被拒绝" in refused and "e2e-aud-ky" in refused
    assert "AJ-E2E-AUD-001" in refused
    page.goto(f"{live_server.url}/audit/?entity_type=records")
    whole = page.get_by_test_id("audit-table").inner_text()
    assert SEALED_TITLE not in whole and "合作协议约定保密" not in whole
    assert "内容不公开" in whole
    _shot(page, "journey-audit-3-sealed-withheld")
