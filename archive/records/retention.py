"""Retention classes and disposal: how long records are kept, and how they leave.

Per domain-rules §A8 (国家档案局令8号; 科研档案 令15号): core research records (projects,
theses) are kept permanently, papers and data 30 years, progress records (lab notebooks)
10 years. Case files: a sanction of 记过 or heavier, or a revoked degree, keeps the file
permanently; other decided cases 30 years; rejected tips 10 years. Nothing is ever kept for
less than `MIN_RETENTION_YEARS` (the ORI seven years).

A record past its term appears on the disposal list. Disposal needs a request by an archive
manager and the approval of someone holding `ARCHIVE_APPROVE_DISPOSAL` (not the requester);
approval removes the content and leaves a tombstone: what, when, who asked, who approved.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from archive.kernel import audit, clock
from archive.kernel.accounts import Permission, User, get_user, require
from archive.kernel.db import Base, utcnow
from archive.kernel.errors import InvalidInput, PermissionDenied
from archive.kernel.files import StoredFile, blob_path, storage_root
from archive.records.access import get_record, may_manage, visibility_clause
from archive.records.errors import DisposalNotAllowed, DisposalRequestNotFound
from archive.records.models import (
    MIN_RETENTION_YEARS,
    RETENTION_YEARS,
    DisposalRequest,
    DisposalStatus,
    Record,
    RecordStatus,
    RecordTombstone,
    RecordType,
    RetentionClass,
)
from archive.search.models import FileText, SearchDoc

TYPE_RETENTION: dict[RecordType, tuple[RetentionClass, str]] = {
    RecordType.PROJECT: (RetentionClass.PERMANENT, "科研项目核心档案（永久）"),
    RecordType.THESIS: (RetentionClass.PERMANENT, "学位论文（永久）"),
    RecordType.PAPER: (RetentionClass.Y30, "论文成果（30 年）"),
    RecordType.DATA: (RetentionClass.Y30, "科研数据（30 年）"),
    RecordType.NOTEBOOK: (RetentionClass.Y10, "过程记录：实验记录（10 年）"),
}

# Catalogue codes (casework/catalogue.py) at or above 记过, or a revoked degree.
GRAVE_SANCTION_CODES = frozenset(
    {"S04", "S05", "S06", "S07", "S08", "S09", "S11", "S13", "S14", "S15"}
)
# S10 (警告/记过/降级撤职) and S12 (student discipline) depend on the level given.
GRAVE_WORDS = (
    "记过",
    "降级",
    "撤职",
    "留校察看",
    "开除",
    "辞退",
    "解聘",
    "撤销学位",
    "不授予学位",
)


def class_for_type(record_type: RecordType) -> tuple[RetentionClass, str]:
    """The retention class of a research record type, and the rule that set it."""
    return TYPE_RETENTION.get(
        record_type, (RetentionClass.Y30, "其他科研档案（30 年）")
    )


def is_grave_sanction(sanction: str) -> bool:
    """True for a sanction of 记过 or heavier, or a revoked/denied degree.

    Accepts catalogue codes ("S13"), a code with its level or term in months ("S10:记过",
    "S10:12"), or a plain name ("记过", "撤销学位"). A bare "S10"/"S12" is not enough.
    """
    text = sanction.strip()
    code, _, level = text.partition(":")
    if code.upper() in GRAVE_SANCTION_CODES:
        return True
    if code.upper() in ("S10", "S12") and level.strip().isdigit():
        # A term in months: 记过 runs 12 months, 降级/撤职 24; 警告 6 (§A4).
        return int(level) >= 12
    words = level if code.upper() in ("S10", "S12") else text
    return any(w in words for w in GRAVE_WORDS)


def class_for_case(
    outcome: str, sanctions: Sequence[str] = ()
) -> tuple[RetentionClass, str]:
    """The retention class of a case file from its outcome and the sanctions imposed."""
    if outcome == "rejected":
        return RetentionClass.Y10, "不予受理的举报（10 年）"
    grave = [s for s in sanctions if is_grave_sanction(s)]
    if outcome == "misconduct" and grave:
        return (
            RetentionClass.PERMANENT,
            f"处分记过及以上或撤销学位（永久）：{'、'.join(grave)}",
        )
    return RetentionClass.Y30, "已作出结论的案件（30 年）"


def retention_until(klass: RetentionClass, start: date) -> date | None:
    """The last day of the term counted from `start` (None for permanent records)."""
    years = RETENTION_YEARS[klass]
    if years is None:
        return None
    years = max(years, MIN_RETENTION_YEARS)
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def set_retention(
    session: Session,
    *,
    actor: User,
    record_id: int,
    retention_class: RetentionClass | str,
    basis: str,
) -> Record:
    """Change a record's class; only to a longer term than its rule gives, with a basis."""
    record = get_record(session, actor=actor, record_id=record_id)
    if not may_manage(actor, record):
        raise PermissionDenied("您无权修改保管期限 (permission denied)")
    klass = RetentionClass(retention_class)
    if not basis.strip():
        raise InvalidInput("修改保管期限须说明依据 (a basis is required)")
    rule = (
        class_for_case(record.outcome or "", record.sanctions)[0]
        if record.is_case_file
        else class_for_type(record.type)[0]
    )
    if _term_rank(klass) < _term_rank(rule):
        raise InvalidInput(
            "保管期限不得短于规则规定的期限 (cannot be shorter than the rule's term)"
        )
    record.retention_class = klass
    record.retention_basis = basis.strip()[:255]
    start = record.closed_on or record.date_end or record.date_start
    record.retention_until = retention_until(klass, start or record.created_at.date())
    session.flush()
    return record


