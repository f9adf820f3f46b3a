"""The audit chain: every change recorded, sensitive values redacted, tampering found."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from archive.kernel import audit
from archive.kernel.accounts import Role
from archive.kernel.audit import AuditEntry
from tests.factories import make_user


def _drop_triggers(session) -> None:  # type: ignore[no-untyped-def]
    """What an attacker with database access would do first."""
    if session.bind.dialect.name == "postgresql":
        session.execute(text("DROP TRIGGER audit_entries_no_update ON audit_entries"))
    else:
        session.execute(text("DROP TRIGGER audit_entries_no_update"))
        session.execute(text("DROP TRIGGER audit_entries_no_delete"))


def test_creating_and_changing_a_record_appends_entries_with_before_and_after(session):
    session.info["actor"] = "tester"
    user = make_user(session, Role.STUDENT, display_name="张三")
    user.display_name = "张三丰"
    session.flush()
    entries = audit.list_entries(session, entity_type="users", entity_id=str(user.id))
    update, create = entries[0], entries[-1]
    assert create.action == "create" and create.after["display_name"] == "张三"
    assert create.after["password_hash"] == audit.REDACTED
    assert update.action == "update"
    assert update.before == {"display_name": "张三"}
    assert update.after == {"display_name": "张三丰"}
    assert update.actor == "tester"
    assert audit.verify_chain(session).is_intact


def test_entries_cannot_be_updated_or_deleted(session):
    make_user(session, Role.STUDENT)
    session.flush()
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE audit_entries SET actor = 'x'"))
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("DELETE FROM audit_entries"))


def test_verify_names_the_first_altered_entry(session):
    for _ in range(3):
        make_user(session, Role.TEACHER)
    session.flush()
    report = audit.verify_chain(session)
    assert report.is_intact and report.checked >= 3
    target = session.query(AuditEntry).order_by(AuditEntry.seq).all()[1]
    _drop_triggers(session)
    session.execute(
        text("UPDATE audit_entries SET actor = 'mallory' WHERE seq = :s"),
        {"s": target.seq},
    )
    session.expire_all()
    report = audit.verify_chain(session)
    assert not report.is_intact
    assert report.first_bad_seq == target.seq
    assert f"#{target.seq} was altered" in (report.problem or "")


def test_verify_names_where_entries_were_removed(session):
    for _ in range(4):
        make_user(session, Role.TEACHER)
    session.flush()
    seqs = [e.seq for e in session.query(AuditEntry).order_by(AuditEntry.seq)]
    _drop_triggers(session)
    if session.bind.dialect.name == "postgresql":
        pass  # the one trigger covers UPDATE and DELETE and is gone
    session.execute(text("DELETE FROM audit_entries WHERE seq = :s"), {"s": seqs[2]})
    session.expire_all()
    report = audit.verify_chain(session)
    assert not report.is_intact
    assert report.first_bad_seq == seqs[2]
    assert "removed" in (report.problem or "")


def test_record_event_chains_reads_too(session):
    audit.record_event(
        session,
        action="view",
        entity_type="cases",
        entity_id=7,
        detail={"ip": "127.0.0.1"},
    )
    entry = audit.list_entries(session, action="view")[0]
    assert entry.entity_id == "7" and entry.after == {"ip": "127.0.0.1"}
    assert audit.verify_chain(session).is_intact
