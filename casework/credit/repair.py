"""Credit repair (信用修复), §D(iii) and 令36: who may apply when, and the review.

Minimum periods from the start of the measure: 轻微 none (approved on application),
一般 3 months, 严重 1 year; database bans (S07/S09) only once the whole ban has run.
Not repairable: catalogue entries marked so (dismissal, expulsion, degree revocation) and
lifetime bans. Conditions: obligations met, and a signed 信用修复承诺书. The credit office
decides with written reasons within `credit_repair_review_working_days` working days. A
repaired record stays in the file marked 已修复; it is no longer disclosed or counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import audit, clock
from archive.kernel.accounts import Permission, User, require
from archive.kernel.calendar import add_months, add_working_days
from archive.kernel.db import settings_of, utcnow
from archive.kernel.errors import InvalidInput, PermissionDenied
from archive.kernel.files import (
    StoredFile,
    get_stored_file,
    read_verified,
    store_stream,
)
from casework.catalogue import CreditClass
from casework.credit.commitments import find_signature, sign_commitment, template_for
from casework.credit.errors import (
    RecordNotRepairable,
    RepairAlreadyApplied,
    RepairAlreadyDecided,
    RepairConditionsNotMet,
    RepairNotFound,
    RepairTooEarly,
)
from casework.credit.evaluation import recompute_grade
from casework.credit.files import (
    MIN_REPAIR_MONTHS,
    WHOLE_BAN_CODES,
    add_event,
    get_record,
    record_state,
    subject_of_user,
)
from casework.credit.models import (
    CommitmentSignature,
    CreditRecord,
    Occasion,
    RecordEventKind,
    RecordKind,
    RepairApplication,
    RepairStatus,
)


@dataclass(frozen=True)
class Eligibility:
    """Whether a record can be repaired, and from which day (可申请日期)."""

    is_repairable: bool
    possible_on: date | None
    reason: str
    min_months: int | None = None  # the minimum period, when that is the reason

    def is_possible(self, on: date) -> bool:
        """True when an application may be made on `on`."""
        return (
            self.is_repairable
            and self.possible_on is not None
            and on >= self.possible_on
        )


def eligibility(record: CreditRecord, on: date | None = None) -> Eligibility:
    """Whether and from when the record may be repaired (ignoring open applications)."""
    on = on or clock.today()
    state = record_state(record, on)
    if record.kind is not RecordKind.DISHONESTY or record.credit_class is None:
        return Eligibility(False, None, "非失信记录，无需修复")
    if state.is_repaired:
        return Eligibility(False, None, "该记录已修复")
    if state.is_corrected:
        return Eligibility(False, None, "该记录已被更正，请对更正后的记录申请")
    if record.is_ban and record.ends_on is None:
        return Eligibility(False, None, "终身禁止类措施不予修复")
    if not record.is_repairable:
        return Eligibility(False, None, f"{record.title}属于依规不可修复的失信记录")
    if record.sanction_code in WHOLE_BAN_CODES and record.ends_on is not None:
        possible = record.ends_on + timedelta(days=1)
        return Eligibility(
            True, possible, "严重失信数据库/禁止类措施须执行期满后方可申请"
        )
    months = MIN_REPAIR_MONTHS[record.credit_class]
    possible = add_months(record.starts_on, months)
    return Eligibility(True, possible, f"最短公示/执行期 {months} 个月", months)


def _open_or_approved(session: Session, record_id: int) -> RepairApplication | None:
    return session.scalars(
        select(RepairApplication).where(
            RepairApplication.record_id == record_id,
            RepairApplication.status.in_(
                [RepairStatus.SUBMITTED, RepairStatus.APPROVED]
            ),
        )
    ).first()


def apply_for_repair(
    session: Session,
    *,
    actor: User,
    record_id: int,
    statement: str,
    has_met_obligations: bool,
    obligations_evidence: str = "",
    sign_repair_commitment: bool = False,
    proof: tuple[BinaryIO, str, str] | None = None,
) -> RepairApplication:
    """The subject applies to repair one of their records.

    `proof` is an optional (stream, file name, media type) showing the duty is done.

    Raises:
        RepairAlreadyApplied: an application is open or was approved.
        RecordNotRepairable: the record may never be repaired.
        RepairTooEarly: before the minimum period; `details["possible_on"]` says when.
        RepairConditionsNotMet: obligations not met or no repair commitment signed.
    """
    record = get_record(session, record_id)
    today = clock.today()
    _check_may_apply(
        session,
        actor=actor,
        record=record,
        today=today,
        has_met_obligations=has_met_obligations,
    )
    signature = _repair_commitment(
        session, actor=actor, record=record, may_sign=sign_repair_commitment
    )
    if not statement.strip():
        raise InvalidInput("请填写修复申请说明 (statement required)")
    proof_file_id = None
    if proof is not None:
        stream, filename, media_type = proof
        proof_file_id = store_stream(
            session, stream, filename=filename, media_type=media_type
        ).id
    days = settings_of(session).credit_repair_review_working_days
    application = RepairApplication(
        record_id=record.id,
        person_id=record.person_id,
        status=RepairStatus.SUBMITTED,
        applied_on=today,
        applied_by_id=actor.id,
        statement=statement.strip(),
        has_met_obligations=True,
        obligations_evidence=obligations_evidence.strip(),
        proof_file_id=proof_file_id,
        signature_id=signature.id,
        due_on=add_working_days(session, today, days),
    )
    session.add(application)
    session.flush()
    if record.credit_class is CreditClass.MINOR:
        _approve(session, application, actor=None, reason="轻微失信，符合条件自动修复")
    return application


def _check_may_apply(
    session: Session,
    *,
    actor: User,
    record: CreditRecord,
    today: date,
    has_met_obligations: bool,
) -> None:
    """Raise unless the actor may apply to repair `record` today (see apply_for_repair)."""
    own = subject_of_user(session, actor)
    if own is None or own.id != record.person_id:
        raise PermissionDenied("只能为本人的失信记录申请修复 (own records only)")
    require(actor, Permission.SELF_SERVICE)
    if _open_or_approved(session, record.id) is not None:
        raise RepairAlreadyApplied(
            "该记录已提交修复申请，不能重复申请 (already applied)", record_id=record.id
        )
    elig = eligibility(record, today)
    if not elig.is_repairable:
        raise RecordNotRepairable(
            f"该记录不可申请信用修复：{elig.reason}", record_id=record.id
        )
    assert elig.possible_on is not None
    if today < elig.possible_on:
        raise RepairTooEarly(
            f"尚未满足最短期限，可申请日期：{elig.possible_on.isoformat()} "
            f"(repair possible from {elig.possible_on.isoformat()})",
            possible_on=elig.possible_on.isoformat(),
            record_id=record.id,
        )
    if not has_met_obligations:
        raise RepairConditionsNotMet(
            "须已纠正失信行为、履行相关义务后方可申请 (obligations must be met)"
        )


def _repair_commitment(
    session: Session, *, actor: User, record: CreditRecord, may_sign: bool
) -> CommitmentSignature:
    """The repair commitment signed since the record was made (signed now if allowed)."""
    signature = find_signature(
        session,
        person_id=record.person_id,
        occasion=Occasion.CREDIT_REPAIR,
        since=record.created_at,
    )
    if signature is None and may_sign:
        template = template_for(session, Occasion.CREDIT_REPAIR)
        signature = sign_commitment(
            session,
            actor=actor,
            version_id=template.current.id,
            context=f"信用修复：{record.title}",
        )
    if signature is None:
        raise RepairConditionsNotMet(
            "须签署信用修复承诺书 (a repair commitment is required)"
        )
    return signature


def _approve(
    session: Session, application: RepairApplication, *, actor: User | None, reason: str
) -> None:
    application.status = RepairStatus.APPROVED
    application.decided_at = utcnow()
    application.decided_by_id = actor.id if actor else None
    application.decision_reason = reason
    session.flush()
    add_event(
        session,
        record=application.record,
        kind=RecordEventKind.REPAIRED,
        actor=actor,
        note=reason,
        repair_id=application.id,
    )
    recompute_grade(session, person_id=application.person_id)


def decide_repair(
    session: Session, *, actor: User, repair_id: int, approve: bool, reason: str
) -> RepairApplication:
    """Approve or refuse an application, always with written reasons."""
    require(actor, Permission.CREDIT_MANAGE)
    application = get_repair(session, repair_id)
    if application.status is not RepairStatus.SUBMITTED:
        raise RepairAlreadyDecided(
            f"该申请已{application.status_label}，不能再次处理", repair_id=repair_id
        )
    if not reason.strip():
        raise InvalidInput("请写明审核理由 (reasons required)")
    if approve:
        _approve(session, application, actor=actor, reason=reason.strip())
    else:
        application.status = RepairStatus.REFUSED
        application.decided_at = utcnow()
        application.decided_by_id = actor.id
        application.decision_reason = reason.strip()
        session.flush()
    return application


def get_repair(session: Session, repair_id: int) -> RepairApplication:
    """A repair application by id, or `RepairNotFound`."""
    application = session.get(RepairApplication, repair_id)
    if application is None:
        raise RepairNotFound(f"修复申请不存在：{repair_id}", repair_id=repair_id)
    return application


def list_repairs(
    session: Session, *, actor: User, status: RepairStatus | None = None
) -> list[RepairApplication]:
    """Applications for the credit office, open ones first by due date."""
    require(actor, Permission.CREDIT_MANAGE)
    q = select(RepairApplication)
    if status is not None:
        q = q.where(RepairApplication.status == status)
    rows = list(session.scalars(q.order_by(RepairApplication.id.desc())))
    return sorted(
        rows, key=lambda a: (a.status is not RepairStatus.SUBMITTED, a.due_on)
    )


def list_repairs_of(session: Session, *, person_id: int) -> list[RepairApplication]:
    """A subject's applications, newest first."""
    return list(
        session.scalars(
            select(RepairApplication)
            .where(RepairApplication.person_id == person_id)
            .order_by(RepairApplication.id.desc())
        )
    )


def application_for(session: Session, record_id: int) -> RepairApplication | None:
    """The open or approved application of a record, if any."""
    return _open_or_approved(session, record_id)


def proof_of(
    session: Session, *, actor: User, repair_id: int
) -> tuple[StoredFile, bytes]:
    """The proof file of an application (credit staff, or the applicant), hash-checked.

    The download is audited.
    """
    application = get_repair(session, repair_id)
    own = subject_of_user(session, actor)
    if not actor.can(Permission.CREDIT_MANAGE) and (
        own is None or own.id != application.person_id
    ):
        raise PermissionDenied("无权查看该证明材料 (permission denied)")
    if application.proof_file_id is None:
        raise RepairNotFound("该申请没有上传证明材料", repair_id=repair_id)
    row = get_stored_file(session, application.proof_file_id)
    data = read_verified(session, row)
    audit.record_event(
        session,
        action="credit_repair_proof_download",
        entity_type="credit_repairs",
        entity_id=repair_id,
    )
    return row, data
