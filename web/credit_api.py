"""The credit JSON API: the supervision check other systems call, files and the list.

`GET /api/credit/check?person=<工号/学号>&action=admission|hiring|promotion|funding|award|
project_application` answers {allowed, reason, until, grade, measures}; systems call it with
a bearer token of an account holding the check permission.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from archive.kernel.accounts import Permission
from archive.kernel.errors import InvalidInput
from archive.kernel.people import id_number_for
from casework.credit import services
from web.auth import permission_required, signed_in_user
from web.db import get_session

api = Blueprint("credit_api", __name__, url_prefix="/api/credit")
P = Permission


@api.route("/check")
@permission_required(P.CREDIT_CHECK, P.CREDIT_VIEW)
def api_check() -> Any:
    """`GET /api/credit/check?person=<工号/学号>&action=...` → {allowed, reason, until, …}."""
    person = request.args.get("person", "").strip()
    action = request.args.get("action", "").strip()
    if not person or not action:
        raise InvalidInput("需要参数 person 和 action (person and action required)")
    subject, result = services.check_number(
        get_session(), actor=signed_in_user(), number=person, action=action
    )
    return jsonify({"person": subject.university_id, **result.as_dict()})


@api.route("/people/<university_id>")
@permission_required(P.CREDIT_VIEW)
def api_file(university_id: str) -> Any:
    """A subject's file as JSON (records with their states, current grade)."""
    db = get_session()
    user = signed_in_user()
    subject = services.get_subject_by_university_id(db, university_id)
    cf = services.view_credit_file(db, actor=user, person_id=subject.id)
    grade = cf.grade
    return jsonify(
        {
            "person": {
                "id": subject.id,
                "name": subject.name,
                "university_id": subject.university_id,
                "kind": subject.kind.value,
                "unit": subject.unit,
                "id_number": id_number_for(user, subject),
            },
            "grade": {
                "grade": grade.grade,
                "score": grade.score,
                "kind": grade.kind.value,
                "rule_version": grade.rule_set.version,
                "explanation": grade.explanation,
            }
            if grade
            else None,
            "records": [
                _record_json(e) for e in cf.dishonesty + cf.honours + cf.clearances
            ],
        }
    )


def _record_json(entry: Any) -> dict[str, Any]:
    r = entry.record
    return {
        "id": r.id,
        "kind": r.kind.value,
        "title": r.title,
        "sanction_code": r.sanction_code,
        "credit_class": r.credit_class.value if r.credit_class else None,
        "decision_number": r.decision_number,
        "decided_on": r.decided_on.isoformat(),
        "starts_on": r.starts_on.isoformat(),
        "ends_on": r.ends_on.isoformat() if r.ends_on else None,
        "disclosure_until": r.disclosure_until.isoformat()
        if r.disclosure_until
        else None,
        "state": entry.state.code,
        "state_label": entry.state.label,
        "corrects_id": r.corrects_id,
        "source": r.source,
        "case_number": r.case_number,
    }


@api.route("/sanctions")
@permission_required(P.CREDIT_VIEW, P.CREDIT_MANAGE)
def api_sanctions() -> Any:
    """The sanction list with states, as JSON."""
    entries = services.list_sanctions(
        get_session(), actor=signed_in_user(), state=request.args.get("state")
    )
    return jsonify(
        {
            "entries": [
                {**_record_json(e), "person_id": e.record.person_id} for e in entries
            ]
        }
    )