def _term_rank(klass: RetentionClass) -> int:
    """Longer terms rank higher; permanent highest."""
    years = RETENTION_YEARS[klass]
    return 10_000 if years is None else years


def list_due_for_disposal(
    session: Session, *, actor: User, today: date | None = None
) -> list[Record]:
    """Active records whose term has passed (the disposal list), oldest term first."""
    today = today or clock.today()
    return list(
        session.scalars(
            select(Record)
            .where(
                visibility_clause(actor, today),
                Record.retention_until.is_not(None),
                Record.retention_until < today,
            )
            .order_by(Record.retention_until, Record.id)
        )
    )


def count_due_for_disposal(session: Session, today: date | None = None) -> int:
    """How many active records are past their term (for the daily job)."""
    today = today or clock.today()
    return (
        session.scalar(
            select(func.count())
            .select_from(Record)
            .where(
                Record.status == RecordStatus.ACTIVE,
                Record.retention_until.is_not(None),
                Record.retention_until < today,
            )
        )
        or 0
    )


def request_disposal(
    session: Session, *, actor: User, record_id: int, reason: str
) -> DisposalRequest:
    """Ask for a record past its term to be disposed of (needs someone else's approval)."""
    require(actor, Permission.ARCHIVE_MANAGE)
    record = get_record(session, actor=actor, record_id=record_id)
    today = clock.today()
    if record.retention_until is None:
        raise DisposalNotAllowed("永久保管的档案不能销毁 (permanent records are kept)")
    if record.retention_until >= today:
        raise DisposalNotAllowed(
            f"保管期限未满（至 {record.retention_until.isoformat()}）(term not over)"
        )
    if not reason.strip():
        raise InvalidInput("请说明销毁理由 (a reason is required)")
    pending = session.scalars(
        select(DisposalRequest).where(
            DisposalRequest.record_id == record.id,
            DisposalRequest.status == DisposalStatus.PENDING,
        )
    ).first()
    if pending is not None:
        raise DisposalNotAllowed("该档案已有待审批的销毁申请 (already requested)")
    req = DisposalRequest(
        record_id=record.id,
        record=record,
        reason=reason.strip(),
        requested_by_id=actor.id,
    )
    session.add(req)
    session.flush()
    return req


def list_disposal_requests(
    session: Session,
    *,
    status: DisposalStatus | None = DisposalStatus.PENDING,
    actor: User | None = None,
) -> list[DisposalRequest]:
    """Disposal requests, newest first; with `actor`, only those of records the actor
    may see (a request names its record's title, which a seal must keep)."""
    query = select(DisposalRequest).order_by(DisposalRequest.id.desc())
    if status is not None:
        query = query.where(DisposalRequest.status == status)
    if actor is not None:
        query = query.join(Record, Record.id == DisposalRequest.record_id).where(
            visibility_clause(actor)
        )
    return list(session.scalars(query))


