"""我的诚信: a teacher's or student's own credit file, commitments to sign, repair
applications (with 可申请日期 while not yet possible) and their own credit report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.kernel import clock
from archive.kernel.accounts import Permission
from archive.kernel.errors import PermissionDenied
from casework.catalogue import CREDIT_CLASS_LABELS
from casework.credit import services
from casework.credit.evaluation import GRADE_LABELS
from casework.credit.models import EVALUATION_LABELS, Occasion
from web import ratelimit
from web.auth import permission_required, signed_in_user
from web.credit_pages import issue_and_render
from web.db import get_session

bp = Blueprint("me", __name__, url_prefix="/me")
TABS = (
    ("dishonesty", "失信记录"),
    ("commitments", "承诺书"),
    ("honours", "守信荣誉"),
    ("evaluation", "评价"),
    ("repairs", "修复记录"),
)


def _subject() -> Any:
    person = services.subject_of_user(get_session(), signed_in_user())
    if person is None:
        raise PermissionDenied(
            "您的账户尚未关联教师/学生信用主体，请联系信用管理员 (account not linked)"
        )
    return person


@bp.route("/")
@permission_required(Permission.SELF_SERVICE)
def index() -> Any:
    """The own credit file, with commitments to sign."""
    db = get_session()
    person = services.subject_of_user(db, signed_in_user())
    if person is None:
        return render_template("me/index.html", cf=None)
    cf = services.credit_file(db, actor=signed_in_user(), person_id=person.id)
    tab = request.args.get("tab", "dishonesty")
    if tab not in dict(TABS):
        tab = "dishonesty"
    templates = [
        t
        for t in services.list_templates(db)
        if t.occasion is not Occasion.CREDIT_REPAIR
    ]
    signed = {s.version_id for s in cf.signatures}
    return render_template(
        "me/index.html",
        cf=cf,
        tab=tab,
        tabs=TABS,
        templates=templates,
        signed=signed,
        eligibility={
            e.record.id: services.eligibility(e.record) for e in cf.dishonesty
        },
        today=clock.today(),
        grade_labels=GRADE_LABELS,
        evaluation_labels=EVALUATION_LABELS,
        class_labels=CREDIT_CLASS_LABELS,
    )


@bp.route("/commitments/<int:version_id>/sign", methods=["POST"])
@permission_required(Permission.SELF_SERVICE)
def sign(version_id: int) -> Any:
    """Sign a commitment (recorded with time and account)."""
    if request.form.get("agree") != "1":
        flash(_("请先阅读并勾选同意承诺内容"), "error")
        return redirect(url_for("me.index", tab="commitments"))
    services.sign_commitment(
        get_session(),
        actor=signed_in_user(),
        version_id=version_id,
        context=request.form.get("context", ""),
    )
    flash(_("承诺书已签署"), "success")
    return redirect(url_for("me.index", tab="commitments"))


@bp.route("/records/<int:record_id>/repair", methods=["GET", "POST"])
@permission_required(Permission.SELF_SERVICE)
def repair(record_id: int) -> Any:
    """Apply to repair one of one's records (the repair commitment is signed here)."""
    db = get_session()
    person = _subject()
    record = services.get_record(db, record_id)
    if record.person_id != person.id:
        raise PermissionDenied("只能为本人的失信记录申请修复 (own records only)")
    if request.method == "POST":
        services.apply_for_repair(
            db,
            actor=signed_in_user(),
            record_id=record_id,
            statement=request.form.get("statement", ""),
            has_met_obligations=request.form.get("obligations_met") == "1",
            obligations_evidence=request.form.get("obligations_evidence", ""),
            sign_repair_commitment=request.form.get("sign_commitment") == "1",
            proof=_proof_upload(),
        )
        flash(_("修复申请已提交"), "success")
        return redirect(url_for("me.index", tab="repairs"))
    return render_template(
        "me/repair.html",
        record=record,
        state=services.record_state(record),
        eligibility=services.eligibility(record),
        today=clock.today(),
        commitment=services.template_for(db, Occasion.CREDIT_REPAIR).current,
        open_application=services.application_for(db, record_id),
    )


def _proof_upload() -> tuple[Any, str, str] | None:
    upload = request.files.get("proof")
    if upload and upload.filename:
        ratelimit.hit_upload()
    if upload is None or not upload.filename:
        return None
    return upload.stream, upload.filename, upload.mimetype or "application/octet-stream"


@bp.route("/report.<fmt>")
@permission_required(Permission.SELF_SERVICE)
def report(fmt: str) -> Any:
    """Download one's own credit report."""
    return issue_and_render(_subject().id, fmt)
