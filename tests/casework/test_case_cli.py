"""`chengxin cases list|show|remind` and `chengxin holidays import|list`, in-process on a
fresh migrated-looking database (schema from the models, stamped at the heads)."""

from __future__ import annotations

from click.testing import CliRunner

from archive.kernel import accounts
from archive.kernel.accounts import Role
from archive.kernel.db import make_engine, make_session_factory
from archive.kernel.migrations import alembic_config
from archive.kernel.settings import Settings
from casework.models import CaseSource
from casework.services import intake
from web.cli import main
from web.schema import load_models


def test_cases_and_holidays_commands(tmp_path, monkeypatch):
    from alembic import command

    data = tmp_path / "data"
    settings = Settings(env="test", data_dir=data, secret_key="x").checked()
    engine = make_engine(settings)
    load_models().create_all(engine)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.stamp(config, "heads")
    factory = make_session_factory(engine, settings)
    with factory() as s:
        s.info["actor"] = "test-seed"
        admin = accounts.create_user(
            s,
            username="cli-admin",
            password="cli-pass-123",
            display_name="管理员",
            roles={Role.ADMINISTRATOR, Role.INVESTIGATOR},
        )
        case = intake.open_case(
            s,
            actor=admin,
            title="命令行测试案件",
            allegation="内容",
            source=CaseSource.MEDIA,
        )
        number = case.number
        s.commit()
    engine.dispose()
    for key in list(__import__("os").environ):
        if key.startswith("CHENGXIN_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("CHENGXIN_DATA_DIR", str(data))
    monkeypatch.setenv("CHENGXIN_ENV", "test")
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