def list_tombstones(session: Session, *, limit: int = 100) -> list[RecordTombstone]:
    """Disposed records' tombstones, newest first."""
    return list(
        session.scalars(
            select(RecordTombstone).order_by(RecordTombstone.id.desc()).limit(limit)
        )
    )


def find_tombstone(session: Session, record_id: int) -> RecordTombstone | None:
    """The tombstone of a disposed record, if any."""
    return session.scalars(
        select(RecordTombstone).where(RecordTombstone.record_id == record_id)
    ).first()


def _get_request(session: Session, request_id: int) -> DisposalRequest:
    req = session.get(DisposalRequest, request_id)
    if req is None:
        raise DisposalRequestNotFound(f"销毁申请不存在：{request_id}")
    return req


def reject_disposal(
    session: Session, *, actor: User, request_id: int, note: str = ""
) -> DisposalRequest:
    """Refuse a disposal request; the record stays."""
    require(actor, Permission.ARCHIVE_APPROVE_DISPOSAL)
    req = _get_request(session, request_id)
    if req.status != DisposalStatus.PENDING:
        raise DisposalNotAllowed("该申请已处理 (already decided)")
    req.status = DisposalStatus.REJECTED
    req.decided_by_id = actor.id
    req.decided_at = utcnow()
    req.decision_note = note.strip()
    session.flush()
    return req


def approve_disposal(
    session: Session, *, actor: User, request_id: int, note: str = ""
) -> RecordTombstone:
    """Approve and carry out a disposal: content removed, a tombstone left.

    The approver must hold `ARCHIVE_APPROVE_DISPOSAL` and not be the requester. Blobs are
    deleted from disk only when nothing else in the database refers to them.
    """
    require(actor, Permission.ARCHIVE_APPROVE_DISPOSAL)
    req = _get_request(session, request_id)
    if req.status != DisposalStatus.PENDING:
        raise DisposalNotAllowed("该申请已处理 (already decided)")
    if req.requested_by_id == actor.id:
        raise PermissionDenied("申请人不能审批自己的销毁申请 (four-eyes rule)")
    record = req.record
    if record.status != RecordStatus.ACTIVE:
        raise DisposalNotAllowed("档案已销毁 (already disposed of)")
    if record.retention_until is None or record.retention_until >= clock.today():
        raise DisposalNotAllowed("保管期限未满 (term not over)")
    requester = get_user(session, req.requested_by_id) if req.requested_by_id else None
    stored = [f.stored_file for f in record.files]
    tombstone = RecordTombstone(
        record_id=record.id,
        record_number=record.number,
        record_type=record.type.value,
        title=record.title,
        retention_class=record.retention_class.value,
        retention_until=record.retention_until,
        files=[
            {"name": f.name, "sha256": f.stored_file.sha256, "size": f.stored_file.size}
            for f in record.files
        ],
        reason=req.reason,
        requested_by=requester.display_name if requester else "",
        approved_by_id=actor.id,
        approved_by=actor.display_name,
    )
    session.add(tombstone)
    req.status = DisposalStatus.APPROVED
    req.decided_by_id = actor.id
    req.decided_at = utcnow()
    req.decision_note = note.strip()
    record.status = RecordStatus.DISPOSED
    record.description = ""
    record.files.clear()
    record.people.clear()
    record.keyword_rows.clear()
    doc = session.get(SearchDoc, record.id)
    if doc is not None:
        session.delete(doc)
    session.flush()
    for row in stored:
        _delete_blob_if_unreferenced(session, row)
    audit.record_event(
        session,
        action="dispose",
        entity_type="records",
        entity_id=record.id,
        detail={"number": record.number, "request": req.id},
    )
    return tombstone


def _delete_blob_if_unreferenced(session: Session, row: StoredFile) -> bool:
    """Remove a stored file's blob and row when no table refers to it any more."""
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            for fk in column.foreign_keys:
                if fk.column.table.name != "stored_files" or table.name in (
                    "archive_file_texts",
                ):
                    continue
                used = session.execute(
                    select(func.count()).select_from(table).where(column == row.id)
                ).scalar()
                if used:
                    return False
    path = blob_path(storage_root(session), row.sha256)
    session.execute(delete(FileText).where(FileText.stored_file_id == row.id))
    session.delete(row)
    session.flush()
    if path.exists():
        os.unlink(path)
    return True
