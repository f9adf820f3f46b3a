"""Screening pages and JSON API: batch upload, per-file progress, reports, the corpus.

The research office drops one file or a hundred; each file becomes a submission with its
own state; the batch page polls `/api/screening/batches/<id>` and updates its rows. The
report page shows the CNKI figures, the source list with exclude switches, and the thesis
beside each source with the matched passages lit on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from archive.corpus import services as corpus_service
from archive.kernel import audit
from archive.kernel.accounts import Permission, User
from archive.kernel.errors import InvalidInput
from archive.records.services import create_record_from_submission
from archive.submissions import services as submissions
from archive.submissions.services import (
    REASON_LABELS,
    STATE_LABELS,
    WARNING_LABELS,
    Submission,
    SubmissionState,
)
from screening.report import (
    KIND_EXCLUDED,
    SOURCE_EXCLUSION_REASONS,
    ScreeningReport,
    match_kind,
    percent,
)
from web.auth import current_user, permission_required
from web.db import get_session
from web.i18n import current_language

bp = Blueprint("screening", __name__, url_prefix="/screening")
api = Blueprint("screening_api", __name__, url_prefix="/api/screening")
P = Permission

# Verdict colours follow a threshold (never the passage colours): below 10% green,
# below 30% amber, above red.
VERDICT_THRESHOLDS = (0.10, 0.30)
SOURCE_REASON_LABELS = {
    "own_work": "本人作品",
    "not_original": "非原始来源",
    "collaboration": "合作",
    "other": "其他",
}
MATCH_REASON_LABELS = {
    "template": "模板文字",
    "references": "参考文献",
    "excluded_source": "已排除来源",
    "below_minimum": "短于最小匹配字数",
    "quotation": "引文",
    "citation": "已标注引用",
    "own_work": "本人作品",
}
INDICATOR_LABELS = {
    "wording_plagiarism": "疑似剽窃文字表述",
    "self_plagiarism": "疑似自我剽窃",
    "excessive_quotation": "过度引用",
    "whole_plagiarism": "疑似整体剽窃",
}
KIND_LABELS = {
    "copied": "复制",
    "cited": "引用",
    "own": "本人已发表",
    "excluded": "已排除",
}


def _user() -> User:
    user = current_user()
    assert user is not None
    return user


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
            "copy_ratio": _pct(sub.copy_ratio),
            "copy_ratio_without_quotes": _pct(sub.copy_ratio_without_quotes),
            "copy_ratio_without_own": _pct(sub.copy_ratio_without_own),
            "max_source_ratio": _pct(sub.max_source_ratio),
        },
        "verdict_chip": verdict_chip(sub.copy_ratio),
        "report_number": sub.report_number,
        "report_url": url_for("screening.report", submission_id=sub.id)
        if sub.state == SubmissionState.DONE
        else None,
    }


def _pct(ratio: float | None) -> str:
    return percent(ratio) if ratio is not None else "—"


# ------------------------------------------------------------------------- batches
@bp.route("/")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def batches() -> Any:
    """Recent batches and the upload drop zone."""
    user = _user()
    db = get_session()
    rows = submissions.list_batches(db, actor=user)
    summary = corpus_service.corpus_summary(db)
    return render_template(
        "screening/batches.html",
        rows=rows,
        summary=summary,
        can_submit=user.can(P.SCREEN_SUBMIT),
        state_labels=STATE_LABELS,
    )


def _form_int(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(f"{name} 应为整数 (must be a whole number)") from None


def _create_batch_from_request(user: User) -> submissions.Batch:
    data = request.get_json(silent=True) if request.is_json else None
    if data is not None:
        return submissions.create_batch(
            get_session(),
            actor=user,
            name=str(data.get("name") or ""),
            compare_peers=bool(data.get("compare_peers", False)),
            min_match_chars=int(data["min_match_chars"])
            if data.get("min_match_chars") not in (None, "")
            else None,
        )
    return submissions.create_batch(
        get_session(),
        actor=user,
        name=request.form.get("name", ""),
        compare_peers=request.form.get("compare_peers") in ("on", "1", "true"),
        min_match_chars=_form_int("min_match_chars"),
    )


def _add_uploaded_files(batch: submissions.Batch, user: User) -> list[Submission]:
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


@bp.route("/batches", methods=["POST"])
@permission_required(P.SCREEN_SUBMIT)
def create_batch() -> Any:
    """Create a batch from the upload form (the page without scripts)."""
    user = _user()
    batch = _create_batch_from_request(user)
    added = _add_uploaded_files(batch, user)
    if not added:
        raise InvalidInput(_("请选择要检测的文件") + " (choose files to screen)")
    flash(_("已提交 %(n)s 个文件", n=len(added)), "success")
    return redirect(url_for("screening.batch", batch_id=batch.id))


@bp.route("/batches/<int:batch_id>")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def batch(batch_id: int) -> Any:
    """One row per file, sorted by similarity; rows refresh while files are screened."""
    user = _user()
    b = submissions.get_batch(get_session(), batch_id, actor=user)
    rows = [submission_json(s) for s in submissions.batch_submissions(b)]
    return render_template(
        "screening/batch.html",
        batch=b,
        rows=rows,
        progress=submissions.progress_snapshot(b),
        histogram=_histogram(rows),
        thresholds=VERDICT_THRESHOLDS,
    )


@bp.route("/batches/<int:batch_id>/export.xlsx")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def batch_export(batch_id: int) -> Any:
    """The batch table as an Excel workbook (one row per file, sorted by similarity)."""
    import io

    from openpyxl import Workbook

    b = submissions.get_batch(get_session(), batch_id, actor=_user())
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "检测结果"
    sheet.append(
        [
            "文件名",
            "学号",
            "作者",
            "专业",
            "题名",
            "字数",
            "状态",
            "失败原因",
            "总文字复制比",
            "去除引用文献复制比",
            "去除本人文献复制比",
            "单篇最大文字复制比",
            "报告编号",
        ]
    )
    for sub in submissions.batch_submissions(b):
        sheet.append(
            [
                _cell(v)
                for v in (
                    sub.file_name,
                    sub.university_id or "",
                    sub.author,
                    sub.major,
                    sub.title,
                    sub.char_count,
                    STATE_LABELS[sub.state],
                    sub.reason_message or "",
                    _pct(sub.copy_ratio),
                    _pct(sub.copy_ratio_without_quotes),
                    _pct(sub.copy_ratio_without_own),
                    _pct(sub.max_source_ratio),
                    sub.report_number or "",
                )
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    audit.record_event(
        get_session(),
        action="export_batch",
        entity_type="screening_batches",
        entity_id=b.id,
        detail={"format": "xlsx", "rows": len(b.submissions)},
    )
    return Response(
        buffer.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="batch-{b.id}.xlsx"'},
    )


def _cell(value: Any) -> Any:
    """A spreadsheet value that cannot run as a formula (file names come from uploaders)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _histogram(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Counts of finished files per 10% band of 总文字复制比."""
    bins = [0] * 10
    for row in rows:
        if row["copy_ratio"] is not None:
            bins[min(9, int(row["copy_ratio"] * 10))] += 1
    top = max(bins) or 1
    return [
        {
            "label": f"{i * 10}–{i * 10 + 10}%",
            "count": n,
            "height": round(100 * n / top),
        }
        for i, n in enumerate(bins)
    ]


# -------------------------------------------------------------------------- reports
@dataclass
class _Piece:
    text: str
    kind: str | None
    ids: tuple[int, ...]
    numbers: tuple[int, ...] = ()


_PRIORITY = {"copied": 3, "cited": 2, "own": 1, KIND_EXCLUDED: 0}


def highlight(
    text: str, spans: list[tuple[int, int, str, int, int | None]]
) -> list[_Piece]:
    """Cut `text` at span edges: (start, end, kind, match id, source number) per span."""
    cuts = sorted({0, len(text), *(p for s in spans for p in s[:2])})
    starts: dict[int, list[int]] = {}
    for s in spans:
        if s[4] is not None:
            starts.setdefault(s[0], []).append(s[4])
    pieces: list[_Piece] = []
    ordered = sorted(spans)
    active: list[tuple[int, int, str, int, int | None]] = []
    i = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        while i < len(ordered) and ordered[i][0] <= a:
            active.append(ordered[i])
            i += 1
        active = [s for s in active if s[1] > a]
        covering = [s for s in active if s[0] < b]
        if covering:
            kind = max((s[2] for s in covering), key=lambda k: _PRIORITY.get(k, 0))
            ids = tuple(s[3] for s in covering)
        else:
            kind, ids = None, ()
        numbers = tuple(sorted(set(starts.get(a, ())))) if covering else ()
        pieces.append(_Piece(text[a:b], kind, ids, numbers))
    return pieces


def _source_numbers(report: ScreeningReport) -> dict[str, int]:
    return {s.source_id: i for i, s in enumerate(report.sources, 1)}


@bp.route("/submissions/<int:submission_id>")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def report(submission_id: int) -> Any:
    """The report: figures, sources with exclude switches, and the side-by-side view."""
    user = _user()
    db = get_session()
    sub = submissions.get_submission(db, submission_id, actor=user)
    if sub.state != SubmissionState.DONE:
        return render_template(
            "screening/pending.html", sub=submission_json(sub), submission=sub
        )
    sub, rep, text = submissions.get_report(db, submission_id=submission_id, actor=user)
    numbers = _source_numbers(rep)
    indexed = list(enumerate(rep.matches))
    left = highlight(
        text,
        [
            (m.offset, m.end, match_kind(m), i, numbers.get(m.source))
            for i, m in indexed
            if m.length > 0
        ],
    )
    selected = request.args.get("source") or rep.figures.max_source_id
    if selected is None and rep.sources:
        selected = rep.sources[0].source_id
    right: list[_Piece] | None = None
    source_available = True
    if selected is not None:
        try:
            src_text = submissions.source_text(db, submission=sub, source_id=selected)
        except KeyError:
            source_available = False
        else:
            right = highlight(
                src_text,
                [
                    (
                        m.source_offset,
                        min(len(src_text), m.source_offset + m.source_length),
                        match_kind(m),
                        i,
                        None,
                    )
                    for i, m in indexed
                    if m.source == selected and m.source_length > 0
                ],
            )
    audit.record_event(
        db,
        action="view_report",
        entity_type="submissions",
        entity_id=sub.id,
        detail={"report_number": rep.report_number},
    )
    has_case_route = user.can(P.CASE_INTAKE) and any(
        rule.rule.startswith("/cases/from-screening/")
        for rule in current_app.url_map.iter_rules()
    )
    return render_template(
        "screening/report.html",
        sub=sub,
        r=rep,
        f=rep.figures,
        pct=percent,
        numbers=numbers,
        left=left,
        right=right,
        selected=selected,
        selected_share=_share(rep, selected),
        source_available=source_available,
        matches=rep.matches,
        selected_matches=[(i, m) for i, m in indexed if m.source == selected],
        source_reasons=SOURCE_EXCLUSION_REASONS,
        source_reason_labels=SOURCE_REASON_LABELS,
        match_reason_labels=MATCH_REASON_LABELS,
        kind_labels=KIND_LABELS,
        indicator_labels=INDICATOR_LABELS,
        match_kind=match_kind,
        can_edit=user.can(P.SCREEN_SUBMIT),
        has_case_route=has_case_route,
        case_url=_case_url(sub.case_id),
        can_archive=user.can(P.ARCHIVE_MANAGE),
        record_url=url_for("archive.record", record_id=sub.record_id)
        if sub.record_id and "archive.record" in current_app.view_functions
        else None,
        verdict_chip=verdict_chip,
        warnings=[WARNING_LABELS.get(w, w) for w in (sub.warnings or [])],
        min_match_chars=rep.options.min_match_chars,
    )


def _case_url(case_id: int | None) -> str | None:
    """The linked case's page, when the casework area provides one."""
    if case_id is None or "cases.show" not in current_app.view_functions:
        return None
    return url_for("cases.show", case_id=case_id)


def _share(rep: ScreeningReport, source_id: str | None) -> Any:
    if source_id is None:
        return None
    try:
        return rep.source(source_id)
    except KeyError:
        return None


@bp.route("/submissions/<int:submission_id>/options", methods=["POST"])
@permission_required(P.SCREEN_SUBMIT)
def update_options(submission_id: int) -> Any:
    """Exclude or restore a source, or set the minimum match length; figures recompute."""
    user = _user()
    action = request.form.get("action", "")
    source = request.form.get("source", "")
    kwargs: dict[str, Any] = {}
    if action == "exclude":
        kwargs["exclude"] = {source: request.form.get("reason") or "other"}
    elif action == "restore":
        kwargs["restore"] = [source]
    elif action == "restore_all":
        kwargs["restore_all"] = True
    elif action == "min_length":
        kwargs["min_match_chars"] = _form_int("min_match_chars")
    else:
        raise InvalidInput("未知操作 (unknown action)")
    submissions.update_report_options(
        get_session(), submission_id=submission_id, actor=user, **kwargs
    )
    flash(_("已重新计算复制比"), "success")
    target = request.form.get("source_view") or None
    return redirect(
        url_for("screening.report", submission_id=submission_id, source=target)
        + "#figures"
    )


@bp.route("/submissions/<int:submission_id>/archive", methods=["POST"])
@permission_required(P.ARCHIVE_MANAGE)
def archive_submission(submission_id: int) -> Any:
    """Keep the thesis and its report as a research record in the archive (科研档案)."""
    record = create_record_from_submission(
        get_session(), actor=_user(), submission_id=submission_id
    )
    flash(_("已归档为科研档案 #%(id)s", id=record.id), "success")
    if "archive.record" in current_app.view_functions:
        return redirect(url_for("archive.record", record_id=record.id))
    return redirect(url_for("screening.report", submission_id=submission_id))


@bp.route("/submissions/<int:submission_id>/rescreen", methods=["POST"])
@permission_required(P.SCREEN_SUBMIT)
def rescreen(submission_id: int) -> Any:
    """Screen a file again against the current corpus."""
    sub = submissions.rescreen_submission(
        get_session(), submission_id=submission_id, actor=_user()
    )
    flash(_("已重新提交检测"), "success")
    return redirect(url_for("screening.batch", batch_id=sub.batch_id))


def _render_args(submission_id: int) -> tuple[Submission, ScreeningReport, str, Any]:
    db = get_session()
    sub, rep, text = submissions.get_report(
        db, submission_id=submission_id, actor=_user()
    )

    def fetch(source_id: str) -> str:
        return submissions.source_text(db, submission=sub, source_id=source_id)

    return sub, rep, text, fetch


@bp.route("/submissions/<int:submission_id>/report.pdf")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def report_pdf(submission_id: int) -> Any:
    """The report as PDF (CJK fonts embedded), with the current filters."""
    from web.report_render import render_pdf

    sub, rep, text, fetch = _render_args(submission_id)
    pdf = render_pdf(rep, text=text, fetch_source_text=fetch, lang=current_language())
    audit.record_event(
        get_session(),
        action="download_report",
        entity_type="submissions",
        entity_id=sub.id,
        detail={"report_number": rep.report_number, "format": "pdf"},
    )
    name = f"{rep.report_number}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/submissions/<int:submission_id>/report.html")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def report_full(submission_id: int) -> Any:
    """The full CNKI-layout report (全文标明引文) as one printable page."""
    from web.report_render import render_html

    sub, rep, text, fetch = _render_args(submission_id)
    audit.record_event(
        get_session(),
        action="view_report",
        entity_type="submissions",
        entity_id=sub.id,
        detail={"report_number": rep.report_number, "format": "html"},
    )
    return render_html(rep, text=text, fetch_source_text=fetch, lang=current_language())


