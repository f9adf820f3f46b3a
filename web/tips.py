"""The public anonymous-tip pages: `/tips/new` gives a receipt code and password once;
`/tips/follow` lets the tipster sign in with them, see the stage, answer questions and send
messages. Follow-up sign-ins are rate-limited per address, and a wrong code and a wrong
password get the same answer, so guessing reveals nothing about which cases exist."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

import web.ratelimit as ratelimit
from archive.kernel.errors import DomainError
from casework.errors import CaseNotFound, TipAccessDenied
from casework.models import Case, Thread
from casework.services import tips
from casework.services.common import get_case
from web.cases_forms import send_stored
from web.db import get_session

bp = Blueprint("tips", __name__, url_prefix="/tips")
SESSION_KEY = "tip_case_id"


def _no_store(response: Any) -> Any:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/new", methods=["GET", "POST"])
def new() -> Any:
    """The tip form; on success the receipt page shows the code and password once."""
    if request.method == "POST":
        settings = current_app.extensions["chengxin"].settings
        ratelimit.hit("tip", ratelimit.client_address(), settings.tip_rate_limit)
        db = get_session()
        db.info["actor"] = "anonymous-tipster"
        attachments = [
            tips.TipAttachment(f.filename, cast(BinaryIO, f.stream), f.mimetype)
            for f in request.files.getlist("attachments")
            if f and f.filename
        ]
        try:
            receipt = tips.submit_tip(
                db,
                title=request.form.get("title", ""),
                allegation=request.form.get("allegation", ""),
                respondent_hint=request.form.get("respondent_hint", ""),
                contact=request.form.get("contact", ""),
                attachments=attachments,
            )
        except DomainError as exc:
            db.rollback()
            return render_template(
                "tips/new.html", error=exc.message, form=request.form
            ), 422
        response = current_app.make_response(
            render_template(
                "tips/receipt.html",
                code=tips.format_code(receipt.receipt_code),
                password=receipt.password,
            )
        )
        return _no_store(response)
    return render_template("tips/new.html", error=None, form={})


@bp.route("/follow", methods=["GET", "POST"])
def follow() -> Any:
    """Sign in with the receipt code and password (rate-limited, one message for all failures)."""
    if request.method == "POST":
        settings = current_app.extensions["chengxin"].settings
        ratelimit.hit("tip-follow", ratelimit.client_address(), settings.tip_rate_limit)
        db = get_session()
        db.info["actor"] = "anonymous-tipster"
        try:
            case = tips.open_tip(
                db,
                receipt_code=request.form.get("code", ""),
                password=request.form.get("password", ""),
            )
        except TipAccessDenied:
            db.rollback()
            return render_template(
                "tips/follow.html", error=_("受理编号或密码错误")
            ), 401
        session.pop(SESSION_KEY, None)
        session[SESSION_KEY] = case.id
        return redirect(url_for("tips.case"), code=303)
    return render_template("tips/follow.html", error=None)


def _tip_case() -> Case | None:
    case_id = session.get(SESSION_KEY)
    if not isinstance(case_id, int):
        return None
    try:
        return get_case(get_session(), case_id)
    except CaseNotFound:
        return None


@bp.route("/case", methods=["GET", "POST"])
def case() -> Any:
    """The tipster's page: stage, reasons given, questions and messages."""
    tip_case = _tip_case()
    if tip_case is None:
        return redirect(url_for("tips.follow"))
    db = get_session()
    db.info["actor"] = "anonymous-tipster"
    if request.method == "POST":
        settings = current_app.extensions["chengxin"].settings
        ratelimit.hit("tip", request.remote_addr or "?", settings.tip_rate_limit)
        upload = request.files.get("attachment")
        attachment = (
            tips.TipAttachment(
                upload.filename, cast(BinaryIO, upload.stream), upload.mimetype
            )
            if upload is not None and upload.filename
            else None
        )
        try:
            tips.reporter_message(
                db,
                case=tip_case,
                body=request.form.get("body", ""),
                attachment=attachment,
            )
            flash(_("已发送"), "success")
        except DomainError as exc:
            db.rollback()
            flash(exc.message, "error")
        return redirect(url_for("tips.case"), code=303)
    return _no_store(
        current_app.make_response(
            render_template(
                "tips/case.html",
                case=tip_case,
                stage=tips.public_stage(tip_case),
                outcome=tips.reporter_outcome(tip_case),
                events=tips.reporter_view_events(db, tip_case),
                messages=tips.list_messages(db, tip_case.id, Thread.REPORTER),
            )
        )
    )


@bp.route("/case/files/<int:message_id>")
def case_file(message_id: int) -> Any:
    """A file of the tipster's own thread (sent by them or to them)."""
    tip_case = _tip_case()
    if tip_case is None:
        return redirect(url_for("tips.follow"))
    db = get_session()
    db.info["actor"] = "anonymous-tipster"
    try:
        stored = tips.tip_file(db, case=tip_case, message_id=message_id)
    except DomainError:
        abort(404)
    return _no_store(send_stored(stored, stored.original_name))


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """Leave the tipster's page."""
    session.pop(SESSION_KEY, None)
    return redirect(url_for("tips.follow"))
