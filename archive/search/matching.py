"""The SQL of a search: access, filters, and the full-text match, on SQLite and PostgreSQL.

Access is part of the SQL (`archive.records.access.visibility_clause`), so neither hits nor
counts nor facets include records the user may not see.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Float, Integer, Select, String, bindparam, literal, select, text
from sqlalchemy.orm import Session

from archive.kernel.accounts import User
from archive.records.access import visibility_clause
from archive.records.models import (
    AccessLevel,
    Record,
    RecordPerson,
    RecordType,
    RetentionClass,
)
from archive.search.models import SearchDoc
from archive.search.parsing import ParsedQuery, fts5_query, like_pattern, tsquery
from archive.search.schema import FTS_TABLE

#: Field weights: title, metadata, body, bigrams (bm25 on SQLite; A-D on PostgreSQL).
BM25_WEIGHTS = (10.0, 4.0, 1.0, 0.5)


@dataclass
class SearchFilters:
    """Filters of the search page (all optional)."""

    record_type: str | None = None
    unit: str | None = None
    discipline: str | None = None
    person: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    retention: str | None = None
    outcome: str | None = None
    access: str | None = None

    def active(self) -> dict[str, Any]:
        """The filters that are set, by name."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def _to_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def filters_from(args: dict[str, Any]) -> SearchFilters:
    """Filters from request arguments (unknown or malformed values are ignored)."""

    def get(name: str) -> str | None:
        value = args.get(name)
        return str(value).strip()[:128] if value not in (None, "") else None

    record_type = get("type")
    retention = get("retention")
    access = get("access")
    return SearchFilters(
        record_type=record_type
        if record_type in RecordType._value2member_map_
        else None,
        unit=get("unit"),
        discipline=get("discipline"),
        person=get("person"),
        year_from=_to_int(args.get("year_from")),
        year_to=_to_int(args.get("year_to")),
        retention=retention if retention in RetentionClass._value2member_map_ else None,
        outcome=get("outcome"),
        access=access if access in AccessLevel._value2member_map_ else None,
    )


def _conditions(
    actor: User | None, filters: SearchFilters, today: date | None
) -> list[Any]:
    """Access and filter conditions on `records`."""
    conds: list[Any] = [visibility_clause(actor, today)]
    f = filters
    if f.record_type:
        conds.append(Record.type == RecordType(f.record_type))
    if f.unit:
        conds.append(Record.unit == f.unit)
    if f.discipline:
        conds.append(Record.discipline == f.discipline)
    if f.year_from is not None:
        conds.append(Record.year >= f.year_from)
    if f.year_to is not None:
        conds.append(Record.year <= f.year_to)
    if f.retention:
        conds.append(Record.retention_class == RetentionClass(f.retention))
    if f.outcome:
        conds.append(Record.outcome == f.outcome)
    if f.access:
        conds.append(Record.access_level == AccessLevel(f.access))
    if f.person:
        conds.append(
            select(RecordPerson.id)
            .where(RecordPerson.record_id == Record.id, RecordPerson.name == f.person)
            .exists()
        )
    return conds


def _match_subquery(
    session: Session, parsed: ParsedQuery, *, with_score: bool = True
) -> Any:
    """(rid, score) of the records whose index matches the query words.

    Counting and facets need no score; computing bm25 or ts_rank for every match is
    most of a broad query's cost, so they skip it.
    """
    # :fts_q is bound when the statement runs (`match_params`), so one kept statement
    # serves every query of the same shape (`kept_statement`).
    if session.get_bind().dialect.name == "postgresql":
        score = "ts_rank(d.tsv, q.q, 1)" if with_score else "0.0"
        stmt = text(
            f"SELECT d.record_id AS rid, {score} AS score "
            "FROM archive_search_docs d, to_tsquery('simple', :fts_q) AS q(q) "
            "WHERE d.tsv @@ q.q"
        )
    else:
        w = BM25_WEIGHTS
        score = (
            f"-bm25({FTS_TABLE}, {w[0]}, {w[1]}, {w[2]}, {w[3]})"
            if with_score
            else "0.0"
        )
        stmt = text(
            f"SELECT rowid AS rid, {score} AS score "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_q"
        )
    # MATERIALIZED: run the MATCH once and join records by key; as a plain subquery
    # SQLite re-evaluates it for every candidate record.
    return stmt.columns(rid=Integer, score=Float).cte("m").prefix_with("MATERIALIZED")