# --------------------------------------------------------------------------- corpus
@bp.route("/corpus")
@permission_required(P.CORPUS_MANAGE)
def corpus() -> Any:
    """The comparison corpus: search, add files, remove documents."""
    db = get_session()
    query = request.args.get("q", "")
    docs = corpus_service.list_documents(db, query=query, limit=200, actor=_user())
    return render_template(
        "screening/corpus.html",
        docs=docs,
        query=query,
        summary=corpus_service.corpus_summary(db),
    )


@bp.route("/corpus", methods=["POST"])
@permission_required(P.CORPUS_MANAGE)
def corpus_add() -> Any:
    """Add uploaded files to the corpus; each refused file is named with its reason."""
    user = _user()
    db = get_session()
    added, refused = 0, []
    for storage in request.files.getlist("files"):
        if not storage or not storage.filename:
            continue
        name = storage.filename.replace("\\", "/").rsplit("/", 1)[-1]
        try:
            with db.begin_nested():
                corpus_service.add_file(
                    db,
                    data=storage.read(),
                    file_name=name,
                    doc_id=name,
                    author=request.form.get("author", ""),
                    author_university_id=request.form.get("author_id") or None,
                    venue=request.form.get("venue", ""),
                    actor=user,
                )
            added += 1
        except corpus_service.UnsupportedCorpusFile as exc:
            refused.append(exc.message)
    if added:
        flash(_("已加入比对库 %(n)s 篇", n=added), "success")
    for message in refused:
        flash(message, "error")
    return redirect(url_for("screening.corpus"))


