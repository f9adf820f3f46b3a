"""Casework pages (`/cases`): the board, intake, and the case page with its forms.

Views parse the request, call casework services and render; the case page's content comes
from the read model `casework.services.case_view`. The case's files (`web.cases_files`),
the office's pages (`web.cases_office`) and the respondent's own pages (`web.cases_mine`)
are routed on this blueprint at the end of this module, so every `cases.*` endpoint is
listed here.
"""

from __future__ import annotations

from typing import Any, BinaryIO, cast

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.kernel.accounts import Permission
from archive.kernel.errors import InvalidInput
from archive.kernel.people import PERSON_KIND_LABELS, id_number_for
from casework.catalogue import MISCONDUCT_LABELS, SANCTION_LEVELS, SANCTIONS
from casework.errors import CaseNotFound
from casework.models import (
    DOCUMENT_LABELS,
    EVIDENCE_LABELS,
    RELATION_LABELS,
    SOURCE_LABELS,
    STATE_LABELS,
    WHO_LABELS,
    CaseSource,
    CaseState,
    Finding,
)
from casework.models.panel import member_kind_label
from casework.services import (
    appeals,
    board,
    deadlines,
    decisions,
    evidence,
    intake,
    workflow,
)
from casework.services.case_view import case_page
from casework.services.common import STAFF_PERMISSIONS
from casework.services.hearing import MET_HOW_LABELS
from web import (
    cases_files,
    cases_mine,
    cases_office,
    cases_panel,
    cases_threads,
    ratelimit,
)
from web.auth import permission_required, signed_in_user
from web.cases_forms import (
    form_action,
    form_date,
    form_id,
    register_case,
    require_version,
)
from web.db import get_session

bp = Blueprint("cases", __name__, url_prefix="/cases")
P = Permission
TABS = (
    ("summary", "概要"),
    ("allegation", "举报内容"),
    ("evidence", "证据"),
    ("reporter", "与举报人沟通"),
    ("notes", "内部备注"),
    ("panel", "调查组"),
    ("timeline", "时间线"),
    ("documents", "文书"),
)
# Labels and constants the case page's template reads beside the read model.
CASE_PAGE_LABELS: dict[str, Any] = {
    "tabs": TABS,
    "who_labels": WHO_LABELS,
    "appeal_labels": appeals.OUTCOME_LABELS,
    "sanction_label": decisions.sanction_label,
    "misconduct_labels": MISCONDUCT_LABELS,
    "relation_labels": RELATION_LABELS,
    "evidence_labels": EVIDENCE_LABELS,
    "document_labels": DOCUMENT_LABELS,
    "kinds": PERSON_KIND_LABELS,
    "source_labels": SOURCE_LABELS,
    "Finding": Finding,
    "State": CaseState,
    "catalogue": SANCTIONS,
    "sanction_levels": SANCTION_LEVELS,
    "met_how_labels": MET_HOW_LABELS,
    "member_kind_label": member_kind_label,
}


# --- board, intake -----------------------------------------------------------------------


@bp.route("/", endpoint="board")
@permission_required(*STAFF_PERMISSIONS)
def board_view() -> Any:
    """The board: columns by stage, or a list sorted by what is due."""
    db = get_session()
    cards = board.board(
        db, actor=signed_in_user(), include_archived=bool(request.args.get("archived"))
    )
    return render_template(
        "cases/board.html",
        cards=cards,
        columns=board.columns(cards),
        view=request.args.get("view", "board"),
    )


@bp.route("/new", methods=["GET", "POST"], endpoint="intake")
@permission_required(P.CASE_INTAKE)
def intake_view() -> Any:
    """Register a named report, a media report or an own-initiative case."""
    if request.method == "POST":
        f = request.form
        respondent = {
            "kind": f.get("respondent_kind", "teacher"),
            "name": f.get("respondent_name", ""),
            "university_id": f.get("respondent_uid"),
            "unit": f.get("respondent_unit"),
        }
        case = register_case(
            f,
            reporter={
                "name": f.get("reporter_name"),
                "contact": f.get("reporter_contact"),
                "unit": f.get("reporter_unit"),
                "university_id": f.get("reporter_uid"),
            },
            respondents=[respondent] if respondent["name"].strip() else [],
        )
        flash(_("已登记案件 %(n)s", n=case.number), "success")
        return redirect(url_for("cases.show", case_id=case.id), code=303)
    return render_template(
        "cases/intake.html",
        sources=[
            (s.value, SOURCE_LABELS[s])
            for s in CaseSource
            if s is not CaseSource.ANONYMOUS and s is not CaseSource.SCREENING
        ],
        kinds=PERSON_KIND_LABELS,
    )


