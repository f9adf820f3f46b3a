"""`chengxin credit check` and `chengxin credit export` against a database at head."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner
from sqlalchemy.orm import Session

from archive.kernel.accounts import Role
from archive.kernel.people import PersonKind, create_person
from casework.credit import services
from tests.casework.credit.factories_credit import sanction_input
from tests.cli_runs import cli_database
from tests.factories import make_user
from web.cli.commands import main


def _seed(session: Session) -> None:
    person = create_person(
        session, kind=PersonKind.STUDENT, name="周同学", university_id="CLI001"
    )
    services.ingest_final_decision(
        session, actor="casework", case_id=1, entries=[sanction_input(person)]
    )


def test_check_and_export_commands(tmp_path):
    env, _ = cli_database(tmp_path, _seed)
    runner = CliRunner()
    refused = runner.invoke(
        main, ["credit", "check", "CLI001", "admission", "--on", "2026-03-01"], env=env
    )
    assert refused.exit_code == 1, refused.output
    assert "refused" in refused.output and "2029-01-09" in refused.output
    later = runner.invoke(
        main, ["credit", "check", "CLI001", "admission", "--on", "2029-02-01"], env=env
    )
    assert later.exit_code == 0 and "allowed" in later.output
    out = tmp_path / "out"
    first = runner.invoke(
        main, ["credit", "export", "--format", "json", "--out", str(out)], env=env
    )
    assert first.exit_code == 0, first.output
    doc = json.loads((out / "shuanggongshi-000001.json").read_text(encoding="utf-8"))
    assert doc["records"][0]["CF_XDR_MC"] == "周同学"
    assert date.fromisoformat(doc["records"][0]["CF_JDRQ"]) == date(2026, 1, 10)
    again = runner.invoke(
        main, ["credit", "export", "--format", "csv", "--out", str(out)], env=env
    )
    assert again.exit_code == 0 and "no changes" in again.output
    unknown = runner.invoke(main, ["credit", "check", "NOBODY", "admission"], env=env)
    assert unknown.exit_code == 3 and "NOBODY" in unknown.output
    assert "not in the people register" in unknown.output


def test_check_of_a_registered_person_without_a_file_is_allowed(tmp_path):
    def seed(session: Session) -> None:
        create_person(
            session, kind=PersonKind.STUDENT, name="钱同学", university_id="2026123"
        )

    env, _ = cli_database(tmp_path, seed)
    result = CliRunner().invoke(main, ["credit", "check", "2026123", "award"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("allowed: 钱同学 — 无失信记录")
    assert "INFO" not in result.output


def test_people_import_command_then_the_check_knows_the_number(tmp_path):
    def seed(session: Session) -> None:
        make_user(session, Role.ADMINISTRATOR, username="cli-admin")

    env, _ = cli_database(tmp_path, seed)
    sheet = tmp_path / "学生名单.csv"
    sheet.write_bytes(
        "学号,姓名,学院\n2026777,孙同学,文学院\n,无号,文学院\n".encode("gb18030")
    )
    runner = CliRunner()
    dry = runner.invoke(
        main,
        ["people", "import", str(sheet), "--as", "cli-admin", "--dry-run"],
        env=env,
    )
    assert dry.exit_code == 1 and "dry run" in dry.output and "1 new" in dry.output
    assert "第 3 行：缺少工号/学号" in dry.output
    assert (
        runner.invoke(main, ["credit", "check", "2026777", "award"], env=env).exit_code
        == 3
    )
    done = runner.invoke(
        main, ["people", "import", str(sheet), "--as", "cli-admin"], env=env
    )
    assert "imported" in done.output and "1 new" in done.output
    check = runner.invoke(main, ["credit", "check", "2026777", "award"], env=env)
    assert check.exit_code == 0 and "无失信记录" in check.output
    again = runner.invoke(
        main, ["people", "import", str(sheet), "--as", "cli-admin"], env=env
    )
    assert "0 new, 0 updated, 1 unchanged" in again.output
