"""Misconduct cases: states, the transition table, parties, deadlines, evidence, decisions.

The state machine follows domain-rules §D(i). `TRANSITIONS` is the one table that answers
"from which state may who move a case where, with written reasons or not, and which legal
deadline starts": services consult it, the web shows it, tests parametrise over it.

Reporter identity (name, contact, linked person, tip credentials) is marked
`info={"audit": "redact"}` so it never enters the audit chain; evidence, events, messages,
interviews and documents are append-only (a flush that updates or deletes them fails with
`EvidenceImmutable`): they are superseded by new rows, never changed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.kernel.accounts import Permission, User
from archive.kernel.db import Base, enum_column, guard_append_only, utcnow
from archive.kernel.files import StoredFile
from archive.kernel.people import Person
from casework.catalogue import CreditClass, MisconductType
from casework.errors import EvidenceImmutable

P = Permission
REDACT = {"audit": "redact"}


class CaseState(enum.StrEnum):
    """Where a case is (domain-rules §D(i))."""

    RECEIVED = "received"
    SCREENING = "screening"
    REJECTED = "rejected"
    ACCEPTED = "accepted"
    INVESTIGATING = "investigating"
    SUSPENDED = "suspended"
    REPORT_DRAFT = "report_draft"
    RESPONDENT_COMMENT = "respondent_comment"
    DETERMINATION = "determination"
    DECIDED = "decided"
    CLEARED = "cleared"
    NOTIFIED = "notified"
    APPEAL_WINDOW = "appeal_window"
    APPEAL = "appeal"
    REVIEW = "review"
    FINAL = "final"
    SANCTIONS_ACTIVE = "sanctions_active"
    TERMINATED = "terminated"
    TRANSFERRED = "transferred"
    ARCHIVED = "archived"


STATE_LABELS: dict[CaseState, str] = {
    CaseState.RECEIVED: "已接收",
    CaseState.SCREENING: "初核中",
    CaseState.REJECTED: "不予受理",
    CaseState.ACCEPTED: "已受理",
    CaseState.INVESTIGATING: "调查中",
    CaseState.SUSPENDED: "中止调查",
    CaseState.REPORT_DRAFT: "调查报告起草",
    CaseState.RESPONDENT_COMMENT: "被举报人陈述申辩",
    CaseState.DETERMINATION: "学术委员会认定",
    CaseState.DECIDED: "已作出处理决定",
    CaseState.CLEARED: "认定不构成学术不端",
    CaseState.NOTIFIED: "已发出决定书",
    CaseState.APPEAL_WINDOW: "申诉期",
    CaseState.APPEAL: "申诉待受理",
    CaseState.REVIEW: "复查中",
    CaseState.FINAL: "决定已生效",
    CaseState.SANCTIONS_ACTIVE: "处理措施执行中",
    CaseState.TERMINATED: "终止调查",
    CaseState.TRANSFERRED: "已移送",
    CaseState.ARCHIVED: "已归档",
}

# Board columns (ux-anchors §2): 受理初核 → 调查 → 认定 → 决定 → 复核 → 结案.
BOARD_COLUMNS: tuple[tuple[str, tuple[CaseState, ...]], ...] = (
    ("受理初核", (CaseState.RECEIVED, CaseState.SCREENING, CaseState.ACCEPTED)),
    (
        "调查",
        (
            CaseState.INVESTIGATING,
            CaseState.SUSPENDED,
            CaseState.REPORT_DRAFT,
            CaseState.RESPONDENT_COMMENT,
        ),
    ),
    ("认定", (CaseState.DETERMINATION,)),
    ("决定", (CaseState.DECIDED, CaseState.CLEARED, CaseState.NOTIFIED)),
    ("复核", (CaseState.APPEAL_WINDOW, CaseState.APPEAL, CaseState.REVIEW)),
    (
        "结案",
        (
            CaseState.FINAL,
            CaseState.SANCTIONS_ACTIVE,
            CaseState.REJECTED,
            CaseState.TERMINATED,
            CaseState.TRANSFERRED,
        ),
    ),
)

CLOSED_STATES = frozenset(
    {
        CaseState.REJECTED,
        CaseState.FINAL,
        CaseState.SANCTIONS_ACTIVE,
        CaseState.TERMINATED,
        CaseState.TRANSFERRED,
        CaseState.ARCHIVED,
    }
)


class Who(enum.StrEnum):
    """Who may trigger a transition (a permission, plus per-case rules for panel and parties)."""

    INTAKE = "intake"  # 诚信办 / intake office: CASE_INTAKE
    COMMITTEE = "committee"  # 学术委员会: CASE_DECIDE
    PANEL_LEAD = "panel_lead"  # the lead of this case's panel (CASE_INVESTIGATE)
    APPELLANT = (
        "appellant"  # a respondent of this case, or the office recording a paper appeal
    )
    ARCHIVIST = "archivist"  # ARCHIVE_CASE_FILES (诚信办 investigators, 纪委)


WHO_LABELS = {
    Who.INTAKE: "诚信办（受理）",
    Who.COMMITTEE: "学术委员会",
    Who.PANEL_LEAD: "调查组组长",
    Who.APPELLANT: "被举报人或诚信办代为登记",
    Who.ARCHIVIST: "档案管理人员",
}

WHO_PERMISSIONS: dict[Who, tuple[Permission, ...]] = {
    Who.INTAKE: (P.CASE_INTAKE,),
    Who.COMMITTEE: (P.CASE_DECIDE,),
    Who.PANEL_LEAD: (P.CASE_INVESTIGATE,),
    Who.APPELLANT: (P.CASE_INTAKE, P.SELF_SERVICE),
    Who.ARCHIVIST: (P.ARCHIVE_CASE_FILES,),
}


class DeadlineRule(enum.StrEnum):
    """Which legal deadline starts when a state is entered (figures come from settings)."""

    LOG_SAME_DAY = "log_same_day"
    SCREENING = "screening"
    INVESTIGATION = "investigation"
    RESPONDENT_COMMENT = "respondent_comment"
    APPEAL_WINDOW = "appeal_window"
    APPEAL_ACCEPTANCE = "appeal_acceptance"


@dataclass(frozen=True)
class Transition:
    """One allowed move: who may make it, whether reasons are required, its label."""

    source: CaseState
    target: CaseState
    who: Who
    label: str
    reason_required: bool = False


S = CaseState
_T = Transition
TRANSITIONS: dict[tuple[CaseState, CaseState], Transition] = {
    (t.source, t.target): t
    for t in (
        _T(S.RECEIVED, S.SCREENING, Who.INTAKE, "开始初核"),
        _T(S.RECEIVED, S.TRANSFERRED, Who.INTAKE, "移送（不属本校管辖）", True),
        _T(S.SCREENING, S.ACCEPTED, Who.INTAKE, "予以受理", True),
        _T(S.SCREENING, S.REJECTED, Who.INTAKE, "不予受理", True),
        _T(S.SCREENING, S.TRANSFERRED, Who.INTAKE, "移送", True),
        _T(S.REJECTED, S.SCREENING, Who.INTAKE, "举报人异议，重新初核", True),
        _T(S.ACCEPTED, S.INVESTIGATING, Who.COMMITTEE, "启动正式调查", True),
        _T(S.ACCEPTED, S.TERMINATED, Who.COMMITTEE, "终止", True),
        _T(S.INVESTIGATING, S.REPORT_DRAFT, Who.PANEL_LEAD, "形成调查报告草稿"),
        _T(S.INVESTIGATING, S.SUSPENDED, Who.PANEL_LEAD, "中止调查", True),
        _T(S.INVESTIGATING, S.TERMINATED, Who.COMMITTEE, "终止调查", True),
        _T(S.INVESTIGATING, S.TRANSFERRED, Who.COMMITTEE, "移送纪委/司法机关", True),
        _T(S.SUSPENDED, S.INVESTIGATING, Who.PANEL_LEAD, "恢复调查", True),
        _T(S.SUSPENDED, S.TERMINATED, Who.COMMITTEE, "终止调查", True),
        _T(S.REPORT_DRAFT, S.RESPONDENT_COMMENT, Who.PANEL_LEAD, "送被举报人陈述申辩"),
        _T(S.REPORT_DRAFT, S.INVESTIGATING, Who.PANEL_LEAD, "补充调查", True),
        _T(S.RESPONDENT_COMMENT, S.DETERMINATION, Who.PANEL_LEAD, "提交学术委员会认定"),
        _T(
            S.DETERMINATION,
            S.DECIDED,
            Who.COMMITTEE,
            "认定构成学术不端并作出处理决定",
            True,
        ),
        _T(S.DETERMINATION, S.CLEARED, Who.COMMITTEE, "认定不构成学术不端", True),
        _T(S.DETERMINATION, S.INVESTIGATING, Who.COMMITTEE, "退回补充调查", True),
        _T(S.DECIDED, S.NOTIFIED, Who.INTAKE, "送达处理决定书"),
        _T(S.CLEARED, S.NOTIFIED, Who.INTAKE, "送达认定结论（恢复名誉）"),
        _T(S.NOTIFIED, S.APPEAL_WINDOW, Who.INTAKE, "确认送达，申诉期起算"),
        _T(S.APPEAL_WINDOW, S.APPEAL, Who.APPELLANT, "提出申诉（复核）", True),
        _T(S.APPEAL_WINDOW, S.FINAL, Who.INTAKE, "申诉期届满，决定生效"),
        _T(S.APPEAL, S.REVIEW, Who.COMMITTEE, "受理申诉，进行复查", True),
        _T(S.APPEAL, S.FINAL, Who.COMMITTEE, "不予受理申诉，决定生效", True),
        _T(S.REVIEW, S.FINAL, Who.COMMITTEE, "复查维持原决定", True),
        _T(S.REVIEW, S.DETERMINATION, Who.COMMITTEE, "复查后重新认定", True),
        _T(S.REVIEW, S.INVESTIGATING, Who.COMMITTEE, "复查后重新调查", True),
        _T(
            S.FINAL,
            S.SANCTIONS_ACTIVE,
            Who.INTAKE,
            "处理措施交付执行（信用档案、惩戒名单）",
        ),
        _T(S.FINAL, S.ARCHIVED, Who.ARCHIVIST, "归档"),
        _T(S.SANCTIONS_ACTIVE, S.ARCHIVED, Who.ARCHIVIST, "归档"),
        _T(S.REJECTED, S.ARCHIVED, Who.ARCHIVIST, "归档"),
        _T(S.TERMINATED, S.ARCHIVED, Who.ARCHIVIST, "归档"),
        _T(S.TRANSFERRED, S.ARCHIVED, Who.ARCHIVIST, "归档"),
    )
}

DEADLINE_ON_ENTRY: dict[CaseState, DeadlineRule] = {
    S.RECEIVED: DeadlineRule.LOG_SAME_DAY,
    S.SCREENING: DeadlineRule.SCREENING,
    S.INVESTIGATING: DeadlineRule.INVESTIGATION,
    S.RESPONDENT_COMMENT: DeadlineRule.RESPONDENT_COMMENT,
    S.APPEAL_WINDOW: DeadlineRule.APPEAL_WINDOW,
    S.APPEAL: DeadlineRule.APPEAL_ACCEPTANCE,
}

DEADLINE_LABELS = {
    DeadlineRule.LOG_SAME_DAY: "当日登记",
    DeadlineRule.SCREENING: "初核（受理或不予受理）",
    DeadlineRule.INVESTIGATION: "调查期限",
    DeadlineRule.RESPONDENT_COMMENT: "被举报人陈述申辩期",
    DeadlineRule.APPEAL_WINDOW: "申诉期",
    DeadlineRule.APPEAL_ACCEPTANCE: "申诉受理审查",
}


def allowed_targets(state: CaseState) -> list[Transition]:
    """The moves the table allows from `state`, in table order."""
    return [t for (src, _dst), t in TRANSITIONS.items() if src == state]


class CaseSource(enum.StrEnum):
    """Where an allegation came from."""

    SCREENING = "screening"
    NAMED = "named"
    ANONYMOUS = "anonymous"
    MEDIA = "media"
    INITIATIVE = "initiative"


SOURCE_LABELS = {
    CaseSource.SCREENING: "查重报告",
    CaseSource.NAMED: "实名举报",
    CaseSource.ANONYMOUS: "匿名举报",
    CaseSource.MEDIA: "媒体报道",
    CaseSource.INITIATIVE: "主动调查",
}


class Outcome(enum.StrEnum):
    """How a case ended (for reports)."""

    REJECTED = "rejected"
    MISCONDUCT = "misconduct"
    CLEARED = "cleared"
    TERMINATED = "terminated"
    TRANSFERRED = "transferred"


OUTCOME_LABELS = {
    Outcome.REJECTED: "不予受理",
    Outcome.MISCONDUCT: "构成学术不端",
    Outcome.CLEARED: "不构成学术不端",
    Outcome.TERMINATED: "终止调查",
    Outcome.TRANSFERRED: "移送",
}


class Case(Base):
    """One allegation and everything done about it; `version` guards concurrent edits."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text, default="")
    allegation: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[CaseSource] = mapped_column(enum_column(CaseSource))
    state: Mapped[CaseState] = mapped_column(enum_column(CaseState), index=True)
    state_entered_on: Mapped[date]
    misconduct_type: Mapped[MisconductType | None] = mapped_column(
        enum_column(MisconductType)
    )
    unit: Mapped[str | None] = mapped_column(String(128))
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    opened_on: Mapped[date]
    accepted_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    screening_submission_id: Mapped[int | None]
    credit_handoff: Mapped[str | None] = mapped_column(String(32))
    archive_status: Mapped[str | None] = mapped_column(String(32))
    archive_record_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    parties: Mapped[list[CaseParty]] = relationship(
        back_populates="case", lazy="selectin", order_by="CaseParty.id"
    )

    @property
    def state_label(self) -> str:
        """The Chinese name of the state."""
        return STATE_LABELS[self.state]

    @property
    def is_closed(self) -> bool:
        """True once the case left the active workflow."""
        return self.state in CLOSED_STATES

    @property
    def respondents(self) -> list[CaseParty]:
        """The respondents (not reporters) of the case."""
        return list(self.parties)


