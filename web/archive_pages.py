"""Archive pages: search (discipline office), research records and import (research office),
record pages with files behind the access check, and the disposal list."""

from __future__ import annotations

import mimetypes
import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from flask import (
    Blueprint,
    Response,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from archive.kernel import clock
from archive.kernel.accounts import ROLE_LABELS, Permission, Role
from archive.kernel.errors import Conflict, InvalidInput
from archive.kernel.files import FileIntegrityError, StoredFile, store_stream
from archive.records import access, retention
from archive.records import services as rec
from archive.records.errors import RecordNotFound
from archive.records.fixity import list_failed_attachments
from archive.records.imports import import_records, parse_date, parse_people
from archive.records.models import (
    ACCESS_LABELS,
    DISCIPLINES,
    FILE_ROLE_LABELS,
    RECORD_TYPE_LABELS,
    RETENTION_LABELS,
    FileRole,
    PersonRef,
    Record,
    RecordStatus,
    RecordType,
)
from archive.search.facets import facet_label
from archive.search.query import SORT_LABELS
from web import ratelimit
from web.archive_api import run_search
from web.auth import login_required, permission_required, signed_in_user
from web.db import get_session
from web.i18n import current_language

bp = Blueprint("archive", __name__, url_prefix="/archive")
P = Permission
FACET_TITLES = {
    "type": "类型",
    "unit": "单位",
    "discipline": "学科",
    "year": "年度",
    "retention": "保管期限",
    "outcome": "案件结论",
    "access": "访问条件",
    "person": "人员",
}
FILTER_ARGS = (
    "type",
    "unit",
    "discipline",
    "person",
    "year_from",
    "year_to",
    "retention",
    "outcome",
    "access",
)
RESTRICTABLE_ROLES = (
    Role.RESEARCH_OFFICE,
    Role.DISCIPLINE_OFFICE,
    Role.INVESTIGATOR,
)


def _search_args() -> dict[str, str]:
    """The current search's arguments (query, filters, sort), without empty ones; read
    once per request (a results page builds a hundred facet links from them)."""
    if "search_args" not in g:
        keys = ("q", "sort", *FILTER_ARGS)
        args = request.args
        g.search_args = {k: args[k] for k in keys if args.get(k)}
        g.search_url = url_for("archive.search")
    return dict(g.search_args)


def _url_with(**changes: Any) -> str:
    """The search URL with some arguments changed (None removes one); page resets."""
    args = _search_args()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = str(value)
    return str(g.search_url) + ("?" + urlencode(args) if args else "")


def _chip_label(name: str) -> str:
    if name in ("year_from", "year_to"):
        return _("年度起") if name == "year_from" else _("年度止")
    return _(FACET_TITLES.get(name, name))


@bp.route("/")
@login_required
def index() -> Any:
    """The archive's front door is its search."""
    return redirect(url_for("archive.search"))


@bp.route("/search", endpoint="search")
@permission_required(P.ARCHIVE_SEARCH)
def search_page() -> Any:
    """Search: query echo, counts, filter chips, facets, sort, highlighted hits."""
    result = run_search()
    filters = result.filters.active()
    chips = [
        (
            name,
            _chip_label(name),
            facet_label(name, str(value))
            if name in ("type", "retention", "access", "outcome")
            else str(value),
            _url_with(**{name: None}),
        )
        for name, value in (
            ("type" if k == "record_type" else k, v) for k, v in filters.items()
        )
    ]
    return render_template(
        "archive/search.html",
        result=result,
        chips=chips,
        facet_titles=FACET_TITLES,
        url_with=_url_with,
        type_labels=RECORD_TYPE_LABELS,
        sort_labels=SORT_LABELS,
        args=_search_args(),
    )


def _form_context() -> dict[str, Any]:
    return {
        "type_labels": {
            t: lb for t, lb in RECORD_TYPE_LABELS.items() if t != RecordType.CASE_FILE
        },
        "disciplines": DISCIPLINES,
        "access_labels": ACCESS_LABELS,
        "role_choices": [(r.value, ROLE_LABELS[r][0]) for r in RESTRICTABLE_ROLES],
    }


def _form_date(name: str) -> date | None:
    try:
        return parse_date(request.form.get(name) or None)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc


def _stored_uploads(field: str) -> list[StoredFile]:
    db = get_session()
    out = []
    for upload in request.files.getlist(field):
        if not upload or not upload.filename:
            continue
        media = upload.mimetype or mimetypes.guess_type(upload.filename)[0] or ""
        out.append(
            store_stream(
                db,
                upload.stream,
                filename=upload.filename,
                media_type=media,  # type: ignore[arg-type]
            )
        )
    return out


def _record_input(people: list[PersonRef], stored: list[StoredFile]) -> rec.RecordInput:
    """The research record the form describes, its uploads as its main files."""
    return rec.RecordInput(
        record_type=request.form.get("type", ""),
        title=request.form.get("title", ""),
        description=request.form.get("description", ""),
        unit=request.form.get("unit") or None,
        discipline=request.form.get("discipline") or None,
        date_start=_form_date("date_start"),
        date_end=_form_date("date_end"),
        keywords=request.form.get("keywords", ""),
        people=people,
        files=[(s, FileRole.MAIN) for s in stored],
        access_level=request.form.get("access_level", "open"),
        access_roles=request.form.getlist("access_roles"),
        sealed_until=_form_date("sealed_until"),
        access_reason=request.form.get("access_reason", ""),
    )


@bp.route("/records", methods=["GET", "POST"])
@permission_required(P.ARCHIVE_MANAGE)
def records() -> Any:
    """Research records: the newest, a form for one record, and the bulk import."""
    db = get_session()
    user = signed_in_user()
    if request.method == "POST":
        try:
            people = parse_people(request.form.get("people", ""))
            if request.files:
                ratelimit.hit_upload()
            stored = _stored_uploads("files")
            data = _record_input(people, stored)
            record = rec.create_record(db, actor=user, data=data)
        except ValueError as exc:
            db.rollback()
            flash(str(exc), "error")
            return redirect(url_for("archive.records"))
        except (InvalidInput, Conflict) as exc:
            db.rollback()
            flash(exc.message, "error")
            return redirect(url_for("archive.records"))
        flash(_("已登记：%(n)s", n=record.number), "success")
        return redirect(url_for("archive.record", record_id=record.id))
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = rec.list_records(db, actor=user, limit=50, offset=(page - 1) * 50)
    return render_template(
        "archive/records.html",
        rows=rows,
        total=total,
        page=page,
        failed=list_failed_attachments(db, actor=user),
        **_form_context(),
    )


@bp.route("/records/import", methods=["POST"])
@permission_required(P.ARCHIVE_MANAGE)
def import_upload() -> Any:
    """Bulk import: a CSV/XLSX sheet plus its files; the report names every row's fate."""
    db = get_session()
    table = request.files.get("table")
    if table is None or not table.filename:
        flash(_("请选择 CSV 或 Excel 表格"), "error")
        return redirect(url_for("archive.records"))
    skip_bad = request.form.get("mode") == "skip"
    with tempfile.TemporaryDirectory(prefix="chengxin-import-") as tmp:
        folder = Path(tmp)
        for upload in request.files.getlist("files"):
            if not upload or not upload.filename:
                continue
            name = Path(upload.filename.replace("\\", "/")).name
            if name in ("", ".", ".."):
                continue
            upload.save(folder / name)
        try:
            report = import_records(
                db,
                actor=signed_in_user(),
                data=table.read(),
                filename=table.filename,
                files_dir=folder,
                skip_bad=skip_bad,
            )
        except InvalidInput as exc:
            db.rollback()
            flash(exc.message, "error")
            return redirect(url_for("archive.records"))
    created = [rec.find_record_by_number(db, n) for n in report.created]
    return render_template(
        "archive/import_report.html", report=report, created=[c for c in created if c]
    )


def readers_text(record: Record) -> str:
    """Who can open the record, for its badge: "限纪委、调查人员查阅" (never a bare
    "校内公开" when only some offices can), from the record's effective access rule."""
    # A results page asks for twenty badges that nearly all read the same: the sentence
    # is made once per access rule in a request (the language and day are the request's).
    # The roles who may open a record follow from its type, its effective masks and
    # whether its seal runs today (`roles_who_may_open`), so those are the key.
    today = clock.today()
    sealed = record.eff_sealed_until is not None and record.eff_sealed_until > today
    key = (record.type, record.eff_roles_mask, record.eff_seal_mask, sealed)
    made: dict[tuple[Any, ...], str] = g.setdefault("readers_texts", {})
    if key not in made:
        made[key] = _readers_sentence(tuple(access.roles_who_may_open(record, today)))
    return made[key]


def _readers_sentence(roles: tuple[Role, ...]) -> str:
    """"限纪委、调查人员查阅" for these roles, in the request's language."""
    if not roles:
        return _("暂无角色可查阅")
    sep = ", " if current_language() == "en" else "、"
    names = sep.join(_(ROLE_LABELS[r][0]) for r in roles)
    return _("限%(roles)s查阅", roles=names)


@bp.route("/records/<int:record_id>")
@login_required
def record(record_id: int) -> Any:
    """A record: metadata, people, files with fixity, access (own and inherited); logged."""
    db = get_session()
    user = signed_in_user()
    try:
        row = rec.open_record(db, actor=user, record_id=record_id)
    except RecordNotFound:
        db.commit()  # the refusal's audit entry stays, the answer is still "not found"
        raise
    tombstone = None
    if row.status == RecordStatus.DISPOSED:
        tombstone = retention.find_tombstone(db, row.id)
    children = rec.list_children(db, actor=user, record_id=row.id)
    return render_template(
        "archive/record.html",
        record=row,
        tombstone=tombstone,
        inherited=access.inherited_restrictions(row),
        own_access=access.describe_access(row),
        may_manage=access.may_manage(user, row),
        children=children,
        is_due=row.retention_until is not None and row.retention_until < clock.today(),
        file_role_labels=FILE_ROLE_LABELS,
        retention_labels=RETENTION_LABELS,
        **_form_context(),
    )


@bp.route("/records/<int:record_id>/files/<int:file_id>")
@login_required
def download(record_id: int, file_id: int) -> Any:
    """A file through the record's access check; the download goes to the audit chain."""
    db = get_session()
    try:
        attached, data = rec.open_record_file(
            db, actor=signed_in_user(), record_id=record_id, record_file_id=file_id
        )
    except FileIntegrityError as exc:
        # Commit the refusal's audit entry, then show the error (never the bytes).
        db.commit()
        return render_template(
            "error.html",
            status=409,
            title=_("文件校验失败"),
            message=exc.message,
            code=exc.code,
        ), 409
    stored = attached.stored_file
    response = Response(data, mimetype=stored.media_type or "application/octet-stream")
    response.headers["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(attached.name)}"
    )
    response.headers["X-Content-SHA256"] = stored.sha256
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/records/<int:record_id>/access", methods=["POST"])
@login_required
def record_access(record_id: int) -> Any:
    """Change a record's restriction (managers of the record only)."""
    db = get_session()
    try:
        access.set_access(
            db,
            actor=signed_in_user(),
            record_id=record_id,
            level=request.form.get("access_level", "open"),
            roles=request.form.getlist("access_roles"),
            sealed_until=_form_date("sealed_until"),
            reason=request.form.get("access_reason", ""),
        )
        flash(_("访问条件已更新"), "success")
    except InvalidInput as exc:
        db.rollback()
        flash(exc.message, "error")
    return redirect(url_for("archive.record", record_id=record_id))


@bp.route("/records/<int:record_id>/files", methods=["POST"])
@login_required
def record_files(record_id: int) -> Any:
    """Attach uploaded files to a record: the permission is checked before anything is stored."""
    db = get_session()
    rec.get_managed_record(db, actor=signed_in_user(), record_id=record_id)
    ratelimit.hit_upload()
    stored = _stored_uploads("files")
    role = request.form.get("role", FileRole.ATTACHMENT.value)
    rec.attach_files(
        db,
        actor=signed_in_user(),
        record_id=record_id,
        files=[
            (
                s,
                FileRole(role)
                if role in FileRole._value2member_map_
                else FileRole.ATTACHMENT,
            )
            for s in stored
        ],
    )
    flash(_("已添加 %(n)s 个文件", n=len(stored)), "success")
    return redirect(url_for("archive.record", record_id=record_id))


@bp.route("/disposal")
@permission_required(P.ARCHIVE_MANAGE, P.ARCHIVE_APPROVE_DISPOSAL)
def disposal() -> Any:
    """The disposal list: records past their term, pending requests, tombstones."""
    db = get_session()
    user = signed_in_user()
    return render_template(
        "archive/disposal.html",
        due=retention.list_due_for_disposal(db, actor=user),
        pending=retention.list_disposal_requests(db, actor=user),
        tombstones=retention.list_tombstones(db),
        may_request=user.can(P.ARCHIVE_MANAGE),
        may_approve=user.can(P.ARCHIVE_APPROVE_DISPOSAL),
    )


@bp.route("/disposal/request", methods=["POST"])
@permission_required(P.ARCHIVE_MANAGE)
def disposal_request() -> Any:
    """Ask for a record past its term to be disposed of."""
    db = get_session()
    try:
        retention.request_disposal(
            db,
            actor=signed_in_user(),
            record_id=request.form.get("record_id", 0, type=int) or 0,
            reason=request.form.get("reason", ""),
        )
        flash(_("已提交销毁申请，待审批"), "success")
    except (InvalidInput, Conflict) as exc:
        db.rollback()
        flash(exc.message, "error")
    return redirect(url_for("archive.disposal"))


@bp.route("/disposal/<int:request_id>/decide", methods=["POST"])
@permission_required(P.ARCHIVE_APPROVE_DISPOSAL)
def disposal_decide(request_id: int) -> Any:
    """Approve (dispose of, leaving a tombstone) or reject a disposal request."""
    db = get_session()
    note = request.form.get("note", "")
    try:
        if request.form.get("decision") == "approve":
            retention.approve_disposal(
                db, actor=signed_in_user(), request_id=request_id, note=note
            )
            flash(_("已批准并销毁，保留销毁记录"), "success")
        else:
            retention.reject_disposal(
                db, actor=signed_in_user(), request_id=request_id, note=note
            )
            flash(_("已驳回销毁申请"), "success")
    except Conflict as exc:
        db.rollback()
        flash(exc.message, "error")
    return redirect(url_for("archive.disposal"))
