"""The SQL of a search: access, filters, and the full-text match, on SQLite and PostgreSQL.

Access is part of the SQL (`archive.records.access.visibility_clause`), so neither hits nor
counts nor facets include records the user may not see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Float, Integer, Select, literal, select, text
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
    if session.get_bind().dialect.name == "postgresql":
        score = "ts_rank(d.tsv, q.q, 1)" if with_score else "0.0"
        stmt = text(
            f"SELECT d.record_id AS rid, {score} AS score "
            "FROM archive_search_docs d, to_tsquery('simple', :fts_q) AS q(q) "
            "WHERE d.tsv @@ q.q"
        ).bindparams(fts_q=tsquery(parsed))
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
        ).bindparams(fts_q=fts5_query(parsed))
    # MATERIALIZED: run the MATCH once and join records by key; as a plain subquery
    # SQLite re-evaluates it for every candidate record.
    return stmt.columns(rid=Integer, score=Float).cte("m").prefix_with("MATERIALIZED")


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
    """SELECT columns FROM records [JOIN matches] WHERE access, filters, exact strings."""
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
        for value in parsed.exact:
            stmt = stmt.where(SearchDoc.plain.like(like_pattern(value), escape="\\"))
    return stmt.where(*_conditions(actor, filters, today)), score
