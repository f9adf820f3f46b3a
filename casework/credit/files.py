"""Credit files: subjects, records and their derived state, honours and corrections.

The state of a record on a day is derived from its dates and events, so a page, a grade
and an export agree even on a day the daily job has not yet run:
公示中 (disclosed), 公示期满 (disclosure over, measure still running), 已到期 (measure
ended), 已修复 (repaired), 不公示 (not public), 已更正 (superseded by a correction).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import Permission, User, require
from archive.kernel.errors import InvalidInput, PermissionDenied
from archive.kernel.people import (
    Person,
    find_person_by_university_id,
    find_person_for_user,
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


def add_honour(
    session: Session,
    *,
    actor: User,
    person_id: int,
    title: str,
    reason: str = "",
    decided_on: date | None = None,
    deciding_unit: str = "",
) -> CreditRecord:
    """Record a positive entry (诚信奖励、荣誉) in a subject's file."""
    require(actor, Permission.CREDIT_MANAGE)
    get_subject(session, person_id)
    if not title.strip():
        raise InvalidInput("请填写荣誉名称 (title required)")
    day = decided_on or clock.today()
    record = add_record(
        session,
        actor=actor,
        person_id=person_id,
        kind=RecordKind.HONOUR,
        title=title.strip(),
        reason=reason.strip(),
        source="manual",
        decided_on=day,
        starts_on=day,
        deciding_unit=deciding_unit.strip() or None,
    )
    _recompute(session, person_id)
    return record


CORRECTABLE = (
    "title",
    "reason",
    "basis",
    "decision_number",
    "deciding_unit",
    "decided_on",
    "starts_on",
    "ends_on",
    "disclosure_until",
    "is_public",
    "report_to_province",
)


def correct_record(
    session: Session, *, actor: User, record_id: int, note: str, **changes: Any
) -> CreditRecord:
    """Supersede a record by a new one with `changes`; the old one stays, marked 已更正."""
    require(actor, Permission.CREDIT_MANAGE)
    old = get_record(session, record_id)
    if not note.strip():
        raise InvalidInput("更正须说明理由 (a reason is required)")
    if record_state(old).is_corrected:
        raise InvalidInput("该记录已被更正，请更正最新记录 (already corrected)")
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise InvalidInput(f"不可更正的字段：{', '.join(sorted(unknown))}")
    fields = {
        c.key: getattr(old, c.key)
        for c in CreditRecord.__mapper__.column_attrs
        if c.key
        not in ("id", "created_at", "created_by_id", "dedup_key", "corrects_id")
    }
    fields.update(changes)
    fields["corrects_id"] = old.id
    new = add_record(session, actor=actor, **fields)
    add_event(
        session, record=old, kind=RecordEventKind.CORRECTED, actor=actor, note=note
    )
    _recompute(session, old.person_id)
    return new


def _recompute(session: Session, person_id: int) -> None:
    from casework.credit.evaluation import recompute_grade

    recompute_grade(session, person_id=person_id)


@dataclass
class FileEntry:
    """A record with its state, for pages and reports."""

    record: CreditRecord
    state: RecordState


@dataclass
class CreditFile:
    """Everything in a subject's credit file on a day."""

    person: Person
    on: date
    dishonesty: list[FileEntry] = field(default_factory=list)
    honours: list[FileEntry] = field(default_factory=list)
    clearances: list[FileEntry] = field(default_factory=list)
    signatures: list[Any] = field(default_factory=list)
    grades: list[Any] = field(default_factory=list)
    repairs: list[Any] = field(default_factory=list)

    @property
    def active_sanctions(self) -> list[FileEntry]:
        """Dishonesty records whose measure is in force."""
        return [e for e in self.dishonesty if is_in_force(e.record, self.on)]

    @property
    def grade(self) -> Any:
        """The subject's current grade row (None before the first evaluation)."""
        return self.grades[0] if self.grades else None


def credit_file(
    session: Session, *, actor: User | None, person_id: int, on: date | None = None
) -> CreditFile:
    """A subject's whole file as the actor may see it."""
    from casework.credit.commitments import list_signatures
    from casework.credit.evaluation import current_grades
    from casework.credit.repair import list_repairs_of

    person = get_subject(session, person_id)
    require_file_access(session, actor, person)
    on = on or clock.today()
    out = CreditFile(person=person, on=on)
    for record in list_records(session, person_id):
        entry = FileEntry(record, record_state(record, on))
        {
            RecordKind.DISHONESTY: out.dishonesty,
            RecordKind.HONOUR: out.honours,
            RecordKind.CLEARANCE: out.clearances,
        }[record.kind].append(entry)
    out.signatures = list_signatures(session, person_id=person_id)
    out.grades = current_grades(session, person_id=person_id)
    out.repairs = list_repairs_of(session, person_id=person_id)
    return out
