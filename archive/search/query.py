"""The search itself: one page of hits the user may see, the total, facets and snippets.

An empty query (or one of punctuation only) lists what the filters admit, newest first.
Every search from the page, the API or the shell is written to the audit chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from archive.kernel import audit, clock
from archive.kernel.accounts import User
from archive.records.models import Record
from archive.search.facets import FacetValue, count_facets
from archive.search.indexing import file_texts
from archive.search.matching import (
    SearchFilters,
    base_query,
    kept_statement,
    match_params,
    statement_shape,
)
from archive.search.parsing import ParsedQuery, parse_query
from archive.search.snippets import highlight, make_snippet, snippet_sources

SORTS = ("relevance", "date", "title")
SORT_LABELS = {"relevance": "相关度", "date": "日期", "title": "标题"}  # 排序


@dataclass(frozen=True)
class SearchHit:
    """One result as the page shows it; `title_html` and `snippet_html` are escaped HTML."""

    record: Record
    score: float
    title_html: str
    snippet_html: str


@dataclass
class SearchResult:
    """A page of hits, the total the user may see, facets, and any notice."""

    query: str
    parsed: ParsedQuery
    filters: SearchFilters
    sort: str
    page: int
    per_page: int
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    notice: str = ""

    @property
    def first(self) -> int:
        """1-based position of the first hit on this page (0 when none)."""
        return (self.page - 1) * self.per_page + 1 if self.hits else 0

    @property
    def last(self) -> int:
        """1-based position of the last hit on this page."""
        return self.first + len(self.hits) - 1 if self.hits else 0

    @property
    def pages(self) -> int:
        """How many pages there are."""
        return max(1, -(-self.total // self.per_page))


def search(
    session: Session,
    *,
    actor: User | None,
    query: str = "",
    filters: SearchFilters | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    with_facets: bool = True,
    today: date | None = None,
) -> SearchResult:
    """Search the archive as `actor`: only records they may see are hits, counts or facets.

    An empty query (or one of punctuation only) lists what the filters admit, newest first.
    """
    filters = filters or SearchFilters()
    parsed = parse_query(query)
    sort = sort if sort in SORTS else "relevance"
    notice = ""
    if parsed.is_empty and query.strip():
        notice = "检索词只包含标点或符号，已忽略；下面列出全部可见档案。"
    if parsed.is_empty and sort == "relevance":
        sort = "date"
    page = max(1, min(page, 10_000))
    per_page = max(1, min(per_page, 100))
    today = today or clock.today()
    shape = statement_shape(session, actor, parsed, filters, today)
    params = match_params(session, parsed)

    def page_statement() -> Any:
        stmt, score = base_query(
            session, actor, parsed, filters, today, [Record.id, func.count().over()]
        )
        return (
            stmt.order_by(*_order_by(sort, score))
            .limit(per_page)
            .offset((page - 1) * per_page)
        )

    def count_statement() -> Any:
        stmt, _ = base_query(
            session, actor, parsed, filters, today, [Record.id], with_score=False
        )
        return select(func.count()).select_from(stmt.subquery())

    key = ("page", *shape, sort, page, per_page)
    rows = session.execute(kept_statement(key, page_statement), params).all()
    if rows:
        total = rows[0][1]
    elif page > 1:
        key = ("count", *shape)
        total = session.scalar(kept_statement(key, count_statement), params)
    else:
        total = 0
    facets = (
        count_facets(session, actor, parsed, filters, today)
        if with_facets and total
        else {}
    )
    return SearchResult(
        query=query,
        parsed=parsed,
        filters=filters,
        sort=sort,
        page=page,
        per_page=per_page,
        total=int(total or 0),
        hits=_hits(session, rows, parsed),
        facets=facets,
        notice=notice,
    )


def _order_by(sort: str, score: Any) -> list[Any]:
    """ORDER BY of a sort: relevance (score), title, or date (newest first)."""
    if sort == "relevance":
        return [score.desc(), Record.id.desc()]
    if sort == "title":
        return [Record.title.asc(), Record.id.asc()]
    return [
        Record.year.desc().nulls_last(),
        func.coalesce(Record.date_end, Record.date_start).desc().nulls_last(),
        Record.id.desc(),
    ]


def _hits(
    session: Session, rows: Sequence[Row[int, int, float]], parsed: ParsedQuery
) -> list[SearchHit]:
    """The page's (id, total, score) rows as hits, with highlighted title and snippet."""
    ids = [r[0] for r in rows]
    scores = {r[0]: float(r[2] or 0) for r in rows}
    records = {
        r.id: r for r in session.scalars(select(Record).where(Record.id.in_(ids)))
    }
    texts = file_texts(
        session, (f.stored_file_id for r in records.values() for f in r.files)
    )
    return [
        SearchHit(
            record=records[i],
            score=scores[i],
            title_html=highlight(records[i].title, parsed.highlights),
            snippet_html=make_snippet(snippet_sources(records[i], texts), parsed),
        )
        for i in ids
        if i in records
    ]


def log_search(
    session: Session,
    *,
    query: str,
    filters: dict[str, Any],
    total: int,
    at_commit: bool = False,
) -> None:
    """Write an archive search (query, filters, hit count) to the audit chain
    (`at_commit`: see `audit.record_event`)."""
    audit.record_event(
        session,
        action="search",
        entity_type="records",
        entity_id="-",
        detail={"query": query[:200], "filters": filters, "total": total},
        at_commit=at_commit,
    )
