"""The public check of a decision or clearance letter (no sign-in): the letter's number and
the check code printed on it show that the letter is genuine, the person's name masked as
on the public list."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from archive.kernel.errors import DomainError
from casework.services import letters
from web.db import get_session
from web.ratelimit import hit

bp = Blueprint("letters_public", __name__, url_prefix="/public/verify")


@bp.route("/letter")
def verify_letter() -> Any:
    """Check a letter's number and check code (rate-limited; one answer for any mismatch)."""
    number = request.args.get("number", "").strip()
    code = request.args.get("code", "").strip()
    result = error = None
    if number or code:
        hit("letter_verify", request.remote_addr or "?", "60 per minute")
        try:
            result = letters.verify_letter(get_session(), number=number, code=code)
        except DomainError as exc:
            error = exc.message
    return (
        render_template(
            "public/verify_letter.html",
            number=number,
            code=code,
            result=result,
            error=error,
        ),
        404 if error else 200,
    )
