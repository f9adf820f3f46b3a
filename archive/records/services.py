"""Services on records: reading and listing them, creating research records, attaching files.

Research records come from the form, the bulk import (`archive.records.imports`) and
screening submissions (`create_record_from_submission`); case files only from casework
(`archive.records.case_files`). Who may see or change a record is `archive.records.access`;
how long it is kept is `archive.records.retention`; what counts as the same work twice is
`archive.records.duplicates`. Every change re-indexes the record for the search.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from archive.kernel import audit, clock
from archive.kernel.accounts import Permission, Role, User
from archive.kernel.errors import PermissionDenied
from archive.kernel.files import (
    FileIntegrityError,
    StoredFile,
    read_verified,
)
from archive.kernel.people import Person
from archive.records import jobs as _jobs  # noqa: F401 - queues text extraction on commit
from archive.records import retention
from archive.records.access import (
    apply_access,
    can_view,
    get_record,
    may_manage,
    visibility_clause,
)
from archive.records.duplicates import metadata_fingerprint, refuse_duplicate
from archive.records.errors import InvalidRecord, RecordNotFound
from archive.records.models import (
    DISCIPLINES,
    AccessLevel,
    FileRole,
    PersonRef,
    Record,
    RecordFile,
    RecordKeyword,
    RecordPerson,
    RecordType,
)
from archive.search.indexing import index_record
from archive.search.models import FileText
from archive.submissions import services as submissions


@dataclass(frozen=True)
class RecordInput:
    """A research record as a form, a sheet row, a submission or a test describes it.

    `keywords` is a list or one string separated by ；，、_ or |; `files` pairs stored files
    with their role; the access fields are the record's own restriction (see
    `archive.records.access.apply_access`).
    """

    record_type: RecordType | str
    title: str
    description: str = ""
    unit: str | None = None
    discipline: str | None = None
    date_start: date | None = None
    date_end: date | None = None
    keywords: str | Sequence[str] = ()
    people: Sequence[PersonRef] = ()
    files: Sequence[tuple[StoredFile, FileRole | str]] = ()
    access_level: AccessLevel | str = AccessLevel.OPEN
    access_roles: Sequence[Role | str] = ()
    sealed_until: date | None = None
    access_reason: str = ""
    parent_id: int | None = None
    source: str = "manual"
    source_ref: str | None = None


# ---------------------------------------------------------------------------------------
# Reading


def open_record(session: Session, *, actor: User, record_id: int) -> Record:
    """A record for its page: checked, and the visit (or its refusal) written to the audit
    chain; the caller commits a refusal's entry before answering "not found"."""
    try:
        record = get_record(
            session, actor=actor, record_id=record_id, include_disposed=True
        )
    except RecordNotFound:
        if session.get(Record, record_id) is not None:
            audit.record_event(
                session,
                action="view_refused",
                entity_type="records",
                entity_id=record_id,
                at_commit=True,
            )
        raise
    # Chained at commit (same transaction): the page renders without the chain's lock.
    audit.record_event(
        session,
        action="view",
        entity_type="records",
        entity_id=record.id,
        detail={"number": record.number, "type": record.type.value},
        at_commit=True,
    )
    return record


def open_record_file(
    session: Session, *, actor: User, record_id: int, record_file_id: int
) -> tuple[RecordFile, bytes]:
    """A file's verified bytes through the record's access check; the download is logged.

    Raises:
        RecordNotFound: the record (or file) is unknown or not visible to the actor.
        FileIntegrityError: the bytes on disk changed or vanished (logged as such).
    """
    record = get_record(session, actor=actor, record_id=record_id)
    attached = next((f for f in record.files if f.id == record_file_id), None)
    if attached is None:
        raise RecordNotFound(f"文件不存在：{record_file_id}", file_id=record_file_id)
    detail = {
        "record": record.number,
        "file": attached.name,
        "sha256": attached.stored_file.sha256,
    }
    try:
        data = read_verified(session, attached.stored_file)
    except FileIntegrityError:
        audit.record_event(
            session,
            action="download_refused_fixity",
            entity_type="records",
            entity_id=record.id,
            detail=detail,
        )
        raise
    audit.record_event(
        session,
        action="download",
        entity_type="records",
        entity_id=record.id,
        detail=detail,
    )
    return attached, data


def list_children(session: Session, *, actor: User, record_id: int) -> list[Record]:
    """The child records (卷内文件) of a record that the actor may see."""
    return list(
        session.scalars(
            select(Record)
            .where(Record.parent_id == record_id, visibility_clause(actor))
            .order_by(Record.id)
        )
    )


def find_record_by_number(session: Session, number: str) -> Record | None:
    """The record with this reference code, if any (no access check: for services)."""
    return session.scalars(select(Record).where(Record.number == number)).first()


