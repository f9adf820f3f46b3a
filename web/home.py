"""The landing page after sign-in: what needs this user's attention, by role.

Each area's workbench panel (a small template) is listed in `PANELS`, in the order the
workbench shows them, with the test that decides who sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, redirect, render_template, url_for

from archive.kernel.accounts import ROLE_LABELS, Permission, Role, User
from casework.services.common import is_staff
from web.auth import current_user

bp = Blueprint("home", __name__)
P = Permission


@dataclass(frozen=True)
class Panel:
    """One workbench panel: its template and who sees it."""

    template: str
    is_shown: Callable[[User], bool]


PANELS: tuple[Panel, ...] = (
    Panel(
        "screening/_panel.html",
        lambda u: u.can(P.SCREEN_SUBMIT) or u.can(P.SCREEN_VIEW),
    ),
    Panel("cases/_inbox_panel.html", is_staff),
    Panel("cases/_mine_panel.html", lambda u: u.can(P.SELF_SERVICE)),
    Panel("cases/_admin_panel.html", lambda u: u.can(P.CASE_ADMIN)),
    Panel("credit/_panel.html", lambda u: u.can(P.CREDIT_MANAGE)),
    Panel(
        "credit/_check_panel.html",
        lambda u: u.can(P.CREDIT_CHECK) and not u.can(P.CREDIT_MANAGE),
    ),
    Panel("archive/_panel.html", lambda u: u.can(P.ARCHIVE_SEARCH)),
)


def panels_for(user: User | None) -> list[str]:
    """The panel templates this user sees."""
    if user is None:
        return []
    return [p.template for p in PANELS if p.is_shown(user)]


def role_label(role: Role) -> str:
    """The Chinese name of a role (the msgid for its translation)."""
    return ROLE_LABELS[role][0]


@bp.route("/")
def index() -> Any:
    """The workbench; anonymous visitors go to sign-in."""
    if current_user() is None:
        return redirect(url_for("auth.login"))
    return render_template("home/index.html")
