"""Who may see and manage a record: the role layer, the record layer, and their propagation.

Access is decided in two layers. The role layer: case files need
`Permission.ARCHIVE_CASE_FILES` (discipline office, investigators), research records
`Permission.ARCHIVE_RESEARCH` (research office, discipline office). The record layer: a
restriction per record (open within the university / restricted to roles / sealed until a
date, with the roles still allowed during the seal), inherited by the record's files and by
child records (a parent's restriction applies below it, and is shown there as "来自案卷:").
The effective restriction is kept on each row as a role bit mask and a seal date, so that the
search service can filter inside its SQL and counts never include what the user may not see.
Case files also follow the case's conflict rules: the case's respondents (even with a staff
role) and the users the case recused (`RecordExclusion`) never see them (404, as on the case).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import Session, object_session

from archive.kernel import clock
from archive.kernel.accounts import (
    ROLE_LABELS,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    User,
)
from archive.kernel.errors import PermissionDenied
from archive.kernel.people import Person
from archive.records.errors import InvalidRecord, RecordNotFound
from archive.records.models import (
    ALL_ROLES_MASK,
    AccessLevel,
    Record,
    RecordExclusion,
    RecordPerson,
    RecordStatus,
    RecordType,
    role_mask,
)


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
    if sealed and not record.eff_seal_mask & mask:
        return False
    return not is_conflicted(actor, record)


def conflict_clause(actor: User) -> ColumnElement[bool]:
    """SQL: the record is a case file the actor is a respondent of, or was recused from."""
    own_person = or_(
        Person.user_id == actor.id,
        Person.university_id == actor.university_id
        if actor.university_id
        else false(),
    )
    respondent = exists().where(
        RecordPerson.record_id == Record.id,
        RecordPerson.person_id.in_(select(Person.id).where(own_person)),
    )
    recused = exists().where(
        RecordExclusion.record_id == Record.id, RecordExclusion.user_id == actor.id
    )
    return and_(Record.type == RecordType.CASE_FILE, or_(respondent, recused))


def is_conflicted(actor: User, record: Record) -> bool:
    """Whether the case's conflict rules keep `actor` out of this case file."""
    if record.type != RecordType.CASE_FILE:
        return False
    session = object_session(record)
    if session is None or record.id is None:
        return False
    query = select(Record.id).where(Record.id == record.id, conflict_clause(actor))
    return session.scalar(query) is not None


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
        ~conflict_clause(actor),
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


def roles_who_may_open(record: Record, today: date | None = None) -> list[Role]:
    """The roles that may open this record today: its type's role layer, its own and
    inherited restriction, and any seal (the same rule `can_view` applies)."""
    today = today or clock.today()
    needed = (
        Permission.ARCHIVE_CASE_FILES
        if record.type == RecordType.CASE_FILE
        else Permission.ARCHIVE_RESEARCH
    )
    sealed = record.eff_sealed_until is not None and record.eff_sealed_until > today
    out = []
    for role in Role:
        bit = role_mask([role])
        if needed not in ROLE_PERMISSIONS.get(role, frozenset()):
            continue
        if not record.eff_roles_mask & bit:
            continue
        if sealed and not record.eff_seal_mask & bit:
            continue
        out.append(role)
    return out


def describe_access(record: Record) -> str:
    """A one-line description of a record's own restriction, with its reason."""
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
    apply_access(record, level, roles, sealed_until, reason)
    _propagate(session, record)
    session.flush()
    return record


def apply_access(
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