@bp.route("/corpus/remove", methods=["POST"])
@permission_required(P.CORPUS_MANAGE)
def corpus_remove() -> Any:
    """Remove one document (the index is updated, not rebuilt)."""
    doc_id = request.form.get("doc_id", "")
    corpus_service.remove_document(get_session(), doc_id=doc_id, actor=_user())
    flash(_("已从比对库移除：%(id)s", id=doc_id), "success")
    return redirect(url_for("screening.corpus"))


# ------------------------------------------------------------------------------ API
@api.route("/batches", methods=["POST"])
@permission_required(P.SCREEN_SUBMIT)
def api_create_batch() -> Any:
    """Create a batch (JSON or form fields), optionally with files; 201 with its rows."""
    user = _user()
    b = _create_batch_from_request(user)
    added = _add_uploaded_files(b, user)
    return jsonify(_batch_json(b, added)), 201


@api.route("/batches/<int:batch_id>/files", methods=["POST"])
@permission_required(P.SCREEN_SUBMIT)
def api_add_files(batch_id: int) -> Any:
    """Add one or more files (multipart `file`/`files`) to a batch."""
    user = _user()
    b = submissions.get_batch(get_session(), batch_id, actor=user)
    added = _add_uploaded_files(b, user)
    if not added:
        raise InvalidInput("没有收到文件 (no file in the request)")
    return jsonify({"submissions": [submission_json(s) for s in added]}), 201


