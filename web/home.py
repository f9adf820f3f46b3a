"""The landing page after sign-in: what needs this user's attention, by role.

Areas add panels (small templates) with `register_panel`, shown to users a predicate admits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, redirect, render_template, url_for

from archive.kernel.accounts import ROLE_LABELS, Role, User
from web.auth import current_user

bp = Blueprint("home", __name__)
_PANELS: list[tuple[str, Callable[[User], bool]]] = []


def register_panel(template: str, predicate: Callable[[User], bool]) -> None:
    """Show `template` on the workbench of users for whom `predicate(user)` is true."""
    if all(t != template for t, _p in _PANELS):
        _PANELS.append((template, predicate))


def panels_for(user: User | None) -> list[str]:
    """The panel templates this user sees."""
    if user is None:
        return []
    return [t for t, predicate in _PANELS if predicate(user)]


def role_label(role: Role) -> str:
    """The Chinese name of a role (the msgid for its translation)."""
    return ROLE_LABELS[role][0]


@bp.route("/")
def index() -> Any:
    """The workbench; anonymous visitors go to sign-in."""
    if current_user() is None:
        return redirect(url_for("auth.login"))
    return render_template("home/index.html")


def init_app(app: Flask) -> None:
    """Register the blueprint and the template helpers."""
    app.register_blueprint(bp)
    app.jinja_env.globals["home_panels"] = panels_for
    app.jinja_env.globals["role_label"] = role_label