class Finding(enum.StrEnum):
    """The committee's finding for one respondent."""

    MISCONDUCT = "misconduct"
    NOT_ESTABLISHED = "not_established"


class CaseParty(Base):
    """A respondent (teacher, student, unit) of a case, with the committee's finding."""

    __tablename__ = "case_parties"
    __table_args__ = (UniqueConstraint("case_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role_note: Mapped[str | None] = mapped_column(String(128))
    finding: Mapped[Finding | None] = mapped_column(enum_column(Finding))
    finding_type: Mapped[MisconductType | None] = mapped_column(
        enum_column(MisconductType)
    )
    finding_facts: Mapped[str | None] = mapped_column(Text)
    is_serious: Mapped[bool] = mapped_column(default=False)
    appeal_due_on: Mapped[date | None]
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="parties")
    person: Mapped[Person] = relationship(lazy="joined")


class CaseReporter(Base):
    """Who made the allegation. Every identifying column is redacted from the audit chain."""

    __tablename__ = "case_reporters"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str | None] = mapped_column(String(128), info=REDACT)
    contact: Mapped[str | None] = mapped_column(String(255), info=REDACT)
    unit: Mapped[str | None] = mapped_column(String(128), info=REDACT)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), info=REDACT)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=REDACT)
    receipt_digest: Mapped[str | None] = mapped_column(
        String(64), unique=True, info=REDACT
    )
    password_hash: Mapped[str | None] = mapped_column(String(255), info=REDACT)
    last_seen_at: Mapped[datetime | None]


