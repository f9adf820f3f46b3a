"""Casework pages (`/cases`) and JSON API (`/api/cases`).

Every form carries the case's `version`; a form submitted against an older version is
refused (StaleCase) and nothing changes. Refusals on forms come back as a flash message on
the case page, after the transaction is rolled back; the API returns the error shape.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from datetime import date
from typing import Any, BinaryIO, TypeVar, cast

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from archive.kernel import calendar
from archive.kernel.accounts import Permission, User
from archive.kernel.errors import DomainError, InvalidInput
from archive.kernel.files import read_verified
from archive.kernel.people import PERSON_KIND_LABELS, id_number_for, mask_id_number
from casework.catalogue import MISCONDUCT_LABELS, SANCTIONS
from casework.errors import RecusalRequired
from casework.models import (
    DOCUMENT_LABELS,
    EVIDENCE_LABELS,
    OUTCOME_LABELS,
    RELATION_LABELS,
    SOURCE_LABELS,
    STATE_LABELS,
    TRANSITIONS,
    WHO_LABELS,
    Case,
    CaseSource,
    CaseState,
    Finding,
    Thread,
)
from casework.services import (
    appeals,
    board,
    deadlines,
    decisions,
    evidence,
    intake,
    letters,
    panel,
    reports,
    respondents,
    tips,
    workflow,
)
from casework.services.common import can_see_reporter, is_staff
from web.auth import current_user, login_required, permission_required
from web.db import get_session

bp = Blueprint("cases", __name__, url_prefix="/cases")
api = Blueprint("cases_api", __name__, url_prefix="/api/cases")
P = Permission
F = TypeVar("F", bound=Callable[..., Any])
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
STAFF = (P.CASE_VIEW, P.CASE_INTAKE, P.CASE_INVESTIGATE, P.CASE_DECIDE)


def _user() -> User:
    user = current_user()
    assert user is not None
    return user


def _version() -> int | None:
    raw = request.form.get("version") or (request.get_json(silent=True) or {}).get(
        "expected_version"
    )
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError) as exc:
        raise InvalidInput("版本号无效 (bad version)") from exc


def _require_version() -> int:
    v = _version()
    if v is None:
        raise InvalidInput(
            "缺少版本号，请刷新页面后重试 (expected_version is required)"
        )
    return v


def form_action(tab: str = "summary") -> Callable[[F], F]:
    """POST handlers of the case page: refusals roll back and come back as a message."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(case_id: int, *args: Any, **kwargs: Any) -> Any:
            target = url_for(
                "cases.show", case_id=case_id, tab=request.form.get("tab", tab)
            )
            db = get_session()
            try:
                message = view(case_id, *args, **kwargs)
            except RecusalRequired as exc:
                db.commit()  # the recorded check and event are kept
                flash(exc.message, "error")
                return redirect(target, code=303)
            except DomainError as exc:
                db.rollback()
                flash(exc.message, "error")
                return redirect(target, code=303)
            if message:
                flash(message, "success")
            return redirect(target, code=303)

        return wrapped  # type: ignore[return-value]

    return decorator


def _date(name: str) -> date:
    raw = (request.form.get(name) or "").strip()
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(f"日期格式应为 YYYY-MM-DD：{raw} (bad date)") from exc


# --- board, intake -----------------------------------------------------------------------


