"""The case's threads (on the `cases` blueprint): messages to the reporter (with files)
and internal notes, files of a thread, and the respondent's statements filed on paper."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

from flask import request
from flask_babel import gettext as _

from archive.kernel.accounts import Permission
from casework.services import statements, tips
from casework.services.common import STAFF_PERMISSIONS
from casework.services.tips import TipAttachment
from web.auth import permission_required, signed_in_user
from web.cases_forms import form_action, require_version, send_stored
from web.db import get_session

P = Permission


def _upload(field: str) -> TipAttachment | None:
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return None
    return TipAttachment(
        upload.filename, cast(BinaryIO, upload.stream), upload.mimetype
    )


@permission_required(*STAFF_PERMISSIONS)
@form_action("reporter")
def post_message(case_id: int) -> str:
    """A question or reply to the reporter (a file may go with it), or an internal note."""
    thread = request.form.get("thread", "internal")
    tips.staff_message(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=require_version(),
        thread=thread,
        body=request.form.get("body", ""),
        is_question=bool(request.form.get("is_question")),
        attachment=_upload("file") if thread == "reporter" else None,
    )
    return _("已发送") if thread == "reporter" else _("已添加内部备注")


@permission_required(*STAFF_PERMISSIONS)
def message_file(message_id: int) -> Any:
    """Download the file of a thread message (the reporter's thread: only those who may
    see the reporter; audited)."""
    stored = tips.message_file(
        get_session(), actor=signed_in_user(), message_id=message_id
    )
    return send_stored(stored, stored.original_name)


@permission_required(P.CASE_INTAKE, P.CASE_INVESTIGATE)
@form_action()
def record_statement(case_id: int) -> str:
    """File a respondent's paper comment or signed written waiver."""
    upload = _upload("file")
    raw = request.form.get("party_id", "")
    statements.record_statement(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=require_version(),
        party_id=int(raw) if raw.isdigit() else 0,
        kind=request.form.get("kind", ""),
        body=request.form.get("body", ""),
        filename=upload.filename if upload else None,
        stream=upload.stream if upload else None,
    )
    return _("已登记")