class CaseEvent(Base):
    """One step of the timeline: a transition or another recorded act (append-only)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[CaseState | None] = mapped_column(enum_column(CaseState))
    to_state: Mapped[CaseState | None] = mapped_column(enum_column(CaseState))
    summary: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(Text)
    is_internal: Mapped[bool] = mapped_column(default=True)


class CaseDeadline(Base):
    """The legal deadline of one state visit; `met_on` is set when the state is left."""

    __tablename__ = "case_deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    rule: Mapped[DeadlineRule] = mapped_column(enum_column(DeadlineRule))
    state: Mapped[CaseState] = mapped_column(enum_column(CaseState))
    starts_on: Mapped[date]
    due_on: Mapped[date]
    original_due_on: Mapped[date]
    basis: Mapped[str] = mapped_column(String(255))
    met_on: Mapped[date | None]
    paused_on: Mapped[date | None]
    alert: Mapped[str | None] = mapped_column(String(16))

    @property
    def label(self) -> str:
        """The Chinese name of the deadline."""
        return DEADLINE_LABELS[self.rule]

    @property
    def is_open(self) -> bool:
        """True while the state it belongs to has not been left."""
        return self.met_on is None


class DeadlineExtension(Base):
    """An approved extension of a deadline, with its reason (append-only)."""

    __tablename__ = "case_deadline_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(
        ForeignKey("case_deadlines.id"), index=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    old_due_on: Mapped[date]
    new_due_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str | None] = mapped_column(String(128))
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime] = mapped_column(default=utcnow)


class Holiday(Base):
    """A day off (法定节假日) or a make-up working day (调休上班, `is_workday`)."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(64))
    is_workday: Mapped[bool] = mapped_column(default=False)


