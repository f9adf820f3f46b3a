"""The public check of a screening report (no sign-in): the printed № and check code,
or the QR code, lead here; it says whether the report is genuine and shows the №, date
and figures, nothing about the person beyond what the report's header shows."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from archive.submissions import services as submissions
from screening.report import percent
from web.db import get_session
from web.ratelimit import hit

bp = Blueprint("report_verify", __name__, url_prefix="/public")


@bp.route("/report-verify")
def verify() -> Any:
    """Check a screening report's № and check code."""
    number = request.args.get("number", "").strip()
    code = request.args.get("code", "").strip()
    report = None
    if number or code:
        hit("report_verify", request.remote_addr or "?", "60 per minute")
        report = submissions.verify_report(
            get_session(), report_number=number, code=code
        )
    status = 404 if (number or code) and report is None else 200
    return (
        render_template(
            "public/report_verify.html",
            number=number,
            code=code,
            r=report,
            asked=bool(number or code),
            pct=percent,
        ),
        status,
    )
