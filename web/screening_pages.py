"""Screening pages: batch upload, per-file progress, reports, the corpus.

The research office drops one file or a hundred; each file becomes a submission with its
own state; the batch page polls the API (`web.screening_api`) and updates its rows. The
report page shows the CNKI figures, the source list with exclude switches, and the thesis
beside each source with the matched passages lit on both sides.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from archive.corpus import services as corpus_service
from archive.kernel.accounts import Permission
from archive.kernel.errors import InvalidInput
from archive.records.services import create_record_from_submission
from archive.submissions import services as submissions
from archive.submissions.export import XLSX_MEDIA_TYPE, batch_xlsx
from archive.submissions.models import (
    STATE_LABELS,
    WARNING_LABELS,
    Batch,
    SubmissionState,
)
from screening.report import (
    SOURCE_EXCLUSION_REASONS,
    CharCounter,
    ScreeningReport,
    match_kind,
    percent,
)
from screening.report.options import FILTER_NAMES
from web import report_cache
from web.auth import current_user, permission_required, signed_in_user
from web.db import get_session
from web.i18n import current_language
from web.report_render import render_html, render_pdf
from web.report_sections import SECTION_LABELS, flag_places, flag_rows, group_rows
from web.report_views import (
    full_text,
    group_matches,
    histogram,
    shown_source,
    side_by_side,
    source_numbers,
    verdict_lines,
)
from web.screening_api import (
    VERDICT_THRESHOLDS,
    add_uploaded_files,
    create_batch_from_request,
    form_int,
    submission_json,
    verdict_chip,
)

bp = Blueprint("screening", __name__, url_prefix="/screening")
P = Permission

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
    "rewrite": "疑似改写",
    "translated": "跨语言",
}


# ------------------------------------------------------------------------- batches
@bp.route("/")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def batches() -> Any:
    """Recent batches and the upload drop zone."""
    user = signed_in_user()
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


@bp.route("/batches", methods=["POST"])
@permission_required(P.SCREEN_SUBMIT)
def create_batch() -> Any:
    """Create a batch from the upload form (the page without scripts)."""
    user = signed_in_user()
    batch = create_batch_from_request(user)
    added = add_uploaded_files(batch, user)
    if not added:
        raise InvalidInput(_("请选择要检测的文件") + " (choose files to screen)")
    flash(_("已提交 %(n)s 个文件", n=len(added)), "success")
    return redirect(url_for("screening.batch", batch_id=batch.id))


@bp.route("/batches/<int:batch_id>")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def batch(batch_id: int) -> Any:
    """One row per file, sorted by similarity; rows refresh while files are screened."""
    b = submissions.get_batch(get_session(), batch_id, actor=signed_in_user())
    rows = [submission_json(s) for s in submissions.batch_submissions(b)]
    return render_template(
        "screening/batch.html",
        batch=b,
        rows=rows,
        progress=submissions.progress_snapshot(b),
        histogram=histogram(rows),
        threshold_lines=verdict_lines(VERDICT_THRESHOLDS),
        thresholds=VERDICT_THRESHOLDS,
    )


@bp.route("/batches/<int:batch_id>/export.xlsx")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def batch_export(batch_id: int) -> Any:
    """The batch table as an Excel workbook (one row per file, sorted by similarity)."""
    name, data = batch_xlsx(get_session(), batch_id=batch_id, actor=signed_in_user())
    return Response(
        data,
        mimetype=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# -------------------------------------------------------------------------- reports
@bp.route("/submissions/<int:submission_id>")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def report(submission_id: int) -> Any:
    """The report: figures, sources with exclude switches, and the side-by-side view."""
    user = signed_in_user()
    db = get_session()
    sub = submissions.get_submission(db, submission_id, actor=user)
    if sub.state != SubmissionState.DONE:
        return render_template(
            "screening/pending.html", sub=submission_json(sub), submission=sub
        )
    sub, rep, text = submissions.open_report(
        db,
        submission_id=submission_id,
        actor=user,
        audit_at_commit=True,
        keeper=report_cache.kept_report,
    )
    group = request.args.get("group") or None
    source = request.args.get("source")
    has_case_route = user.can(P.CASE_INTAKE) and any(
        rule.rule.startswith("/cases/from-screening/")
        for rule in current_app.url_map.iter_rules()
    )
    switches = (user.can(P.SCREEN_SUBMIT), has_case_route, user.can(P.ARCHIVE_MANAGE))
    key = report_cache.body_key(
        sub,
        source=source,
        group=group,
        language=current_language(),
        switches=switches,
        corpus=report_cache.corpus_state(db, shown_source(rep, source)),
    )
    body = report_cache.cached_body(
        key, lambda: _report_body(db, sub, rep, text, source, group, switches)
    )
    return render_template("screening/report.html", sub=sub, r=rep, body=body)


def _report_body(
    db: Any,
    sub: Any,
    rep: ScreeningReport,
    text: str,
    source: str | None,
    group: str | None,
    switches: tuple[bool, bool, bool],
) -> str:
    """The report's body (see `web.report_cache`), with a slot for the CSRF token."""
    can_edit, has_case_route, can_archive = switches
    only = group_matches(rep, group)
    view = side_by_side(db, sub, rep, text, source, only)
    return render_template(
        "screening/report_body.html",
        csrf_token=lambda: report_cache.CSRF_SLOT,
        sub=sub,
        r=rep,
        f=rep.figures,
        pct=percent,
        numbers=source_numbers(rep),
        left=view.left,
        right=view.right,
        selected=view.selected,
        selected_share=_share(rep, view.selected),
        source_available=view.source_available,
        matches=rep.matches,
        selected_matches=[
            (i, m)
            for i, m in view.indexed
            if m.source == view.selected and (only is None or i in only)
        ],
        group=group if only is not None else None,
        S=_section_labels(),
        flag_rows=flag_rows(rep, _section_labels()),
        flag_places=flag_places(rep, text, _section_labels()),
        group_rows=group_rows(rep, _section_labels()),
        filter_names=FILTER_NAMES,
        match_chars=_match_chars(text),
        source_reasons=SOURCE_EXCLUSION_REASONS,
        source_reason_labels=SOURCE_REASON_LABELS,
        match_reason_labels=MATCH_REASON_LABELS,
        kind_labels=KIND_LABELS,
        indicator_labels=INDICATOR_LABELS,
        match_kind=match_kind,
        can_edit=can_edit,
        has_case_route=has_case_route,
        case_url=_case_url(sub.case_id),
        can_archive=can_archive,
        record_url=_record_url(sub.record_id),
        verdict_chip=verdict_chip,
        warnings=[WARNING_LABELS.get(w, w) for w in (sub.warnings or [])],
        min_match_chars=rep.options.min_match_chars,
    )