@bp.route("/from-screening/<int:submission_id>", methods=["POST"])
@permission_required(P.CASE_INTAKE)
def from_screening(submission_id: int) -> Any:
    """One click from a screening report: open a case with the report attached."""
    raw = request.form.get("respondent_person_id")
    case = intake.open_case_from_screening(
        get_session(),
        actor=signed_in_user(),
        submission_id=submission_id,
        respondent_person_id=int(raw) if raw and raw.isdigit() else None,
        summary=request.form.get("summary", ""),
    )
    flash(_("已从查重报告立案 %(n)s", n=case.number), "success")
    return redirect(url_for("cases.show", case_id=case.id), code=303)


# --- the case page -----------------------------------------------------------------------


@bp.route("/<int:case_id>")
@permission_required(*STAFF_PERMISSIONS)
def show(case_id: int) -> Any:
    """The case page with its tabs."""
    tab = request.args.get("tab", "summary")
    if tab not in dict(TABS):
        tab = "summary"
    user = signed_in_user()
    try:
        page = case_page(get_session(), actor=user, case_id=case_id, tab=tab)
    except CaseNotFound:
        get_session().commit()  # keep a refused view's audit entry; still "not found"
        raise
    return render_template(
        "cases/case.html",
        **vars(page),
        **CASE_PAGE_LABELS,
        tab=tab,
        id_number=lambda person: id_number_for(user, person),
    )


@bp.route("/<int:case_id>/transition", methods=["POST"])
@permission_required(*STAFF_PERMISSIONS)
@form_action()
def do_transition(case_id: int) -> str:
    """Move the case (the form names the target, the reasons and the version)."""
    case = workflow.transition(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        to=request.form.get("to", ""),
        expected_version=require_version(),
        reason=request.form.get("reason"),
    )
    return _("案件已转入“%(s)s”", s=_(STATE_LABELS[case.state]))


@bp.route("/<int:case_id>/respondents", methods=["POST"])
@permission_required(P.CASE_INTAKE)
@form_action()
def add_respondent(case_id: int) -> str:
    """Register a respondent."""
    f = request.form
    party = intake.add_respondent(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=require_version(),
        kind=f.get("kind", "teacher"),
        name=f.get("name", ""),
        university_id=f.get("university_id"),
        unit=f.get("unit"),
        role_note=f.get("role_note"),
    )
    return _("已登记被举报人 %(n)s", n=party.person.name)


@bp.route("/<int:case_id>/evidence", methods=["POST"])
@permission_required(P.CASE_INTAKE, P.CASE_INVESTIGATE)
@form_action("evidence")
def add_evidence(case_id: int) -> str:
    """Attach a file, or a written note when no file is given."""
    db = get_session()
    f = request.form
    upload = request.files.get("file")
    if upload and upload.filename:
        ratelimit.hit_upload()
    supersedes = f.get("supersedes_id")
    supersedes_id = int(supersedes) if supersedes and supersedes.isdigit() else None
    if upload is not None and upload.filename:
        item = evidence.add_evidence_file(
            db,
            actor=signed_in_user(),
            case_id=case_id,
            expected_version=require_version(),
            title=f.get("title", ""),
            filename=upload.filename,
            stream=cast(BinaryIO, upload.stream),
            media_type=upload.mimetype,
            received_from=f.get("received_from"),
            note=f.get("note"),
            supersedes_id=supersedes_id,
        )
    else:
        item = evidence.add_note(
            db,
            actor=signed_in_user(),
            case_id=case_id,
            expected_version=require_version(),
            title=f.get("title", ""),
            note=f.get("note", ""),
            supersedes_id=supersedes_id,
        )
    return _("已添加材料：%(t)s", t=item.title)


@bp.route("/<int:case_id>/draft", methods=["POST"])
@permission_required(P.CASE_INVESTIGATE)
@form_action("evidence")
def add_draft(case_id: int) -> str:
    """The panel lead uploads the report draft."""
    ratelimit.hit_upload()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput("请选择调查报告草稿文件 (choose the draft file)")
    evidence.add_report_draft(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=require_version(),
        filename=upload.filename,
        stream=cast(BinaryIO, upload.stream),
    )
    return _("已上传调查报告草稿")


@bp.route("/<int:case_id>/interviews", methods=["POST"])
@permission_required(P.CASE_INVESTIGATE)
@form_action("evidence")
def add_interview(case_id: int) -> str:
    """An interview record with two interviewers and the signed scan."""
    f = request.form
    scan = request.files.get("signed_scan")
    if scan is None or not scan.filename:
        raise InvalidInput("请上传签字的谈话笔录扫描件 (the signed scan is required)")
    evidence.add_interview(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=require_version(),
        interviewee=f.get("interviewee", ""),
        held_on=form_date("held_on"),
        place=f.get("place"),
        interviewer1_id=form_id("interviewer1_id"),
        interviewer2_id=form_id("interviewer2_id"),
        summary=f.get("summary", ""),
        signed_scan_name=scan.filename,
        signed_scan=cast(BinaryIO, scan.stream),
    )
    return _("已添加谈话笔录")


