"""The investigation panel of a case, declared conflicts of interest and the recusal
checks made at each assignment (教育部令第40号 Art 19)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.kernel.accounts import User
from archive.kernel.db import Base, enum_column, utcnow


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
