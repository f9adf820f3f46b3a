"""Credit files: subjects, records and their derived state.

The state of a record on a day is derived from its dates and events, so a page, a grade
and an export agree even on a day the daily job has not yet run:
公示中 (disclosed), 公示期满 (disclosure over, measure still running), 已到期 (measure
ended), 已修复 (repaired), 不公示 (not public), 已更正 (superseded by a correction).
Entries made by hand are `entries`; the whole file as one read model is `overview`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import audit, clock
from archive.kernel.accounts import Permission, User
from archive.kernel.errors import PermissionDenied
from archive.kernel.people import (
    Person,
    find_person_by_university_id,
    find_person_for_user,
    search_people,
)
from casework.catalogue import CreditClass
from casework.credit.errors import CreditRecordNotFound, SubjectNotFound
from casework.credit.models import (
    CreditRecord,
    CreditRecordEvent,
    RecordEventKind,
    RecordKind,
)

# 令36 (§A5): how long each class may be disclosed at most, and the minimum period
# before a repair application (months). 轻微 is normally not published (≤3 months if so).
MAX_DISCLOSURE_MONTHS = {
    CreditClass.MINOR: 3,
    CreditClass.GENERAL: 12,
    CreditClass.SERIOUS: 36,
}
MIN_REPAIR_MONTHS = {
    CreditClass.MINOR: 0,
    CreditClass.GENERAL: 3,
    CreditClass.SERIOUS: 12,
}
# Database bans (§D(iii)): repair only once the whole ban has run.
WHOLE_BAN_CODES = frozenset({"S07", "S09"})


@dataclass(frozen=True)
class RecordState:
    """Where a record stands on a day."""

    code: str  # public / disclosure_over / expired / repaired / not_public / corrected / active
    label: str
    chip: str  # chip colour class
    is_disclosed: bool
    is_repaired: bool
    is_expired: bool
    is_corrected: bool
    effect_end: date | None


STATE_LABELS = {
    "public": ("公示中", "chip-red"),
    "disclosure_over": ("公示期满", "chip-amber"),
    "expired": ("已到期", "chip-grey"),
    "repaired": ("已修复", "chip-green"),
    "not_public": ("不公示", "chip-grey"),
    "corrected": ("已更正", "chip-grey"),
    "active": ("有效", "chip-green"),
}


def effect_end(record: CreditRecord) -> date | None:
    """The last day a record's measure has effect; None while permanent.

    One-off measures (admonition, criticism) take effect until their disclosure ends
    (or on the day of the decision when they are not disclosed).
    """
    if record.ends_on is not None:
        return record.ends_on
    if record.is_permanent or (record.is_ban and record.ends_on is None):
        return None
    return record.disclosure_until or record.starts_on


def record_state(record: CreditRecord, on: date | None = None) -> RecordState:
    """The state of `record` on `on` (today by default)."""
    on = on or clock.today()
    kinds = {e.kind for e in record.events if e.effective_on <= on}
    corrected = RecordEventKind.CORRECTED in kinds
    repaired = RecordEventKind.REPAIRED in kinds
    end = effect_end(record)
    expired = end is not None and end < on
    disclosed = (
        record.is_public
        and not repaired
        and not corrected
        and record.disclosure_until is not None
        and record.decided_on <= on <= record.disclosure_until
    )
    if record.kind is not RecordKind.DISHONESTY:
        code = "corrected" if corrected else "active"
    elif corrected:
        code = "corrected"
    elif repaired:
        code = "repaired"
    elif disclosed:
        code = "public"
    elif expired:
        code = "expired"
    elif record.is_public:
        code = "disclosure_over"
    else:
        code = "not_public"
    label, chip = STATE_LABELS[code]
    return RecordState(code, label, chip, disclosed, repaired, expired, corrected, end)


def is_in_force(record: CreditRecord, on: date) -> bool:
    """True while a dishonesty record's measure applies (not repaired, corrected or over)."""
    state = record_state(record, on)
    return (
        record.kind is RecordKind.DISHONESTY
        and not state.is_repaired
        and not state.is_corrected
        and not state.is_expired
        and record.starts_on <= on
    )


