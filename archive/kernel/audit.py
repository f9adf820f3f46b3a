"""The audit chain: every change to a record, and every sensitive read, as a hash chain.

Each entry's hash covers its own fields and the previous entry's hash, so editing or
removing an entry breaks the chain at that point; `verify_chain` names where. Entries are
append-only: database triggers refuse UPDATE and DELETE, and nothing in chengxin issues them.
Changes are captured automatically after every flush (no service has to remember); reads
such as views and downloads are recorded with `record_event`.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import decimal
import enum
import hashlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    DDL,
    ForeignKey,
    Index,
    String,
    event,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive.kernel.db import Base, utcnow

GENESIS_HASH = "0" * 64
REDACTED = "[redacted]"
_HEAD_KEY = "audit_head"
# Reads (views, searches) whose entries are appended when the transaction commits.
_PENDING_KEY = "audit_pending_reads"
_PG_LOCK_KEY = 74230001


class AuditEntry(Base):
    """One link in the chain: who did what to which record, before and after."""

    __tablename__ = "audit_entries"
    __audit__ = False
    __table_args__ = (Index("ix_audit_entries_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[dt.datetime]
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    actor: Mapped[str] = mapped_column(String(160))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


_APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
]
_APPEND_ONLY_POSTGRES = [
    "CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
]


def append_only_ddl(dialect: str) -> list[str]:
    """The trigger statements that make the table append-only on this dialect."""
    return _APPEND_ONLY_POSTGRES if dialect == "postgresql" else _APPEND_ONLY_SQLITE


for _stmt in _APPEND_ONLY_SQLITE:
    event.listen(
        AuditEntry.__table__, "after_create", DDL(_stmt).execute_if(dialect="sqlite")
    )
for _stmt in _APPEND_ONLY_POSTGRES:
    event.listen(
        AuditEntry.__table__,
        "after_create",
        DDL(_stmt).execute_if(dialect="postgresql"),
    )


def to_jsonable(value: Any) -> Any:
    """A JSON value for anything a column may hold, stable across databases."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        if len(raw) <= 64:
            return "base64:" + base64.b64encode(raw).decode()
        return "sha256:" + hashlib.sha256(raw).hexdigest()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    return str(value)


