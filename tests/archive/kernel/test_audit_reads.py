"""Reads chained at commit: the same entry in the same transaction, the lock held only
for the commit; gone with a rollback, kept through a savepoint's rollback."""

from __future__ import annotations

from sqlalchemy import func, select

from archive.kernel import audit
from archive.kernel.accounts import Role
from archive.kernel.audit import AuditEntry
from tests.factories import make_user


def _views(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "view")
    )


def test_a_read_at_commit_is_chained_when_the_transaction_commits(session):
    session.info["actor"] = "reader"
    before = _views(session)
    audit.record_event(
        session, action="view", entity_type="records", entity_id=7, at_commit=True
    )
    assert _views(session) == before  # not yet: no lock taken while the page renders
    make_user(session, Role.TEACHER)  # a write in the same transaction
    session.commit()
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "view")
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert _views(session) == before + 1
    assert entry.entity_id == "7" and entry.actor == "reader"
    assert audit.verify_chain(session).is_intact


def test_a_rolled_back_read_leaves_no_entry(session):
    before = _views(session)
    audit.record_event(
        session, action="view", entity_type="records", entity_id=8, at_commit=True
    )
    session.rollback()
    session.commit()
    assert _views(session) == before


def test_a_savepoint_rollback_keeps_the_read(session):
    before = _views(session)
    audit.record_event(
        session, action="view", entity_type="records", entity_id=9, at_commit=True
    )
    savepoint = session.begin_nested()
    make_user(session, Role.TEACHER)
    savepoint.rollback()
    session.commit()
    assert _views(session) == before + 1
    assert audit.verify_chain(session).is_intact