def match_params(session: Session, parsed: ParsedQuery) -> dict[str, str]:
    """The values to bind when a search statement runs: the full-text query (none
    without words) and a LIKE pattern per exact string."""
    params = {f"exact_{i}": like_pattern(v) for i, v in enumerate(parsed.exact)}
    if not parsed.words:
        return params
    if session.get_bind().dialect.name == "postgresql":
        params["fts_q"] = tsquery(parsed)
    else:
        params["fts_q"] = fts5_query(parsed)
    return params


def scope_key(actor: User | None) -> tuple[Hashable, ...]:
    """Everything of the actor that `visibility_clause` reads: the user (respondent and
    recusal conditions), whether active, the roles, the university number."""
    if actor is None:
        return (None,)
    roles = tuple(sorted(r.value for r in actor.roles))
    return (actor.id, actor.is_active, roles, actor.university_id)


def statement_shape(
    session: Session,
    actor: User | None,
    parsed: ParsedQuery,
    filters: SearchFilters,
    today: date,
) -> tuple[Hashable, ...]:
    """Everything a search statement is built from, but the query's values: the
    database, the access scope and day, whether there are words, how many exact strings,
    and the filters."""
    return (
        session.get_bind().dialect.name,
        scope_key(actor),
        today,
        bool(parsed.words),
        len(parsed.exact),
        tuple(sorted(filters.active().items())),
    )


# Built statements by shape. Building one (the access clause, the facets' eight groups)
# costs more Python than running it; the same reader's searches differ only in words.
MAX_STATEMENTS = 256
_statements: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
_statements_lock = threading.Lock()


def kept_statement(key: tuple[Hashable, ...], build: Callable[[], Any]) -> Any:
    """The statement built for `key` (see `statement_shape`), built now if not kept.
    Statements are immutable and hold no session; bounded, least recently used out."""
    with _statements_lock:
        stmt = _statements.get(key)
        if stmt is not None:
            _statements.move_to_end(key)
            return stmt
    stmt = build()
    with _statements_lock:
        _statements[key] = stmt
        while len(_statements) > MAX_STATEMENTS:
            _statements.popitem(last=False)
    return stmt


def forget_statements() -> None:
    """Drop every kept statement (tests)."""
    with _statements_lock:
        _statements.clear()


def base_query(
    session: Session,
    actor: User | None,
    parsed: ParsedQuery,
    filters: SearchFilters,
    today: date | None,
    columns: Sequence[Any],
    *,
    with_score: bool = True,
) -> tuple[Select[Any], Any]:
    """SELECT columns FROM records [JOIN matches] WHERE access, filters, exact strings
    (the full-text query is bound when it runs: `match_params`)."""
    match = (
        _match_subquery(session, parsed, with_score=with_score)
        if parsed.words
        else None
    )
    score = match.c.score if match is not None else literal(0.0)
    stmt = select(*columns, score.label("score")).select_from(Record)
    if match is not None:
        stmt = stmt.join(match, match.c.rid == Record.id)
    if parsed.exact:
        stmt = stmt.join(SearchDoc, SearchDoc.record_id == Record.id)
        for i in range(len(parsed.exact)):
            # bound when it runs (`match_params`), like the full-text query
            pattern = bindparam(f"exact_{i}", type_=String)
            stmt = stmt.where(SearchDoc.plain.like(pattern, escape="\\"))
    return stmt.where(*_conditions(actor, filters, today)), score
