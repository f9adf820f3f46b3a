"""Research records and case files as stored: the tables, their enums and Chinese labels.

A `Record` is one archival unit: a project, paper, thesis, data record, lab notebook, or the
case file of a closed misconduct case. It carries its people (with roles), keywords, unit,
discipline (the 67 CSL/national discipline names), dates, and files (each a content-addressed
`StoredFile`, stored once however often attached). Disposal requests and the tombstones
disposal leaves are here too; who may see a record is `archive.records.access`.

The effective restriction is kept on each row as a role bit mask and a seal date (see
`ROLE_BITS`), so that the search can filter inside its SQL.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.kernel.accounts import Role
from archive.kernel.db import Base, enum_column, utcnow
from archive.kernel.files import StoredFile


class RecordType(enum.StrEnum):
    """Kinds of archival record (科研档案 and 案卷)."""

    PROJECT = "project"
    PAPER = "paper"
    THESIS = "thesis"
    DATA = "data"
    NOTEBOOK = "notebook"
    CASE_FILE = "case_file"


RECORD_TYPE_LABELS: dict[RecordType, str] = {
    RecordType.PROJECT: "科研项目",
    RecordType.PAPER: "论文",
    RecordType.THESIS: "学位论文",
    RecordType.DATA: "科研数据",
    RecordType.NOTEBOOK: "实验记录",
    RecordType.CASE_FILE: "案卷",
}


class RetentionClass(enum.StrEnum):
    """Retention periods of 国家档案局令8号: permanent, or fixed 30 / 10 years."""

    PERMANENT = "permanent"
    Y30 = "30y"
    Y10 = "10y"


RETENTION_LABELS: dict[RetentionClass, str] = {
    RetentionClass.PERMANENT: "永久",
    RetentionClass.Y30: "30 年",
    RetentionClass.Y10: "10 年",
}
RETENTION_YEARS: dict[RetentionClass, int | None] = {
    RetentionClass.PERMANENT: None,
    RetentionClass.Y30: 30,
    RetentionClass.Y10: 10,
}
#: No record is kept for less than this (42 CFR 93.318, the ORI seven years).
MIN_RETENTION_YEARS = 7


class AccessLevel(enum.StrEnum):
    """A record's own restriction."""

    OPEN = "open"
    ROLES = "roles"
    SEALED = "sealed"


ACCESS_LABELS: dict[AccessLevel, str] = {
    AccessLevel.OPEN: "校内公开",
    AccessLevel.ROLES: "限定角色",
    AccessLevel.SEALED: "封存",
}


class RecordStatus(enum.StrEnum):
    """Active, or disposed of (only a tombstone of its content is left)."""

    ACTIVE = "active"
    DISPOSED = "disposed"


class FileRole(enum.StrEnum):
    """What an attached file is to its record."""

    MAIN = "main"
    ATTACHMENT = "attachment"
    EVIDENCE = "evidence"
    DECISION = "decision"
    LETTER = "letter"
    REPORT = "report"


FILE_ROLE_LABELS: dict[FileRole, str] = {
    FileRole.MAIN: "正文",
    FileRole.ATTACHMENT: "附件",
    FileRole.EVIDENCE: "证据",
    FileRole.DECISION: "决定",
    FileRole.LETTER: "文书",
    FileRole.REPORT: "检测报告",
}

#: The 67 discipline names of CSL (= the national first-level disciplines, some merged).
DISCIPLINES: tuple[str, ...] = (
    "材料科学与工程", "作物学", "口腔医学", "药学", "教育学", "水利工程", "理论经济学",
    "食品科学与工程", "畜牧学/兽医学", "体育学", "核科学与技术", "力学", "园艺学", "水产",
    "法学", "地质学/地质资源与地质工程", "石油与天然气工程", "农林经济管理",
    "信息与通信工程", "图书馆、情报与档案管理", "政治学", "电气工程", "海洋科学", "民族学",
    "航空宇航科学与技术", "化学/化学工程与技术", "哲学", "公共卫生与预防医学", "艺术学",
    "农业工程", "船舶与海洋工程", "计算机科学与技术", "冶金工程", "交通运输工程",
    "动力工程及工程热物理", "纺织科学与工程", "建筑学", "环境科学与工程", "公共管理", "数学",
    "物理学", "林学/林业工程", "心理学", "历史学", "工商管理", "应用经济学", "中医学/中药学",
    "天文学", "机械工程", "土木工程", "光学工程", "地理学", "农业资源利用",
    "生物学/生物科学与工程", "兵器科学与技术", "矿业工程", "大气科学", "基础医学/临床医学",
    "电子科学与技术", "测绘科学与技术", "控制科学与工程", "军事学", "中国语言文学",
    "新闻传播学", "社会学", "地球物理学", "植物保护",
)  # fmt: skip

