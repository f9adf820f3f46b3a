"""The case's panel (on the `cases` blueprint): members from accounts (investigators,
committee members) and outside experts, recusal declarations, and the expert register."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from archive.kernel.accounts import Permission
from archive.kernel.errors import DomainError, InvalidInput
from casework.services import experts, panel
from casework.services.common import STAFF_PERMISSIONS
from web.auth import permission_required, signed_in_user
from web.cases_forms import form_action, require_version
from web.db import get_session

P = Permission


def _member(raw: str | None) -> tuple[int | None, int | None]:
    """ "user:12" or "expert:7" from the member select: (user_id, expert_id)."""
    kind, _sep, number = (raw or "").partition(":")
    if not number.isdigit() or kind not in ("user", "expert"):
        raise InvalidInput("请选择人员 (choose a person)")
    return (int(number), None) if kind == "user" else (None, int(number))


@permission_required(P.CASE_INTAKE)
@form_action("panel")
def assign(case_id: int) -> str:
    """Put an investigator, committee member or outside expert on the panel (after the
    recorded recusal check)."""
    user_id, expert_id = _member(request.form.get("member"))
    member = panel.assign_member(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=require_version(),
        user_id=user_id,
        expert_id=expert_id,
        is_lead=bool(request.form.get("is_lead")),
    )
    return _("%(n)s 已加入调查组", n=member.name)


@permission_required(P.CASE_INTAKE)
@form_action("panel")
def unassign(case_id: int) -> str:
    """Take a member off the panel."""
    raw = request.form.get("member_id", "")
    panel.remove_member(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=require_version(),
        member_id=int(raw) if raw.isdigit() else 0,
        reason=request.form.get("reason", ""),
    )
    return _("已调整调查组")


@permission_required(*STAFF_PERMISSIONS)
def declare(case_id: int) -> Any:
    """Declare (oneself) or flag (the office) a relation requiring recusal; whoever declares
    for themselves leaves the case and goes back to the board."""
    db = get_session()
    user = signed_in_user()
    target = url_for("cases.show", case_id=case_id, tab="panel")
    try:
        raw_member = request.form.get("member")
        user_id, expert_id = _member(raw_member) if raw_member else (user.id, None)
        raw_person = request.form.get("person_id")
        panel.declare_conflict(
            db,
            actor=user,
            case_id=case_id,
            expected_version=require_version(),
            user_id=user_id,
            expert_id=expert_id,
            relation=request.form.get("relation", "other"),
            person_id=int(raw_person) if raw_person and raw_person.isdigit() else None,
            note=request.form.get("note"),
        )
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
        return redirect(target, code=303)
    flash(_("已记录回避事由"), "success")
    if user_id == user.id:
        return redirect(url_for("cases.board"), code=303)
    return redirect(target, code=303)


@permission_required(P.CASE_INTAKE)
@form_action("panel")
def add_expert(case_id: int) -> str:
    """Register an outside expert (no account), who can then be put on a panel."""
    row = experts.add_expert(
        get_session(),
        actor=signed_in_user(),
        name=request.form.get("name", ""),
        unit=request.form.get("unit", ""),
        title=request.form.get("title", ""),
    )
    return _("已登记校外专家 %(n)s", n=row.person.name)
