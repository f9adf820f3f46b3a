"""The audit log as people read it: actions in words, objects by name, and only the content
the reader may see.

The chain (`archive.kernel.audit`) stores table names, raw verbs and column values as JSON;
auditors need "修改 用户 张三：角色 调查员" instead. This read model turns a page of entries
into lines in words. Auditors check that a change happened and who made it: the values of a
sealed record, a case (allegation text included) or a credit file are shown only to a reader
who may open that record, case or file; others see which fields changed, not what they hold.
The words are Chinese; pages translate them through the catalogue like any other label.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.kernel.accounts import Permission, User
from archive.kernel.audit import AuditEntry
from archive.kernel.people import Person, mask_name
from archive.records.access import can_view
from archive.records.models import Record
from archive.submissions.models import Batch, Submission
from casework.audit_words import (
    ACTION_WORDS,
    DETAIL_WORDS,
    FIELD_WORDS,
    SYSTEM_ACTORS,
    TABLES,
    value_words,
)
from casework.credit.models import CreditRecord
from casework.models import Case
from casework.services.common import can_see_reporter, can_view_case

WITHHELD = "（无权查看内容）"
MAX_VALUE_CHARS = 80


@dataclass(frozen=True)
class AuditFilters:
    """What the reader narrowed the log to; the same filters count and list."""

    entity_type: str | None = None
    entity_id: str | None = None
    actor: str | None = None
    action: str | None = None

    def apply(self, query: Any) -> Any:
        """The query with these filters."""
        if self.entity_type:
            query = query.where(AuditEntry.entity_type == self.entity_type)
        if self.entity_id:
            query = query.where(AuditEntry.entity_id == str(self.entity_id))
        if self.actor:
            query = query.where(AuditEntry.actor == self.actor)
        if self.action:
            query = query.where(AuditEntry.action == self.action)
        return query


@dataclass(frozen=True)
class Change:
    """One changed field: its name in words, and before/after as the reader may see them."""

    label: str
    before: str
    after: str


@dataclass
class AuditLine:
    """One entry in words."""

    entry: AuditEntry
    who: str
    verb: str
    noun: str
    name: str
    target: tuple[str, int] | None  # ("case", 5): the page the object lives on
    changes: list[Change] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    withheld_fields: list[str] = field(default_factory=list)
    is_withheld: bool = False


@dataclass
class _Lookup:
    """Rows named by the entries of one page, fetched once per table."""

    users: dict[int, User] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)
    cases: dict[int, Case] = field(default_factory=dict)
    records: dict[int, Record] = field(default_factory=dict)
    credit: dict[int, CreditRecord] = field(default_factory=dict)
    batches: dict[int, Batch] = field(default_factory=dict)
    submissions: dict[int, Submission] = field(default_factory=dict)


def count_entries(session: Session, filters: AuditFilters) -> int:
    """How many entries match the filters (the total shown above the list)."""
    query = filters.apply(select(func.count()).select_from(AuditEntry))
    return session.scalar(query) or 0


def list_lines(
    session: Session,
    *,
    viewer: User,
    filters: AuditFilters,
    limit: int = 100,
    before_seq: int | None = None,
) -> list[AuditLine]:
    """A page of entries, newest first, in words for this viewer."""
    query = filters.apply(select(AuditEntry)).order_by(AuditEntry.seq.desc())
    if before_seq:
        query = query.where(AuditEntry.seq < before_seq)
    entries = list(session.scalars(query.limit(limit)))
    lookup = _load(session, entries)
    return [_line(session, viewer, lookup, e) for e in entries]


def known_actions() -> list[tuple[str, str]]:
    """(code, words) of every action, for the filter's choice list."""
    return sorted(ACTION_WORDS.items(), key=lambda kv: kv[1])


def known_tables() -> list[tuple[str, str]]:
    """(table, noun) of every object type, for the filter's choice list."""
    return sorted(((t, spec[0]) for t, spec in TABLES.items()), key=lambda kv: kv[1])


def _owner(entry: AuditEntry) -> tuple[str, int] | None:
    """The object an entry is about, as (kind, id): the row itself or its parent."""
    spec = TABLES.get(entry.entity_type)
    if spec is None:
        return None
    _noun, kind, parent_key = spec
    if parent_key is None:
        return (kind, int(entry.entity_id)) if entry.entity_id.isdigit() else None
    for values in (entry.after, entry.before):
        if isinstance(values, dict) and isinstance(values.get(parent_key), int):
            return kind, values[parent_key]
    return None


def _load(session: Session, entries: Sequence[AuditEntry]) -> _Lookup:
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.actor_id is not None:
            wanted.setdefault("user", set()).add(entry.actor_id)
        owner = _owner(entry)
        if owner is not None:
            wanted.setdefault(owner[0], set()).add(owner[1])
    lookup = _Lookup()
    lookup.credit = _by_id(session, CreditRecord, wanted.get("credit_record"))
    people = set(wanted.get("person", set())) | {
        r.person_id for r in lookup.credit.values()
    }
    lookup.users = _by_id(session, User, wanted.get("user"))
    lookup.people = _by_id(session, Person, people)
    lookup.cases = _by_id(session, Case, wanted.get("case"))
    lookup.records = _by_id(session, Record, wanted.get("record"))
    lookup.batches = _by_id(session, Batch, wanted.get("batch"))
    lookup.submissions = _by_id(session, Submission, wanted.get("submission"))
    return lookup


def _by_id(session: Session, model: Any, ids: Iterable[int] | None) -> dict[int, Any]:
    ids = sorted(set(ids or ()))
    if not ids:
        return {}
    return {
        row.id: row for row in session.scalars(select(model).where(model.id.in_(ids)))
    }


