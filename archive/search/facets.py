"""Facets: how many visible hits have each type, unit, discipline, year, person …"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import String, case, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import User
from archive.records.models import (
    ACCESS_LABELS,
    OUTCOME_LABELS,
    RECORD_TYPE_LABELS,
    RETENTION_LABELS,
    AccessLevel,
    Record,
    RecordPerson,
    RecordType,
    RetentionClass,
)
from archive.search.matching import (
    SearchFilters,
    base_query,
    kept_statement,
    match_params,
    statement_shape,
)
from archive.search.parsing import ParsedQuery

FACET_FIELDS = (
    "type",
    "unit",
    "discipline",
    "year",
    "retention",
    "outcome",
    "access",
    "person",
)


@dataclass(frozen=True)
class FacetValue:
    """One facet entry: the value, its label, and how many visible hits have it."""

    value: str
    label: str
    count: int


_FACET_COLUMNS = {
    "type": Record.type,
    "unit": Record.unit,
    "discipline": Record.discipline,
    "year": Record.year,
    "retention": Record.retention_class,
    "outcome": Record.outcome,
    "access": Record.access_level,
}


def count_facets(
    session: Session,
    actor: User | None,
    parsed: ParsedQuery,
    filters: SearchFilters,
    today: date | None,
    limit: int = 12,
) -> dict[str, list[FacetValue]]:
    """Counts per facet value over the visible hits, in one statement (kept per shape:
    `kept_statement`)."""
    today = today or clock.today()
    key = ("facets", *statement_shape(session, actor, parsed, filters, today), limit)
    top = kept_statement(
        key, lambda: _facets_statement(session, actor, parsed, filters, today, limit)
    )
    out: dict[str, list[FacetValue]] = {name: [] for name in FACET_FIELDS}
    for facet, value, n in session.execute(top, match_params(session, parsed)):
        out[facet].append(FacetValue(str(value), facet_label(facet, str(value)), n))
    for name, values in out.items():
        if name == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.value))
        out[name] = values[:limit]
    return out


def _facets_statement(
    session: Session,
    actor: User | None,
    parsed: ParsedQuery,
    filters: SearchFilters,
    today: date,
    limit: int,
) -> Any:
    """(facet, value, n) of each facet's top values over the visible hits."""
    cols = [c.label(name) for name, c in _FACET_COLUMNS.items()]
    stmt, _score = base_query(
        session, actor, parsed, filters, today, [Record.id, *cols], with_score=False
    )
    hits = stmt.cte("hits").prefix_with("MATERIALIZED")
    grouped = []
    for name in _FACET_COLUMNS:
        col = hits.c[name]
        grouped.append(
            select(
                literal(name).label("facet"),
                cast(col, String).label("value"),
                func.count().label("n"),
            )
            .where(col.is_not(None))
            .group_by(col)
        )
    # Driven from the hits through the record_id index (joined the other way round,
    # SQLite walks every name of record_people to save a sort).
    person = (RecordPerson.name + "").label("value")  # `+ ""`: not the name index
    grouped.append(
        select(
            literal("person").label("facet"),
            person,
            func.count(func.distinct(RecordPerson.record_id)).label("n"),
        )
        .where(RecordPerson.record_id.in_(select(hits.c.id)))
        .group_by(person)
    )
    # Only the top values of each facet leave the database (people, units and years
    # can have thousands of values over a broad query): ranked in one window over the
    # union, rather than a sorted, limited subquery per facet (half the statement to
    # build for every search).
    groups = union_all(*grouped).subquery("g")
    rank = (
        func.row_number()
        .over(
            partition_by=groups.c.facet,
            order_by=(groups.c.n.desc(), groups.c.value),
        )
        .label("rk")
    )
    ranked = select(groups.c.facet, groups.c.value, groups.c.n, rank).subquery("r")
    return select(ranked.c.facet, ranked.c.value, ranked.c.n).where(
        ranked.c.rk <= case((ranked.c.facet == "year", 40), else_=limit)
    )


def facet_label(facet: str, value: str) -> str:
    """The Chinese label of a facet value (the value itself for free text)."""
    try:
        if facet == "type":
            return RECORD_TYPE_LABELS[RecordType(value)]
        if facet == "retention":
            return RETENTION_LABELS[RetentionClass(value)]
        if facet == "access":
            return ACCESS_LABELS[AccessLevel(value)]
    except ValueError:
        return value
    if facet == "outcome":
        return OUTCOME_LABELS.get(value, value)
    return value
