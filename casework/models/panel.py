"""The investigation panel of a case, declared conflicts of interest and the recusal
checks made at each assignment (教育部令第40号 Art 19)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.kernel.accounts import Permission, User
from archive.kernel.db import Base, enum_column, utcnow
from archive.kernel.people import Person

EXTERNAL_EXPERT_LABEL = "校外专家"


class PanelExpert(Base):
    """An outside expert the office may put on a panel: a person with no account."""

    __tablename__ = "case_experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(default=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(lazy="joined")


def member_kind_label(user: User | None) -> str:
    """What a panel member is, in words: investigator, committee member or outside expert."""
    if user is None:
        return EXTERNAL_EXPERT_LABEL
    if user.can(Permission.CASE_INVESTIGATE):
        return "调查人员"
    if user.can(Permission.CASE_DECIDE):
        return "学术委员会委员"
    return "校内人员"


class PanelMember(Base):
    """A member of a case's investigation panel (an account holder or an outside expert),
    with the recusal check done at assignment."""

    __tablename__ = "case_panel_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    is_lead: Mapped[bool] = mapped_column(default=False)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    removed_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="joined")
    expert: Mapped[Person | None] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        """The member's name as pages show it."""
        if self.user is not None:
            return self.user.display_name
        return self.expert.name if self.expert is not None else ""

    @property
    def unit(self) -> str:
        """The member's unit (an expert's own institution)."""
        if self.user is not None:
            return self.user.unit or ""
        return (self.expert.unit or "") if self.expert is not None else ""

    @property
    def title(self) -> str:
        """An outside expert's title (教授, 研究员); empty for account holders."""
        return (self.expert.title or "") if self.expert is not None else ""

    @property
    def kind_label(self) -> str:
        """Investigator, committee member or outside expert."""
        return member_kind_label(self.user)


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
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    relation: Mapped[Relation] = mapped_column(enum_column(Relation))
    note: Mapped[str | None] = mapped_column(Text)
    is_self_declared: Mapped[bool] = mapped_column(default=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="joined")
    expert: Mapped[Person | None] = relationship(
        foreign_keys=[expert_id], lazy="joined"
    )
    person: Mapped[Person | None] = relationship(
        foreign_keys=[person_id], lazy="joined"
    )

    @property
    def member_name(self) -> str:
        """Who must recuse, by name."""
        if self.user is not None:
            return self.user.display_name
        return self.expert.name if self.expert is not None else ""


class RecusalCheck(Base):
    """The record of one assignment check: who was checked, what was found."""

    __tablename__ = "case_recusal_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_clear: Mapped[bool]
    findings: Mapped[list[Any]]

    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="joined")
    expert: Mapped[Person | None] = relationship(lazy="joined")
    checked_by: Mapped[User] = relationship(foreign_keys=[checked_by_id], lazy="joined")

    @property
    def name(self) -> str:
        """Who was checked, by name."""
        if self.user is not None:
            return self.user.display_name
        return self.expert.name if self.expert is not None else ""