def entry_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> str:
    """SHA-256 over the canonical JSON of an entry's fields and the previous hash."""
    payload = json.dumps(
        [
            seq,
            to_jsonable(at),
            actor_id,
            actor,
            action,
            entity_type,
            entity_id,
            before,
            after,
            prev_hash,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _actor_of(session: Session) -> tuple[int | None, str]:
    """Who acts in this session: a user, or a named system actor ("system", "cli", …)."""
    actor = session.info.get("actor")
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor
    return getattr(actor, "id", None), getattr(actor, "username", str(actor))


def _head(session: Session, conn: Connection) -> tuple[int, str]:
    """The last (seq, hash), locking the chain for this transaction on PostgreSQL."""
    cached = session.info.get(_HEAD_KEY)
    if cached is not None:
        return cached
    if conn.dialect.name == "postgresql":
        # Serialises appenders until commit, so two transactions never fork the chain.
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
    row = conn.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    head = (row[0], row[1]) if row else (0, GENESIS_HASH)
    return head


def _append(session: Session, conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Chain and insert entries through the session's connection, inside its transaction."""
    if not rows:
        return
    seq, prev = _head(session, conn)
    actor_id, actor = _actor_of(session)
    values = []
    for row in rows:
        seq += 1
        at = utcnow()
        fields = {
            "seq": seq,
            "at": at,
            "actor_id": actor_id,
            "actor": actor[:160],
            "action": row["action"][:64],
            "entity_type": row["entity_type"][:64],
            "entity_id": str(row["entity_id"])[:64],
            "before": row.get("before"),
            "after": row.get("after"),
            "prev_hash": prev,
        }
        fields["hash"] = prev = entry_hash(**fields)
        values.append(fields)
    conn.execute(insert(AuditEntry), values)
    session.info[_HEAD_KEY] = (seq, prev)


def _column_values(obj: Any) -> dict[str, Any]:
    """All column values of an object as JSON, with sensitive columns redacted."""
    mapper = inspect(obj).mapper
    out: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if column.info.get("audit") == "redact":
            out[attr.key] = REDACTED
        else:
            out[attr.key] = to_jsonable(getattr(obj, attr.key))
    return out


def _changed_values(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Before and after of the columns that changed in this flush."""
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        redact = attr.columns[0].info.get("audit") == "redact"
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        before[attr.key] = REDACTED if redact else to_jsonable(old)
        after[attr.key] = REDACTED if redact else to_jsonable(new)
    return before, after


def _is_audited(obj: Any) -> bool:
    """Every mapped record is audited unless its class sets `__audit__ = False`."""
    return getattr(type(obj), "__audit__", True)


def _identity(obj: Any) -> str:
    """The primary key as a string ("1", or "1,2" for composite keys)."""
    # New objects have no identity key yet inside after_flush, but their columns are set.
    ident = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(v) for v in ident)


@event.listens_for(Session, "after_flush")
def _audit_after_flush(session: Session, _context: Any) -> None:
    """Write one entry per inserted, updated or deleted record of this flush."""
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if _is_audited(obj):
            rows.append(
                {
                    "action": "create",
                    "entity_type": obj.__tablename__,
                    "entity_id": _identity(obj),
                    "after": _column_values(obj),
                }
            )
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj, include_collections=False):
            before, after = _changed_values(obj)
            if after:
                rows.append(
                    {
                        "action": "update",
                        "entity_type": obj.__tablename__,
                        "entity_id": _identity(obj),
                        "before": before,
                        "after": after,
                    }
                )
    for obj in session.deleted:
        if _is_audited(obj):
            rows.append(
                {
                    "action": "delete",
                    "entity_type": obj.__tablename__,
                    "entity_id": _identity(obj),
                    "before": _column_values(obj),
                }
            )
    if rows:
        _append(session, session.connection(), rows)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget_head(session: Session, *_args: Any) -> None:
    """The cached chain head is valid only inside one transaction."""
    session.info.pop(_HEAD_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction: Any) -> None:
    """Reads not chained by a commit go with the outermost transaction's rollback (a
    savepoint's rollback keeps them, as it keeps entries already written before it)."""
    if transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)


@event.listens_for(Session, "before_commit")
def _append_pending(session: Session) -> None:
    """Chain the reads recorded `at_commit`: the chain's lock is then held only from
    here to the commit, not while the page that was read renders."""
    rows = session.info.pop(_PENDING_KEY, None)
    if rows:
        _append(session, session.connection(), rows)


def record_event(
    session: Session,
    *,
    action: str,
    entity_type: str,
    entity_id: str | int,
    detail: dict[str, Any] | None = None,
    at_commit: bool = False,
) -> None:
    """Append an entry for something that changes no row: a view, a download, a login.

    Args:
        at_commit: chain it when the transaction commits (same transaction, same entry;
            a rollback drops it as before), so a page view does not hold the chain's
            lock, which every writer shares, while it renders.
    """
    row = {
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "after": to_jsonable(detail) if detail is not None else None,
    }
    if at_commit:
        session.info.setdefault(_PENDING_KEY, []).append(row)
        return
    _append(session, session.connection(), [row])


@dataclasses.dataclass(frozen=True)
class ChainReport:
    """The outcome of walking the chain: entries checked and the first break, if any."""

    checked: int
    head_hash: str
    problem: str | None = None
    first_bad_seq: int | None = None

    @property
    def is_intact(self) -> bool:
        """True when no entry was altered or removed."""
        return self.problem is None


def _iter_entries(session: Session, batch: int = 2000) -> Iterator[AuditEntry]:
    """All entries in chain order, fetched in batches to keep memory flat."""
    last = 0
    while True:
        chunk = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.seq > last)
                .order_by(AuditEntry.seq)
                .limit(batch)
                .execution_options(populate_existing=True)
            )
        )
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def verify_chain(session: Session) -> ChainReport:
    """Walk the chain and name the first entry that was altered, or where entries are gone."""
    expected_seq = 1
    prev = GENESIS_HASH
    checked = 0
    for entry in _iter_entries(session):
        if entry.seq != expected_seq:
            return ChainReport(
                checked,
                prev,
                f"entries {expected_seq}..{entry.seq - 1} were removed (chain resumes at "
                f"#{entry.seq})",
                expected_seq,
            )
        if entry.prev_hash != prev:
            return ChainReport(
                checked,
                prev,
                f"entry #{entry.seq} does not follow #{entry.seq - 1} "
                "(an entry was removed or rewritten)",
                entry.seq,
            )
        recomputed = entry_hash(
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            actor=entry.actor,
            action=entry.action,
            entity_type=entry.entity_type,
            entity_id=entry.entity_id,
            before=entry.before,
            after=entry.after,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return ChainReport(
                checked,
                prev,
                f"entry #{entry.seq} was altered (hash mismatch)",
                entry.seq,
            )
        prev = entry.hash
        expected_seq += 1
        checked += 1
    return ChainReport(checked, prev)


def list_entries(
    session: Session,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    limit: int = 100,
    before_seq: int | None = None,
) -> list[AuditEntry]:
    """Entries newest first, filtered; the auditor's page pages with `before_seq`."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEntry.entity_id == str(entity_id))
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    if before_seq:
        query = query.where(AuditEntry.seq < before_seq)
    return list(session.scalars(query))


def count_entries(session: Session) -> int:
    """How many entries the chain holds."""
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
