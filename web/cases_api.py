"""Casework JSON API (`/api/cases`): the same services as the pages, the error shape of
`web.errors` for refusals.

Every change names the `expected_version` of the case it was made against; a change
against an older version is refused with 409 (StaleCase) and nothing changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any, BinaryIO, cast

from flask import Blueprint, jsonify, request, url_for

from archive.kernel.accounts import Permission, User
from archive.kernel.errors import InvalidInput
from archive.kernel.people import id_number_for
from casework.errors import RecusalRequired
from casework.models import OUTCOME_LABELS, STATE_LABELS, Case
from casework.services import (
    board,
    case_view,
    deadlines,
    decisions,
    evidence,
    intake,
    panel,
    respondents,
    tips,
    workflow,
)
from casework.services.common import (
    STAFF_PERMISSIONS,
    can_see_reporter,
    in_words,
    is_staff,
    list_events,
)
from web import ratelimit
from web.auth import permission_required, signed_in_user
from web.cases_forms import json_change, json_int, register_case
from web.db import get_session

bp = Blueprint("cases_api", __name__, url_prefix="/api/cases")
P = Permission


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
        # Moves of the viewer's role that must wait, with the reason in words.
        "waiting_transitions": [
            {"to": t.target.value, "label": t.label, "why": in_words(why)}
            for t, why in workflow.moves_for(db, case, viewer)
            if why is not None
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


@bp.route("", methods=["GET"])
@permission_required(*STAFF_PERMISSIONS)
def api_list() -> Any:
    """Cases, most urgent first."""
    cards = board.board(get_session(), actor=signed_in_user())
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


@bp.route("", methods=["POST"])
@permission_required(P.CASE_INTAKE)
def api_create() -> Any:
    """Register a case: {title, allegation, source, reporter: {...}, respondents: [...]}."""
    data = request.get_json(silent=True) or {}
    case = register_case(
        data,
        reporter=data.get("reporter") or {},
        respondents=data.get("respondents") or [],
    )
    return jsonify(case_json(case, viewer=signed_in_user())), 201


@bp.route("/<int:case_id>")
@permission_required(*STAFF_PERMISSIONS)
def api_show(case_id: int) -> Any:
    """One case."""
    case = intake.view_case(get_session(), actor=signed_in_user(), case_id=case_id)
    return jsonify(case_json(case, viewer=signed_in_user()))


@bp.route("/<int:case_id>/transitions", methods=["POST"])
@permission_required(*STAFF_PERMISSIONS, P.SELF_SERVICE)
def api_transition(case_id: int) -> Any:
    """{to, reason, expected_version} → the case in its new state (409 when refused)."""
    data = request.get_json(silent=True) or {}
    if "expected_version" not in data:
        raise InvalidInput("expected_version is required (缺少版本号)")
    case = workflow.transition(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        to=str(data.get("to", "")),
        expected_version=json_int(data, "expected_version"),
        reason=data.get("reason"),
    )
    if not is_staff(signed_in_user()):
        return jsonify(
            {"id": case.id, "state": case.state.value, "version": case.version}
        )
    return jsonify(case_json(case, viewer=signed_in_user()))


@bp.route("/<int:case_id>/events")
@permission_required(*STAFF_PERMISSIONS)
def api_events(case_id: int) -> Any:
    """The timeline."""
    intake.view_case(get_session(), actor=signed_in_user(), case_id=case_id)
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
                for e in list_events(get_session(), case_id)
            ]
        }
    )


@bp.route("/<int:case_id>/evidence", methods=["POST"])
@permission_required(P.CASE_INTAKE, P.CASE_INVESTIGATE)
def api_evidence(case_id: int) -> Any:
    """Multipart upload: file, title, expected_version."""
    ratelimit.hit_upload()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput("file is required (请上传文件)")
    raw = request.form.get("expected_version")
    if not raw or not raw.isdigit():
        raise InvalidInput("expected_version is required (缺少版本号)")
    item = evidence.add_evidence_file(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=int(raw),
        title=request.form.get("title", ""),
        filename=upload.filename,
        stream=cast(BinaryIO, upload.stream),
        media_type=upload.mimetype,
    )
    return jsonify({"id": item.id, "sha256": item.sha256, "title": item.title}), 201


@bp.route("/mine")
@permission_required(P.SELF_SERVICE)
def api_mine() -> Any:
    """The respondent's own cases (no reporter, no allegation)."""
    db = get_session()
    out = []
    for case, _party in respondents.my_cases(db, actor=signed_in_user()):
        v = respondents.respondent_view(db, actor=signed_in_user(), case_id=case.id)
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


def _case_reply(case_id: int, status: int = 200) -> Any:
    case = intake.view_case(get_session(), actor=signed_in_user(), case_id=case_id)
    return jsonify(case_json(case, viewer=signed_in_user())), status


@bp.route("/<int:case_id>/respondents", methods=["POST"])
@permission_required(P.CASE_INTAKE)
def api_respondent(case_id: int) -> Any:
    """{kind, name, university_id, unit, role_note, expected_version}."""
    d = json_change()
    intake.add_respondent(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=json_int(d, "expected_version"),
        kind=d.get("kind", "teacher"),
        name=str(d.get("name", "")),
        university_id=d.get("university_id"),
        unit=d.get("unit"),
        role_note=d.get("role_note"),
    )
    return _case_reply(case_id, 201)