class CaseReminder(Base):
    """An inbox item: a deadline of a case the user works on is due soon or overdue."""

    __tablename__ = "case_reminders"
    __table_args__ = (UniqueConstraint("user_id", "deadline_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    deadline_id: Mapped[int] = mapped_column(ForeignKey("case_deadlines.id"))
    level: Mapped[str] = mapped_column(String(16))
    created_on: Mapped[date]
    read_at: Mapped[datetime | None]


class PanelMember(Base):
    """A member of a case's investigation panel, with the recusal check done at assignment."""

    __tablename__ = "case_panel_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    is_lead: Mapped[bool] = mapped_column(default=False)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    removed_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


class Relation(enum.StrEnum):
    """Relations that require recusal (教育部令第40号 Art 19)."""

    COAUTHOR = "coauthor"
    RELATIVE = "relative"
    SUPERVISOR = "supervisor"
    SAME_UNIT = "same_unit"
    PARTY = "party"
    OTHER = "other"


RELATION_LABELS = {
    Relation.COAUTHOR: "合作者",
    Relation.RELATIVE: "亲属",
    Relation.SUPERVISOR: "师生/指导关系",
    Relation.SAME_UNIT: "同一单位同事",
    Relation.PARTY: "本案当事人",
    Relation.OTHER: "其他利害关系",
}


class ConflictDeclaration(Base):
    """A declared or flagged relation between a user and a party of a case."""

    __tablename__ = "case_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    relation: Mapped[Relation] = mapped_column(enum_column(Relation))
    note: Mapped[str | None] = mapped_column(Text)
    is_self_declared: Mapped[bool] = mapped_column(default=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecusalCheck(Base):
    """The record of one assignment check: who was checked, what was found."""

    __tablename__ = "case_recusal_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_clear: Mapped[bool]
    findings: Mapped[list[Any]]


class EvidenceKind(enum.StrEnum):
    """What an evidence item is."""

    FILE = "file"
    NOTE = "note"
    SCREENING_REPORT = "screening_report"
    TIP_ATTACHMENT = "tip_attachment"
    REPORT_DRAFT = "report_draft"


EVIDENCE_LABELS = {
    EvidenceKind.FILE: "文件",
    EvidenceKind.NOTE: "说明",
    EvidenceKind.SCREENING_REPORT: "查重报告",
    EvidenceKind.TIP_ATTACHMENT: "举报附件",
    EvidenceKind.REPORT_DRAFT: "调查报告草稿",
}


class Evidence(Base):
    """A file or note attached to a case (append-only; a correction supersedes it)."""

    __tablename__ = "case_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind))
    title: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    received_from: Mapped[str | None] = mapped_column(String(128))
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    sha256: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any] | None]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_by_label: Mapped[str] = mapped_column(String(160))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("case_evidence.id"))

    stored_file: Mapped[StoredFile | None] = relationship(lazy="joined")


