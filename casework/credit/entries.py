"""Entries the credit office makes by hand in a credit file: honours (守信荣誉) and
corrections (更正: a new record supersedes the old one, which stays marked 已更正).
Each re-grades the subject."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import Permission, User, require
from archive.kernel.errors import InvalidInput
from casework.credit.evaluation import recompute_grade
from casework.credit.files import (
    add_event,
    add_record,
    get_record,
    get_subject,
    record_state,
)
from casework.credit.models import CreditRecord, RecordEventKind, RecordKind


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
    recompute_grade(session, person_id=person_id)
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
    recompute_grade(session, person_id=old.person_id)
    return new