def _who(entry: AuditEntry, lookup: _Lookup) -> str:
    user = lookup.users.get(entry.actor_id) if entry.actor_id is not None else None
    if user is not None:
        return f"{user.display_name}（{user.username}）"
    return SYSTEM_ACTORS.get(entry.actor, entry.actor)


def _line(
    session: Session, viewer: User, lookup: _Lookup, entry: AuditEntry
) -> AuditLine:
    noun = TABLES.get(entry.entity_type, (entry.entity_type, "", None))[0]
    owner = _owner(entry)
    name, target, may_see = _describe(session, viewer, lookup, owner)
    if entry.entity_type == "case_reporters" and owner is not None:
        case = lookup.cases.get(owner[1])
        may_see = case is not None and can_see_reporter(session, viewer, case)
    line = AuditLine(
        entry=entry,
        who=_who(entry, lookup),
        verb=ACTION_WORDS.get(entry.action, entry.action),
        noun=noun,
        name=name,
        target=target,
        is_withheld=not may_see,
    )
    if entry.action in ("create", "update", "delete"):
        line.changes, line.withheld_fields = _changes(entry, may_see)
    else:
        line.details = _details(entry.after, may_see)
    return line


def _describe(
    session: Session,
    viewer: User,
    lookup: _Lookup,
    owner: tuple[str, int] | None,
) -> tuple[str, tuple[str, int] | None, bool]:
    """(name, target, may the viewer see its content) of the object an entry is about."""
    if owner is None:
        return "", None, True
    kind, ident = owner
    if kind == "user":
        user = lookup.users.get(ident)
        return (
            (f"{user.display_name}（{user.username}）" if user else f"#{ident}"),
            owner,
            True,
        )
    if kind == "person":
        person = lookup.people.get(ident)
        seen = viewer.can(Permission.CREDIT_VIEW)
        if person is None:
            return f"#{ident}", None, seen
        # A person may be a respondent of a sealed case: readers without the credit
        # office's view see the name as the public pages show it (张*).
        return (person.name if seen else mask_name(person.name)), owner, seen
    if kind == "credit_record":
        record = lookup.credit.get(ident)
        if record is None:
            return f"#{ident}", None, False
        person = lookup.people.get(record.person_id)
        who = person.name if person else ""
        if not viewer.can(Permission.CREDIT_VIEW):
            who = mask_name(who)
        return (
            f"{who} · {record.title}",
            ("person", record.person_id),
            viewer.can(Permission.CREDIT_VIEW),
        )
    if kind == "case":
        case = lookup.cases.get(ident)
        if case is None:
            return f"#{ident}", None, False
        if can_view_case(session, viewer, case):
            return f"{case.number}《{case.title}》", owner, True
        return case.number, None, False  # no link to a page the reader cannot open
    if kind == "record":
        record = lookup.records.get(ident)
        if record is None:
            return f"#{ident}", None, False
        if can_view(viewer, record):
            return f"{record.number}《{record.title}》", owner, True
        return record.number, None, False
    if kind == "batch":
        batch = lookup.batches.get(ident)
        return (
            (batch.name if batch else f"#{ident}"),
            owner,
            viewer.can(Permission.SCREEN_VIEW),
        )
    if kind == "submission":
        sub = lookup.submissions.get(ident)
        seen = viewer.can(Permission.SCREEN_VIEW)
        return (sub.file_name if sub and seen else f"#{ident}"), owner, seen
    return f"#{ident}", None, True


def _changes(entry: AuditEntry, may_see: bool) -> tuple[list[Change], list[str]]:
    """The changed fields the reader may see, and the names of those withheld."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    if entry.action == "update":
        keys = [k for k in after if k not in _HIDDEN_FIELDS]
    else:  # a new or deleted row: the fields it held, empty ones left out
        values = after or before
        keys = [
            k
            for k, v in values.items()
            if k not in _HIDDEN_FIELDS and v not in (None, "", [], {})
        ]
    changes, withheld = [], []
    for key in keys:
        label = FIELD_WORDS.get(key, key)
        if not may_see and key not in _ALWAYS_SHOWN:
            withheld.append(label)
            continue
        changes.append(
            Change(
                label,
                _short(value_words(entry.entity_type, key, before.get(key))),
                _short(value_words(entry.entity_type, key, after.get(key))),
            )
        )
    # Which fields changed is part of "a change happened"; what they hold is not.
    return changes, withheld


def _details(detail: Any, may_see: bool) -> list[tuple[str, str]]:
    if not isinstance(detail, dict):
        return []
    out = []
    for key, value in detail.items():
        label = DETAIL_WORDS.get(key, FIELD_WORDS.get(key, key))
        if not may_see and key not in _ALWAYS_SHOWN:
            out.append((label, WITHHELD))
        else:
            out.append((label, _short(value_words("", key, value))))
    return out


def _short(text: str) -> str:
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


# Bookkeeping columns that say nothing to a reader.
_HIDDEN_FIELDS = frozenset(
    {
        "id",
        "version",
        "created_at",
        "updated_at",
        "eff_roles_mask",
        "eff_seal_mask",
        "eff_sealed_until",
        "dedup_key",
        "session_version",
        "fingerprint",
        "body_seg",
        "title_seg",
        "meta_seg",
    }
)
# Shown even when the content is withheld: they say what happened, not what it says.
_ALWAYS_SHOWN = frozenset(
    {
        "state",
        "status",
        "number",
        "action",
        "allowed",
        "on",
        "in_register",
        "type",
        "access_level",
        "sealed_until",
        "format",
        "report_number",
        "role",
        "is_active",
    }
)

__all__ = [
    "AuditFilters",
    "AuditLine",
    "Change",
    "count_entries",
    "known_actions",
    "known_tables",
    "list_lines",
]