# Role bits of the stored access masks. Explicit (not enum order) so that a role added to
# `Role` later never shifts the bits of masks already stored; a role without a bit is
# simply never admitted by a role list.
ROLE_BITS: dict[Role, int] = {
    Role.ADMINISTRATOR: 1 << 0,
    Role.RESEARCH_OFFICE: 1 << 1,
    Role.INVESTIGATOR: 1 << 2,
    Role.COMMITTEE_MEMBER: 1 << 3,
    Role.CREDIT_ADMIN: 1 << 4,
    Role.DISCIPLINE_OFFICE: 1 << 5,
    Role.AUDITOR: 1 << 6,
    Role.TEACHER: 1 << 7,
    Role.STUDENT: 1 << 8,
}
ALL_ROLES_MASK = (1 << 30) - 1


def role_mask(roles: Iterable[Role | str]) -> int:
    """The bit mask of these roles."""
    mask = 0
    for role in roles:
        mask |= ROLE_BITS.get(Role(role), 0)
    return mask


# Outcomes of closed cases, as casework stores them (`casework.models.Outcome`).
OUTCOME_LABELS: dict[str, str] = {
    "misconduct": "构成学术不端",
    "cleared": "不构成学术不端",
    "rejected": "不予受理",
    "terminated": "终止调查",
    "transferred": "移送",
}