def _match_chars(text: str) -> Any:
    """Characters (字) of a match as the figures count them (no spaces, no invisibles)."""
    counter = CharCounter(text)
    return lambda m: counter.chars(m.offset, m.end)


def _section_labels() -> dict[str, str]:
    """The report sections' labels in the page's language."""
    return SECTION_LABELS["en" if current_language() == "en" else "zh"]


def _case_url(case_id: int | None) -> str | None:
    """The linked case's page, when the casework area provides one."""
    if case_id is None or "cases.show" not in current_app.view_functions:
        return None
    return url_for("cases.show", case_id=case_id)


def _record_url(record_id: int | None) -> str | None:
    """The linked research record's page in the archive, if any."""
    if not record_id or "archive.record" not in current_app.view_functions:
        return None
    return url_for("archive.record", record_id=record_id)


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
    user = signed_in_user()
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
        kwargs["min_match_chars"] = form_int("min_match_chars")
    elif action == "filters":
        kwargs["filters"] = {name: name in request.form for name in FILTER_NAMES}
        kwargs["min_match_chars"] = form_int("min_match_chars")
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
        get_session(), actor=signed_in_user(), submission_id=submission_id
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
        get_session(), submission_id=submission_id, actor=signed_in_user()
    )
    flash(_("已重新提交检测"), "success")
    return redirect(url_for("screening.batch", batch_id=sub.batch_id))


