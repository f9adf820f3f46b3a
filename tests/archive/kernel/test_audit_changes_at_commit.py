"""Changes captured at flush and chained at commit: the chain's lock is not held while a
request works after its first flush; nothing is lost, reordered or misattributed."""

from __future__ import annotations

from sqlalchemy import func, select

from archive.kernel import audit
from archive.kernel.accounts import Role
from archive.kernel.audit import AuditEntry
from tests.factories import make_user


def _entries(session, entity_type: str = "users") -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type)
            .order_by(AuditEntry.seq)
        )
    )


def _count(session) -> int:  # type: ignore[no-untyped-def]
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_a_flushed_change_is_chained_at_commit_by_whoever_made_it(session):
    before = _count(session)
    session.info["actor"] = "first-actor"
    user = make_user(session, Role.TEACHER, display_name="李四")
    session.flush()
    assert _count(session) == before  # captured, not chained: no lock taken yet
    session.info["actor"] = "second-actor"
    user.display_name = "李四光"
    session.flush()
    session.commit()
    mine = [e for e in _entries(session) if e.entity_id == str(user.id)]
    assert [e.action for e in mine] == ["create", "update"]
    assert [e.actor for e in mine] == ["first-actor", "second-actor"]
    assert mine[1].before == {"display_name": "李四"}
    assert mine[1].after == {"display_name": "李四光"}
    assert audit.verify_chain(session).is_intact


def test_an_entry_chained_at_once_keeps_the_order_of_events(session):
    user = make_user(session, Role.TEACHER)
    session.flush()
    audit.record_event(session, action="login", entity_type="users", entity_id=user.id)
    user.display_name = "改名"
    session.commit()
    actions = [
        (e.action, e.entity_id)
        for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        if e.entity_id == str(user.id)
    ]
    assert actions[-3:] == [
        ("create", str(user.id)),
        ("login", str(user.id)),
        ("update", str(user.id)),
    ]
    assert audit.verify_chain(session).is_intact


def test_a_savepoint_rollback_drops_the_changes_made_inside_it(session):
    def created() -> list[str]:
        return [e.after["username"] for e in _entries(session) if e.action == "create"]

    before = created()
    kept = make_user(session, Role.TEACHER)
    session.flush()
    savepoint = session.begin_nested()
    dropped = make_user(session, Role.TEACHER)
    session.flush()
    dropped_name = dropped.username
    savepoint.rollback()
    inner = session.begin_nested()
    also_kept = make_user(session, Role.STUDENT)
    inner.commit()
    session.commit()
    assert created() == [*before, kept.username, also_kept.username]
    assert dropped_name not in created()
    assert audit.verify_chain(session).is_intact


def test_a_rollback_chains_nothing(session):
    before = _count(session)
    make_user(session, Role.TEACHER)
    session.flush()
    session.rollback()
    session.commit()
    assert _count(session) == before


def test_readers_of_the_chain_see_the_transaction_s_own_changes(session):
    user = make_user(session, Role.TEACHER)
    session.flush()
    listed = audit.list_entries(session, entity_type="users", entity_id=str(user.id))
    assert [e.action for e in listed] == ["create"]
    assert audit.verify_chain(session).is_intact
