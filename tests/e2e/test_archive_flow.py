"""The archive in a real browser: the research office imports records; the discipline
office searches in Chinese, finds a case file and opens it; the visit is in the audit log;
a record sealed until next year stays hidden from the research office; and
`chengxin archive verify` reports a file altered on disk."""

from __future__ import annotations

import os
from datetime import date

from click.testing import CliRunner

from archive.kernel import accounts, clock
from archive.kernel.accounts import Role
from archive.kernel.files import blob_path, store_bytes
from archive.kernel.people import PersonKind, create_person
from archive.records.case_files import create_case_file_record
from archive.records.services import RecordInput, create_record
from tests.e2e.conftest import browser_login
from web.cli.commands import main

PASSWORD = "browser-pass-1"
CSV = (
    "类型,题名,人员,单位,学科,开始日期,关键词,摘要,文件\n"
    "科研项目,青藏高原冰川物质平衡观测研究,卓玛（负责人）；陈一（参与人）,地理学院,地理学,2021-04-01,冰川；物质平衡,十年观测数据汇编,plan.txt\n"
    "学位论文,湖泊沉积物重金属污染溯源,林二（作者）,环境学院,环境科学与工程,2023-06-01,重金属；溯源,,thesis.txt\n"
)


def _logout(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/login")


def _seed(live_server) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    """Users of three roles, a case file with evidence, and a sealed data record."""
    with live_server.session() as s:
        for username, role in (
            ("e2e-arch-ky", Role.RESEARCH_OFFICE),
            ("e2e-arch-jw", Role.DISCIPLINE_OFFICE),
            ("e2e-arch-sj", Role.AUDITOR),
        ):
            accounts.create_user(
                s,
                username=username,
                password=PASSWORD,
                display_name=username,
                roles={role},
            )
        respondent = create_person(s, kind=PersonKind.TEACHER, name="吴某某")
        evidence = store_bytes(
            s, "比对说明：论文图3与他人论文图片重复。".encode(), filename="evidence.txt"
        )
        letter = store_bytes(
            s, "处理决定书：撤销其论文相关奖励。".encode(), filename="letter.txt"
        )
        case = create_case_file_record(
            s,
            actor=None,
            case_number="E2E-2026-001",
            title="关于冰川论文图片重复使用的举报案",
            outcome="misconduct",
            closed_on=date(2026, 5, 20),
            evidence_file_ids=[evidence.id],
            letter_file_ids=[letter.id],
            summary="经调查，论文图片重复使用，情节较重。",
            unit="地理学院",
            people=[(respondent.id, "被调查人")],
            sanctions=["S05"],
        )
        ky = accounts.find_user_by_username(s, "e2e-arch-ky")
        sealed = create_record(
            s,
            actor=ky,
            data=RecordInput(
                record_type="data",
                title="冰川钻孔温度原始数据（封存）",
                date_start=date(2024, 1, 1),
                access_level="sealed",
                sealed_until=date(clock.today().year + 1, 1, 1),
                access_roles=["discipline_office"],
                access_reason="合作协议约定一年保密期",
            ),
        )
        s.commit()
        return case.id, sealed.title, evidence.sha256


def test_import_search_open_audit_seal_and_verify(live_server, page):
    case_id, sealed_title, evidence_sha = _seed(live_server)

    # The research office imports two records with their files.
    browser_login(page, live_server, "e2e-arch-ky", PASSWORD)
    page.goto(f"{live_server.url}/archive/records")
    page.get_by_test_id("import-table").set_input_files(
        files=[{"name": "records.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.get_by_test_id("import-files").set_input_files(
        files=[
            {
                "name": "plan.txt",
                "mimeType": "text/plain",
                "buffer": "立项书：冰川物质平衡观测。".encode(),
            },
            {
                "name": "thesis.txt",
                "mimeType": "text/plain",
                "buffer": "论文全文：湖泊沉积物。".encode(),
            },
        ]
    )
    page.get_by_test_id("import-submit").click()
    assert "已导入 2 条" in page.get_by_test_id("import-summary").inner_text()

    # The sealed record does not appear for the research office, not even in the count.
    page.goto(f"{live_server.url}/archive/search?q=冰川")
    research_view = page.locator("section.hits").inner_text()
    assert "冰川物质平衡观测研究" in research_view.replace("\n", "")
    assert sealed_title not in research_view and "图片重复使用" not in research_view
    assert "共1条" in page.get_by_test_id("result-count").inner_text()
    _logout(page)

    # The discipline office searches in Chinese, finds the case file and opens it.
    browser_login(page, live_server, "e2e-arch-jw", PASSWORD)
    page.goto(f"{live_server.url}/archive/search")
    page.get_by_test_id("archive-q").fill("冰川 图片")
    page.get_by_test_id("archive-search-submit").click()
    assert "共1条" in page.get_by_test_id("result-count").inner_text()
    hit = page.get_by_test_id("hit").first
    assert "案卷" in hit.inner_text()
    hit.locator("a.hit-title").click()
    page.wait_for_url(f"**/archive/records/{case_id}")
    assert "本次访问已记录" in page.get_by_test_id("logged-banner").inner_text()
    assert "被调查人" in page.get_by_test_id("record-people").inner_text()
    page.goto(f"{live_server.url}/archive/search?q=冰川")
    assert (
        "共3条" in page.get_by_test_id("result-count").inner_text()
    )  # sealed one included
    _logout(page)

    # The auditor sees the visit in the audit log.
    browser_login(page, live_server, "e2e-arch-sj", PASSWORD)
    page.goto(
        f"{live_server.url}/audit/?entity_type=records&action=view&entity_id={case_id}"
    )
    table = page.get_by_test_id("audit-table").inner_text()
    assert "e2e-arch-jw" in table and "查看" in table and "AJ-E2E-2026-001" in table

    # A file altered on disk is reported by `chengxin archive verify`.
    path = blob_path(live_server.settings.data_dir / "files", evidence_sha)
    os.chmod(path, 0o640)
    path.write_bytes(b"altered on disk")
    env = {
        "CHENGXIN_DATABASE_URL": live_server.settings.database_url,
        "CHENGXIN_DATA_DIR": str(live_server.settings.data_dir),
        "CHENGXIN_SECRET_KEY": "e2e-secret",
        "CHENGXIN_ENV": "test",
    }
    result = CliRunner().invoke(main, ["archive", "verify"], env=env)
    assert result.exit_code == 1, result.output
    assert "ALTERED" in result.output and "evidence.txt" in result.output
