"""Auditors read the audit chain in words and check that it is intact."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request, url_for

from archive.kernel import audit
from archive.kernel.accounts import Permission
from casework import audit_log
from web.auth import permission_required, signed_in_user
from web.db import get_session

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 100

# Where each kind of object lives, and what a reader needs to open it (a link is shown
# only to those who may follow it).
TARGETS: dict[str, tuple[str, str, Permission | None]] = {
    "user": ("admin.edit_user", "user_id", Permission.MANAGE_USERS),
    "person": ("credit.file", "person_id", Permission.CREDIT_VIEW),
    "case": ("cases.show", "case_id", Permission.CASE_VIEW),
    "record": ("archive.record", "record_id", None),
    "batch": ("screening.batch", "batch_id", Permission.SCREEN_VIEW),
    "submission": ("screening.report", "submission_id", Permission.SCREEN_VIEW),
}


def target_url(target: tuple[str, int] | None) -> str | None:
    """The page of an entry's object, when the reader may open it."""
    if target is None or target[0] not in TARGETS:
        return None
    endpoint, arg, permission = TARGETS[target[0]]
    user = signed_in_user()
    if permission is not None and (user is None or not user.can(permission)):
        return None
    return url_for(endpoint, **{arg: target[1]})


@bp.route("/")
@permission_required(Permission.VIEW_AUDIT)
def index() -> Any:
    """Entries in words, filterable by object, actor and action, with a chain check."""
    db = get_session()
    filters = audit_log.AuditFilters(
        entity_type=request.args.get("entity_type") or None,
        entity_id=(request.args.get("entity_id") or "").strip() or None,
        actor=(request.args.get("actor") or "").strip() or None,
        action=request.args.get("action") or None,
    )
    before = request.args.get("before", type=int)
    lines = audit_log.list_lines(
        db,
        viewer=signed_in_user(),
        filters=filters,
        limit=PAGE_SIZE,
        before_seq=before,
    )
    report = audit.verify_chain(db) if request.args.get("verify") else None
    return render_template(
        "audit/index.html",
        lines=lines,
        report=report,
        filters=filters,
        matching=audit_log.count_entries(db, filters),
        total=audit.count_entries(db),
        is_filtered=any(vars(filters).values()),
        actions=audit_log.known_actions(),
        tables=audit_log.known_tables(),
        page_size=PAGE_SIZE,
        target_url=target_url,
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
