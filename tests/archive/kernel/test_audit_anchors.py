"""Anchors outside the database: deleting the newest entries, or rewriting one entry and
re-hashing every later one, passes the plain chain walk but not `audit verify`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from archive.kernel import audit, runtime
from archive.kernel.accounts import Role
from archive.kernel.audit import AuditEntry, entry_hash
from archive.kernel.audit_anchors import check_anchors, write_anchor
from tests.archive.kernel.test_audit import _drop_triggers
from tests.cli_runs import cli_database
from tests.factories import make_user
from web.cli.commands import main

KEY = b"k" * 32


def _entries(session: Session, n: int = 30) -> list[AuditEntry]:
    for _ in range(n):
        make_user(session, Role.TEACHER)
    session.flush()
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def _rehash_from(session: Session, seq: int) -> None:
    """Rewrite entry #seq and recompute the hash of it and of every later entry."""
    rows = list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.seq >= seq).order_by(AuditEntry.seq)
        )
    )
    prev = rows[0].prev_hash
    for row in rows:
        actor = "mallory" if row.seq == seq else row.actor
        new = entry_hash(
            seq=row.seq,
            at=row.at,
            actor_id=row.actor_id,
            actor=actor,
            action=row.action,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            before=row.before,
            after=row.after,
            prev_hash=prev,
        )
        session.execute(
            text(
                "UPDATE audit_entries SET actor = :a, prev_hash = :p, hash = :h WHERE seq = :s"
            ),
            {"a": actor, "p": prev, "h": new, "s": row.seq},
        )
        prev = new
    session.expire_all()


def test_deleting_the_newest_entries_is_found(session, tmp_path):
    entries = _entries(session)
    path = tmp_path / "anchors.jsonl"
    assert write_anchor(session, path=path, key=KEY) is not None
    assert write_anchor(session, path=path, key=KEY) is None  # nothing new
    assert check_anchors(session, path=path, key=KEY).is_intact
    _drop_triggers(session)
    newest = [e.seq for e in entries[-25:]]
    session.execute(text("DELETE FROM audit_entries WHERE seq >= :s"), {"s": newest[0]})
    session.expire_all()
    assert audit.verify_chain(session).is_intact  # the hole the anchors close
    report = check_anchors(session, path=path, key=KEY)
    assert not report.is_intact and "is gone" in report.problems[0]


def test_rewrite_and_rehash_is_found(session, tmp_path):
    entries = _entries(session)
    path = tmp_path / "anchors.jsonl"
    write_anchor(session, path=path, key=KEY)
    _drop_triggers(session)
    _rehash_from(session, entries[5].seq)
    assert audit.verify_chain(session).is_intact
    report = check_anchors(session, path=path, key=KEY)
    assert not report.is_intact and "re-hashed" in report.problems[0]


def test_a_forged_anchor_line_is_refused(session, tmp_path):
    _entries(session, 3)
    path = tmp_path / "anchors.jsonl"
    write_anchor(session, path=path, key=KEY)
    line = json.loads(path.read_text())
    line["hash"] = "0" * 64
    path.write_text(json.dumps(line) + "\n")
    report = check_anchors(session, path=path, key=KEY)
    assert "not signed by the audit key" in report.problems[0]
    assert "not signed" in check_anchors(session, path=path, key=b"other").problems[0]


def _seed(session: Session) -> None:
    for _ in range(30):
        make_user(session, Role.TEACHER)


@pytest.fixture
def cli_env(tmp_path):
    env, _ = cli_database(tmp_path, _seed)
    env["CHENGXIN_AUDIT_KEY"] = "an audit key kept in the environment"
    yield env, tmp_path
    runtime._current = None


def test_cli_anchor_then_verify_finds_truncation(cli_env):
    env, tmp = cli_env
    first = CliRunner().invoke(main, ["audit", "verify"], env=env)
    assert (
        first.exit_code == 0 and "none yet" in first.output
    )  # an existing chain still verifies
    anchored = CliRunner().invoke(main, ["audit", "anchor"], env=env)
    assert anchored.exit_code == 0 and "anchored entry #" in anchored.output
    assert (tmp / "data" / "audit-anchors.jsonl").exists()
    ok = CliRunner().invoke(main, ["audit", "verify"], env=env)
    assert ok.exit_code == 0 and "1 anchor(s)" in ok.output
    engine = create_engine(env["CHENGXIN_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_entries_no_delete"))
        conn.execute(
            text(
                "DELETE FROM audit_entries WHERE seq > (SELECT MAX(seq) - 25 FROM audit_entries)"
            )
        )
    engine.dispose()
    broken = CliRunner().invoke(main, ["audit", "verify"], env=env)
    assert broken.exit_code == 1 and "AUDIT ANCHOR FAILED" in broken.output
    assert "newest entries were deleted" in broken.output
    wrong_key = dict(env, CHENGXIN_AUDIT_KEY="another key")
    assert (
        "not signed"
        in CliRunner().invoke(main, ["audit", "verify"], env=wrong_key).output
    )


def test_the_daily_job_anchors_the_head(cli_env):
    env, tmp = cli_env
    env = dict(env, CHENGXIN_JOBS_MODE="sync")
    result = CliRunner().invoke(main, ["daily"], env=env)
    assert result.exit_code == 0, result.output
    lines = (tmp / "data" / "audit-anchors.jsonl").read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["seq"] >= 30