class Interview(Base):
    """An interview record (谈话笔录): two interviewers, a signed scan (append-only)."""

    __tablename__ = "case_interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    interviewee: Mapped[str] = mapped_column(String(128))
    held_on: Mapped[date]
    place: Mapped[str | None] = mapped_column(String(128))
    interviewer1_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    interviewer2_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(Text)
    signed_scan_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("case_interviews.id"))

    signed_scan: Mapped[StoredFile] = relationship(lazy="joined")


class Thread(enum.StrEnum):
    """Message threads of a case, kept apart (ux-anchors §2)."""

    REPORTER = "reporter"  # 与举报人沟通
    INTERNAL = "internal"  # 内部备注
    RESPONDENT = "respondent"  # 陈述申辩 / 与被举报人沟通


class CaseMessage(Base):
    """A message in one thread (append-only). Reporter-thread bodies may identify the reporter."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    thread: Mapped[Thread] = mapped_column(enum_column(Thread))
    from_outside: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_label: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    is_question: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseDecision(Base):
    """A decision of the committee (original or after review), with its vote and number."""

    __tablename__ = "case_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # original / review
    is_misconduct: Mapped[bool]
    decided_on: Mapped[date]
    basis: Mapped[str] = mapped_column(Text)
    vote: Mapped[str | None] = mapped_column(String(255))
    reasons: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    deciding_unit: Mapped[str] = mapped_column(String(128))


class SanctionStatus(enum.StrEnum):
    """Where a sanction stands: decided, in force, handed to credit."""

    PROPOSED = "proposed"
    DECIDED = "decided"
    ACTIVE = "active"
    HANDED_OFF = "handed_off"
    WITHDRAWN = "withdrawn"


class CaseSanction(Base):
    """One sanction from the catalogue (§D(ii)) against one respondent."""

    __tablename__ = "case_sanctions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("case_parties.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("case_decisions.id"))
    code: Mapped[str] = mapped_column(String(8))
    months: Mapped[int | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    is_public: Mapped[bool] = mapped_column(default=False)
    report_to_province: Mapped[bool] = mapped_column(default=False)
    credit_class: Mapped[CreditClass] = mapped_column(enum_column(CreditClass))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[SanctionStatus] = mapped_column(enum_column(SanctionStatus))
    handed_off_at: Mapped[datetime | None]

    party: Mapped[CaseParty] = relationship(lazy="joined")


class DocumentKind(enum.StrEnum):
    """Generated or filed documents (文书)."""

    DECISION_LETTER = "decision_letter"
    CLEARANCE_LETTER = "clearance_letter"
    REJECTION_NOTICE = "rejection_notice"
    REVIEW_DECISION = "review_decision"


DOCUMENT_LABELS = {
    DocumentKind.DECISION_LETTER: "学术不端行为处理决定书",
    DocumentKind.CLEARANCE_LETTER: "认定结论通知书（恢复名誉）",
    DocumentKind.REJECTION_NOTICE: "不予受理通知书",
    DocumentKind.REVIEW_DECISION: "复查决定书",
}


class CaseDocument(Base):
    """A letter addressed to a respondent, stored as a PDF (append-only)."""

    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("case_parties.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("case_decisions.id"))
    title: Mapped[str] = mapped_column(String(255))
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("case_documents.id"))

    stored_file: Mapped[StoredFile] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        """The Chinese name of the kind."""
        return DOCUMENT_LABELS[self.kind]


class Appeal(Base):
    """An appeal (申诉/复核申请) by a respondent, and what the review body did with it."""

    __tablename__ = "case_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("case_parties.id"))
    filed_on: Mapped[date]
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    grounds: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    outcome_on: Mapped[date | None]


_APPEND_ONLY = (
    Evidence,
    Interview,
    CaseEvent,
    CaseMessage,
    CaseDocument,
    DeadlineExtension,
)


guard_append_only(
    _APPEND_ONLY,
    lambda obj: EvidenceImmutable(
        "已附卷的材料不能修改或删除，只能以新材料替代 "
        "(attached records cannot be changed or removed, only superseded)",
        entity=obj.__tablename__,
        entity_id=getattr(obj, "id", None),
    ),
)
