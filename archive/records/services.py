"""Research records and case files: what they are, who may see them, and the services on them.

A `Record` is one archival unit: a project, paper, thesis, data record, lab notebook, or the
case file of a closed misconduct case. It carries its people (with roles), keywords, unit,
discipline (the 67 CSL/national discipline names), dates, and files (each a content-addressed
`StoredFile`, stored once however often attached).

Access is decided in two layers. The role layer: case files need
`Permission.ARCHIVE_CASE_FILES` (discipline office, investigators), research records
`Permission.ARCHIVE_RESEARCH` (research office, discipline office). The record layer: a
restriction per record (open within the university / restricted to roles / sealed until a
date, with the roles still allowed during the seal), inherited by the record's files and by
child records (a parent's restriction applies below it, and is shown there as "来自案卷:").
The effective restriction is kept on each row as a role bit mask and a seal date, so that the
search service can filter inside its SQL and counts never include what the user may not see.
"""

from __future__ import annotations

import enum
import hashlib
import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    event,
    false,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from archive.kernel import audit, clock
from archive.kernel.accounts import Permission, Role, User
from archive.kernel.db import Base, enum_column, utcnow
from archive.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from archive.kernel.files import StoredFile, get_stored_file
from archive.kernel.people import Person
from archive.submissions import services as submissions


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


