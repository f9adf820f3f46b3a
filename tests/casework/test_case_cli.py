"""`chengxin cases list|show|remind` and `chengxin holidays import|list`, in-process on a
fresh database built from the models and stamped at the heads."""

from __future__ import annotations

import os

from click.testing import CliRunner
from sqlalchemy.orm import Session

from archive.kernel import accounts
from archive.kernel.accounts import Role
from casework.models import CaseSource
from casework.services import intake
from tests.cli_runs import cli_database
from web.cli.commands import main


def _seed(session: Session) -> str:
    admin = accounts.create_user(
        session,
        username="cli-admin",
        password="cli-pass-123",
        display_name="管理员",
        roles={Role.ADMINISTRATOR, Role.INVESTIGATOR},
    )
    case = intake.open_case(
        session,
        actor=admin,
        title="命令行测试案件",
        allegation="内容",
        source=CaseSource.MEDIA,
    )
    return case.number


def test_cases_and_holidays_commands(tmp_path, monkeypatch):
    env, number = cli_database(tmp_path, _seed)
    for key in list(os.environ):
        if key.startswith("CHENGXIN_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert number is not None
    runner = CliRunner()
    csv = tmp_path / "h.csv"
    csv.write_text(
        "date,name,workday\n2031-10-01,国庆节\n2031-09-28,国庆调休,1\n",
        encoding="utf-8",
    )
    r = runner.invoke(main, ["holidays", "import", str(csv), "--as", "cli-admin"])
    assert r.exit_code == 0, r.output
    assert "imported 2" in r.output
    r = runner.invoke(main, ["holidays", "list", "--year", "2031"])
    assert "国庆调休" in r.output and "上班" in r.output
    r = runner.invoke(main, ["cases", "list"])
    assert r.exit_code == 0 and number in r.output and "已接收" in r.output
    r = runner.invoke(main, ["cases", "show", number])
    assert r.exit_code == 0 and "当日登记" in r.output and "next: screening" in r.output
    r = runner.invoke(main, ["cases", "remind"])
    assert r.exit_code == 0 and "new reminders" in r.output
    r = runner.invoke(main, ["cases", "show", "CX-1999-0001"])
    assert r.exit_code != 0 and "no such case" in r.output