@api.route("/batches/<int:batch_id>/refused", methods=["POST"])
@permission_required(P.SCREEN_SUBMIT)
def api_refused(batch_id: int) -> Any:
    """Record a file the page did not upload because it is over the size limit."""
    user = _user()
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
    b = submissions.get_batch(get_session(), batch_id, actor=_user())
    return jsonify(_batch_json(b, submissions.batch_submissions(b)))


def _batch_json(b: submissions.Batch, subs: list[Submission]) -> dict[str, Any]:
    return {
        "id": b.id,
        "name": b.name,
        "compare_peers": b.compare_peers,
        "min_match_chars": b.min_match_chars,
        "url": url_for("screening.batch", batch_id=b.id),
        "progress": submissions.progress_snapshot(b),
        "submissions": [submission_json(s) for s in subs],
    }


@api.route("/submissions/<int:submission_id>")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def api_submission(submission_id: int) -> Any:
    """One submission's state."""
    sub = submissions.get_submission(get_session(), submission_id, actor=_user())
    return jsonify(submission_json(sub))


@api.route("/submissions/<int:submission_id>/report")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def api_report(submission_id: int) -> Any:
    """The report JSON (the screening contract's shape: `matches`, `excluded`...)."""
    db = get_session()
    sub, rep, _text = submissions.get_report(
        db, submission_id=submission_id, actor=_user()
    )
    audit.record_event(
        db,
        action="view_report",
        entity_type="submissions",
        entity_id=sub.id,
        detail={"report_number": rep.report_number, "format": "json"},
    )
    return jsonify(rep.to_dict())


