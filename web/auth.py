"""Sign-in with sessions for pages, bearer tokens for the API, and the access decorators."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.orm import Session

import web.ratelimit as ratelimit
from archive.kernel import accounts, audit
from archive.kernel.accounts import Permission, User
from archive.kernel.errors import DomainError, NotFound, PermissionDenied
from web.db import get_session

bp = Blueprint("auth", __name__)
F = TypeVar("F", bound=Callable[..., Any])


class LoginRequired(DomainError):
    """The page needs a signed-in user."""

    code = "login_required"


def current_user() -> User | None:
    """The user of this request (session cookie or API token), or None."""
    return g.get("user")


def signed_in_user() -> User:
    """The user of a request behind `login_required` or `permission_required`."""
    user = g.get("user")
    if user is None:
        raise LoginRequired("请先登录 (please sign in)")
    return user


def load_user() -> None:
    """Resolve the acting user once per request, from a bearer token or the session."""
    g.user = None
    g.via_token = False
    header = request.headers.get("Authorization", "")
    db = None
    if header.startswith("Bearer "):
        db = get_session()
        user = accounts.authenticate_token(db, header.removeprefix("Bearer ").strip())
        if user is not None:
            g.user = user
            g.via_token = True
    elif "user_id" in session:
        db = get_session()
        user = _find_user(db, session["user_id"])
        if (
            user is not None
            and user.is_active
            and session.get("session_version") == user.session_version
        ):
            g.user = user
        else:
            session.clear()
    if db is not None:
        db.info["actor"] = g.user or "anonymous"


def _find_user(db: Session, user_id: int) -> User | None:
    """The account a session cookie names, if it still exists."""
    try:
        return accounts.get_user(db, user_id)
    except accounts.UserNotFound:
        return None


def login_required(view: F) -> F:
    """Pages and APIs behind sign-in."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            raise LoginRequired("请先登录 (please sign in)")
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def permission_required(*permissions: Permission) -> Callable[[F], F]:
    """Pages and APIs that need any one of `permissions` (403 otherwise)."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                raise LoginRequired("请先登录 (please sign in)")
            if not any(user.can(p) for p in permissions):
                raise PermissionDenied(
                    "您无权访问此页面 (permission denied)",
                    permission=",".join(p.value for p in permissions),
                )
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login (no open redirects): browsers
    drop tabs and newlines and read a backslash as a slash, so those never pass."""
    if (
        target
        and target.startswith("/")
        and not any(ord(c) < 0x20 or c in "\\\x7f" for c in target)
        and not target.startswith("//")
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The sign-in form; one message for every failure, rate-limited per address."""
    error = None
    if request.method == "POST":
        ratelimit.hit_login(request.form.get("username", ""))
        db = get_session()
        try:
            user = accounts.authenticate(
                db,
                username=request.form.get("username", ""),
                password=request.form.get("password", ""),
            )
        except accounts.InvalidCredentials:
            error = _("用户名或密码错误")
            db.info["actor"] = "anonymous"
            audit.record_event(
                db,
                action="login_failed",
                entity_type="users",
                entity_id="-",
                detail={"ip": request.remote_addr},
            )
            db.commit()
            return render_template("auth/login.html", error=error), 401
        session.clear()
        session["user_id"] = user.id
        session["session_version"] = user.session_version
        session.permanent = True
        db.info["actor"] = user
        audit.record_event(
            db,
            action="login",
            entity_type="users",
            entity_id=user.id,
            detail={"ip": request.remote_addr},
        )
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", error=error)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """Sign out (POST with CSRF, so a link elsewhere cannot sign anyone out)."""
    session.clear()
    flash(_("您已退出登录"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    """Change one's own password; other sessions of the account end."""
    user = signed_in_user()
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if new != request.form.get("confirm_password", ""):
            flash(_("两次输入的新密码不一致"), "error")
            return render_template("auth/password.html"), 422
        accounts.change_password(
            get_session(),
            user=user,
            old_password=request.form.get("old_password", ""),
            new_password=new,
        )
        session["session_version"] = user.session_version
        flash(_("密码已修改"), "success")
        return redirect(url_for("home.index"))
    return render_template("auth/password.html")


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> Any:
    """Create and revoke one's own API tokens; a new token is shown once."""
    user = signed_in_user()
    db = get_session()
    new_token = None
    if request.method == "POST":
        if request.form.get("revoke"):
            token_id = request.form.get("revoke", type=int)
            if token_id is None:
                raise NotFound("令牌不存在 (no such token)")
            accounts.revoke_api_token(db, user=user, token_id=token_id)
            flash(_("令牌已撤销"), "success")
        else:
            new_token, _token = accounts.issue_api_token(
                db, user=user, name=request.form.get("name", "api")
            )
    return render_template(
        "auth/tokens.html",
        tokens=accounts.list_api_tokens(db, user=user),
        new_token=new_token,
    )
