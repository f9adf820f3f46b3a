"""Administrators manage accounts and roles here."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.kernel import accounts
from archive.kernel.accounts import ROLE_LABELS, Permission, Role
from archive.kernel.errors import InvalidInput
from web.auth import permission_required, signed_in_user
from web.db import get_session

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _roles_from_form() -> set[Role]:
    """The roles ticked in the form; unknown values are refused."""
    try:
        return {Role(v) for v in request.form.getlist("roles")}
    except ValueError as exc:
        raise InvalidInput("未知角色 (unknown role)") from exc


@bp.route("/users", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
def users() -> Any:
    """List accounts and create new ones."""
    db = get_session()
    if request.method == "POST":
        accounts.require(signed_in_user(), Permission.MANAGE_USERS)
        user = accounts.create_user(
            db,
            username=request.form.get("username", ""),
            password=request.form.get("password", ""),
            display_name=request.form.get("display_name", ""),
            roles=_roles_from_form(),
            university_id=request.form.get("university_id") or None,
            unit=request.form.get("unit") or None,
        )
        flash(_("已创建用户 %(name)s", name=user.username), "success")
        return redirect(url_for("admin.users"))
    return render_template(
        "admin/users.html",
        users=accounts.list_users(db),
        roles=list(Role),
        role_labels=ROLE_LABELS,
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
def edit_user(user_id: int) -> Any:
    """Change a user's roles, enable or disable the account, or reset the password."""
    db = get_session()
    actor = signed_in_user()
    user = accounts.get_user(db, user_id)
    if request.method == "POST":
        action = request.form.get("action")
        if action == "roles":
            accounts.set_roles(
                db, actor=actor, user_id=user_id, roles=_roles_from_form()
            )
            flash(_("角色已更新"), "success")
        elif action == "activate":
            accounts.set_active(db, actor=actor, user_id=user_id, is_active=True)
            flash(_("账户已启用"), "success")
        elif action == "deactivate":
            accounts.set_active(db, actor=actor, user_id=user_id, is_active=False)
            flash(_("账户已停用"), "success")
        elif action == "password":
            accounts.set_password(
                db, user=user, new_password=request.form.get("password", "")
            )
            flash(_("密码已重置"), "success")
        else:
            raise InvalidInput("未知操作 (unknown action)")
        return redirect(url_for("admin.edit_user", user_id=user_id))
    return render_template(
        "admin/user.html", user=user, roles=list(Role), role_labels=ROLE_LABELS
    )