@bp.route("/<int:case_id>/panel", methods=["POST"])
@permission_required(P.CASE_INTAKE)
def api_panel(case_id: int) -> Any:
    """{user_id or expert_id (an outside expert's person id), is_lead, expected_version}:
    409 with the reasons when recusal is required."""
    d = json_change()
    db = get_session()
    try:
        panel.assign_member(
            db,
            actor=signed_in_user(),
            case_id=case_id,
            expected_version=json_int(d, "expected_version"),
            user_id=json_int(d, "user_id") if d.get("expert_id") is None else None,
            expert_id=json_int(d, "expert_id")
            if d.get("expert_id") is not None
            else None,
            is_lead=bool(d.get("is_lead")),
        )
    except RecusalRequired:
        db.commit()  # keep the recorded check
        raise
    return _case_reply(case_id, 201)


@bp.route("/<int:case_id>/conflicts", methods=["POST"])
@permission_required(*STAFF_PERMISSIONS)
def api_conflict(case_id: int) -> Any:
    """{user_id, relation, person_id, note, expected_version}."""
    d = json_change()
    panel.declare_conflict(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=json_int(d, "expected_version"),
        user_id=int(d.get("user_id") or signed_in_user().id),
        relation=str(d.get("relation", "other")),
        person_id=d.get("person_id"),
        note=d.get("note"),
    )
    return _case_reply(case_id, 201)


@bp.route("/<int:case_id>/messages", methods=["POST"])
@permission_required(*STAFF_PERMISSIONS)
def api_message(case_id: int) -> Any:
    """{thread: reporter|internal, body, is_question, expected_version}."""
    d = json_change()
    m = tips.staff_message(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=json_int(d, "expected_version"),
        thread=str(d.get("thread", "internal")),
        body=str(d.get("body", "")),
        is_question=bool(d.get("is_question")),
    )
    return jsonify({"id": m.id, "thread": m.thread.value}), 201


@bp.route("/<int:case_id>/draft", methods=["POST"])
@permission_required(P.CASE_INVESTIGATE)
def api_draft(case_id: int) -> Any:
    """Multipart: file, expected_version (the panel lead)."""
    ratelimit.hit_upload()
    upload = request.files.get("file")
    raw = request.form.get("expected_version", "")
    if upload is None or not upload.filename or not raw.isdigit():
        raise InvalidInput(
            "file and expected_version are required (请上传文件并提供版本号)"
        )
    item = evidence.add_report_draft(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=int(raw),
        filename=upload.filename,
        stream=cast(BinaryIO, upload.stream),
    )
    return jsonify({"id": item.id, "sha256": item.sha256}), 201


@bp.route("/<int:case_id>/findings", methods=["POST"])
@permission_required(P.CASE_DECIDE)
def api_finding(case_id: int) -> Any:
    """{party_id, finding, misconduct_type, facts, is_serious, expected_version}."""
    d = json_change()
    decisions.record_finding(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=json_int(d, "expected_version"),
        party_id=json_int(d, "party_id"),
        finding=str(d.get("finding", "")),
        misconduct_type=d.get("misconduct_type"),
        facts=str(d.get("facts", "")),
        is_serious=bool(d.get("is_serious")),
    )
    return _case_reply(case_id, 201)


@bp.route("/<int:case_id>/sanctions", methods=["POST"])
@permission_required(P.CASE_DECIDE)
def api_sanction(case_id: int) -> Any:
    """{party_id, code, level (the specific measure of S10/S11/S12), months, note, expected_version}."""
    d = json_change()
    row = decisions.propose_sanction(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=json_int(d, "expected_version"),
        party_id=json_int(d, "party_id"),
        code=str(d.get("code", "")),
        months=d.get("months"),
        note=d.get("note"),
        level=d.get("level"),
    )
    return jsonify(
        {"id": row.id, "code": row.code, "level": row.level, "months": row.months}
    ), 201


@bp.route("/<int:case_id>/extensions", methods=["POST"])
@permission_required(P.CASE_DECIDE)
def api_extension(case_id: int) -> Any:
    """{new_due_on: YYYY-MM-DD, reason, expected_version}."""
    d = json_change()
    try:
        new_due_on = date.fromisoformat(str(d.get("new_due_on", "")))
    except ValueError as exc:
        raise InvalidInput("new_due_on must be YYYY-MM-DD (日期格式错误)") from exc
    ext = deadlines.extend_deadline(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=json_int(d, "expected_version"),
        new_due_on=new_due_on,
        reason=str(d.get("reason", "")),
    )
    return jsonify({"new_due_on": ext.new_due_on.isoformat()}), 201


@bp.route("/<int:case_id>/documents")
@permission_required(*STAFF_PERMISSIONS)
def api_documents(case_id: int) -> Any:
    """Letters, decisions, sanctions and appeals of the case."""
    records = case_view.case_records(
        get_session(), actor=signed_in_user(), case_id=case_id
    )
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
                for d in records.documents
            ],
            "decisions": [
                {
                    "number": d.number,
                    "decided_on": d.decided_on.isoformat(),
                    "is_misconduct": d.is_misconduct,
                    "kind": d.kind,
                }
                for d in records.decisions
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
                for r in records.sanctions
            ],
            "appeals": [
                {"filed_on": a.filed_on.isoformat(), "outcome": a.outcome}
                for a in records.appeals
            ],
        }
    )


@bp.route("/mine/<int:case_id>/comments", methods=["POST"])
@permission_required(P.SELF_SERVICE)
def api_comment(case_id: int) -> Any:
    """The respondent's statement on the report draft: {body, expected_version}."""
    d = json_change()
    respondents.submit_comment(
        get_session(),
        actor=signed_in_user(),
        case_id=case_id,
        expected_version=json_int(d, "expected_version"),
        body=str(d.get("body", "")),
    )
    return jsonify({"ok": True}), 201