@bp.route("/", endpoint="board")
@permission_required(*STAFF)
def board_view() -> Any:
    """The board: columns by stage, or a list sorted by what is due."""
    db = get_session()
    cards = board.board(
        db, actor=_user(), include_archived=bool(request.args.get("archived"))
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
        db = get_session()
        f = request.form
        source = CaseSource(f.get("source", "named"))
        case = intake.open_case(
            db,
            actor=_user(),
            title=f.get("title", ""),
            allegation=f.get("allegation", ""),
            source=source,
            summary=f.get("summary", ""),
            reporter=intake.ReporterInput(
                name=f.get("reporter_name"),
                contact=f.get("reporter_contact"),
                unit=f.get("reporter_unit"),
                university_id=f.get("reporter_uid"),
                is_anonymous=source is not CaseSource.NAMED,
            ),
        )
        if f.get("respondent_name", "").strip():
            intake.add_respondent(
                db,
                actor=_user(),
                case_id=case.id,
                expected_version=case.version,
                kind=f.get("respondent_kind", "teacher"),
                name=f.get("respondent_name", ""),
                university_id=f.get("respondent_uid"),
                unit=f.get("respondent_unit"),
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
        actor=_user(),
        submission_id=submission_id,
        respondent_person_id=int(raw) if raw and raw.isdigit() else None,
        summary=request.form.get("summary", ""),
    )
    flash(_("已从查重报告立案 %(n)s", n=case.number), "success")
    return redirect(url_for("cases.show", case_id=case.id), code=303)


# --- the case page -----------------------------------------------------------------------


def _case_context(case: Case, tab: str) -> dict[str, Any]:
    db = get_session()
    user = _user()
    items = evidence.list_evidence(db, case.id)
    deadline = deadlines.current_deadline(db, case.id)
    moves = workflow.available_transitions(db, case, user)
    reporter = (
        intake.reporter_for_viewer(db, actor=user, case=case)
        if tab == "allegation"
        else None
    )
    return {
        "case": case,
        "tab": tab,
        "tabs": TABS,
        "moves": moves,
        "all_moves": workflow.allowed_targets(case.state),
        "who_labels": WHO_LABELS,
        "deadline": deadlines.status_of(db, deadline) if deadline else None,
        "deadline_row": deadline,
        "deadlines": deadlines.list_deadlines(db, case.id),
        "extensions": deadlines.list_extensions(db, case.id),
        "reporter": reporter,
        "may_see_reporter": can_see_reporter(db, user, case),
        "evidence": items,
        "superseded": evidence.superseded_ids(items),
        "interviews": evidence.list_interviews(db, case.id),
        # The reporter's own words may identify them: same rule as their identity.
        "reporter_messages": tips.list_messages(db, case.id, Thread.REPORTER)
        if can_see_reporter(db, user, case)
        else [],
        "internal_notes": tips.list_messages(db, case.id, Thread.INTERNAL),
        "respondent_messages": tips.list_messages(db, case.id, Thread.RESPONDENT),
        "panel": workflow.active_panel(db, case.id),
        "checks": panel.list_checks(db, case.id),
        "conflicts": panel.list_conflicts(db, case.id),
        "investigators": panel.list_investigators(db) if tab == "panel" else [],
        "events": _events(case.id),
        "documents": letters.list_documents(db, case.id),
        "decisions": decisions.list_decisions(db, case.id),
        "sanctions": decisions.list_sanctions(db, case.id),
        "appeals": appeals.list_appeals(db, case.id),
        "appeal_labels": appeals.OUTCOME_LABELS,
        "sanction_options": {
            p.id: decisions.sanctions_for(p.person.kind) for p in case.parties
        },
        "sanction_label": decisions.sanction_label,
        "misconduct_labels": MISCONDUCT_LABELS,
        "relation_labels": RELATION_LABELS,
        "evidence_labels": EVIDENCE_LABELS,
        "document_labels": DOCUMENT_LABELS,
        "kinds": PERSON_KIND_LABELS,
        "source_labels": SOURCE_LABELS,
        "id_number": lambda person: id_number_for(user, person),
        "accepted_types": evidence.accepted_types(db),
        "is_lead": workflow.is_panel_lead(db, case, user),
        "Finding": Finding,
        "State": CaseState,
        "catalogue": SANCTIONS,
    }


def _events(case_id: int) -> list[Any]:
    from sqlalchemy import select

    from casework.models import CaseEvent

    return list(
        get_session().scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
    )


@bp.route("/<int:case_id>")
@permission_required(*STAFF)
def show(case_id: int) -> Any:
    """The case page with its tabs."""
    tab = request.args.get("tab", "summary")
    if tab not in dict(TABS):
        tab = "summary"
    case = intake.view_case(get_session(), actor=_user(), case_id=case_id)
    return render_template("cases/case.html", **_case_context(case, tab))


@bp.route("/<int:case_id>/transition", methods=["POST"])
@permission_required(*STAFF)
@form_action()
def do_transition(case_id: int) -> str:
    """Move the case (the form names the target, the reasons and the version)."""
    case = workflow.transition(
        get_session(),
        actor=_user(),
        case_id=case_id,
        to=request.form.get("to", ""),
        expected_version=_require_version(),
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
        actor=_user(),
        case_id=case_id,
        expected_version=_require_version(),
        kind=f.get("kind", "teacher"),
        name=f.get("name", ""),
        university_id=f.get("university_id"),
        unit=f.get("unit"),
        role_note=f.get("role_note"),
    )
    return _("已登记被举报人 %(n)s", n=party.person.name)


@bp.route("/<int:case_id>/panel", methods=["POST"])
@permission_required(P.CASE_INTAKE)
@form_action("panel")
def assign(case_id: int) -> str:
    """Put an investigator on the panel (after the recorded recusal check)."""
    member = panel.assign_member(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_require_version(),
        user_id=int(request.form.get("user_id", "0") or 0),
        is_lead=bool(request.form.get("is_lead")),
    )
    return _("%(n)s 已加入调查组", n=member.user.display_name)


@bp.route("/<int:case_id>/panel/remove", methods=["POST"])
@permission_required(P.CASE_INTAKE)
@form_action("panel")
def unassign(case_id: int) -> str:
    """Take a member off the panel."""
    panel.remove_member(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_require_version(),
        user_id=int(request.form.get("user_id", "0") or 0),
        reason=request.form.get("reason", ""),
    )
    return _("已调整调查组")


@bp.route("/<int:case_id>/conflicts", methods=["POST"])
@permission_required(*STAFF)
@form_action("panel")
def declare(case_id: int) -> str:
    """Declare (oneself) or flag (the office) a relation requiring recusal."""
    raw_person = request.form.get("person_id")
    panel.declare_conflict(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_require_version(),
        user_id=int(request.form.get("user_id") or _user().id),
        relation=request.form.get("relation", "other"),
        person_id=int(raw_person) if raw_person and raw_person.isdigit() else None,
        note=request.form.get("note"),
    )
    return _("已记录回避事由")


@bp.route("/<int:case_id>/evidence", methods=["POST"])
@permission_required(P.CASE_INTAKE, P.CASE_INVESTIGATE)
@form_action("evidence")
def add_evidence(case_id: int) -> str:
    """Attach a file, or a written note when no file is given."""
    db = get_session()
    f = request.form
    upload = request.files.get("file")
    supersedes = f.get("supersedes_id")
    supersedes_id = int(supersedes) if supersedes and supersedes.isdigit() else None
    if upload is not None and upload.filename:
        item = evidence.add_evidence_file(
            db,
            actor=_user(),
            case_id=case_id,
            expected_version=_require_version(),
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
            actor=_user(),
            case_id=case_id,
            expected_version=_require_version(),
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
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput("请选择调查报告草稿文件 (choose the draft file)")
    evidence.add_report_draft(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_require_version(),
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
        actor=_user(),
        case_id=case_id,
        expected_version=_require_version(),
        interviewee=f.get("interviewee", ""),
        held_on=_date("held_on"),
        place=f.get("place"),
        interviewer1_id=int(f.get("interviewer1_id") or 0),
        interviewer2_id=int(f.get("interviewer2_id") or 0),
        summary=f.get("summary", ""),
        signed_scan_name=scan.filename,
        signed_scan=cast(BinaryIO, scan.stream),
    )
    return _("已添加谈话笔录")


@bp.route("/<int:case_id>/messages", methods=["POST"])
@permission_required(*STAFF)
@form_action("reporter")
def post_message(case_id: int) -> str:
    """A question or reply to the reporter, or an internal note."""
    thread = request.form.get("thread", "internal")
    tips.staff_message(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_require_version(),
        thread=thread,
        body=request.form.get("body", ""),
        is_question=bool(request.form.get("is_question")),
    )
    return _("已发送") if thread == "reporter" else _("已添加内部备注")


@bp.route("/<int:case_id>/findings", methods=["POST"])
@permission_required(P.CASE_DECIDE)
@form_action()
def record_finding(case_id: int) -> str:
    """The committee's finding for one respondent."""
    f = request.form
    party = decisions.record_finding(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_require_version(),
        party_id=int(f.get("party_id") or 0),
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
        actor=_user(),
        case_id=case_id,
        expected_version=_require_version(),
        party_id=int(f.get("party_id") or 0),
        code=f.get("code", ""),
        months=int(months) if months.isdigit() else None,
        note=f.get("note"),
    )
    return _("已拟定处理措施 %(c)s", c=row.code)


@bp.route("/<int:case_id>/sanctions/<int:sanction_id>/withdraw", methods=["POST"])
@permission_required(P.CASE_DECIDE)
@form_action()
def withdraw_sanction(case_id: int, sanction_id: int) -> str:
    """Drop a proposed sanction."""
    decisions.withdraw_proposal(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_require_version(),
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
        actor=_user(),
        case_id=case_id,
        expected_version=_require_version(),
        new_due_on=_date("new_due_on"),
        reason=request.form.get("reason", ""),
        requested_by=request.form.get("requested_by"),
    )
    return _("期限已延长至 %(d)s", d=ext.new_due_on.isoformat())


def _send(stored: Any, download_name: str) -> Response:
    data = read_verified(get_session(), stored)
    response = send_file(
        io.BytesIO(data),
        mimetype=stored.media_type,
        as_attachment=True,
        download_name=download_name,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/evidence/<int:evidence_id>/download")
@permission_required(*STAFF)
def download_evidence(evidence_id: int) -> Any:
    """Download an evidence file (hash checked, download audited)."""
    item = evidence.get_evidence(get_session(), actor=_user(), evidence_id=evidence_id)
    if item.stored_file is None:
        abort(404)
    return _send(item.stored_file, item.stored_file.original_name)


@bp.route("/evidence/<int:evidence_id>/verify", methods=["POST"])
@permission_required(*STAFF)
def verify_evidence(evidence_id: int) -> Any:
    """Re-hash one evidence file and say whether it still matches its SHA-256."""
    from casework.models import Evidence

    db = get_session()
    item = db.get(Evidence, evidence_id)
    if item is None:
        abort(404)
    case_id = item.case_id
    try:
        ok = evidence.verify_evidence(db, actor=_user(), evidence_id=evidence_id)
        if ok:
            flash(_("校验一致：文件未被改动"), "success")
        else:
            flash(_("校验不一致：文件已被改动或丢失"), "error")
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
    return redirect(url_for("cases.show", case_id=case_id, tab="evidence"), code=303)


@bp.route("/interviews/<int:interview_id>/scan")
@permission_required(*STAFF)
def download_scan(interview_id: int) -> Any:
    """The signed scan of an interview record."""
    from casework.models import Interview
    from casework.services.common import get_case, require_case_view

    db = get_session()
    row = db.get(Interview, interview_id)
    if row is None:
        abort(404)
    require_case_view(db, _user(), get_case(db, row.case_id))
    return _send(row.signed_scan, row.signed_scan.original_name)


@bp.route("/documents/<int:document_id>")
@login_required
def download_document(document_id: int) -> Any:
    """A letter: staff of the case, or the respondent it is addressed to."""
    from casework.models import CaseDocument
    from casework.services.common import get_case, require_case_view

    db = get_session()
    user = _user()
    doc = db.get(CaseDocument, document_id)
    if doc is None:
        abort(404)
    if is_staff(user):
        case = get_case(db, doc.case_id)
        try:
            require_case_view(db, user, case)
        except DomainError:
            doc = respondents.document_for_respondent(
                db, actor=user, document_id=document_id
            )
    else:
        doc = respondents.document_for_respondent(
            db, actor=user, document_id=document_id
        )
    return _send(doc.stored_file, f"{doc.title}.pdf")


# --- reports, holidays, inbox --------------------------------------------------------------


@bp.route("/reports", endpoint="reports")
@permission_required(P.CASE_REPORTS)
def reports_view() -> Any:
    """Counts by type, unit, stage, outcome and days open, and the annual summary."""
    db = get_session()
    from archive.kernel import clock

    year = request.args.get("year", type=int) or clock.today().year
    return render_template(
        "cases/reports.html",
        counts=reports.case_counts(db, actor=_user()),
        summary=reports.annual_summary(db, actor=_user(), year=year),
        year=year,
    )


@bp.route("/reports/annual.csv")
@permission_required(P.CASE_REPORTS)
def annual_csv() -> Any:
    """The annual summary as CSV."""
    from archive.kernel import clock

    year = request.args.get("year", type=int) or clock.today().year
    summary = reports.annual_summary(get_session(), actor=_user(), year=year)
    return Response(
        reports.annual_summary_csv(summary),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=cases-{year}.csv"},
    )


@bp.route("/holidays", methods=["GET", "POST"])
@permission_required(P.CASE_ADMIN)
def holidays() -> Any:
    """The working-day calendar: days off and 调休 make-up working days."""
    db = get_session()
    if request.method == "POST":
        try:
            if request.form.get("delete"):
                calendar.delete_holiday(db, actor=_user(), day=_date("day"))
                flash(_("已删除"), "success")
            elif request.form.get("csv", "").strip():
                n = calendar.import_holidays(
                    db, actor=_user(), text=request.form["csv"]
                )
                flash(_("已导入 %(n)s 条", n=n), "success")
            else:
                calendar.set_holiday(
                    db,
                    actor=_user(),
                    day=_date("day"),
                    name=request.form.get("name", ""),
                    is_workday=bool(request.form.get("is_workday")),
                )
                flash(_("已保存"), "success")
        except DomainError as exc:
            db.rollback()
            flash(exc.message, "error")
        return redirect(url_for("cases.holidays"), code=303)
    from archive.kernel import clock

    year = request.args.get("year", type=int) or clock.today().year
    return render_template(
        "cases/holidays.html", rows=calendar.list_holidays(db, year), year=year
    )


@bp.route("/inbox/<int:reminder_id>/read", methods=["POST"])
@login_required
def inbox_read(reminder_id: int) -> Any:
    """Dismiss one reminder."""
    deadlines.mark_read(get_session(), user=_user(), reminder_id=reminder_id)
    return redirect(url_for("home.index"), code=303)


# --- the respondent's own pages ------------------------------------------------------------


@bp.route("/mine")
@permission_required(P.SELF_SERVICE)
def mine() -> Any:
    """Cases in which the signed-in user is a respondent."""
    rows = respondents.my_cases(get_session(), actor=_user())
    return render_template("cases/mine.html", rows=rows, labels=STATE_LABELS)


@bp.route("/mine/<int:case_id>")
@permission_required(P.SELF_SERVICE)
def mine_case(case_id: int) -> Any:
    """The respondent's view: stage, deadline, report draft, letters, comment and appeal."""
    view = respondents.respondent_view(get_session(), actor=_user(), case_id=case_id)
    return render_template("cases/mine_case.html", v=view)


@bp.route("/mine/<int:case_id>/draft")
@permission_required(P.SELF_SERVICE)
def mine_draft(case_id: int) -> Any:
    """The report draft put to the respondent."""
    view = respondents.respondent_view(get_session(), actor=_user(), case_id=case_id)
    if view.draft is None or view.draft.stored_file is None:
        abort(404)
    return _send(view.draft.stored_file, view.draft.stored_file.original_name)


def _mine_action(case_id: int, fn: Callable[[], str]) -> Any:
    db = get_session()
    try:
        flash(fn(), "success")
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
    return redirect(url_for("cases.mine_case", case_id=case_id), code=303)


@bp.route("/mine/<int:case_id>/comment", methods=["POST"])
@permission_required(P.SELF_SERVICE)
def mine_comment(case_id: int) -> Any:
    """Submit a statement on the report draft."""

    def go() -> str:
        respondents.submit_comment(
            get_session(),
            actor=_user(),
            case_id=case_id,
            expected_version=_require_version(),
            body=request.form.get("body", ""),
        )
        return _("陈述申辩意见已提交")

    return _mine_action(case_id, go)


@bp.route("/mine/<int:case_id>/appeal", methods=["POST"])
@permission_required(P.SELF_SERVICE)
def mine_appeal(case_id: int) -> Any:
    """File an appeal within the window."""

    def go() -> str:
        respondents.my_case(get_session(), actor=_user(), case_id=case_id)
        respondents.file_appeal(
            get_session(),
            actor=_user(),
            case_id=case_id,
            expected_version=_require_version(),
            grounds=request.form.get("grounds", ""),
        )
        return _("申诉已提交")

    return _mine_action(case_id, go)


# --- JSON API ------------------------------------------------------------------------------


def case_json(case: Case, *, viewer: User) -> dict[str, Any]:
    """A case as JSON for staff (the reporter only for those allowed to see them)."""
    db = get_session()
    deadline = deadlines.current_deadline(db, case.id)
    status = deadlines.status_of(db, deadline) if deadline else None
    out: dict[str, Any] = {
        "id": case.id,
        "number": case.number,
        "title": case.title,
        "summary": case.summary,
        "source": case.source.value,
        "state": case.state.value,
        "state_label": STATE_LABELS[case.state],
        "version": case.version,
        "misconduct_type": case.misconduct_type.value if case.misconduct_type else None,
        "unit": case.unit,
        "outcome": case.outcome.value if case.outcome else None,
        "outcome_label": OUTCOME_LABELS[case.outcome] if case.outcome else None,
        "opened_on": case.opened_on.isoformat(),
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "deadline": None
        if status is None
        else {
            "label": status.label,
            "due_on": status.due_on.isoformat(),
            "days_left": status.days_left,
            "level": status.level,
            "is_extended": status.is_extended,
        },
        "respondents": [
            {
                "party_id": p.id,
                "person_id": p.person_id,
                "name": p.person.name,
                "kind": p.person.kind.value,
                "university_id": p.person.university_id,
                "unit": p.person.unit,
                "role_note": p.role_note,
                "id_number": id_number_for(viewer, p.person)
                if p.person.id_number
                else None,
                "finding": p.finding.value if p.finding else None,
            }
            for p in case.parties
        ],
        "allowed_transitions": [
            {
                "to": t.target.value,
                "label": t.label,
                "reason_required": t.reason_required,
            }
            for t in workflow.available_transitions(db, case, viewer)
        ],
        "credit_handoff": case.credit_handoff,
        "archive_status": case.archive_status,
    }
    if can_see_reporter(db, viewer, case):
        reporter = intake.reporter_for_viewer(db, actor=viewer, case=case)
        if reporter is not None:
            out["reporter"] = {
                "is_anonymous": reporter.is_anonymous,
                "name": reporter.name,
                "contact": reporter.contact,
                "unit": reporter.unit,
            }
    return out


@api.route("", methods=["GET"])
@permission_required(*STAFF)
def api_list() -> Any:
    """Cases, most urgent first."""
    cards = board.board(get_session(), actor=_user())
    return jsonify(
        {
            "cases": [
                {
                    "id": c.case.id,
                    "number": c.case.number,
                    "state": c.case.state.value,
                    "version": c.case.version,
                    "due_on": c.deadline.due_on.isoformat() if c.deadline else None,
                    "days_left": c.deadline.days_left if c.deadline else None,
                    "level": c.deadline.level if c.deadline else None,
                }
                for c in cards
            ]
        }
    )


@api.route("", methods=["POST"])
@permission_required(P.CASE_INTAKE)
def api_create() -> Any:
    """Register a case: {title, allegation, source, reporter: {...}, respondents: [...]}."""
    data = request.get_json(silent=True) or {}
    db = get_session()
    rep = data.get("reporter") or {}
    source = CaseSource(data.get("source", "named"))
    case = intake.open_case(
        db,
        actor=_user(),
        title=str(data.get("title", "")),
        allegation=str(data.get("allegation", "")),
        source=source,
        summary=str(data.get("summary", "")),
        reporter=intake.ReporterInput(
            name=rep.get("name"),
            contact=rep.get("contact"),
            unit=rep.get("unit"),
            university_id=rep.get("university_id"),
            is_anonymous=source is not CaseSource.NAMED,
        ),
    )
    for r in data.get("respondents") or []:
        intake.add_respondent(
            db,
            actor=_user(),
            case_id=case.id,
            expected_version=case.version,
            kind=r.get("kind", "teacher"),
            name=r.get("name", ""),
            university_id=r.get("university_id"),
            unit=r.get("unit"),
        )
    return jsonify(case_json(case, viewer=_user())), 201


@api.route("/<int:case_id>")
@permission_required(*STAFF)
def api_show(case_id: int) -> Any:
    """One case."""
    case = intake.view_case(get_session(), actor=_user(), case_id=case_id)
    return jsonify(case_json(case, viewer=_user()))


@api.route("/<int:case_id>/transitions", methods=["POST"])
@permission_required(*STAFF, P.SELF_SERVICE)
def api_transition(case_id: int) -> Any:
    """{to, reason, expected_version} → the case in its new state (409 when refused)."""
    data = request.get_json(silent=True) or {}
    if "expected_version" not in data:
        raise InvalidInput("expected_version is required (缺少版本号)")
    case = workflow.transition(
        get_session(),
        actor=_user(),
        case_id=case_id,
        to=str(data.get("to", "")),
        expected_version=int(data["expected_version"]),
        reason=data.get("reason"),
    )
    if not is_staff(_user()):
        return jsonify(
            {"id": case.id, "state": case.state.value, "version": case.version}
        )
    return jsonify(case_json(case, viewer=_user()))


@api.route("/<int:case_id>/events")
@permission_required(*STAFF)
def api_events(case_id: int) -> Any:
    """The timeline."""
    intake.view_case(get_session(), actor=_user(), case_id=case_id)
    return jsonify(
        {
            "events": [
                {
                    "at": e.at.isoformat(),
                    "actor": e.actor_label,
                    "kind": e.kind,
                    "from": e.from_state.value if e.from_state else None,
                    "to": e.to_state.value if e.to_state else None,
                    "summary": e.summary,
                    "reason": e.reason,
                }
                for e in _events(case_id)
            ]
        }
    )


@api.route("/<int:case_id>/evidence", methods=["POST"])
@permission_required(P.CASE_INTAKE, P.CASE_INVESTIGATE)
def api_evidence(case_id: int) -> Any:
    """Multipart upload: file, title, expected_version."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput("file is required (请上传文件)")
    raw = request.form.get("expected_version")
    if not raw or not raw.isdigit():
        raise InvalidInput("expected_version is required (缺少版本号)")
    item = evidence.add_evidence_file(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=int(raw),
        title=request.form.get("title", ""),
        filename=upload.filename,
        stream=cast(BinaryIO, upload.stream),
        media_type=upload.mimetype,
    )
    return jsonify({"id": item.id, "sha256": item.sha256, "title": item.title}), 201


@api.route("/mine")
@permission_required(P.SELF_SERVICE)
def api_mine() -> Any:
    """The respondent's own cases (no reporter, no allegation)."""
    db = get_session()
    out = []
    for case, _party in respondents.my_cases(db, actor=_user()):
        v = respondents.respondent_view(db, actor=_user(), case_id=case.id)
        out.append(
            {
                "id": v.case_id,
                "number": v.number,
                "title": v.title,
                "state": v.state.value,
                "state_label": v.state_label,
                "version": v.version,
                "due_on": v.due_on.isoformat() if v.due_on else None,
                "appeal_due_on": v.appeal_due_on.isoformat()
                if v.appeal_due_on
                else None,
                "letters": [
                    {"id": d.id, "title": d.title, "sha256": d.stored_file.sha256}
                    for d in v.letters
                ],
            }
        )
    return jsonify({"cases": out})


def _json() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("请求体须为 JSON 对象 (a JSON object is required)")
    if "expected_version" not in data:
        raise InvalidInput("expected_version is required (缺少版本号)")
    return data


def _int(data: dict[str, Any], key: str) -> int:
    try:
        return int(data[key])
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"{key} must be an integer ({key} 须为整数)") from exc


def _case_reply(case_id: int, status: int = 200) -> Any:
    case = intake.view_case(get_session(), actor=_user(), case_id=case_id)
    return jsonify(case_json(case, viewer=_user())), status


@api.route("/<int:case_id>/respondents", methods=["POST"])
@permission_required(P.CASE_INTAKE)
def api_respondent(case_id: int) -> Any:
    """{kind, name, university_id, unit, role_note, expected_version}."""
    d = _json()
    intake.add_respondent(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_int(d, "expected_version"),
        kind=d.get("kind", "teacher"),
        name=str(d.get("name", "")),
        university_id=d.get("university_id"),
        unit=d.get("unit"),
        role_note=d.get("role_note"),
    )
    return _case_reply(case_id, 201)


@api.route("/<int:case_id>/panel", methods=["POST"])
@permission_required(P.CASE_INTAKE)
def api_panel(case_id: int) -> Any:
    """{user_id, is_lead, expected_version}: 409 with the reasons when recusal is required."""
    d = _json()
    db = get_session()
    try:
        panel.assign_member(
            db,
            actor=_user(),
            case_id=case_id,
            expected_version=_int(d, "expected_version"),
            user_id=_int(d, "user_id"),
            is_lead=bool(d.get("is_lead")),
        )
    except RecusalRequired:
        db.commit()  # keep the recorded check
        raise
    return _case_reply(case_id, 201)


@api.route("/<int:case_id>/conflicts", methods=["POST"])
@permission_required(*STAFF)
def api_conflict(case_id: int) -> Any:
    """{user_id, relation, person_id, note, expected_version}."""
    d = _json()
    panel.declare_conflict(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_int(d, "expected_version"),
        user_id=int(d.get("user_id") or _user().id),
        relation=str(d.get("relation", "other")),
        person_id=d.get("person_id"),
        note=d.get("note"),
    )
    return _case_reply(case_id, 201)


@api.route("/<int:case_id>/messages", methods=["POST"])
@permission_required(*STAFF)
def api_message(case_id: int) -> Any:
    """{thread: reporter|internal, body, is_question, expected_version}."""
    d = _json()
    m = tips.staff_message(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_int(d, "expected_version"),
        thread=str(d.get("thread", "internal")),
        body=str(d.get("body", "")),
        is_question=bool(d.get("is_question")),
    )
    return jsonify({"id": m.id, "thread": m.thread.value}), 201


@api.route("/<int:case_id>/draft", methods=["POST"])
@permission_required(P.CASE_INVESTIGATE)
def api_draft(case_id: int) -> Any:
    """Multipart: file, expected_version (the panel lead)."""
    upload = request.files.get("file")
    raw = request.form.get("expected_version", "")
    if upload is None or not upload.filename or not raw.isdigit():
        raise InvalidInput(
            "file and expected_version are required (请上传文件并提供版本号)"
        )
    item = evidence.add_report_draft(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=int(raw),
        filename=upload.filename,
        stream=cast(BinaryIO, upload.stream),
    )
    return jsonify({"id": item.id, "sha256": item.sha256}), 201


@api.route("/<int:case_id>/findings", methods=["POST"])
@permission_required(P.CASE_DECIDE)
def api_finding(case_id: int) -> Any:
    """{party_id, finding, misconduct_type, facts, is_serious, expected_version}."""
    d = _json()
    decisions.record_finding(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_int(d, "expected_version"),
        party_id=_int(d, "party_id"),
        finding=str(d.get("finding", "")),
        misconduct_type=d.get("misconduct_type"),
        facts=str(d.get("facts", "")),
        is_serious=bool(d.get("is_serious")),
    )
    return _case_reply(case_id, 201)


@api.route("/<int:case_id>/sanctions", methods=["POST"])
@permission_required(P.CASE_DECIDE)
def api_sanction(case_id: int) -> Any:
    """{party_id, code, months, note, expected_version}."""
    d = _json()
    row = decisions.propose_sanction(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_int(d, "expected_version"),
        party_id=_int(d, "party_id"),
        code=str(d.get("code", "")),
        months=d.get("months"),
        note=d.get("note"),
    )
    return jsonify({"id": row.id, "code": row.code, "months": row.months}), 201


@api.route("/<int:case_id>/extensions", methods=["POST"])
@permission_required(P.CASE_DECIDE)
def api_extension(case_id: int) -> Any:
    """{new_due_on: YYYY-MM-DD, reason, expected_version}."""
    d = _json()
    try:
        new_due_on = date.fromisoformat(str(d.get("new_due_on", "")))
    except ValueError as exc:
        raise InvalidInput("new_due_on must be YYYY-MM-DD (日期格式错误)") from exc
    ext = deadlines.extend_deadline(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_int(d, "expected_version"),
        new_due_on=new_due_on,
        reason=str(d.get("reason", "")),
    )
    return jsonify({"new_due_on": ext.new_due_on.isoformat()}), 201


@api.route("/<int:case_id>/documents")
@permission_required(*STAFF)
def api_documents(case_id: int) -> Any:
    """Letters, decisions, sanctions and appeals of the case."""
    db = get_session()
    intake.view_case(db, actor=_user(), case_id=case_id)
    return jsonify(
        {
            "documents": [
                {
                    "id": d.id,
                    "kind": d.kind.value,
                    "title": d.title,
                    "sha256": d.stored_file.sha256,
                    "url": url_for("cases.download_document", document_id=d.id),
                }
                for d in letters.list_documents(db, case_id)
            ],
            "decisions": [
                {
                    "number": d.number,
                    "decided_on": d.decided_on.isoformat(),
                    "is_misconduct": d.is_misconduct,
                    "kind": d.kind,
                }
                for d in decisions.list_decisions(db, case_id)
            ],
            "sanctions": [
                {
                    "party_id": r.party_id,
                    "code": r.code,
                    "months": r.months,
                    "starts_on": r.starts_on.isoformat() if r.starts_on else None,
                    "ends_on": r.ends_on.isoformat() if r.ends_on else None,
                    "status": r.status.value,
                }
                for r in decisions.list_sanctions(db, case_id)
            ],
            "appeals": [
                {"filed_on": a.filed_on.isoformat(), "outcome": a.outcome}
                for a in appeals.list_appeals(db, case_id)
            ],
        }
    )


@api.route("/mine/<int:case_id>/comments", methods=["POST"])
@permission_required(P.SELF_SERVICE)
def api_comment(case_id: int) -> Any:
    """The respondent's statement on the report draft: {body, expected_version}."""
    d = _json()
    respondents.submit_comment(
        get_session(),
        actor=_user(),
        case_id=case_id,
        expected_version=_int(d, "expected_version"),
        body=str(d.get("body", "")),
    )
    return jsonify({"ok": True}), 201


# --- registration --------------------------------------------------------------------------


def _inbox_for(user: User) -> list[Any]:
    return deadlines.inbox(get_session(), user)


def _my_cases_for(user: User) -> list[Any]:
    if not user.can(P.SELF_SERVICE):
        return []
    return respondents.my_cases(get_session(), actor=user)


def init_app(app: Flask) -> None:
    """Register the blueprints, the workbench panels and template helpers."""
    from web.home import register_panel

    # Endpoint names the navigation table expects.
    app.register_blueprint(bp)
    app.register_blueprint(api)
    register_panel("cases/_inbox_panel.html", lambda u: any(u.can(p) for p in STAFF))
    register_panel("cases/_mine_panel.html", lambda u: u.can(P.SELF_SERVICE))
    register_panel("cases/_admin_panel.html", lambda u: u.can(P.CASE_ADMIN))
    app.jinja_env.globals["case_inbox"] = _inbox_for
    app.jinja_env.globals["case_replies"] = lambda u: tips.awaiting_reply(
        get_session(), user=u
    )
    app.jinja_env.globals["my_case_rows"] = _my_cases_for
    app.jinja_env.globals["state_label"] = lambda s: STATE_LABELS[CaseState(s)]
    app.jinja_env.globals["mask_id_number"] = mask_id_number
    app.jinja_env.globals["case_transitions"] = TRANSITIONS
