"""Credit pages for the credit office (信用档案, 失信惩戒名单, 信用修复, 承诺书模板,
评价规则, 报送) and the `/api/credit/...` JSON API, including the supervision check.

Views parse input, call `casework.credit.services` and render; they hold no queries.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from archive.kernel import clock
from archive.kernel.accounts import Permission
from archive.kernel.errors import InvalidInput
from archive.kernel.people import PERSON_KIND_LABELS, id_number_for
from casework.catalogue import CREDIT_CLASS_LABELS, CreditClass
from casework.credit import services
from casework.credit.errors import NumberNotInRegister
from casework.credit.evaluation import GRADE_CHIPS, GRADE_LABELS
from casework.credit.models import EVALUATION_LABELS, EvaluationKind, RepairStatus
from casework.credit.report import ReportData
from casework.credit.supervision import ACTION_LABELS
from web.auth import permission_required, signed_in_user
from web.db import get_session

bp = Blueprint("credit", __name__, url_prefix="/credit")
P = Permission
TABS = (
    ("basic", "基本信息"),
    ("commitments", "承诺书"),
    ("dishonesty", "失信记录"),
    ("honours", "守信荣誉"),
    ("evaluation", "评价"),
    ("repairs", "修复记录"),
)


def _settings() -> Any:
    return current_app.extensions["chengxin"].settings


def _date_arg(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput(f"日期格式应为 YYYY-MM-DD：{field}", field=field) from exc


# --- credit files -------------------------------------------------------------------


@bp.route("/")
@permission_required(P.CREDIT_VIEW)
def index() -> Any:
    """Subject search and the grade overview."""
    db = get_session()
    query = request.args.get("q", "").strip()
    people = services.search_subjects(db, query=query, limit=50) if query else []
    return render_template(
        "credit/index.html",
        query=query,
        people=people,
        counts=services.grade_counts(db),
        grade_labels=GRADE_LABELS,
    )


@bp.route("/people/<int:person_id>")
@permission_required(P.CREDIT_VIEW)
def file(person_id: int) -> Any:
    """A subject's credit file, with tabs."""
    user = signed_in_user()
    cf = services.view_credit_file(get_session(), actor=user, person_id=person_id)
    tab = request.args.get("tab", "basic")
    if tab not in dict(TABS):
        tab = "basic"
    return render_template(
        "credit/file.html",
        cf=cf,
        tab=tab,
        tabs=TABS,
        id_number=id_number_for(user, cf.person),
        eligibility={
            e.record.id: services.eligibility(e.record) for e in cf.dishonesty
        },
        **_labels(),
    )


def _labels() -> dict[str, Any]:
    return {
        "grade_labels": GRADE_LABELS,
        "grade_chips": GRADE_CHIPS,
        "evaluation_labels": EVALUATION_LABELS,
        "class_labels": CREDIT_CLASS_LABELS,
        "kind_labels": PERSON_KIND_LABELS,
        "action_labels": ACTION_LABELS,
    }


@bp.route("/people/<int:person_id>/honours", methods=["POST"])
@permission_required(P.CREDIT_MANAGE)
def add_honour(person_id: int) -> Any:
    """Add a positive record (守信荣誉)."""
    services.add_honour(
        get_session(),
        actor=signed_in_user(),
        person_id=person_id,
        title=request.form.get("title", ""),
        reason=request.form.get("reason", ""),
        decided_on=_date_arg(request.form.get("decided_on"), "decided_on"),
        deciding_unit=request.form.get("deciding_unit", ""),
    )
    flash(_("已记入守信荣誉"), "success")
    return redirect(url_for("credit.file", person_id=person_id, tab="honours"))


@bp.route("/records/<int:record_id>/correct", methods=["POST"])
@permission_required(P.CREDIT_MANAGE)
def correct(record_id: int) -> Any:
    """Correct a record: a new record supersedes it, the old one stays marked 已更正."""
    db = get_session()
    changes: dict[str, Any] = {}
    for key in ("title", "reason", "basis", "decision_number", "deciding_unit"):
        value = request.form.get(key, "").strip()
        if value:
            changes[key] = value
    ends_on = _date_arg(request.form.get("ends_on"), "ends_on")
    if ends_on:
        changes["ends_on"] = ends_on
    new = services.correct_record(
        db,
        actor=signed_in_user(),
        record_id=record_id,
        note=request.form.get("note", ""),
        **changes,
    )
    flash(_("已以新记录更正，原记录保留并标注已更正"), "success")
    return redirect(url_for("credit.file", person_id=new.person_id, tab="dishonesty"))


