"""`chengxin archive verify|import|reindex|search` on a database of their own."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from archive.kernel import runtime
from archive.kernel.accounts import Role, create_user
from archive.kernel.files import blob_path
from tests.cli_runs import cli_database
from web.cli.commands import main


def _seed(session: Session) -> None:
    create_user(
        session,
        username="cli-jw",
        password="password-123",
        display_name="纪委",
        roles={Role.DISCIPLINE_OFFICE},
    )


@pytest.fixture
def cli_env(tmp_path):
    """A fresh stamped database with a discipline-office account, as the CLI expects."""
    env, _ = cli_database(tmp_path, _seed)
    yield env, tmp_path
    runtime._current = None


def invoke(env, *args):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["archive", *args], env=env)


def test_import_search_reindex_and_verify(cli_env):
    env, tmp = cli_env
    files = tmp / "files"
    files.mkdir()
    (files / "a.txt").write_text("附件：页岩气水平井压裂参数优化。", encoding="utf-8")
    table = tmp / "records.csv"
    table.write_text(
        "类型,题名,人员,开始日期,文件\n"
        "科研项目,页岩气水平井压裂优化,郑一（负责人）,2020-01-01,a.txt\n"
        "论文,,无题名,2020-01-01,\n",
        encoding="utf-8",
    )
    strict = invoke(env, "import", str(table), "--files", str(files))
    assert (
        strict.exit_code == 1
        and "第 3 行" in strict.output
        and "nothing imported" in strict.output
    )
    lenient = invoke(env, "import", str(table), "--files", str(files), "--skip-bad")
    assert lenient.exit_code == 0 and "1 record(s) imported" in lenient.output
    again = invoke(env, "import", str(table), "--files", str(files), "--skip-bad")
    assert "duplicate: row 2" in again.output
    found = invoke(env, "search", "压裂参数", "--as", "cli-jw")
    assert (
        found.exit_code == 0
        and "共1条" in found.output
        and "页岩气水平井压裂优化" in found.output
    )
    assert "indexed 1 record(s)" in invoke(env, "reindex").output
    ok = invoke(env, "verify")
    assert ok.exit_code == 0 and "fixity ok" in ok.output
    blobs = [
        p
        for p in (tmp / "data" / "files").rglob("*")
        if p.is_file() and not p.name.startswith(".")
    ]
    os.chmod(blobs[0], 0o640)
    blobs[0].write_bytes(b"changed")
    bad = invoke(env, "verify")
    assert bad.exit_code == 1 and "ALTERED" in bad.output and "a.txt" in bad.output
    blobs[0].unlink()
    gone = invoke(env, "verify")
    assert gone.exit_code == 1 and "MISSING" in gone.output
    assert blob_path  # the layout helper the audit uses
