"""Screening JSON API: create batches, add files, poll progress, read and adjust reports.

The batch page polls `/api/screening/batches/<id>` and updates its rows, so the row shape
(`submission_json`) and the parsing of an upload (a form or JSON, files under `file` or
`files`) live here and the pages (`web.screening_pages`) use them too.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, request, url_for
from flask_babel import gettext as _

from archive.kernel.accounts import Permission, User
from archive.kernel.errors import InvalidInput
from archive.submissions import request_keys
from archive.submissions import services as submissions
from archive.submissions.export import ratio_text
from archive.submissions.models import (
    REASON_LABELS,
    STATE_LABELS,
    WARNING_LABELS,
    Batch,
    Submission,
    SubmissionState,
)
from web import ratelimit
from web.auth import permission_required, signed_in_user
from web.db import get_session

api = Blueprint("screening_api", __name__, url_prefix="/api/screening")
P = Permission

# Verdict colours follow a threshold (never the passage colours): below 10% green,
# below 30% amber, above red.
VERDICT_THRESHOLDS = (0.10, 0.30)


def verdict_chip(ratio: float | None) -> str:
    """The chip class of a ratio against the university's thresholds."""
    if ratio is None:
        return "chip-grey"
    low, high = VERDICT_THRESHOLDS
    if ratio < low:
        return "chip-green"
    if ratio < high:
        return "chip-amber"
    return "chip-red"


# The verdict a ratio earns against the university's thresholds, by chip colour.
VERDICT_LABELS = {
    "chip-green": "通过",
    "chip-amber": "修改后复检",
    "chip-red": "不通过",
    "chip-grey": "—",
}


def state_chip(state: SubmissionState) -> str:
    """The chip class of a submission state."""
    return {
        SubmissionState.DONE: "chip-green",
        SubmissionState.FAILED: "chip-red",
    }.get(state, "chip-amber")


def submission_json(sub: Submission) -> dict[str, Any]:
    """A submission's row for the batch page and the API."""
    return {
        "id": sub.id,
        "batch_id": sub.batch_id,
        "file_name": sub.file_name,
        "title": sub.title,
        "author": sub.author,
        "university_id": sub.university_id,
        "major": sub.major,
        "chars": sub.char_count,
        "state": sub.state.value,
        "state_label": _(STATE_LABELS[sub.state]),
        "state_chip": state_chip(sub.state),
        "progress": sub.progress,
        "reason": sub.reason_code,
        "reason_label": _(REASON_LABELS[sub.reason_code])
        if sub.reason_code in REASON_LABELS
        else sub.reason_code,
        "message": sub.reason_message,
        "warnings": [_(WARNING_LABELS.get(w, w)) for w in (sub.warnings or [])],
        "copy_ratio": sub.copy_ratio,
        "copy_ratio_without_quotes": sub.copy_ratio_without_quotes,
        "copy_ratio_without_own": sub.copy_ratio_without_own,
        "max_source_ratio": sub.max_source_ratio,
        "figures_text": {
            "copy_ratio": ratio_text(sub.copy_ratio),
            "copy_ratio_without_quotes": ratio_text(sub.copy_ratio_without_quotes),
            "copy_ratio_without_own": ratio_text(sub.copy_ratio_without_own),
            "max_source_ratio": ratio_text(sub.max_source_ratio),
        },
        "verdict_chip": verdict_chip(sub.copy_ratio),
        "verdict": _(VERDICT_LABELS[verdict_chip(sub.copy_ratio)]),
        "unit": sub.unit,
        "report_number": sub.report_number,
        "report_url": url_for("screening.report", submission_id=sub.id)
        if sub.state == SubmissionState.DONE
        else None,
    }


def batch_json(b: Batch, subs: list[Submission]) -> dict[str, Any]:
    """A batch, its progress and the rows of `subs` (the page polls this shape)."""
    return {
        "id": b.id,
        "name": b.name,
        "compare_peers": b.compare_peers,
        "min_match_chars": b.min_match_chars,
        "url": url_for("screening.batch", batch_id=b.id),
        "progress": submissions.progress_snapshot(b),
        "submissions": [submission_json(s) for s in subs],
    }


def form_int(name: str) -> int | None:
    """A whole number from the posted form; None when the field is empty."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(f"{name} 应为整数 (must be a whole number)") from None


def json_whole(data: dict[str, Any], name: str) -> int | None:
    """A whole number from a JSON body; None when absent or empty."""
    raw = data.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} 应为整数 (must be a whole number)") from None


def create_batch_from_request(user: User) -> Batch:
    """Open a batch with the settings posted as JSON or as form fields."""
    data = request.get_json(silent=True) if request.is_json else None
    if data is not None:
        return submissions.create_batch(
            get_session(),
            actor=user,
            name=str(data.get("name") or ""),
            compare_peers=bool(data.get("compare_peers", False)),
            min_match_chars=json_whole(data, "min_match_chars"),
        )
    return submissions.create_batch(
        get_session(),
        actor=user,
        name=request.form.get("name", ""),
        compare_peers=request.form.get("compare_peers") in ("on", "1", "true"),
        min_match_chars=form_int("min_match_chars"),
    )


def add_uploaded_files(batch: Batch, user: User) -> list[Submission]:
    """Add every uploaded file (fields `files` and `file`) to the batch."""
    if request.files:
        ratelimit.hit_upload()
    out = []
    for storage in request.files.getlist("files") + request.files.getlist("file"):
        if not storage or not storage.filename:
            continue
        out.append(
            submissions.add_file(
                get_session(),
                batch=batch,
                actor=user,
                file_name=storage.filename,
                stream=storage.stream,  # type: ignore[arg-type]
                media_type=storage.mimetype or "application/octet-stream",
            )
        )
    return out


def request_key() -> str | None:
    """The client's `Idempotency-Key` header, checked (None when absent)."""
    return request_keys.checked_key(request.headers.get("Idempotency-Key"))