@bp.route("/signatures/<int:signature_id>/broken", methods=["POST"])
@permission_required(P.CREDIT_MANAGE)
def broken(signature_id: int) -> Any:
    """Record that a signed commitment was broken (a dishonesty record pointing at it)."""
    try:
        credit_class = CreditClass(request.form.get("credit_class", "general"))
    except ValueError as exc:
        raise InvalidInput("失信等级无效") from exc
    record = services.record_broken_commitment(
        get_session(),
        actor=signed_in_user(),
        signature_id=signature_id,
        reason=request.form.get("reason", ""),
        credit_class=credit_class,
        decision_number=request.form.get("decision_number", ""),
        deciding_unit=request.form.get("deciding_unit", ""),
        case_number=request.form.get("case_number") or None,
    )
    flash(_("已记入违背承诺的失信记录"), "success")
    return redirect(
        url_for("credit.file", person_id=record.person_id, tab="dishonesty")
    )


# --- reports ------------------------------------------------------------------------


def verify_url(data: ReportData) -> str:
    """The public address that checks a report."""
    base = _settings().public_base_url.rstrip("/")
    return f"{base}/public/verify?number={data.number}&code={data.verification_code}"


def render_report(data: ReportData, fmt: str) -> Response:
    """A credit report as an HTML page or a PDF download."""
    url = verify_url(data)
    qr = segno.make(url, error="m").svg_data_uri(scale=3)
    html = render_template("credit/report.html", data=data, verify_url=url, qr=qr)
    if fmt == "html":
        return Response(html, mimetype="text/html")
    import weasyprint  # heavy; only the PDF path needs it

    pdf = weasyprint.HTML(string=html).write_pdf()
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="credit-report-{data.number}.pdf"'
    )
    return response


def issue_and_render(person_id: int, fmt: str, on: date | None = None) -> Response:
    """Issue a report for a subject (as of `on`, today by default) in `fmt` (html or pdf)."""
    if fmt not in ("html", "pdf"):
        abort(404)
    data = services.issue_report(
        get_session(),
        actor=signed_in_user(),
        person_id=person_id,
        on=on,
        issuer=getattr(_settings(), "case_university_name", "") or "本校",
    )
    return render_report(data, fmt)


@bp.route("/people/<int:person_id>/report.<fmt>")
@permission_required(P.CREDIT_VIEW)
def report(person_id: int, fmt: str) -> Any:
    """Issue a credit report for a subject, today or `?as_of=YYYY-MM-DD`."""
    return issue_and_render(
        person_id, fmt, _date_arg(request.args.get("as_of"), "as_of")
    )


# --- sanction list, repairs ---------------------------------------------------------


@bp.route("/sanctions")
@permission_required(P.CREDIT_MANAGE, P.CREDIT_VIEW)
def sanctions() -> Any:
    """The whole sanction list with each entry's state (the public page shows a subset)."""
    state = request.args.get("state") or None
    entries = services.list_sanctions(
        get_session(), actor=signed_in_user(), state=state
    )
    return render_template(
        "credit/sanctions.html", entries=entries, state=state, **_labels()
    )


@bp.route("/repairs")
@permission_required(P.CREDIT_MANAGE)
def repairs() -> Any:
    """Repair applications, open ones first by due date."""
    status = request.args.get("status") or None
    rows = services.list_repairs(
        get_session(),
        actor=signed_in_user(),
        status=RepairStatus(status) if status else None,
    )
    return render_template(
        "credit/repairs.html",
        rows=rows,
        status=status,
        today=clock.today(),
        **_labels(),
    )


@bp.route("/repairs/<int:repair_id>/decide", methods=["POST"])
@permission_required(P.CREDIT_MANAGE)
def decide(repair_id: int) -> Any:
    """Approve or refuse a repair application, with reasons."""
    decision = request.form.get("decision")
    if decision not in ("approve", "refuse"):
        raise InvalidInput("请选择准予修复或不予修复")
    services.decide_repair(
        get_session(),
        actor=signed_in_user(),
        repair_id=repair_id,
        approve=decision == "approve",
        reason=request.form.get("reason", ""),
    )
    flash(_("已准予修复") if decision == "approve" else _("已不予修复"), "success")
    return redirect(url_for("credit.repairs"))


@bp.route("/repairs/<int:repair_id>/proof")
@permission_required(P.CREDIT_MANAGE)
def repair_proof(repair_id: int) -> Any:
    """Download the proof an applicant attached (hash-checked)."""
    row, data = services.proof_of(
        get_session(), actor=signed_in_user(), repair_id=repair_id
    )
    response = Response(data, mimetype=row.media_type)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="proof-{repair_id}"'
    )
    return response


# --- commitments and rules ----------------------------------------------------------


@bp.route("/commitments")
@permission_required(P.CREDIT_MANAGE)
def commitments() -> Any:
    """Commitment templates per occasion."""
    return render_template(
        "credit/commitments.html", templates=services.list_templates(get_session())
    )


