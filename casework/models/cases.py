"""The case: one allegation and everything done about it, where it came from, how it
ended, and its timeline (`CaseEvent`, append-only)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.kernel.db import Base, enum_column, guard_append_only, utcnow
from casework.catalogue import MisconductType
from casework.errors import EvidenceImmutable
from casework.models.states import CLOSED_STATES, STATE_LABELS, CaseState

if TYPE_CHECKING:
    from casework.models.parties import CaseParty


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


guard_append_only((CaseEvent,), EvidenceImmutable.for_row)