class Record(Base):
    """One archival record: research record or case file."""

    __tablename__ = "records"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(80), unique=True)
    type: Mapped[RecordType] = mapped_column(enum_column(RecordType), index=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str | None] = mapped_column(String(128), index=True)
    discipline: Mapped[str | None] = mapped_column(String(64), index=True)
    date_start: Mapped[date | None] = mapped_column(Date)
    date_end: Mapped[date | None] = mapped_column(Date)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    case_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    outcome: Mapped[str | None] = mapped_column(String(32), index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    sanctions: Mapped[list[Any]] = mapped_column(default=list)
    source: Mapped[str] = mapped_column(String(32), default="manual")
    source_ref: Mapped[str | None] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    retention_class: Mapped[RetentionClass] = mapped_column(
        enum_column(RetentionClass), index=True
    )
    retention_basis: Mapped[str] = mapped_column(String(255), default="")
    retention_until: Mapped[date | None] = mapped_column(Date, index=True)
    access_level: Mapped[AccessLevel] = mapped_column(
        enum_column(AccessLevel), default=AccessLevel.OPEN
    )
    access_roles: Mapped[list[Any]] = mapped_column(default=list)
    sealed_until: Mapped[date | None] = mapped_column(Date)
    access_reason: Mapped[str] = mapped_column(String(255), default="")
    eff_roles_mask: Mapped[int] = mapped_column(Integer, default=ALL_ROLES_MASK)
    eff_sealed_until: Mapped[date | None] = mapped_column(Date)
    eff_seal_mask: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[RecordStatus] = mapped_column(
        enum_column(RecordStatus), default=RecordStatus.ACTIVE, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    people: Mapped[list[RecordPerson]] = relationship(
        back_populates="record",
        cascade="all, delete-orphan",
        order_by="RecordPerson.position",
        lazy="selectin",
    )
    keyword_rows: Mapped[list[RecordKeyword]] = relationship(
        cascade="all, delete-orphan", order_by="RecordKeyword.position", lazy="selectin"
    )
    files: Mapped[list[RecordFile]] = relationship(
        back_populates="record",
        cascade="all, delete-orphan",
        order_by="RecordFile.id",
        lazy="selectin",
    )
    parent: Mapped[Record | None] = relationship(remote_side=[id], lazy="joined")

    @property
    def keywords(self) -> list[str]:
        """The keywords in entry order."""
        return [k.keyword for k in self.keyword_rows]

    @property
    def type_label(self) -> str:
        """The Chinese name of the type."""
        return RECORD_TYPE_LABELS[self.type]

    @property
    def retention_label(self) -> str:
        """The Chinese name of the retention class."""
        return RETENTION_LABELS[self.retention_class]

    @property
    def access_label(self) -> str:
        """The Chinese name of the record's own restriction."""
        return ACCESS_LABELS[self.access_level]

    @property
    def is_case_file(self) -> bool:
        """True for the case file of a misconduct case."""
        return self.type == RecordType.CASE_FILE

    @property
    def outcome_label(self) -> str:
        """The Chinese name of a case file's outcome."""
        return OUTCOME_LABELS.get(self.outcome or "", self.outcome or "")


class RecordPerson(Base):
    """A person named on a record, with a role (负责人, 作者, 导师, 被调查人 …)."""

    __tablename__ = "record_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    name: Mapped[str] = mapped_column(String(128), index=True)
    role: Mapped[str] = mapped_column(String(32), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    record: Mapped[Record] = relationship(back_populates="people")


class RecordExclusion(Base):
    """A user kept out of a case file by the case's conflict rules (recused, or a declared
    conflict); the case's respondents are kept out through the record's people."""

    __tablename__ = "record_exclusions"
    __table_args__ = (UniqueConstraint("record_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(64), default="recused")


class RecordKeyword(Base):
    """One keyword of a record."""

    __tablename__ = "record_keywords"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    keyword: Mapped[str] = mapped_column(String(64), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class RecordFile(Base):
    """A stored file attached to a record; the content lives once in `stored_files`."""

    __tablename__ = "record_files"
    __table_args__ = (UniqueConstraint("record_id", "stored_file_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    stored_file_id: Mapped[int] = mapped_column(
        ForeignKey("stored_files.id"), index=True
    )
    role: Mapped[FileRole] = mapped_column(
        enum_column(FileRole), default=FileRole.ATTACHMENT
    )
    label: Mapped[str] = mapped_column(String(255), default="")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    record: Mapped[Record] = relationship(back_populates="files")
    stored_file: Mapped[StoredFile] = relationship(lazy="joined")

    @property
    def role_label(self) -> str:
        """The Chinese name of the file's role."""
        return FILE_ROLE_LABELS[self.role]

    @property
    def name(self) -> str:
        """The label, or the stored file's first name."""
        return self.label or self.stored_file.original_name


class DisposalStatus(enum.StrEnum):
    """Where a disposal request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


DISPOSAL_STATUS_LABELS: dict[DisposalStatus, str] = {
    DisposalStatus.PENDING: "待审批",
    DisposalStatus.APPROVED: "已批准销毁",
    DisposalStatus.REJECTED: "已驳回",
}


class DisposalRequest(Base):
    """A request to dispose of a record past its term; disposal happens only on approval."""

    __tablename__ = "record_disposal_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    status: Mapped[DisposalStatus] = mapped_column(
        enum_column(DisposalStatus), default=DisposalStatus.PENDING, index=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")

    record: Mapped[Record] = relationship(lazy="joined")

    @property
    def status_label(self) -> str:
        """The Chinese name of the status."""
        return DISPOSAL_STATUS_LABELS[self.status]


class RecordTombstone(Base):
    """What was disposed of, when, and who requested and approved it."""

    __tablename__ = "record_tombstones"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), unique=True)
    record_number: Mapped[str] = mapped_column(String(80))
    record_type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    retention_class: Mapped[str] = mapped_column(String(16))
    retention_until: Mapped[date | None] = mapped_column(Date)
    files: Mapped[list[Any]] = mapped_column(default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(String(160), default="")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[str] = mapped_column(String(160), default="")
    disposed_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class PersonRef:
    """A person to name on a record: name and role, and the `people` row when known."""

    name: str
    role: str = ""
    person_id: int | None = None
