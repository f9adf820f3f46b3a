"""The `chengxin` command as an operator runs it, in a fresh data directory."""

from __future__ import annotations

import sqlite3

from tests.cli_runs import run_cli


def test_new_data_dir_works_at_once_and_audit_verify_reports_an_edited_entry(tmp_path):
    created = run_cli(
        tmp_path,
        "users",
        "create",
        "--username",
        "ops",
        "--password",
        "ops-pass-123",
        "--role",
        "administrator",
    )
    assert created.returncode == 0, created.stderr
    run_cli(
        tmp_path, "users", "create", "--username", "ops2", "--password", "ops-pass-123"
    )
    ok = run_cli(tmp_path, "audit", "verify")
    assert ok.returncode == 0 and "audit chain intact" in ok.stdout

    db = sqlite3.connect(tmp_path / "chengxin.sqlite3")
    db.execute("DROP TRIGGER audit_entries_no_update")
    db.execute("UPDATE audit_entries SET actor = 'someone-else' WHERE seq = 2")
    db.commit()
    db.close()

    broken = run_cli(tmp_path, "audit", "verify")
    assert broken.returncode == 1
    assert "AUDIT CHAIN BROKEN" in broken.stderr
    assert "entry #2 was altered" in broken.stderr


def test_db_current_fails_until_upgraded(tmp_path):
    before = run_cli(tmp_path, "db", "current")
    assert before.returncode == 1 and "chengxin db upgrade" in before.stderr
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
    assert run_cli(tmp_path, "db", "current").returncode == 0


def test_worker_without_redis_explains_itself(tmp_path):
    result = run_cli(tmp_path, "worker", "--burst")
    assert result.returncode == 1
    assert "CHENGXIN_REDIS_URL is not set" in result.stderr


def test_duplicate_user_is_a_clean_error_not_a_traceback(tmp_path):
    run_cli(
        tmp_path, "users", "create", "--username", "dup", "--password", "dup-pass-123"
    )
    again = run_cli(
        tmp_path, "users", "create", "--username", "dup", "--password", "dup-pass-123"
    )
    assert again.returncode == 1
    assert "用户名已存在" in again.stderr
    assert "Traceback" not in again.stderr