@bp.route("/<int:case_id>/findings", methods=["POST"])
@permission_required(P.CASE_DECIDE)
@form_action()
def record_finding(case_id: int) -> str:
    """The committee's finding for one respondent."""
    f = request.form
    party = decisions.record_finding(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=require_version(),
        party_id=form_id("party_id"),
        finding=f.get("finding", ""),
        misconduct_type=f.get("misconduct_type") or None,
        facts=f.get("facts", ""),
        is_serious=bool(f.get("is_serious")),
    )
    return _("已记录对 %(n)s 的认定", n=party.person.name)


@bp.route("/<int:case_id>/sanctions", methods=["POST"])
@permission_required(P.CASE_DECIDE)
@form_action()
def propose_sanction(case_id: int) -> str:
    """Choose a sanction from the catalogue."""
    f = request.form
    months = f.get("months", "").strip()
    row = decisions.propose_sanction(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=require_version(),
        party_id=form_id("party_id"),
        code=f.get("code", ""),
        months=int(months) if months.isdigit() else None,
        note=f.get("note"),
        level=f.get("level") or None,
    )
    return _("已拟定处理措施 %(c)s", c=row.code)


@bp.route("/<int:case_id>/sanctions/<int:sanction_id>/withdraw", methods=["POST"])
@permission_required(P.CASE_DECIDE)
@form_action()
def withdraw_sanction(case_id: int, sanction_id: int) -> str:
    """Drop a proposed sanction."""
    decisions.withdraw_proposal(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=require_version(),
        sanction_id=sanction_id,
    )
    return _("已撤回")


@bp.route("/<int:case_id>/extend", methods=["POST"])
@permission_required(P.CASE_DECIDE)
@form_action()
def extend(case_id: int) -> str:
    """Approve an extension of the current deadline."""
    ext = deadlines.extend_deadline(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=require_version(),
        new_due_on=form_date("new_due_on"),
        reason=request.form.get("reason", ""),
        requested_by=request.form.get("requested_by"),
    )
    return _("期限已延长至 %(d)s", d=ext.new_due_on.isoformat())


# --- pages in their own modules, routed on this blueprint ---------------------------------

for _rule, _endpoint, _view, _methods in (
    (
        "/evidence/<int:evidence_id>/download",
        "download_evidence",
        cases_files.download_evidence,
        ["GET"],
    ),
    (
        "/evidence/<int:evidence_id>/verify",
        "verify_evidence",
        cases_files.verify_evidence,
        ["POST"],
    ),
    (
        "/interviews/<int:interview_id>/scan",
        "download_scan",
        cases_files.download_scan,
        ["GET"],
    ),
    (
        "/documents/<int:document_id>",
        "download_document",
        cases_files.download_document,
        ["GET"],
    ),
    ("/<int:case_id>/panel", "assign", cases_panel.assign, ["POST"]),
    ("/<int:case_id>/panel/remove", "unassign", cases_panel.unassign, ["POST"]),
    ("/<int:case_id>/conflicts", "declare", cases_panel.declare, ["POST"]),
    ("/<int:case_id>/experts", "add_expert", cases_panel.add_expert, ["POST"]),
    ("/<int:case_id>/messages", "post_message", cases_threads.post_message, ["POST"]),
    (
        "/<int:case_id>/statements",
        "record_statement",
        cases_threads.record_statement,
        ["POST"],
    ),
    (
        "/messages/<int:message_id>/file",
        "message_file",
        cases_threads.message_file,
        ["GET"],
    ),
    ("/reports", "reports", cases_office.reports_view, ["GET"]),
    ("/reports/annual.csv", "annual_csv", cases_office.annual_csv, ["GET"]),
    ("/holidays", "holidays", cases_office.holidays, ["GET", "POST"]),
    ("/inbox/<int:reminder_id>/read", "inbox_read", cases_office.inbox_read, ["POST"]),
    ("/mine", "mine", cases_mine.mine, ["GET"]),
    ("/mine/<int:case_id>", "mine_case", cases_mine.mine_case, ["GET"]),
    ("/mine/<int:case_id>/draft", "mine_draft", cases_mine.mine_draft, ["GET"]),
    ("/mine/<int:case_id>/comment", "mine_comment", cases_mine.mine_comment, ["POST"]),
    ("/mine/<int:case_id>/appeal", "mine_appeal", cases_mine.mine_appeal, ["POST"]),
    ("/mine/<int:case_id>/waive", "mine_waive", cases_mine.mine_waive, ["POST"]),
):
    bp.add_url_rule(_rule, _endpoint, _view, methods=_methods)


# --- the workbench ---------------------------------------------------------------------------


def state_label(state: str | CaseState) -> str:
    """The Chinese name of a case state (the msgid for its translation)."""
    return STATE_LABELS[CaseState(state)]
