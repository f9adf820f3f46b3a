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


def _request_query() -> str:
    """The query the request asks for (`q`, narrowed by `within`)."""
    query = request.args.get("q", "")
    within = request.args.get("within", "").strip()
    return f"{query} {within}".strip() if within else query


def run_search(per_page: int = 20, *, logged: bool = True) -> SearchResult:
    """Search with the request's arguments, as the current user; logged to the audit
    chain unless the caller logs it itself with `log_request_search` (the page does,
    after rendering, so the chain's lock is held only until the commit)."""
    filters = filters_from(request.args)
    result = search(
        get_session(),
        actor=signed_in_user(),
        query=_request_query(),
        filters=filters,
        sort=request.args.get("sort", "relevance"),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=per_page,
    )
    if logged:
        log_request_search(result)
    return result


def log_request_search(result: SearchResult) -> None:
    """Write the request's search and its hit count to the audit chain."""
    log_search(
        get_session(),
        query=_request_query(),
        filters=filters_from(request.args).active(),
        total=result.total,
    )


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
