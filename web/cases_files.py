"""The case's files (on the `cases` blueprint): evidence downloads and fixity checks,
signed interview scans and letters, each behind the case's access rules."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from archive.kernel.errors import DomainError
from casework.services import case_view, evidence
from casework.services.common import STAFF_PERMISSIONS
from web.auth import login_required, permission_required, signed_in_user
from web.cases_forms import send_stored
from web.db import get_session


@permission_required(*STAFF_PERMISSIONS)
def download_evidence(evidence_id: int) -> Any:
    """Download an evidence file (hash checked, download audited)."""
    item = evidence.get_evidence(
        get_session(), actor=signed_in_user(), evidence_id=evidence_id
    )
    if item.stored_file is None:
        abort(404)
    return send_stored(item.stored_file, item.stored_file.original_name)


@permission_required(*STAFF_PERMISSIONS)
def verify_evidence(evidence_id: int) -> Any:
    """Re-hash one evidence file and say whether it still matches its SHA-256."""
    db = get_session()
    item = case_view.find_evidence(db, evidence_id)
    if item is None:
        abort(404)
    case_id = item.case_id
    try:
        ok = evidence.verify_evidence(
            db, actor=signed_in_user(), evidence_id=evidence_id
        )
        if ok:
            flash(_("校验一致：文件未被改动"), "success")
        else:
            flash(_("校验不一致：文件已被改动或丢失"), "error")
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
    return redirect(url_for("cases.show", case_id=case_id, tab="evidence"), code=303)


@permission_required(*STAFF_PERMISSIONS)
def download_scan(interview_id: int) -> Any:
    """The signed scan of an interview record."""
    row = case_view.find_interview(
        get_session(), actor=signed_in_user(), interview_id=interview_id
    )
    if row is None:
        abort(404)
    return send_stored(row.signed_scan, row.signed_scan.original_name)


@login_required
def download_document(document_id: int) -> Any:
    """A letter: staff of the case, or the respondent it is addressed to."""
    doc = case_view.find_document(
        get_session(), actor=signed_in_user(), document_id=document_id
    )
    if doc is None:
        abort(404)
    return send_stored(doc.stored_file, f"{doc.title}.pdf")