class FileText(Base):
    """The text extracted from a stored file for indexing (a cache: re-creatable)."""

    __tablename__ = "archive_file_texts"
    __audit__ = False

    stored_file_id: Mapped[int] = mapped_column(
        ForeignKey("stored_files.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    chars: Mapped[int] = mapped_column(Integer, default=0)
    extracted_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchDoc(Base):
    """A record's search document: jieba words per field, CJK bigrams, and the plain text.

    A cache of the record (re-built by `chengxin archive reindex`). The full-text index
    over it is not a model: an FTS5 table on SQLite, a `tsv` column with a GIN index on
    PostgreSQL, both created by `archive.search.services.ensure_search_schema`.
    """

    __tablename__ = "archive_search_docs"
    __audit__ = False

    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    title_seg: Mapped[str] = mapped_column(Text, default="")
    meta_seg: Mapped[str] = mapped_column(Text, default="")
    body_seg: Mapped[str] = mapped_column(Text, default="")
    grams: Mapped[str] = mapped_column(Text, default="")
    plain: Mapped[str] = mapped_column(Text, default="")
    indexed_at: Mapped[datetime] = mapped_column(default=utcnow)


@event.listens_for(SearchDoc.__table__, "after_create")
def _create_search_index(target: Any, connection: Any, **kw: Any) -> None:
    """create_all also builds the full-text index objects (FTS5 / tsvector + GIN)."""
    from archive.search.services import ensure_search_schema

    ensure_search_schema(connection)


@event.listens_for(SearchDoc.__table__, "before_drop")
def _drop_search_index(target: Any, connection: Any, **kw: Any) -> None:
    """drop_all removes them first (the FTS5 table would outlive its content table)."""
    from archive.search.services import drop_search_schema

    drop_search_schema(connection)


# Outcomes of closed cases, as casework stores them (`casework.models.Outcome`).
OUTCOME_LABELS: dict[str, str] = {
    "misconduct": "构成学术不端",
    "cleared": "不构成学术不端",
    "rejected": "不予受理",
    "terminated": "终止调查",
    "transferred": "移送",
}


class RecordNotFound(NotFound):
    """No such record, or one the actor may not know exists."""


class DuplicateRecord(Conflict):
    """A record with the same files or metadata is already in the archive."""


class InvalidRecord(InvalidInput):
    """A record's fields break a rule (empty title, unknown discipline, bad dates …)."""


@dataclass(frozen=True)
class PersonRef:
    """A person to name on a record: name and role, and the `people` row when known."""

    name: str
    role: str = ""
    person_id: int | None = None


# ---------------------------------------------------------------------------------------
# Access


def may_see_type(actor: User | None, record_type: RecordType) -> bool:
    """The role layer: case files for the discipline office, research records for research."""
    if actor is None or not actor.is_active:
        return False
    if record_type == RecordType.CASE_FILE:
        return actor.can(Permission.ARCHIVE_CASE_FILES)
    return actor.can(Permission.ARCHIVE_RESEARCH)


def can_view(actor: User | None, record: Record, today: date | None = None) -> bool:
    """Whether `actor` may see this record (and so its files) today."""
    if record.status != RecordStatus.ACTIVE or not may_see_type(actor, record.type):
        return False
    assert actor is not None
    today = today or clock.today()
    mask = role_mask(actor.roles)
    if not record.eff_roles_mask & mask:
        return False
    sealed = record.eff_sealed_until is not None and record.eff_sealed_until > today
    return not sealed or bool(record.eff_seal_mask & mask)


def visibility_clause(
    actor: User | None, today: date | None = None
) -> ColumnElement[bool]:
    """The SQL condition admitting exactly the records `can_view` admits."""
    if actor is None or not actor.is_active:
        return false()
    today = today or clock.today()
    types = [t for t in RecordType if may_see_type(actor, t)]
    if not types:
        return false()
    mask = role_mask(actor.roles)
    return and_(
        Record.status == RecordStatus.ACTIVE,
        Record.type.in_(types),
        Record.eff_roles_mask.op("&")(mask) != 0,
        or_(
            Record.eff_sealed_until.is_(None),
            Record.eff_sealed_until <= today,
            Record.eff_seal_mask.op("&")(mask) != 0,
        ),
    )


def may_manage(actor: User | None, record: Record) -> bool:
    """Who may edit a record, attach files and change its access."""
    if actor is None or not can_view(actor, record):
        return False
    if record.is_case_file:
        return actor.can(Permission.ARCHIVE_CASE_FILES)
    return actor.can(Permission.ARCHIVE_MANAGE)


def _own_restriction(record: Record) -> tuple[int, date | None, int]:
    """(roles mask, seal date, seal-exempt mask) of the record's own restriction."""
    roles = role_mask(Role(r) for r in record.access_roles or [])
    if record.access_level == AccessLevel.ROLES:
        return roles, None, 0
    if record.access_level == AccessLevel.SEALED:
        return ALL_ROLES_MASK, record.sealed_until, roles
    return ALL_ROLES_MASK, None, 0


def _refresh_effective(record: Record) -> None:
    """Combine the record's restriction with its ancestors' (the stricter always wins)."""
    mask, sealed, exempt = _own_restriction(record)
    seals = [(sealed, exempt)] if sealed is not None else []
    parent = record.parent
    if parent is not None:
        mask &= parent.eff_roles_mask
        if parent.eff_sealed_until is not None:
            seals.append((parent.eff_sealed_until, parent.eff_seal_mask))
    record.eff_roles_mask = mask
    if seals:
        record.eff_sealed_until = max(d for d, _m in seals)
        combined = ALL_ROLES_MASK
        for _d, m in seals:
            combined &= m
        record.eff_seal_mask = combined
    else:
        record.eff_sealed_until = None
        record.eff_seal_mask = 0


def inherited_restrictions(record: Record) -> list[tuple[Record, str]]:
    """The ancestors whose restriction reaches this record, each with a description."""
    out: list[tuple[Record, str]] = []
    parent = record.parent
    depth = 0
    while parent is not None and depth < 20:
        if parent.access_level != AccessLevel.OPEN:
            out.append((parent, describe_access(parent)))
        parent = parent.parent
        depth += 1
    return out


def describe_access(record: Record) -> str:
    """A one-line description of a record's own restriction, with its reason."""
    from archive.kernel.accounts import ROLE_LABELS

    names = "、".join(ROLE_LABELS[Role(r)][0] for r in record.access_roles or [])
    if record.access_level == AccessLevel.OPEN:
        text = "校内公开（按角色规则）"
    elif record.access_level == AccessLevel.ROLES:
        text = f"仅限：{names or '（无）'}"
    else:
        until = record.sealed_until.isoformat() if record.sealed_until else "?"
        text = f"封存至 {until}" + (f"，期间仅限：{names}" if names else "")
    if record.access_reason:
        text += f"（理由：{record.access_reason}）"
    return text


def set_access(
    session: Session,
    *,
    actor: User,
    record_id: int,
    level: AccessLevel | str,
    roles: Sequence[Role | str] = (),
    sealed_until: date | None = None,
    reason: str = "",
) -> Record:
    """Change a record's restriction; it flows down to its files and child records."""
    record = get_record(session, actor=actor, record_id=record_id)
    if not may_manage(actor, record):
        raise PermissionDenied("您无权修改此档案的访问条件 (permission denied)")
    _apply_access(record, level, roles, sealed_until, reason)
    _propagate(session, record)
    session.flush()
    return record


def _apply_access(
    record: Record,
    level: AccessLevel | str,
    roles: Sequence[Role | str],
    sealed_until: date | None,
    reason: str,
) -> None:
    """Validate and set the record's own restriction."""
    try:
        level = AccessLevel(level)
        role_values = sorted({Role(r).value for r in roles})
    except ValueError as exc:
        raise InvalidRecord(f"访问条件无效：{exc}") from exc
    if level == AccessLevel.SEALED and sealed_until is None:
        raise InvalidRecord("封存须给出解封日期 (a seal needs an end date)")
    if level == AccessLevel.ROLES and not role_values:
        raise InvalidRecord("限定角色须至少选择一个角色 (choose at least one role)")
    if level != AccessLevel.OPEN and not reason.strip():
        raise InvalidRecord("限制访问须说明理由 (a restriction needs a reason)")
    record.access_level = level
    record.access_roles = role_values
    record.sealed_until = sealed_until if level == AccessLevel.SEALED else None
    record.access_reason = reason.strip()[:255]
    _refresh_effective(record)


def _propagate(session: Session, record: Record) -> None:
    """Recompute the effective restriction of every descendant."""
    queue = [record]
    seen = {record.id}
    while queue:
        current = queue.pop()
        children = session.scalars(select(Record).where(Record.parent_id == current.id))
        for child in children:
            if child.id in seen:
                continue
            seen.add(child.id)
            _refresh_effective(child)
            queue.append(child)


# ---------------------------------------------------------------------------------------
# Reading


def get_record(
    session: Session,
    *,
    actor: User | None,
    record_id: int,
    include_disposed: bool = False,
) -> Record:
    """A record the actor may see, or `RecordNotFound` (never says that it exists)."""
    record = session.get(Record, record_id)
    if record is None:
        raise RecordNotFound(f"档案不存在：{record_id}", record_id=record_id)
    if (
        record.status == RecordStatus.DISPOSED
        and include_disposed
        and may_see_type(actor, record.type)
    ):
        return record
    if not can_view(actor, record):
        raise RecordNotFound(f"档案不存在：{record_id}", record_id=record_id)
    return record


def open_record(session: Session, *, actor: User, record_id: int) -> Record:
    """A record for its page: checked, and the visit written to the audit chain."""
    record = get_record(
        session, actor=actor, record_id=record_id, include_disposed=True
    )
    audit.record_event(
        session,
        action="view",
        entity_type="records",
        entity_id=record.id,
        detail={"number": record.number, "type": record.type.value},
    )
    return record


def open_record_file(
    session: Session, *, actor: User, record_id: int, record_file_id: int
) -> tuple[RecordFile, bytes]:
    """A file's verified bytes through the record's access check; the download is logged.

    Raises:
        RecordNotFound: the record (or file) is unknown or not visible to the actor.
        FileIntegrityError: the bytes on disk changed or vanished (logged as such).
    """
    from archive.kernel.files import FileIntegrityError, read_verified

    record = get_record(session, actor=actor, record_id=record_id)
    attached = next((f for f in record.files if f.id == record_file_id), None)
    if attached is None:
        raise RecordNotFound(f"文件不存在：{record_file_id}", file_id=record_file_id)
    detail = {
        "record": record.number,
        "file": attached.name,
        "sha256": attached.stored_file.sha256,
    }
    try:
        data = read_verified(session, attached.stored_file)
    except FileIntegrityError:
        audit.record_event(
            session,
            action="download_refused_fixity",
            entity_type="records",
            entity_id=record.id,
            detail=detail,
        )
        raise
    audit.record_event(
        session,
        action="download",
        entity_type="records",
        entity_id=record.id,
        detail=detail,
    )
    return attached, data


def list_children(session: Session, *, actor: User, record_id: int) -> list[Record]:
    """The child records (卷内文件) of a record that the actor may see."""
    return list(
        session.scalars(
            select(Record)
            .where(Record.parent_id == record_id, visibility_clause(actor))
            .order_by(Record.id)
        )
    )


def find_record_by_number(session: Session, number: str) -> Record | None:
    """The record with this reference code, if any (no access check: for services)."""
    return session.scalars(select(Record).where(Record.number == number)).first()


def find_case_file(session: Session, case_number: str) -> Record | None:
    """The case file of a case, if archived (no access check: for services)."""
    return session.scalars(
        select(Record).where(Record.case_number == case_number)
    ).first()


def list_records(
    session: Session,
    *,
    actor: User,
    limit: int = 50,
    offset: int = 0,
    record_type: RecordType | None = None,
) -> tuple[list[Record], int]:
    """Records the actor may see, newest first, and how many there are."""
    from sqlalchemy import func

    where = visibility_clause(actor)
    if record_type is not None:
        where = and_(where, Record.type == record_type)
    total = session.scalar(select(func.count()).select_from(Record).where(where)) or 0
    rows = session.scalars(
        select(Record)
        .where(where)
        .order_by(Record.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


# ---------------------------------------------------------------------------------------
# Creating


_SPLIT_KEYWORDS = re.compile(r"[;；,，、_|/\n]+")


def split_keywords(value: str | Sequence[str] | None) -> list[str]:
    """Keywords from a list or a string separated by ；，、_ or |, de-duplicated."""
    if not value:
        return []
    items = _SPLIT_KEYWORDS.split(value) if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        word = item.strip()[:64]
        if word and word not in out:
            out.append(word)
    return out


def normalize_text(text: str) -> str:
    """NFKC, lower case, collapsed spaces: how titles are compared for duplicates."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"\s+", " ", text).strip()


def metadata_fingerprint(
    record_type: RecordType | str,
    title: str,
    year: int | None,
    people: Sequence[PersonRef],
) -> str:
    """What makes two records the same work: type, title, year and first person."""
    first = normalize_text(people[0].name) if people else ""
    stripped = re.sub(r"[\W_]+", "", normalize_text(title))
    key = f"{RecordType(record_type).value}|{stripped}|{year or ''}|{first}"
    return hashlib.sha256(key.encode()).hexdigest()


def find_duplicate(
    session: Session, *, fingerprint: str, file_hashes: Sequence[str] = ()
) -> tuple[Record, str] | None:
    """An active record with the same metadata or any of the same files, and why."""
    same = session.scalars(
        select(Record).where(
            Record.fingerprint == fingerprint, Record.status == RecordStatus.ACTIVE
        )
    ).first()
    if same is not None:
        return same, "metadata"
    if file_hashes:
        row = session.scalars(
            select(Record)
            .join(RecordFile, RecordFile.record_id == Record.id)
            .join(StoredFile, StoredFile.id == RecordFile.stored_file_id)
            .where(
                StoredFile.sha256.in_(list(file_hashes)),
                Record.status == RecordStatus.ACTIVE,
                Record.type != RecordType.CASE_FILE,
            )
        ).first()
        if row is not None:
            return row, "file"
    return None


def _record_year(*dates: date | None) -> int | None:
    """The year a record belongs to: of its first known date."""
    for value in dates:
        if value is not None:
            return value.year
    return None


def _next_number(session: Session, record: Record) -> str:
    """A reference code: KY-2026-000123 for research records (AJ-<case> for case files)."""
    if record.case_number:
        return f"AJ-{record.case_number}"
    return f"KY-{record.year or clock.today().year}-{record.id:06d}"


def create_record(
    session: Session,
    *,
    actor: User | None,
    record_type: RecordType | str,
    title: str,
    description: str = "",
    unit: str | None = None,
    discipline: str | None = None,
    date_start: date | None = None,
    date_end: date | None = None,
    keywords: str | Sequence[str] = (),
    people: Sequence[PersonRef] = (),
    files: Sequence[tuple[StoredFile, FileRole | str]] = (),
    access_level: AccessLevel | str = AccessLevel.OPEN,
    access_roles: Sequence[Role | str] = (),
    sealed_until: date | None = None,
    access_reason: str = "",
    parent_id: int | None = None,
    source: str = "manual",
    source_ref: str | None = None,
    check_duplicates: bool = True,
    index: bool = True,
) -> Record:
    """Add a research record (case files come from `create_case_file_record`).

    Raises:
        PermissionDenied: the actor may not manage research records.
        InvalidRecord: empty title, unknown type or discipline, end before start.
        DuplicateRecord: the same work (metadata or file hash) is already archived.
    """
    from archive.records import retention

    if actor is not None and not actor.can(Permission.ARCHIVE_MANAGE):
        raise PermissionDenied("您无权登记科研档案 (permission denied)")
    try:
        record_type = RecordType(record_type)
    except ValueError as exc:
        raise InvalidRecord(f"档案类型无效：{record_type}") from exc
    if record_type == RecordType.CASE_FILE and source != "case":
        raise InvalidRecord("案卷只能由结案的案件生成 (case files come from casework)")
    title = (title or "").strip()
    if not title:
        raise InvalidRecord("题名不能为空 (title required)")
    if len(title) > 500:
        raise InvalidRecord("题名过长（最多 500 字）(title too long)")
    discipline = (discipline or "").strip() or None
    if discipline is not None and discipline not in DISCIPLINES:
        raise InvalidRecord(
            f"学科名称不在学科目录中：{discipline}", discipline=discipline
        )
    if date_start and date_end and date_end < date_start:
        raise InvalidRecord("结束日期早于开始日期 (end date before start date)")
    people = [p for p in people if p.name.strip()]
    year = _record_year(date_end, date_start)
    fingerprint = metadata_fingerprint(record_type, title, year, people)
    if check_duplicates:
        found = find_duplicate(
            session,
            fingerprint=fingerprint,
            file_hashes=[f.sha256 for f, _role in files],
        )
        if found is not None:
            existing, why = found
            raise DuplicateRecord(
                f"重复档案：与 {existing.number}《{existing.title}》"
                + ("元数据相同" if why == "metadata" else "文件相同"),
                existing_id=existing.id,
                existing_number=existing.number,
                reason=why,
            )
    parent = None
    if parent_id is not None:
        parent = session.get(Record, parent_id)
        if parent is None or (actor is not None and not can_view(actor, parent)):
            raise RecordNotFound(f"上级档案不存在：{parent_id}", record_id=parent_id)
    klass, basis = retention.class_for_type(record_type)
    record = Record(
        number=f"pending-{uuid.uuid4().hex}",
        type=record_type,
        title=title,
        description=(description or "").strip(),
        unit=(unit or "").strip() or None,
        discipline=discipline,
        date_start=date_start,
        date_end=date_end,
        year=year,
        source=source,
        source_ref=source_ref,
        parent=parent,
        fingerprint=fingerprint,
        retention_class=klass,
        retention_basis=basis,
        created_by_id=actor.id if actor is not None else None,
        sanctions=[],
        access_roles=[],
    )
    record.retention_until = retention.retention_until(
        klass, date_end or date_start or clock.today()
    )
    _set_people(session, record, people)
    record.keyword_rows = [
        RecordKeyword(keyword=k, position=i)
        for i, k in enumerate(split_keywords(keywords))
    ]
    _apply_access(record, access_level, access_roles, sealed_until, access_reason)
    session.add(record)
    session.flush()
    record.number = _next_number(session, record)
    for stored, role in files:
        _attach(record, stored, FileRole(role), actor)
    session.flush()
    if index:
        from archive.search import services as search

        search.index_record(session, record)
    return record


def _set_people(session: Session, record: Record, people: Sequence[PersonRef]) -> None:
    """Replace the record's people; names come from `people` rows when linked."""
    rows = []
    for i, ref in enumerate(people):
        name = ref.name.strip()
        if ref.person_id is not None:
            person = session.get(Person, ref.person_id)
            if person is None:
                raise InvalidRecord(f"人员不存在：{ref.person_id}")
            name = name or person.name
        rows.append(
            RecordPerson(
                person_id=ref.person_id,
                name=name[:128],
                role=(ref.role or "").strip()[:32],
                position=i,
            )
        )
    record.people = rows


def _attach(
    record: Record, stored: StoredFile, role: FileRole, actor: User | None
) -> RecordFile | None:
    """Attach a stored file once (a second attachment of the same content is a no-op)."""
    if any(f.stored_file_id == stored.id for f in record.files):
        return None
    row = RecordFile(
        stored_file=stored,
        stored_file_id=stored.id,
        role=role,
        label=stored.original_name,
        added_by_id=actor.id if actor is not None else None,
    )
    record.files.append(row)
    return row


def attach_files(
    session: Session,
    *,
    actor: User,
    record_id: int,
    files: Sequence[tuple[StoredFile, FileRole | str]],
) -> Record:
    """Attach stored files to a record the actor manages, and re-index it."""
    record = get_record(session, actor=actor, record_id=record_id)
    if not may_manage(actor, record):
        raise PermissionDenied("您无权为此档案添加文件 (permission denied)")
    for stored, role in files:
        _attach(record, stored, FileRole(role), actor)
    session.flush()
    from archive.search import services as search

    search.index_record(session, record)
    return record


def create_case_file_record(
    session: Session,
    *,
    actor: User | None,
    case_number: str,
    title: str,
    outcome: str,
    closed_on: date,
    evidence_file_ids: list[int],
    letter_file_ids: list[int],
    summary: str,
    unit: str | None,
    people: list[tuple[int, str]],
    sanctions: Sequence[str] = (),
    decision_file_ids: Sequence[int] = (),
) -> Record:
    """File a closed case as a case-file record with its evidence, decisions and letters.

    Idempotent per `case_number`: a second call returns the same record, attaching any
    files it did not have yet. The outcome (casework's `Outcome` value) and the sanctions
    imposed (catalogue codes such as "S13", optionally with the level, "S10:记过", or plain
    names such as "记过", "撤销学位") set the retention class per domain-rules §A8.
    `actor` None means a system job.
    """
    from archive.records import retention

    if actor is not None and not any(
        actor.can(p)
        for p in (
            Permission.ARCHIVE_CASE_FILES,
            Permission.CASE_ADMIN,
            Permission.CASE_DECIDE,
            Permission.CASE_INVESTIGATE,
        )
    ):
        raise PermissionDenied("您无权归档案卷 (permission denied)")
    case_number = (case_number or "").strip()
    if not case_number:
        raise InvalidRecord("案件编号不能为空 (case number required)")
    outcome = (outcome or "").strip()
    if outcome not in OUTCOME_LABELS:
        by_label = {v: k for k, v in OUTCOME_LABELS.items()}
        if outcome not in by_label:
            raise InvalidRecord(f"案件结论无效：{outcome}", outcome=outcome)
        outcome = by_label[outcome]
    wanted = (
        [(i, FileRole.EVIDENCE) for i in evidence_file_ids]
        + [(i, FileRole.DECISION) for i in decision_file_ids]
        + [(i, FileRole.LETTER) for i in letter_file_ids]
    )
    record = find_case_file(session, case_number)
    if record is None:
        klass, basis = retention.class_for_case(outcome, sanctions)
        refs = []
        for person_id, role in people:
            person = session.get(Person, person_id)
            if person is None:
                raise InvalidRecord(f"人员不存在：{person_id}", person_id=person_id)
            refs.append(PersonRef(person.name, role, person_id))
        record = Record(
            number=f"AJ-{case_number}",
            type=RecordType.CASE_FILE,
            title=(title or case_number).strip()[:500],
            description=(summary or "").strip(),
            unit=(unit or "").strip() or None,
            date_end=closed_on,
            closed_on=closed_on,
            year=closed_on.year,
            case_number=case_number,
            outcome=outcome,
            sanctions=list(sanctions),
            source="case",
            source_ref=case_number,
            fingerprint=metadata_fingerprint(
                RecordType.CASE_FILE, case_number, closed_on.year, []
            ),
            retention_class=klass,
            retention_basis=basis,
            retention_until=retention.retention_until(klass, closed_on),
            created_by_id=actor.id if actor is not None else None,
            access_roles=[],
        )
        _set_people(session, record, refs)
        _apply_access(record, AccessLevel.OPEN, (), None, "")
        session.add(record)
        session.flush()
    for file_id, role in wanted:
        _attach(record, get_stored_file(session, file_id), role, actor)
    session.flush()
    from archive.search import services as search

    search.index_record(session, record)
    return record


def create_record_from_submission(
    session: Session, *, actor: User, submission_id: int
) -> Record:
    """A research record (thesis) from a screening submission, with its file and report.

    Idempotent per submission. The text screening already extracted is reused for the
    index; the report's number and copy ratio go into the description; the submission is
    linked back to the record.
    """
    sub = submissions.get_submission(session, submission_id, actor=actor)
    ref = f"submission:{submission_id}"
    existing = session.scalars(
        select(Record).where(Record.source == "submission", Record.source_ref == ref)
    ).first()
    if existing is not None:
        return existing
    files: list[tuple[StoredFile, FileRole | str]] = []
    stored = sub.stored_file
    if stored is not None:
        files.append((stored, FileRole.MAIN))
        if sub.text and session.get(FileText, stored.id) is None:
            session.add(
                FileText(
                    stored_file_id=stored.id,
                    status="ok",
                    text=sub.text[:400_000],
                    chars=len(sub.text),
                )
            )
            session.flush()
    lines = []
    if sub.report_number:
        lines.append(f"查重报告 {sub.report_number}")
    if sub.copy_ratio is not None:
        lines.append(f"总文字复制比 {sub.copy_ratio * 100:.1f}%")
    if sub.major:
        lines.append(f"专业：{sub.major}")
    created = sub.created_at
    record = create_record(
        session,
        actor=actor,
        record_type=RecordType.THESIS,
        title=(sub.title or sub.file_name or f"查重提交 {submission_id}"),
        description="；".join(lines),
        unit=sub.unit or None,
        people=[PersonRef(sub.author, "作者")] if sub.author else [],
        date_start=created.date() if isinstance(created, datetime) else None,
        files=files,
        source="submission",
        source_ref=ref,
        check_duplicates=False,
    )
    submissions.link_record(session, submission_id=submission_id, record_id=record.id)
    return record


def log_search(
    session: Session, *, query: str, filters: dict[str, Any], total: int
) -> None:
    """Write an archive search (query, filters, hit count) to the audit chain."""
    audit.record_event(
        session,
        action="search",
        entity_type="records",
        entity_id="-",
        detail={"query": query[:200], "filters": filters, "total": total},
    )
