"""Public pages, no sign-in: the 公示 list (only what may be shown, only while it may be
shown, names and ID numbers masked) and the verification of a credit report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from archive.kernel.errors import DomainError
from casework.credit import services
from web.db import get_session
from web.ratelimit import client_address, hit

bp = Blueprint("credit_public", __name__, url_prefix="/public")


@bp.route("/sanctions")
def sanctions() -> Any:
    """The public disclosure list (双公示 fields)."""
    entries = services.public_sanctions(get_session())
    return render_template("public/sanctions.html", entries=entries)


@bp.route("/verify")
def verify() -> Any:
    """Check a credit report's number and verification code."""
    number = request.args.get("number", "").strip()
    code = request.args.get("code", "").strip()
    result = error = None
    if number or code:
        hit("credit_verify", client_address(), "60 per minute")
        try:
            result = services.verify_report(get_session(), number=number, code=code)
        except DomainError as exc:
            error = exc.message
    status = 404 if error else 200
    return (
        render_template(
            "public/verify.html", number=number, code=code, result=result, error=error
        ),
        status,
    )