@api.route("/submissions/<int:submission_id>/options", methods=["POST"])
@permission_required(P.SCREEN_SUBMIT)
def api_options(submission_id: int) -> Any:
    """Set exclusions / minimum length from JSON; returns the recomputed figures."""
    data = request.get_json(silent=True) or {}
    exclude = data.get("exclude") or {}
    restore = data.get("restore") or []
    if not isinstance(exclude, dict) or not isinstance(restore, list):
        raise InvalidInput("exclude 应为对象，restore 应为列表 (bad shape)")
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
        actor=_user(),
        exclude={str(k): str(v) for k, v in exclude.items()},
        restore=[str(x) for x in restore],
        min_match_chars=int(minimum) if minimum is not None else None,
        restore_all=bool(data.get("restore_all")),
    )
    return jsonify(
        {
            "figures": rep.to_dict()["figures"],
            "options": rep.options.to_dict(),
            "matches": rep.to_dict()["matches"],
        }
    )


def init_app(app: Flask) -> None:
    """Register the pages and the API."""
    app.register_blueprint(bp)
    app.register_blueprint(api)
    app.jinja_env.globals.setdefault("screening_verdict_chip", verdict_chip)
    app.jinja_env.globals["screening_recent_batches"] = _recent_batches
    from web.home import register_panel

    register_panel(
        "screening/_panel.html",
        lambda user: user.can(P.SCREEN_SUBMIT) or user.can(P.SCREEN_VIEW),
    )


def _recent_batches() -> list[tuple[submissions.Batch, dict[str, int]]]:
    """The five newest batches, for the workbench panel."""
    user = current_user()
    if user is None:
        return []
    return submissions.list_batches(get_session(), actor=user, limit=5)
