"""Credit tables: records (append-only) and their events, commitments, rules, grades,
repair applications, reports and the provincial export log.

A credit record's substance is never updated or deleted. What happens to it later
(disclosure ended, expired, repaired, corrected) is a new `CreditRecordEvent`, and a
correction is a new record whose `corrects_id` points at the old one; the current state
of a record is derived from its dates and events (`casework.credit.files.record_state`).
Every event's id is also the change sequence the provincial export reads incrementally.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.kernel.db import Base, enum_column, guard_append_only, utcnow
from archive.kernel.people import Person
from casework.catalogue import CreditClass
from casework.credit.errors import RecordImmutable


class RecordKind(enum.StrEnum):
    """What a credit record says about its subject."""

    DISHONESTY = "dishonesty"  # 失信记录 (from a decision or a broken commitment)
    HONOUR = "honour"  # 守信/荣誉 (integrity awards and the like)
    CLEARANCE = "clearance"  # 澄清/恢复名誉 (an allegation found unfounded)


RECORD_KIND_LABELS = {
    RecordKind.DISHONESTY: "失信记录",
    RecordKind.HONOUR: "守信荣誉",
    RecordKind.CLEARANCE: "澄清记录",
}


class RecordEventKind(enum.StrEnum):
    """Things that happen to a record after it was written."""

    CREATED = "created"
    DISCLOSURE_ENDED = "disclosure_ended"  # 公示期满
    EXPIRED = "expired"  # 惩戒期满
    REPAIRED = "repaired"  # 信用修复
    CORRECTED = "corrected"  # superseded by a correcting record


EVENT_LABELS = {
    RecordEventKind.CREATED: "记入",
    RecordEventKind.DISCLOSURE_ENDED: "公示期满",
    RecordEventKind.EXPIRED: "惩戒期满",
    RecordEventKind.REPAIRED: "信用修复",
    RecordEventKind.CORRECTED: "已更正",
}


class CreditRecord(Base):
    """One entry of a credit file; append-only (corrections are new records)."""

    __tablename__ = "credit_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[RecordKind] = mapped_column(enum_column(RecordKind))
    title: Mapped[str] = mapped_column(String(255))
    credit_class: Mapped[CreditClass | None] = mapped_column(enum_column(CreditClass))
    sanction_code: Mapped[str | None] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(32))  # case / commitment / manual
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    case_number: Mapped[str | None] = mapped_column(String(32))
    decision_number: Mapped[str | None] = mapped_column(String(64))
    deciding_unit: Mapped[str | None] = mapped_column(String(128))
    misconduct_type: Mapped[str | None] = mapped_column(String(128))
    decided_on: Mapped[date]
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]  # end of the measure; None: one-off or permanent
    is_permanent: Mapped[bool] = mapped_column(default=False)
    disclosure_until: Mapped[date | None]  # 公示截止期; None: never disclosed
    is_public: Mapped[bool] = mapped_column(default=False)
    report_to_province: Mapped[bool] = mapped_column(default=False)
    is_repairable: Mapped[bool] = mapped_column(default=True)
    is_ban: Mapped[bool] = mapped_column(default=False)
    signature_id: Mapped[int | None] = mapped_column(
        ForeignKey("credit_commitment_signatures.id")
    )
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("credit_records.id"))
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    person: Mapped[Person] = relationship(lazy="joined")
    events: Mapped[list[CreditRecordEvent]] = relationship(
        back_populates="record", lazy="selectin", order_by="CreditRecordEvent.id"
    )

    @property
    def kind_label(self) -> str:
        """The Chinese name of the kind."""
        return RECORD_KIND_LABELS[self.kind]


class CreditRecordEvent(Base):
    """Something that happened to a record; its id is the export's change sequence."""

    __tablename__ = "credit_record_events"
    __table_args__ = (UniqueConstraint("record_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("credit_records.id"), index=True)
    kind: Mapped[RecordEventKind] = mapped_column(enum_column(RecordEventKind))
    effective_on: Mapped[date]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    repair_id: Mapped[int | None] = mapped_column(ForeignKey("credit_repairs.id"))

    record: Mapped[CreditRecord] = relationship(back_populates="events")

    @property
    def label(self) -> str:
        """The Chinese name of the event."""
        return EVENT_LABELS[self.kind]


class Occasion(enum.StrEnum):
    """Occasions with a credit commitment (信用承诺), from the 2024 plan."""

    EXAM = "exam"
    ADMISSION = "admission"
    PROJECT_APPLICATION = "project_application"
    TITLE_EVALUATION = "title_evaluation"
    STUDENT_AID = "student_aid"
    PERFORMANCE_REVIEW = "performance_review"
    AWARD = "award"
    DATA_REPORTING = "data_reporting"
    CREDIT_REPAIR = "credit_repair"


OCCASION_LABELS = {
    Occasion.EXAM: "考试",
    Occasion.ADMISSION: "招生",
    Occasion.PROJECT_APPLICATION: "项目申报",
    Occasion.TITLE_EVALUATION: "职称评定",
    Occasion.STUDENT_AID: "学生资助",
    Occasion.PERFORMANCE_REVIEW: "绩效考核",
    Occasion.AWARD: "评优评先",
    Occasion.DATA_REPORTING: "数据统计",
    Occasion.CREDIT_REPAIR: "信用修复",
}


class CommitmentTemplate(Base):
    """A commitment form for one occasion; its text lives in versions."""

    __tablename__ = "credit_commitment_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    occasion: Mapped[Occasion] = mapped_column(enum_column(Occasion), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[CommitmentVersion]] = relationship(
        back_populates="template", lazy="selectin", order_by="CommitmentVersion.number"
    )

    @property
    def occasion_label(self) -> str:
        """The Chinese name of the occasion."""
        return OCCASION_LABELS[self.occasion]

    @property
    def current(self) -> CommitmentVersion:
        """The newest version (what new signers sign)."""
        return self.versions[-1]


class CommitmentVersion(Base):
    """One text of a template; never edited, a save makes a new version."""

    __tablename__ = "credit_commitment_versions"
    __table_args__ = (UniqueConstraint("template_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("credit_commitment_templates.id"), index=True
    )
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    template: Mapped[CommitmentTemplate] = relationship(back_populates="versions")


class CommitmentSignature(Base):
    """A person's signature under one version of a commitment, with time and account."""

    __tablename__ = "credit_commitment_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("credit_commitment_versions.id"))
    context: Mapped[str] = mapped_column(String(255), default="")
    text_sha256: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    version: Mapped[CommitmentVersion] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")


class EvaluationKind(enum.StrEnum):
    """Separate evaluations: teacher ethics, student integrity, units."""

    TEACHER_ETHICS = "teacher_ethics"
    STUDENT_INTEGRITY = "student_integrity"
    UNIT = "unit"


EVALUATION_LABELS = {
    EvaluationKind.TEACHER_ETHICS: "师德师风评价",
    EvaluationKind.STUDENT_INTEGRITY: "学生诚信评价",
    EvaluationKind.UNIT: "单位信用评价",
}


class RuleSet(Base):
    """One version of the evaluation rules of one kind, stored as data (JSON)."""

    __tablename__ = "credit_rule_sets"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EvaluationKind] = mapped_column(enum_column(EvaluationKind))
    version: Mapped[int]
    rules: Mapped[dict[str, Any]]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def kind_label(self) -> str:
        """The Chinese name of the evaluation kind."""
        return EVALUATION_LABELS[self.kind]


class CreditGrade(Base):
    """A computed grade: which rule version made it, from which records, and why."""

    __tablename__ = "credit_grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[EvaluationKind] = mapped_column(enum_column(EvaluationKind))
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("credit_rule_sets.id"))
    score: Mapped[int]
    grade: Mapped[str] = mapped_column(String(1))
    as_of: Mapped[date]
    explanation: Mapped[list[Any]]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    rule_set: Mapped[RuleSet] = relationship(lazy="joined")


