"""The sanction list (失信惩戒名单): final decisions in, the public 公示 list out.

`ingest_final_decision` is the hand-off from casework (`contract.py`): one dishonesty
record per sanction, one clearance record per cleared respondent, idempotent per case.
Whether an entry is public or reported follows the decision, but never beyond what the
catalogue allows (a 'never public' measure is never shown; 'restricted' is shared with
authorities, not shown). The public list shows only entries disclosed on the day asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import Permission, User, require
from archive.kernel.calendar import add_months
from archive.kernel.errors import InvalidInput
from archive.kernel.people import PersonKind, mask_id_number, mask_in_text, mask_name
from casework.catalogue import (
    CREDIT_CLASS_LABELS,
    MISCONDUCT_LABELS,
    SANCTIONS,
    Disclosure,
    MisconductType,
)
from casework.credit.contract import ClearanceInput, SanctionInput
from casework.credit.evaluation import recompute_grade
from casework.credit.files import (
    MAX_DISCLOSURE_MONTHS,
    FileEntry,
    add_event,
    add_record,
    get_subject,
    record_state,
)
from casework.credit.models import CreditRecord, RecordEventKind, RecordKind


def _case_key(case_id: int | None, case_number: str) -> str:
    return str(case_id) if case_id is not None else f"no:{case_number}"


def disclosure_end(starts_on: date, credit_class: Any) -> date:
    """The 公示截止期 of an entry disclosed from `starts_on` (§A5 maximum periods)."""
    return add_months(starts_on, MAX_DISCLOSURE_MONTHS[credit_class]) - timedelta(
        days=1
    )


def ingest_final_decision(
    session: Session,
    *,
    actor: Any,
    case_id: int | None,
    entries: Sequence[SanctionInput],
    clearances: Iterable[ClearanceInput] = (),
) -> list[CreditRecord]:
    """Turn a case's final decision into credit records (and sanction-list entries).

    Casework has already checked who may finalise a decision, so this hand-off checks no
    permission of its own; `actor` (a user or a system name) is recorded as the author.
    Calling it again for the same case returns the records made the first time.

    Raises:
        InvalidInput: an unknown sanction code, or an end date before the start.
        SubjectNotFound: a person id that does not exist.
    """
    out: list[CreditRecord] = []
    touched: set[int] = set()
    for entry in entries:
        record, is_new = _ingest_sanction(
            session, actor=actor, case_id=case_id, entry=entry
        )
        out.append(record)
        if is_new:
            touched.add(record.person_id)
    for clear in clearances:
        record, is_new = _ingest_clearance(
            session, actor=actor, case_id=case_id, clear=clear
        )
        out.append(record)
        if is_new:
            touched.add(record.person_id)
    _supersede_earlier_decisions(session, actor=actor, case_id=case_id, new=out)
    for person_id in sorted(touched):
        recompute_grade(session, person_id=person_id)
    return out


def _ingest_sanction(
    session: Session, *, actor: Any, case_id: int | None, entry: SanctionInput
) -> tuple[CreditRecord, bool]:
    """The dishonesty record of one sanction, and whether it is new."""
    kind = SANCTIONS.get(entry.code)
    if kind is None:
        raise InvalidInput(f"未知的处理措施代码：{entry.code}", code=entry.code)
    if entry.ends_on is not None and entry.ends_on < entry.starts_on:
        raise InvalidInput("惩戒期限的结束日期早于开始日期", code=entry.code)
    person = get_subject(session, entry.person_id)
    key = (
        f"case:{_case_key(case_id, entry.case_number)}:{entry.decision_number}:"
        f"{entry.person_id}:{entry.code}"
    )
    existing = _by_key(session, key)
    if existing is not None:
        return existing, False
    is_public = entry.is_public and kind.public not in (
        Disclosure.NO,
        Disclosure.RESTRICTED,
    )
    to_province = entry.report_to_province and kind.province is not Disclosure.NO
    lifetime_ban = kind.is_ban and entry.ends_on is None
    try:
        misconduct = MISCONDUCT_LABELS[MisconductType(entry.misconduct_type)]
    except ValueError:
        misconduct = entry.misconduct_type
    record = add_record(
        session,
        actor=actor,
        person_id=person.id,
        kind=RecordKind.DISHONESTY,
        title=kind.name_zh,
        credit_class=entry.credit_class,
        sanction_code=kind.code,
        reason=entry.reason,
        basis=entry.basis,
        source="case",
        case_id=case_id,
        case_number=entry.case_number,
        decision_number=entry.decision_number,
        deciding_unit=entry.deciding_unit,
        misconduct_type=misconduct,
        decided_on=entry.decided_on,
        starts_on=entry.starts_on,
        ends_on=entry.ends_on,
        is_permanent=kind.is_permanent or lifetime_ban,
        disclosure_until=(
            disclosure_end(entry.starts_on, entry.credit_class) if is_public else None
        ),
        is_public=is_public,
        report_to_province=to_province,
        is_repairable=kind.is_repairable and not lifetime_ban,
        is_ban=kind.is_ban,
        dedup_key=key,
    )
    return record, True


def _ingest_clearance(
    session: Session, *, actor: Any, case_id: int | None, clear: ClearanceInput
) -> tuple[CreditRecord, bool]:
    """The clearance record of one cleared respondent, and whether it is new."""
    person = get_subject(session, clear.person_id)
    key = f"clear:{_case_key(case_id, clear.case_number)}:{clear.decision_number}:{clear.person_id}"
    existing = _by_key(session, key)
    if existing is not None:
        return existing, False
    record = add_record(
        session,
        actor=actor,
        person_id=person.id,
        kind=RecordKind.CLEARANCE,
        title="经调查不构成学术不端（恢复名誉）",
        source="case",
        case_id=case_id,
        case_number=clear.case_number,
        decision_number=clear.decision_number,
        decided_on=clear.decided_on,
        starts_on=clear.decided_on,
        dedup_key=key,
    )
    return record, True


def _supersede_earlier_decisions(
    session: Session, *, actor: Any, case_id: int | None, new: list[CreditRecord]
) -> None:
    """A later final decision of the same case (复查) replaces the earlier one's records.

    Records of an earlier decision number for the same case and person are marked
    已更正; a new record of the same measure points at the one it replaces.
    """
    for record in new:
        if record.corrects_id is not None:
            continue
        q = select(CreditRecord).where(
            CreditRecord.person_id == record.person_id,
            CreditRecord.decision_number != record.decision_number,
            CreditRecord.id < record.id,
        )
        q = q.where(
            CreditRecord.case_id == case_id
            if case_id is not None
            else CreditRecord.case_number == record.case_number
        )
        for old in session.scalars(q.order_by(CreditRecord.id)):
            if record_state(old).is_corrected:
                continue
            add_event(
                session,
                record=old,
                kind=RecordEventKind.CORRECTED,
                actor=actor,
                note=f"被 {record.decision_number} 取代（复查/重新决定）",
            )


def _by_key(session: Session, key: str) -> CreditRecord | None:
    return session.scalars(
        select(CreditRecord).where(CreditRecord.dedup_key == key)
    ).first()


def list_sanctions(
    session: Session, *, actor: User, on: date | None = None, state: str | None = None
) -> list[FileEntry]:
    """Every sanction-list entry with its state on `on`, newest first (credit staff)."""
    if not actor.can(Permission.CREDIT_VIEW):
        require(actor, Permission.CREDIT_MANAGE)
    on = on or clock.today()
    rows = session.scalars(
        select(CreditRecord)
        .where(
            CreditRecord.kind == RecordKind.DISHONESTY,
            CreditRecord.sanction_code.is_not(None),
        )
        .order_by(CreditRecord.decided_on.desc(), CreditRecord.id.desc())
    )
    entries = [FileEntry(r, record_state(r, on)) for r in rows]
    if state:
        entries = [e for e in entries if e.state.code == state]
    return entries


@dataclass(frozen=True)
class PublicEntry:
    """What the public 公示 page may show of one entry (双公示 fields, masked subject, and
    the subject masked inside the free text too)."""

    name: str
    category: str
    code: str
    id_number: str
    decision_number: str
    misconduct_type: str
    facts: str
    basis: str
    measure_category: str
    measure: str
    decided_on: date
    valid_until: str
    disclosure_until: date
    authority: str


def public_sanctions(session: Session, *, on: date | None = None) -> list[PublicEntry]:
    """Entries disclosed on `on` (today): public, not repaired or corrected, in period."""
    on = on or clock.today()
    rows = session.scalars(
        select(CreditRecord)
        .where(
            CreditRecord.kind == RecordKind.DISHONESTY,
            CreditRecord.is_public.is_(True),
            CreditRecord.disclosure_until >= on,
            CreditRecord.decided_on <= on,
        )
        .order_by(CreditRecord.decided_on.desc(), CreditRecord.id.desc())
    )
    out = []
    for r in rows:
        if not record_state(r, on).is_disclosed:
            continue
        person = r.person
        is_unit = person.kind is PersonKind.UNIT
        assert r.disclosure_until is not None
        out.append(
            PublicEntry(
                name=person.name if is_unit else mask_name(person.name),
                category="法人及非法人组织" if is_unit else "自然人",
                code=(person.credit_code or "") if is_unit else "",
                id_number="" if is_unit else mask_id_number(person.id_number),
                decision_number=r.decision_number or "",
                misconduct_type=mask_in_text(r.misconduct_type, person),
                facts=mask_in_text(r.reason, person),
                basis=mask_in_text(r.basis, person),
                measure_category=CREDIT_CLASS_LABELS[r.credit_class] + "失信"
                if r.credit_class
                else "",
                measure=mask_in_text(r.title, person),
                decided_on=r.decided_on,
                valid_until=validity_text(r),
                disclosure_until=r.disclosure_until,
                authority=r.deciding_unit or "",
            )
        )
    return out


def validity_text(record: CreditRecord) -> str:
    """处罚有效期 as text: 'YYYY-MM-DD 至 YYYY-MM-DD', 长期, or 一次性."""
    if record.ends_on is not None:
        return f"{record.starts_on.isoformat()} 至 {record.ends_on.isoformat()}"
    if record.is_permanent:
        return "长期"
    return "一次性"
