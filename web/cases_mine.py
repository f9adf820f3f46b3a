"""The respondent's own pages (on the `cases` blueprint): their cases, the report draft
put to them, letters, their statement and their appeal. Never the reporter or evidence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.kernel.accounts import Permission, User
from archive.kernel.errors import DomainError
from casework.models import STATE_LABELS, Case, CaseParty
from casework.services import respondents
from web.auth import permission_required, signed_in_user
from web.cases_forms import require_version, send_stored
from web.db import get_session

P = Permission


@permission_required(P.SELF_SERVICE)
def mine() -> Any:
    """Cases in which the signed-in user is a respondent."""
    rows = respondents.my_cases(get_session(), actor=signed_in_user())
    return render_template("cases/mine.html", rows=rows, labels=STATE_LABELS)


@permission_required(P.SELF_SERVICE)
def mine_case(case_id: int) -> Any:
    """The respondent's view: stage, deadline, report draft, letters, comment and appeal."""
    view = respondents.respondent_view(
        get_session(), actor=signed_in_user(), case_id=case_id
    )
    return render_template("cases/mine_case.html", v=view)


@permission_required(P.SELF_SERVICE)
def mine_draft(case_id: int) -> Any:
    """The report draft put to the respondent."""
    view = respondents.respondent_view(
        get_session(), actor=signed_in_user(), case_id=case_id
    )
    if view.draft is None or view.draft.stored_file is None:
        abort(404)
    return send_stored(view.draft.stored_file, view.draft.stored_file.original_name)


def _mine_action(case_id: int, fn: Callable[[], str]) -> Any:
    db = get_session()
    try:
        flash(fn(), "success")
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
    return redirect(url_for("cases.mine_case", case_id=case_id), code=303)


@permission_required(P.SELF_SERVICE)
def mine_comment(case_id: int) -> Any:
    """Submit a statement on the report draft."""

    def go() -> str:
        respondents.submit_comment(
            get_session(),
            actor=signed_in_user(),
            case_id=case_id,
            expected_version=require_version(),
            body=request.form.get("body", ""),
        )
        return _("陈述申辩意见已提交")

    return _mine_action(case_id, go)


@permission_required(P.SELF_SERVICE)
def mine_waive(case_id: int) -> Any:
    """Waive the 陈述申辩 in writing (the respondent's own statement)."""

    def go() -> str:
        respondents.waive_comment(
            get_session(),
            actor=signed_in_user(),
            case_id=case_id,
            expected_version=require_version(),
            statement=request.form.get("statement", ""),
        )
        return _("已记录您放弃陈述申辩的书面声明")

    return _mine_action(case_id, go)


@permission_required(P.SELF_SERVICE)
def mine_appeal(case_id: int) -> Any:
    """File an appeal within the window."""

    def go() -> str:
        respondents.my_case(get_session(), actor=signed_in_user(), case_id=case_id)
        respondents.file_appeal(
            get_session(),
            actor=signed_in_user(),
            case_id=case_id,
            expected_version=require_version(),
            grounds=request.form.get("grounds", ""),
        )
        return _("申诉已提交")

    return _mine_action(case_id, go)


def my_cases_for(user: User) -> list[tuple[Case, CaseParty]]:
    """The workbench's list of cases in which `user` is a respondent."""
    if not user.can(P.SELF_SERVICE):
        return []
    return respondents.my_cases(get_session(), actor=user)