class RepairStatus(enum.StrEnum):
    """Where a repair application stands (已提交 → 已修复 / 不予修复)."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REFUSED = "refused"


REPAIR_STATUS_LABELS = {
    RepairStatus.SUBMITTED: "审核中",
    RepairStatus.APPROVED: "已修复",
    RepairStatus.REFUSED: "不予修复",
}


class RepairApplication(Base):
    """An application to repair one dishonesty record (one open application per record)."""

    __tablename__ = "credit_repairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("credit_records.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[RepairStatus] = mapped_column(enum_column(RepairStatus))
    applied_on: Mapped[date]
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    statement: Mapped[str] = mapped_column(Text, default="")
    has_met_obligations: Mapped[bool] = mapped_column(default=False)
    obligations_evidence: Mapped[str] = mapped_column(Text, default="")
    proof_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    signature_id: Mapped[int | None] = mapped_column(
        ForeignKey("credit_commitment_signatures.id")
    )
    due_on: Mapped[date]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)

    record: Mapped[CreditRecord] = relationship(lazy="joined")

    @property
    def status_label(self) -> str:
        """The Chinese name of the status."""
        return REPAIR_STATUS_LABELS[self.status]


class CreditReport(Base):
    """An issued credit report: number, verification code, subject, as-of date, digest."""

    __tablename__ = "credit_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    verification_code: Mapped[str] = mapped_column(String(32), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    as_of: Mapped[date]
    scope: Mapped[str] = mapped_column(String(16))  # full / self
    summary: Mapped[dict[str, Any]]
    content_sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    person: Mapped[Person] = relationship(lazy="joined")


class CreditExport(Base):
    """One provincial export (报送): the change range it covered and the file it wrote."""

    __tablename__ = "credit_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    format: Mapped[str] = mapped_column(String(8))
    from_seq: Mapped[int]  # exclusive
    to_seq: Mapped[int]  # inclusive
    row_count: Mapped[int]
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(160), default="")


_APPEND_ONLY = (
    CreditRecord,
    CreditRecordEvent,
    CommitmentVersion,
    CommitmentSignature,
    RuleSet,
    CreditGrade,
    CreditReport,
    CreditExport,
)


guard_append_only(
    _APPEND_ONLY,
    lambda obj: RecordImmutable(
        "信用记录不能修改或删除，只能以新记录更正 "
        "(credit records cannot be changed or removed, only corrected)",
        entity=obj.__tablename__,
        entity_id=getattr(obj, "id", None),
    ),
)
