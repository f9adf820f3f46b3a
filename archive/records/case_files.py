"""Case files: a closed misconduct case filed into the archive with its documents.

Casework hands each archived case over (`casework.services.handoff`); the case file is a
`Record` of type `case_file`, numbered after the case, with its evidence, decisions and
letters attached and a retention class set by its outcome and sanctions (domain-rules §A8).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel.accounts import Permission, User
from archive.kernel.errors import PermissionDenied
from archive.kernel.files import get_stored_file
from archive.kernel.people import Person
from archive.records import retention
from archive.records.access import apply_access
from archive.records.duplicates import metadata_fingerprint
from archive.records.errors import InvalidRecord
from archive.records.models import (
    OUTCOME_LABELS,
    AccessLevel,
    FileRole,
    PersonRef,
    Record,
    RecordExclusion,
    RecordType,
)
from archive.records.services import attach_stored, find_case_file, set_people
from archive.search.indexing import index_record

#: Who may file a closed case into the archive (a system job passes no actor).
CASE_FILERS = (
    Permission.ARCHIVE_CASE_FILES,
    Permission.CASE_ADMIN,
    Permission.CASE_DECIDE,
    Permission.CASE_INVESTIGATE,
)


def create_case_file_record(
    session: Session,
    *,
    actor: User | None,
    case_number: str,
    title: str,
    outcome: str,
    closed_on: date,
    evidence_file_ids: list[int],
    letter_file_ids: list[int],
    summary: str,
    unit: str | None,
    people: list[tuple[int, str]],
    sanctions: Sequence[str] = (),
    decision_file_ids: Sequence[int] = (),
    excluded_user_ids: Sequence[int] = (),
) -> Record:
    """File a closed case as a case-file record with its evidence, decisions and letters.

    Idempotent per `case_number`: a second call returns the same record, attaching any
    files it did not have yet. The outcome (casework's `Outcome` value) and the sanctions
    imposed (catalogue codes such as "S13", optionally with the level, "S10:记过", or plain
    names such as "记过", "撤销学位") set the retention class per domain-rules §A8.
    `actor` None means a system job. `excluded_user_ids` are the users the case's conflict
    rules keep out (recused or conflicted); they never see the case file.
    """
    if actor is not None and not any(actor.can(p) for p in CASE_FILERS):
        raise PermissionDenied("您无权归档案卷 (permission denied)")
    case_number = (case_number or "").strip()
    if not case_number:
        raise InvalidRecord("案件编号不能为空 (case number required)")
    outcome = _case_outcome(outcome)
    wanted = (
        [(i, FileRole.EVIDENCE) for i in evidence_file_ids]
        + [(i, FileRole.DECISION) for i in decision_file_ids]
        + [(i, FileRole.LETTER) for i in letter_file_ids]
    )
    record = find_case_file(session, case_number)
    if record is None:
        record = Record(
            number=f"AJ-{case_number}",
            type=RecordType.CASE_FILE,
            title=(title or case_number).strip()[:500],
            description=(summary or "").strip(),
            unit=(unit or "").strip() or None,
            date_end=closed_on,
            closed_on=closed_on,
            year=closed_on.year,
            case_number=case_number,
            outcome=outcome,
            sanctions=list(sanctions),
            source="case",
            source_ref=case_number,
            fingerprint=metadata_fingerprint(
                RecordType.CASE_FILE, case_number, closed_on.year, []
            ),
            created_by_id=actor.id if actor is not None else None,
            access_roles=[],
        )
        _set_case_retention(record, closed_on)
        set_people(session, record, _case_people(session, people))
        apply_access(record, AccessLevel.OPEN, (), None, "")
        session.add(record)
        session.flush()
    for file_id, role in wanted:
        attach_stored(record, get_stored_file(session, file_id), role, actor)
    exclude_users(session, record=record, user_ids=excluded_user_ids)
    session.flush()
    index_record(session, record)
    return record


def exclude_users(session: Session, *, record: Record, user_ids: Sequence[int]) -> None:
    """Keep these users out of the case file (idempotent: existing exclusions stay)."""
    have = set(
        session.scalars(
            select(RecordExclusion.user_id).where(RecordExclusion.record_id == record.id)
        )
    )
    for user_id in sorted(set(user_ids) - have):
        session.add(RecordExclusion(record_id=record.id, user_id=user_id))


def _case_outcome(outcome: str) -> str:
    """Casework's outcome value, given the value or its Chinese label."""
    outcome = (outcome or "").strip()
    if outcome in OUTCOME_LABELS:
        return outcome
    by_label = {v: k for k, v in OUTCOME_LABELS.items()}
    if outcome not in by_label:
        raise InvalidRecord(f"案件结论无效：{outcome}", outcome=outcome)
    return by_label[outcome]


def _set_case_retention(record: Record, closed_on: date) -> None:
    """A case file's retention from its outcome and sanctions, counted from closing."""
    klass, basis = retention.class_for_case(record.outcome or "", record.sanctions)
    record.retention_class = klass
    record.retention_basis = basis
    record.retention_until = retention.retention_until(klass, closed_on)


def _case_people(
    session: Session, people: Sequence[tuple[int, str]]
) -> list[PersonRef]:
    """The case's people (person id, role) as references named from `people` rows."""
    refs = []
    for person_id, role in people:
        person = session.get(Person, person_id)
        if person is None:
            raise InvalidRecord(f"人员不存在：{person_id}", person_id=person_id)
        refs.append(PersonRef(person.name, role, person_id))
    return refs