# --- subjects -----------------------------------------------------------------------


def get_subject(session: Session, person_id: int) -> Person:
    """The credit subject with this id, or `SubjectNotFound`."""
    person = session.get(Person, person_id)
    if person is None:
        raise SubjectNotFound(f"信用主体不存在：{person_id}", person_id=person_id)
    return person


def get_subject_by_university_id(session: Session, university_id: str) -> Person:
    """The subject with this 工号/学号 (or its id as digits prefixed '#')."""
    person = find_person_by_university_id(session, university_id.strip())
    if person is None and university_id.startswith("#") and university_id[1:].isdigit():
        person = session.get(Person, int(university_id[1:]))
    if person is None:
        raise SubjectNotFound(
            f"信用主体不存在：{university_id}", university_id=university_id
        )
    return person


def search_subjects(session: Session, *, query: str, limit: int = 50) -> list[Person]:
    """Subjects matching a name or 工号/学号 (credit staff); every search is audited."""
    people = search_people(session, query, limit=limit)
    audit.record_event(
        session,
        action="credit_search",
        entity_type="people",
        entity_id="-",
        detail={"q": query},
    )
    return people


def subject_of_user(session: Session, user: User) -> Person | None:
    """The credit subject linked to an account, if any."""
    return find_person_for_user(session, user)


def may_view_file(session: Session, actor: User | None, person: Person) -> bool:
    """Credit staff see every file; a teacher or student sees their own."""
    if actor is None:
        return False
    if actor.can(Permission.CREDIT_VIEW):
        return True
    own = subject_of_user(session, actor)
    return (
        own is not None and own.id == person.id and actor.can(Permission.SELF_SERVICE)
    )


def require_file_access(session: Session, actor: User | None, person: Person) -> None:
    """Raise `PermissionDenied` unless the actor may read this file."""
    if not may_view_file(session, actor, person):
        raise PermissionDenied(
            "您无权查看该信用档案 (permission denied)", person_id=person.id
        )


# --- records ------------------------------------------------------------------------


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "id", None) if isinstance(actor, User) else None


def add_record(session: Session, *, actor: Any, **fields: Any) -> CreditRecord:
    """Append a record and its 'created' event (internal: services check permissions)."""
    record = CreditRecord(created_by_id=_actor_id(actor), **fields)
    session.add(record)
    session.flush()
    add_event(session, record=record, kind=RecordEventKind.CREATED, actor=actor)
    return record


def add_event(
    session: Session,
    *,
    record: CreditRecord,
    kind: RecordEventKind,
    actor: Any = None,
    on: date | None = None,
    note: str = "",
    repair_id: int | None = None,
) -> CreditRecordEvent:
    """Append an event to a record once (a second call for the same kind returns the first)."""
    for existing in record.events:
        if existing.kind is kind:
            return existing
    ev = CreditRecordEvent(
        record_id=record.id,
        kind=kind,
        effective_on=on or clock.today(),
        actor_id=_actor_id(actor),
        note=note,
        repair_id=repair_id,
    )
    session.add(ev)
    record.events.append(ev)
    session.flush()
    return ev


def get_record(session: Session, record_id: int) -> CreditRecord:
    """The record with this id, or `CreditRecordNotFound`."""
    record = session.get(CreditRecord, record_id)
    if record is None:
        raise CreditRecordNotFound(f"信用记录不存在：{record_id}", record_id=record_id)
    return record


def list_records(session: Session, person_id: int) -> list[CreditRecord]:
    """Every record of a subject, newest first."""
    return list(
        session.scalars(
            select(CreditRecord)
            .where(CreditRecord.person_id == person_id)
            .order_by(CreditRecord.decided_on.desc(), CreditRecord.id.desc())
        )
    )


@dataclass
class FileEntry:
    """A record with its state, for pages and reports."""

    record: CreditRecord
    state: RecordState
