"""Legal deadlines of a case: which deadline a state starts, each state visit's deadline,
approved extensions (append-only) and the reminders of the inbox."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from archive.kernel.db import Base, enum_column, guard_append_only, utcnow
from casework.errors import EvidenceImmutable
from casework.models.states import CaseState

S = CaseState


class DeadlineRule(enum.StrEnum):
    """Which legal deadline starts when a state is entered (figures come from settings)."""

    LOG_SAME_DAY = "log_same_day"
    SCREENING = "screening"
    INVESTIGATION = "investigation"
    RESPONDENT_COMMENT = "respondent_comment"
    APPEAL_WINDOW = "appeal_window"
    APPEAL_ACCEPTANCE = "appeal_acceptance"


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
    # How the deadline was met, where the rules name ways (陈述申辩: comment, waiver, elapsed).
    met_how: Mapped[str | None] = mapped_column(String(16))
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


guard_append_only((DeadlineExtension,), EvidenceImmutable.for_row)