@api.route("/batches", methods=["POST"])
@permission_required(P.SCREEN_SUBMIT)
def api_create_batch() -> Any:
    """Create a batch (JSON or form fields), optionally with files; 201 with its rows.

    With an `Idempotency-Key` header, a repeated request answers with what the first
    one created instead of creating it again.
    """
    user = signed_in_user()
    key = request_key()
    earlier = key and request_keys.replay(get_session(), actor=user, key=key)
    if earlier:
        g.saved_batch_id = earlier[0].id
        return jsonify(batch_json(*earlier)), 201
    b = create_batch_from_request(user)
    g.saved_batch_id = b.id
    added = add_uploaded_files(b, user)
    if key:
        request_keys.remember(
            get_session(), actor=user, key=key, batch=b, submissions=added
        )
    return jsonify(batch_json(b, added)), 201


@api.route("/batches/<int:batch_id>/files", methods=["POST"])
@permission_required(P.SCREEN_SUBMIT)
def api_add_files(batch_id: int) -> Any:
    """Add one or more files (multipart `file`/`files`) to a batch; idempotent with an
    `Idempotency-Key` header, as `api_create_batch`."""
    user = signed_in_user()
    b = submissions.get_batch(get_session(), batch_id, actor=user)
    g.saved_batch_id = b.id
    key = request_key()
    earlier = key and request_keys.replay(get_session(), actor=user, key=key)
    if earlier:
        if earlier[0].id != b.id:
            raise InvalidInput(
                "此 Idempotency-Key 已用于另一个批次"
                " (this Idempotency-Key was used for another batch)"
            )
        return jsonify({"submissions": [submission_json(s) for s in earlier[1]]}), 201
    added = add_uploaded_files(b, user)
    if not added:
        raise InvalidInput("没有收到文件 (no file in the request)")
    if key:
        request_keys.remember(
            get_session(), actor=user, key=key, batch=b, submissions=added
        )
    return jsonify({"submissions": [submission_json(s) for s in added]}), 201


@api.route("/batches/<int:batch_id>/refused", methods=["POST"])
@permission_required(P.SCREEN_SUBMIT)
def api_refused(batch_id: int) -> Any:
    """Record a file the page did not upload because it is over the size limit."""
    user = signed_in_user()
    data = request.get_json(silent=True) or {}
    b = submissions.get_batch(get_session(), batch_id, actor=user)
    try:
        size = int(data.get("size", 0))
    except (TypeError, ValueError):
        size = 0
    sub = submissions.record_refused_file(
        get_session(),
        batch=b,
        actor=user,
        file_name=str(data.get("name") or "file"),
        size=size,
    )
    return jsonify({"submissions": [submission_json(sub)]}), 201


@api.route("/batches/<int:batch_id>")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def api_batch(batch_id: int) -> Any:
    """A batch's progress and rows (the batch page polls this)."""
    b = submissions.get_batch(get_session(), batch_id, actor=signed_in_user())
    return jsonify(batch_json(b, submissions.batch_submissions(b)))


@api.route("/submissions/<int:submission_id>")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def api_submission(submission_id: int) -> Any:
    """One submission's state."""
    sub = submissions.get_submission(
        get_session(), submission_id, actor=signed_in_user()
    )
    return jsonify(submission_json(sub))


@api.route("/submissions/<int:submission_id>/report")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def api_report(submission_id: int) -> Any:
    """The report JSON (the screening contract's shape: `matches`, `excluded`...)."""
    _sub, rep, _text = submissions.open_report(
        get_session(),
        submission_id=submission_id,
        actor=signed_in_user(),
        file_format="json",
    )
    return jsonify(rep.to_dict())


@api.route("/submissions/<int:submission_id>/options", methods=["POST"])
@permission_required(P.SCREEN_SUBMIT)
def api_options(submission_id: int) -> Any:
    """Set exclusions, filters (exclude_quotes / exclude_references / exclude_templates)
    and the minimum length from JSON; returns the recomputed figures."""
    data = request.get_json(silent=True) or {}
    exclude = data.get("exclude") or {}
    restore = data.get("restore") or []
    filters = data.get("filters") or {}
    if not isinstance(exclude, dict) or not isinstance(restore, list):
        raise InvalidInput("exclude 应为对象，restore 应为列表 (bad shape)")
    if not isinstance(filters, dict) or not all(
        isinstance(v, bool) for v in filters.values()
    ):
        raise InvalidInput("filters 应为名称到 true/false 的对象 (bad shape)")
    minimum = data.get("min_match_chars")
    if minimum is not None and not isinstance(minimum, int):
        try:
            minimum = int(minimum)
        except (TypeError, ValueError):
            raise InvalidInput(
                "min_match_chars 应为整数 (must be a whole number)"
            ) from None
    rep = submissions.update_report_options(
        get_session(),
        submission_id=submission_id,
        actor=signed_in_user(),
        exclude={str(k): str(v) for k, v in exclude.items()},
        restore=[str(x) for x in restore],
        min_match_chars=int(minimum) if minimum is not None else None,
        restore_all=bool(data.get("restore_all")),
        filters={str(k): v for k, v in filters.items()},
    )
    body = rep.to_dict()
    return jsonify(
        {
            "figures": body["figures"],
            "options": body["options"],
            "matches": body["matches"],
            "flags": body["flags"],
            "citation_groups": body["citation_groups"],
        }
    )
