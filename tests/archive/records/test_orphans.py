"""Orphan blobs (bytes with no row) are listed by `archive verify` and swept after a grace
period; a damaged file is named by the record it belongs to."""

from __future__ import annotations

import hashlib
import os
import time

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from archive.kernel import runtime
from archive.kernel.files import blob_path
from tests.archive.factories_archive import make_case_file
from tests.cli_runs import cli_database
from web.cli.commands import main


def _seed(session: Session) -> tuple[str, str]:
    record = make_case_file(session, None, title="图片篡改举报案")
    return record.number, record.files[0].stored_file.sha256


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    # The seed's indexing job runs in the process runtime: point it at this test's files.
    monkeypatch.setenv("CHENGXIN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHENGXIN_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("CHENGXIN_JOBS_MODE", "sync")
    runtime._current = None
    env, seeded = cli_database(tmp_path, _seed)
    yield env, tmp_path / "data" / "files", seeded
    runtime._current = None


def _orphan(root, content: bytes, age_seconds: float):  # type: ignore[no-untyped-def]
    sha = hashlib.sha256(content).hexdigest()
    path = blob_path(root, sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_verify_lists_orphans_and_sweep_removes_only_old_ones(cli_env):
    env, root, _seeded = cli_env
    old = _orphan(root, b"refused upload, hours ago", 7200)
    young = _orphan(root, b"upload still committing", 5)
    verify = CliRunner().invoke(main, ["archive", "verify"], env=env)
    assert verify.exit_code == 0, verify.output
    assert f"ORPHAN\t{old}" in verify.output and str(young) not in verify.output
    dry = CliRunner().invoke(main, ["archive", "sweep-orphans", "--dry-run"], env=env)
    assert "1 orphan blob(s), would free" in dry.output and old.exists()
    sweep = CliRunner().invoke(main, ["archive", "sweep-orphans"], env=env)
    assert sweep.exit_code == 0 and "1 orphan blob(s), freed" in sweep.output
    assert not old.exists() and young.exists()
    again = CliRunner().invoke(main, ["archive", "verify"], env=env)
    assert "ORPHAN" not in again.output


def test_verify_names_a_damaged_file_by_its_record(cli_env):
    env, root, (number, sha) = cli_env
    path = blob_path(root, sha)
    os.chmod(path, 0o640)
    path.write_bytes(b"tampered")
    verify = CliRunner().invoke(main, ["archive", "verify"], env=env)
    assert verify.exit_code == 1
    line = next(x for x in verify.output.splitlines() if x.startswith("ALTERED"))
    assert f"档案 {number}《图片篡改举报案》" in line and "evidence" in line