@bp.route("/commitments/<int:template_id>", methods=["GET", "POST"])
@permission_required(P.CREDIT_MANAGE)
def commitment_edit(template_id: int) -> Any:
    """Edit a template: a save makes a new version; signers keep what they signed."""
    db = get_session()
    template = services.get_template(db, template_id)
    if request.method == "POST":
        version = services.save_template_version(
            db,
            actor=signed_in_user(),
            template_id=template_id,
            title=request.form.get("title", ""),
            body=request.form.get("body", ""),
        )
        flash(_("已保存为第 %(n)s 版", n=version.number), "success")
        return redirect(url_for("credit.commitment_edit", template_id=template_id))
    return render_template("credit/commitment_edit.html", template=template)


@bp.route("/rules")
@permission_required(P.CREDIT_MANAGE, P.CREDIT_VIEW)
def rules() -> Any:
    """Evaluation rule versions of every kind."""
    db = get_session()
    kinds = [(k, services.list_rule_sets(db, k)) for k in EvaluationKind]
    return render_template(
        "credit/rules.html",
        kinds=kinds,
        labels=EVALUATION_LABELS,
        actions=services.ACTIONS,
        **_labels(),
    )


@bp.route("/rules/<kind>", methods=["GET", "POST"])
@permission_required(P.CREDIT_MANAGE)
def rule_edit(kind: str) -> Any:
    """Read and change a kind's rules (JSON); a save is a new version and re-grades."""
    try:
        ek = EvaluationKind(kind)
    except ValueError:
        abort(404)
    db = get_session()
    text = None
    if request.method == "POST":
        text = request.form.get("rules", "")
        new = services.save_rule_set(
            db,
            actor=signed_in_user(),
            kind=ek,
            rules=text,
            note=request.form.get("note", ""),
        )
        flash(_("已保存为第 %(n)s 版，相关主体已重新评价", n=new.version), "success")
        return redirect(url_for("credit.rules"))
    current = services.current_rule_set(db, ek)
    return render_template(
        "credit/rule_edit.html",
        kind=ek,
        label=EVALUATION_LABELS[ek],
        current=current,
        text=json.dumps(current.rules, ensure_ascii=False, indent=2),
    )


# --- exports and the check page -----------------------------------------------------


def export_dir() -> Path:
    """Where the web's exports are written."""
    return _settings().data_dir / "exports" / "credit"


@bp.route("/exports", methods=["GET", "POST"])
@permission_required(P.CREDIT_EXPORT)
def exports() -> Any:
    """The export log; run the next incremental export."""
    db = get_session()
    if request.method == "POST":
        fmt = request.form.get("format", "csv")
        row = services.export_changes(
            db, actor=signed_in_user(), fmt=fmt, out_dir=export_dir()
        )
        if row is None:
            flash(_("自上次报送以来没有变化"), "info")
        else:
            flash(
                _(
                    "已生成第 %(n)s 批报送文件（%(c)s 条）",
                    n=row.number,
                    c=row.row_count,
                ),
                "success",
            )
        return redirect(url_for("credit.exports"))
    return render_template(
        "credit/exports.html", rows=services.list_exports(db, actor=signed_in_user())
    )


@bp.route("/exports/<int:number>/download")
@permission_required(P.CREDIT_EXPORT)
def export_download(number: int) -> Any:
    """Download an export file (the schema with `?schema=1`)."""
    path = services.export_file(
        get_session(),
        actor=signed_in_user(),
        number=number,
        out_dir=export_dir(),
        schema=bool(request.args.get("schema")),
    )
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=path.name)


@bp.route("/check")
@permission_required(P.CREDIT_CHECK, P.CREDIT_VIEW)
def check_page() -> Any:
    """The supervision check as a page: subject + action → allowed, reason, until."""
    person = request.args.get("person", "").strip()
    action = request.args.get("action", "admission")
    result = None
    subject = None
    not_in_register = False
    if person:
        try:
            subject, result = services.check_number(
                get_session(), actor=signed_in_user(), number=person, action=action
            )
        except NumberNotInRegister:
            # Said on the page (not a 404): the office needs to see it was a typo.
            not_in_register = True
    return render_template(
        "credit/check.html",
        person=person,
        action=action,
        result=result,
        subject=subject,
        not_in_register=not_in_register,
        actions=services.ACTIONS,
        **_labels(),
    )


def panel_data() -> dict[str, Any]:
    """Figures for the credit office's workbench panel."""
    db = get_session()
    user = signed_in_user()
    today = clock.today()
    open_rows = services.list_repairs(db, actor=user, status=RepairStatus.SUBMITTED)
    last = services.last_export(db)
    return {
        "open_repairs": len(open_rows),
        "overdue_repairs": sum(1 for a in open_rows if a.due_on < today),
        "disclosed": len(services.public_sanctions(db)),
        "last_export": last,
    }
