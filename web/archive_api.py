"""The archive JSON API: the search, with the same access rules and counts as the page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, url_for

from archive.kernel.accounts import Permission
from archive.search.matching import filters_from
from archive.search.query import SearchResult, log_search, search
from web.auth import permission_required, signed_in_user
from web.db import get_session

api = Blueprint("archive_api", __name__, url_prefix="/api/archive")
P = Permission


def run_search(per_page: int = 20) -> SearchResult:
    """Search with the request's arguments, as the current user; logged to the audit chain."""
    query = request.args.get("q", "")
    within = request.args.get("within", "").strip()
    if within:
        query = f"{query} {within}".strip()
    filters = filters_from(request.args)
    db = get_session()
    result = search(
        db,
        actor=signed_in_user(),
        query=query,
        filters=filters,
        sort=request.args.get("sort", "relevance"),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=per_page,
    )
    # The entry is chained at commit: the page renders without the chain's lock.
    log_search(
        db, query=query, filters=filters.active(), total=result.total, at_commit=True
    )
    return result


@api.route("/search")
@permission_required(P.ARCHIVE_SEARCH)
def api_search() -> Any:
    """The search as JSON (same access rules, same counts)."""
    result = run_search(per_page=request.args.get("per_page", 20, type=int) or 20)
    return jsonify(
        {
            "query": result.query,
            "total": result.total,
            "page": result.page,
            "per_page": result.per_page,
            "notice": result.notice,
            "hits": [
                {
                    "id": h.record.id,
                    "number": h.record.number,
                    "type": h.record.type.value,
                    "title": h.record.title,
                    "title_html": h.title_html,
                    "snippet_html": h.snippet_html,
                    "unit": h.record.unit,
                    "discipline": h.record.discipline,
                    "year": h.record.year,
                    "access": h.record.access_level.value,
                    "retention": h.record.retention_class.value,
                    "outcome": h.record.outcome,
                    "score": round(h.score, 6),
                    "url": url_for("archive.record", record_id=h.record.id),
                }
                for h in result.hits
            ],
            "facets": {
                name: [
                    {"value": v.value, "label": v.label, "count": v.count}
                    for v in values
                ]
                for name, values in result.facets.items()
            },
        }
    )