def _open_report(
    submission_id: int, *, action: str, file_format: str
) -> tuple[ScreeningReport, str, Any]:
    """The report, its text and a source-text reader, the reading audited."""
    db = get_session()
    sub, rep, text = submissions.open_report(
        db,
        submission_id=submission_id,
        actor=signed_in_user(),
        action=action,
        file_format=file_format,
    )

    def fetch(source_id: str) -> str:
        return submissions.source_text(db, submission=sub, source_id=source_id)

    return rep, text, fetch


@bp.route("/submissions/<int:submission_id>/report.pdf")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def report_pdf(submission_id: int) -> Any:
    """The report as PDF (CJK fonts embedded), with the current filters; `?form=brief`
    gives the short form (简洁)."""
    brief = request.args.get("form") == "brief"
    rep, text, fetch = _open_report(
        submission_id, action="download_report", file_format="pdf"
    )
    pdf = render_pdf(
        rep,
        text=text,
        fetch_source_text=fetch,
        lang=current_language(),
        verify_url=verify_url_template(),
        brief=brief,
    )
    name = f"{rep.report_number}{'-brief' if brief else ''}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/submissions/<int:submission_id>/report.html")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def report_full(submission_id: int) -> Any:
    """The CNKI-layout report as one printable page (`?form=brief`: the short form)."""
    rep, text, fetch = _open_report(
        submission_id, action="view_report", file_format="html"
    )
    return render_html(
        rep,
        text=text,
        fetch_source_text=fetch,
        lang=current_language(),
        verify_url=verify_url_template(),
        brief=request.args.get("form") == "brief",
    )


@bp.route("/submissions/<int:submission_id>/fulltext")
@permission_required(P.SCREEN_SUBMIT, P.SCREEN_VIEW)
def report_fulltext(submission_id: int) -> Any:
    """全文标明引文: the whole text with every match and every disguise flag marked."""
    user = signed_in_user()
    sub, rep, text = submissions.open_report(
        get_session(), submission_id=submission_id, actor=user, file_format="fulltext"
    )
    group = request.args.get("group") or None
    only = group_matches(rep, group)
    return render_template(
        "screening/fulltext.html",
        sub=sub,
        r=rep,
        f=rep.figures,
        pct=percent,
        pieces=full_text(rep, text, only=only),
        numbers=source_numbers(rep),
        matches=rep.matches,
        group=group if only is not None else None,
        S=_section_labels(),
        group_rows=group_rows(rep, _section_labels()),
        match_reason_labels=MATCH_REASON_LABELS,
    )


def verify_url_template() -> str:
    """The public verification page's address, with the № and check code to fill in."""
    base = url_for("report_verify.verify", _external=True)
    return base + "?number={report_number}&code={check_code}"


# --------------------------------------------------------------------------- corpus
@bp.route("/corpus")
@permission_required(P.CORPUS_MANAGE)
def corpus() -> Any:
    """The comparison corpus: search, add files, remove documents."""
    db = get_session()
    query = request.args.get("q", "")
    docs = corpus_service.list_documents(
        db, query=query, limit=200, actor=signed_in_user()
    )
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
    result = corpus_service.add_uploads(
        get_session(),
        uploads=(
            (storage.filename, storage.read())
            for storage in request.files.getlist("files")
            if storage and storage.filename
        ),
        author=request.form.get("author", ""),
        author_university_id=request.form.get("author_id") or None,
        venue=request.form.get("venue", ""),
        actor=signed_in_user(),
    )
    if result.added:
        flash(_("已加入比对库 %(n)s 篇", n=len(result.added)), "success")
    for _name, message in result.failed:
        flash(message, "error")
    return redirect(url_for("screening.corpus"))


@bp.route("/corpus/remove", methods=["POST"])
@permission_required(P.CORPUS_MANAGE)
def corpus_remove() -> Any:
    """Remove one document (the index is updated, not rebuilt)."""
    doc_id = request.form.get("doc_id", "")
    corpus_service.remove_document(get_session(), doc_id=doc_id, actor=signed_in_user())
    flash(_("已从比对库移除：%(id)s", id=doc_id), "success")
    return redirect(url_for("screening.corpus"))


def recent_batches() -> list[tuple[Batch, dict[str, int]]]:
    """The five newest batches, for the workbench panel."""
    user = current_user()
    if user is None:
        return []
    return submissions.list_batches(get_session(), actor=user, limit=5)
