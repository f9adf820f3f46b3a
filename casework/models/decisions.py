"""What the committee decided: decisions (original or after review), the sanctions from
the catalogue (§D(ii)) against each respondent, and appeals against a decision."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.kernel.db import Base, enum_column
from casework.catalogue import CreditClass
from casework.models.parties import CaseParty


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
    # The specific measure of a grouped catalogue entry (S12 → 记过), named in the letter.
    level: Mapped[str | None] = mapped_column(String(32))
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