def find_case_file(session: Session, case_number: str) -> Record | None:
    """The case file of a case, if archived (no access check: for services)."""
    return session.scalars(
        select(Record).where(Record.case_number == case_number)
    ).first()


def list_records(
    session: Session,
    *,
    actor: User,
    limit: int = 50,
    offset: int = 0,
    record_type: RecordType | None = None,
) -> tuple[list[Record], int]:
    """Records the actor may see, newest first, and how many there are."""
    where = visibility_clause(actor)
    if record_type is not None:
        where = and_(where, Record.type == record_type)
    total = session.scalar(select(func.count()).select_from(Record).where(where)) or 0
    rows = session.scalars(
        select(Record)
        .where(where)
        .order_by(Record.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


# ---------------------------------------------------------------------------------------
# Creating


_SPLIT_KEYWORDS = re.compile(r"[;；,，、_|/\n]+")


def split_keywords(value: str | Sequence[str] | None) -> list[str]:
    """Keywords from a list or a string separated by ；，、_ or |, de-duplicated."""
    if not value:
        return []
    items = _SPLIT_KEYWORDS.split(value) if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        word = item.strip()[:64]
        if word and word not in out:
            out.append(word)
    return out


def _record_year(*dates: date | None) -> int | None:
    """The year a record belongs to: of its first known date."""
    for value in dates:
        if value is not None:
            return value.year
    return None


def _next_number(record: Record) -> str:
    """A reference code: KY-2026-000123 for research records (AJ-<case> for case files)."""
    if record.case_number:
        return f"AJ-{record.case_number}"
    return f"KY-{record.year or clock.today().year}-{record.id:06d}"


def create_record(
    session: Session,
    *,
    actor: User | None,
    data: RecordInput,
    check_duplicates: bool = True,
    index: bool = True,
) -> Record:
    """Add a research record (case files come from `create_case_file_record`).

    Raises:
        PermissionDenied: the actor may not manage research records.
        InvalidRecord: empty title, unknown type or discipline, end before start.
        DuplicateRecord: the same work (metadata or file hash) is already archived.
    """
    if actor is not None and not actor.can(Permission.ARCHIVE_MANAGE):
        raise PermissionDenied("您无权登记科研档案 (permission denied)")
    data = _validated(data)
    record_type = RecordType(data.record_type)
    year = _record_year(data.date_end, data.date_start)
    fingerprint = metadata_fingerprint(record_type, data.title, year, data.people)
    if check_duplicates:
        refuse_duplicate(session, fingerprint, data.files)
    parent = _parent(session, actor, data.parent_id)
    klass, basis = retention.class_for_type(record_type)
    record = Record(
        number=f"pending-{uuid.uuid4().hex}",
        type=record_type,
        title=data.title,
        description=(data.description or "").strip(),
        unit=(data.unit or "").strip() or None,
        discipline=data.discipline,
        date_start=data.date_start,
        date_end=data.date_end,
        year=year,
        source=data.source,
        source_ref=data.source_ref,
        parent=parent,
        fingerprint=fingerprint,
        retention_class=klass,
        retention_basis=basis,
        retention_until=retention.retention_until(
            klass, data.date_end or data.date_start or clock.today()
        ),
        created_by_id=actor.id if actor is not None else None,
        sanctions=[],
        access_roles=[],
    )
    set_people(session, record, data.people)
    record.keyword_rows = [
        RecordKeyword(keyword=k, position=i)
        for i, k in enumerate(split_keywords(data.keywords))
    ]
    apply_access(
        record,
        data.access_level,
        data.access_roles,
        data.sealed_until,
        data.access_reason,
    )
    session.add(record)
    session.flush()
    record.number = _next_number(record)
    for stored, role in data.files:
        attach_stored(record, stored, FileRole(role), actor)
    session.flush()
    if index:
        index_record(session, record)
    return record


def _validated(data: RecordInput) -> RecordInput:
    """The input with type, title and discipline checked and tidied, nameless people gone.

    Raises:
        InvalidRecord: unknown type, a case file not from casework, empty or overlong
            title, unknown discipline, end date before start date.
    """
    try:
        record_type = RecordType(data.record_type)
    except ValueError as exc:
        raise InvalidRecord(f"档案类型无效：{data.record_type}") from exc
    if record_type == RecordType.CASE_FILE and data.source != "case":
        raise InvalidRecord("案卷只能由结案的案件生成 (case files come from casework)")
    title = (data.title or "").strip()
    if not title:
        raise InvalidRecord("题名不能为空 (title required)")
    if len(title) > 500:
        raise InvalidRecord("题名过长（最多 500 字）(title too long)")
    discipline = (data.discipline or "").strip() or None
    if discipline is not None and discipline not in DISCIPLINES:
        raise InvalidRecord(
            f"学科名称不在学科目录中：{discipline}", discipline=discipline
        )
    if data.date_start and data.date_end and data.date_end < data.date_start:
        raise InvalidRecord("结束日期早于开始日期 (end date before start date)")
    return dataclasses.replace(
        data,
        record_type=record_type,
        title=title,
        discipline=discipline,
        people=[p for p in data.people if p.name.strip()],
    )


def _parent(
    session: Session, actor: User | None, parent_id: int | None
) -> Record | None:
    """The parent record a new record is filed under, if the actor may see it."""
    if parent_id is None:
        return None
    parent = session.get(Record, parent_id)
    if parent is None or (actor is not None and not can_view(actor, parent)):
        raise RecordNotFound(f"上级档案不存在：{parent_id}", record_id=parent_id)
    return parent


def set_people(session: Session, record: Record, people: Sequence[PersonRef]) -> None:
    """Replace the record's people; names come from `people` rows when linked."""
    rows = []
    for i, ref in enumerate(people):
        name = ref.name.strip()
        if ref.person_id is not None:
            person = session.get(Person, ref.person_id)
            if person is None:
                raise InvalidRecord(f"人员不存在：{ref.person_id}")
            name = name or person.name
        rows.append(
            RecordPerson(
                person_id=ref.person_id,
                name=name[:128],
                role=(ref.role or "").strip()[:32],
                position=i,
            )
        )
    record.people = rows


def attach_stored(
    record: Record, stored: StoredFile, role: FileRole, actor: User | None
) -> RecordFile | None:
    """Attach a stored file once (a second attachment of the same content is a no-op)."""
    if any(f.stored_file_id == stored.id for f in record.files):
        return None
    row = RecordFile(
        stored_file=stored,
        stored_file_id=stored.id,
        role=role,
        label=stored.original_name,
        added_by_id=actor.id if actor is not None else None,
    )
    record.files.append(row)
    return row


def get_managed_record(session: Session, *, actor: User, record_id: int) -> Record:
    """A record the actor may attach files to: checked before any upload is stored."""
    record = get_record(session, actor=actor, record_id=record_id)
    if not may_manage(actor, record):
        raise PermissionDenied("您无权为此档案添加文件 (permission denied)")
    return record


def attach_files(
    session: Session,
    *,
    actor: User,
    record_id: int,
    files: Sequence[tuple[StoredFile, FileRole | str]],
) -> Record:
    """Attach stored files to a record the actor manages, and re-index it."""
    record = get_managed_record(session, actor=actor, record_id=record_id)
    for stored, role in files:
        attach_stored(record, stored, FileRole(role), actor)
    session.flush()
    index_record(session, record)
    return record


def create_record_from_submission(
    session: Session, *, actor: User, submission_id: int
) -> Record:
    """A research record (thesis) from a screening submission, with its file and report.

    Idempotent per submission. The text screening already extracted is reused for the
    index; the report's number and copy ratio go into the description; the submission is
    linked back to the record.
    """
    sub = submissions.get_submission(session, submission_id, actor=actor)
    ref = f"submission:{submission_id}"
    existing = session.scalars(
        select(Record).where(Record.source == "submission", Record.source_ref == ref)
    ).first()
    if existing is not None:
        return existing
    files: list[tuple[StoredFile, FileRole | str]] = []
    stored = sub.stored_file
    if stored is not None:
        files.append((stored, FileRole.MAIN))
        if sub.text and session.get(FileText, stored.id) is None:
            session.add(
                FileText(
                    stored_file_id=stored.id,
                    status="ok",
                    text=sub.text[:400_000],
                    chars=len(sub.text),
                )
            )
            session.flush()
    lines = []
    if sub.report_number:
        lines.append(f"查重报告 {sub.report_number}")
    if sub.copy_ratio is not None:
        lines.append(f"总文字复制比 {sub.copy_ratio * 100:.1f}%")
    if sub.major:
        lines.append(f"专业：{sub.major}")
    created = sub.created_at
    data = RecordInput(
        record_type=RecordType.THESIS,
        title=(sub.title or sub.file_name or f"查重提交 {submission_id}"),
        description="；".join(lines),
        unit=sub.unit or None,
        people=[PersonRef(sub.author, "作者")] if sub.author else [],
        date_start=created.date() if isinstance(created, datetime) else None,
        files=files,
        source="submission",
        source_ref=ref,
    )
    record = create_record(session, actor=actor, data=data, check_duplicates=False)
    submissions.link_record(session, submission_id=submission_id, record_id=record.id)
    return record
