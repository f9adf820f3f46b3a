"""Who is in a case: the respondents (`CaseParty`, with the committee's finding) and the
reporter (`CaseReporter`), whose identifying columns never enter the audit chain."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.kernel.db import Base, enum_column, utcnow
from archive.kernel.people import Person
from casework.catalogue import MisconductType
from casework.models.cases import Case

REDACT = {"audit": "redact"}


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
