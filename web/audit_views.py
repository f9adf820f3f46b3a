"""Auditors read the audit chain and check that it is intact."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request

from archive.kernel import audit
from archive.kernel.accounts import Permission
from web.auth import permission_required
from web.db import get_session

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/")
@permission_required(Permission.VIEW_AUDIT)
def index() -> Any:
    """The newest entries, filterable by record, actor and action, with a chain check."""
    db = get_session()
    before = request.args.get("before", type=int)
    entries = audit.list_entries(
        db,
        entity_type=request.args.get("entity_type") or None,
        entity_id=request.args.get("entity_id") or None,
        actor=request.args.get("actor") or None,
        action=request.args.get("action") or None,
        before_seq=before,
        limit=100,
    )
    report = audit.verify_chain(db) if request.args.get("verify") else None
    return render_template(
        "audit/index.html",
        entries=entries,
        report=report,
        total=audit.count_entries(db),
    )


@bp.route("/verify.json")
@permission_required(Permission.VIEW_AUDIT)
def verify_json() -> Any:
    """The chain check for monitoring."""
    report = audit.verify_chain(get_session())
    return jsonify(
        {
            "intact": report.is_intact,
            "checked": report.checked,
            "head_hash": report.head_hash,
            "problem": report.problem,
            "first_bad_seq": report.first_bad_seq,
        }
    )
