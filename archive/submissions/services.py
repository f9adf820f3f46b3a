"""Screening batches and their files: open a batch, add files, read and adjust reports.

Bad files never stop a batch: each is validated here (size, type) and screened on its own
job (`archive.submissions.jobs`). Changing a report's options (excluded sources with
reasons, minimum match length) recomputes its figures from the stored text and matches,
without screening again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.corpus.naming import SUPPORTED_EXTENSIONS, parse_file_name
from archive.corpus.services import fetch_texts
from archive.kernel import audit, clock
from archive.kernel.accounts import Permission, User, require
from archive.kernel.db import settings_of
from archive.kernel.errors import Conflict, InvalidInput
from archive.kernel.files import FileTooLarge, store_stream
from archive.submissions.errors import (
    BatchNotFound,
    ReportNotReady,
    SubmissionNotFound,
    TooManyFiles,
)
from archive.submissions.jobs import queue_screening
from archive.submissions.models import (
    PEER_PREFIX,
    Batch,
    Submission,
    SubmissionState,
)
from screening.report import ReportOptions, ScreeningReport, check_code, recompute
from screening.report.options import FILTER_NAMES


# ------------------------------------------------------------------------- batches
def create_batch(
    session: Session,
    *,
    actor: User,
    name: str = "",
    compare_peers: bool | None = None,
    min_match_chars: int | None = None,
) -> Batch:
    """Open a batch for files to come."""
    require(actor, Permission.SCREEN_SUBMIT)
    settings = settings_of(session)
    batch = Batch(
        name=(name or "").strip()[:200]
        or f"{clock.today():%Y-%m-%d} {actor.display_name}",
        created_by_id=actor.id,
        compare_peers=settings.screening_peers
        if compare_peers is None
        else compare_peers,
        min_match_chars=settings.min_match_chars
        if min_match_chars is None
        else max(0, min_match_chars),
    )
    session.add(batch)
    session.flush()
    return batch


def get_batch(session: Session, batch_id: int, *, actor: User) -> Batch:
    """A batch the actor may see, or `BatchNotFound`."""
    _require_view(actor)
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise BatchNotFound(f"检测批次不存在：{batch_id}", batch_id=batch_id)
    return batch


def find_batch_by_name(session: Session, name: str) -> Batch | None:
    """The first batch with this name, if any (the demo opens its batch once)."""
    return session.scalars(select(Batch).where(Batch.name == name)).first()


def list_batches(
    session: Session, *, actor: User, limit: int = 50
) -> list[tuple[Batch, dict[str, int]]]:
    """Recent batches, newest first, with counts of their submissions by state."""
    _require_view(actor)
    batches = list(
        session.scalars(select(Batch).order_by(Batch.id.desc()).limit(limit))
    )
    counts: dict[int, dict[str, int]] = {b.id: {} for b in batches}
    if batches:
        rows = session.execute(
            select(Submission.batch_id, Submission.state, func.count())
            .where(Submission.batch_id.in_(list(counts)))
            .group_by(Submission.batch_id, Submission.state)
        )
        for batch_id, state, n in rows:
            counts[batch_id][SubmissionState(state).value] = int(n)
    return [(b, counts[b.id]) for b in batches]


def batch_submissions(batch: Batch) -> list[Submission]:
    """A batch's files sorted by similarity, largest first; failed and pending last."""

    def key(s: Submission) -> tuple[int, float, int]:
        if s.copy_ratio is not None:
            return (0, -s.copy_ratio, s.id)
        return (1 if s.state != SubmissionState.FAILED else 2, 0.0, s.id)

    return sorted(batch.submissions, key=key)


def progress_snapshot(batch: Batch) -> dict[str, Any]:
    """Counts by state and whether every file is finished (for polling)."""
    counts = {s.value: 0 for s in SubmissionState}
    for sub in batch.submissions:
        counts[sub.state.value] += 1
    total = len(batch.submissions)
    finished = counts["done"] + counts["failed"]
    return {
        "total": total,
        "finished": finished,
        "counts": counts,
        "is_done": finished == total,
    }


def _require_view(actor: User) -> None:
    if not (actor.can(Permission.SCREEN_VIEW) or actor.can(Permission.SCREEN_SUBMIT)):
        require(actor, Permission.SCREEN_VIEW)


# ---------------------------------------------------------------------- adding files
def add_file(
    session: Session,
    *,
    batch: Batch,
    actor: User,
    file_name: str,
    stream: BinaryIO,
    media_type: str = "application/octet-stream",
) -> Submission:
    """Store one uploaded file and queue its screening; a bad file is recorded as failed.

    The file's size (`max_upload_mb`) and type (PDF, DOCX, DOC, TXT) are checked here;
    what is inside is checked when it is parsed. Either way the submission row exists
    and says which file failed and why, and the batch's other files carry on.
    """
    require(actor, Permission.SCREEN_SUBMIT)
    settings = settings_of(session)
    name = os.path.basename((file_name or "").replace("\\", "/")).strip() or "file"
    _check_batch_size(session, batch)
    sub = _new_submission(batch, name)
    session.add(sub)
    ext = os.path.splitext(name)[1].lower()
    if ext not in SUPPORTED_EXTENSIONS:
        sub.mark_failed(
            "unsupported_type",
            f"{name}：不支持的文件类型“{ext or '无扩展名'}”，请提交 PDF、DOCX、DOC 或 TXT 文件"
            " (unsupported file type)",
        )
        session.flush()
        return sub
    try:
        stored = store_stream(
            session,
            stream,
            filename=name,
            media_type=media_type,
            max_bytes=settings.max_upload_bytes,
        )
    except FileTooLarge:
        sub.mark_failed(
            "too_large",
            f"{name}：文件超过大小上限 {settings.max_upload_mb} MB，未检测"
            f" (file larger than the {settings.max_upload_mb} MB limit)",
        )
        session.flush()
        return sub
    sub.stored_file = stored
    sub.file_size = stored.size
    session.flush()
    queue_screening(session, sub.id)
    return sub


def record_refused_file(
    session: Session, *, batch: Batch, actor: User, file_name: str, size: int
) -> Submission:
    """Record a file the browser did not send because it is over the size limit."""
    require(actor, Permission.SCREEN_SUBMIT)
    settings = settings_of(session)
    if size <= settings.max_upload_bytes:
        raise InvalidInput(
            "只有超过大小上限的文件可以这样登记 (only files over the limit)",
            file_name=file_name,
        )
    _check_batch_size(session, batch)
    name = os.path.basename(file_name.replace("\\", "/")).strip() or "file"
    sub = _new_submission(batch, name)
    sub.file_size = size
    sub.mark_failed(
        "too_large",
        f"{name}：文件大小 {size / 1024 / 1024:.1f} MB，超过上限 {settings.max_upload_mb} MB，未检测"
        f" (file larger than the {settings.max_upload_mb} MB limit)",
    )
    session.add(sub)
    session.flush()
    return sub


def _check_batch_size(session: Session, batch: Batch) -> None:
    limit = settings_of(session).max_batch_files
    count = session.scalar(select(func.count()).where(Submission.batch_id == batch.id))
    if (count or 0) >= limit:
        raise TooManyFiles(
            f"每批最多 {limit} 个文件 (at most {limit} files per batch)", limit=limit
        )


def _new_submission(batch: Batch, name: str) -> Submission:
    parts = parse_file_name(name)
    return Submission(
        batch=batch,
        file_name=name[:255],
        title=parts.title[:500],
        author=parts.author[:200],
        university_id=parts.university_id or None,
        major=parts.major[:200],
        state=SubmissionState.QUEUED,
        warnings=[],
        options={"excluded_sources": {}, "min_match_chars": batch.min_match_chars},
    )


def rescreen_submission(
    session: Session, *, submission_id: int, actor: User
) -> Submission:
    """Screen a file again (the corpus grew, or a peer arrived late)."""
    require(actor, Permission.SCREEN_SUBMIT)
    sub = get_submission(session, submission_id, actor=actor)
    if sub.stored_file_id is None:
        raise Conflict(
            f"{sub.file_name}：文件未保存，无法重新检测 (no stored file)",
            submission_id=sub.id,
        )
    sub.state = SubmissionState.QUEUED
    sub.reason_code = None
    sub.reason_message = None
    sub.progress = 0
    sub.finished_at = None
    session.flush()
    queue_screening(session, sub.id)
    return sub


# ------------------------------------------------------------------------- reading
def get_submission(session: Session, submission_id: int, *, actor: User) -> Submission:
    """A submission the actor may see, or `SubmissionNotFound`."""
    _require_view(actor)
    return _load_submission(session, submission_id)


def _load_submission(session: Session, submission_id: int) -> Submission:
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise SubmissionNotFound(
            f"检测记录不存在：{submission_id}", submission_id=submission_id
        )
    return sub


#: A keeper of parsed reports (`web.report_cache.kept_report`): given the submission,
#: whose access was checked, and the loader, it answers the report and text, loading
#: them only when it does not hold this state of the report yet.
ReportKeeper = Callable[
    [Submission, Callable[[], tuple[ScreeningReport, str]]],
    tuple[ScreeningReport, str],
]


def get_report(
    session: Session,
    *,
    submission_id: int,
    actor: User,
    keeper: ReportKeeper | None = None,
) -> tuple[Submission, ScreeningReport, str]:
    """The submission, its current report and the text the report's offsets point into.

    Args:
        keeper: answers a report parsed before (the access check is done first, here).
    """
    sub = get_submission(session, submission_id, actor=actor)

    def load() -> tuple[ScreeningReport, str]:
        if sub.report is None or sub.text is None:
            raise ReportNotReady(
                f"{sub.file_name}：报告尚未生成（{sub.state_label}）(report not ready)",
                submission_id=sub.id,
            )
        return ScreeningReport.from_dict(sub.report), sub.text

    report, text = load() if keeper is None else keeper(sub, load)
    return sub, report, text


def open_report(
    session: Session,
    *,
    submission_id: int,
    actor: User,
    action: str = "view_report",
    file_format: str | None = None,
    audit_at_commit: bool = False,
    keeper: ReportKeeper | None = None,
) -> tuple[Submission, ScreeningReport, str]:
    """`get_report`, with the reading written to the audit chain (who saw which report).

    Args:
        action: "view_report" (a page or the JSON) or "download_report" (a file).
        file_format: "pdf", "html", "json", or None for the report page itself.
        audit_at_commit: chain the entry at commit (see `audit.record_event`).
        keeper: see `get_report`.
    """
    sub, report, text = get_report(
        session, submission_id=submission_id, actor=actor, keeper=keeper
    )
    detail: dict[str, Any] = {"report_number": report.report_number}
    if file_format is not None:
        detail["format"] = file_format
    audit.record_event(
        session,
        action=action,
        entity_type="submissions",
        entity_id=sub.id,
        detail=detail,
        at_commit=audit_at_commit,
    )
    return sub, report, text


def update_report_options(
    session: Session,
    *,
    submission_id: int,
    actor: User,
    exclude: dict[str, str] | None = None,
    restore: Sequence[str] = (),
    min_match_chars: int | None = None,
    restore_all: bool = False,
    filters: dict[str, bool] | None = None,
) -> ScreeningReport:
    """Exclude or restore sources (with a reason), set the minimum length and the
    filters; recompute, keep the settings with the report and audit the change.

    Args:
        exclude: source id -> reason (own_work/not_original/collaboration/other, or
            本人作品/非原始来源/合作/其他).
        restore: source ids to count again.
        restore_all: count every source again and switch the filters back to defaults.
        filters: exclude_quotes / exclude_references / exclude_templates -> on or off.
    """
    require(actor, Permission.SCREEN_SUBMIT)
    sub, report, text = get_report(session, submission_id=submission_id, actor=actor)
    known = {s.source_id for s in report.sources}
    excluded = {} if restore_all else dict(sub.options.get("excluded_sources") or {})
    for source_id, reason in (exclude or {}).items():
        if source_id not in known:
            raise InvalidInput(
                f"报告中没有这个来源：{source_id} (unknown source)", source_id=source_id
            )
        excluded[source_id] = reason
    for source_id in restore:
        excluded.pop(source_id, None)
    minimum = (
        int(sub.options.get("min_match_chars", report.options.min_match_chars))
        if min_match_chars is None
        else min_match_chars
    )
    if minimum < 0 or minimum > 10000:
        raise InvalidInput("最小匹配字数应在 0 到 10000 之间 (min length out of range)")
    switches = (
        {name: getattr(ReportOptions(), name) for name in FILTER_NAMES}
        if restore_all
        else {name: getattr(report.options, name) for name in FILTER_NAMES}
    )
    for name, value in (filters or {}).items():
        if name not in FILTER_NAMES:
            raise InvalidInput(f"未知的过滤项：{name} (unknown filter)")
        switches[name] = bool(value)
    try:
        options = ReportOptions(
            excluded_sources=excluded,
            min_match_chars=minimum,
            own_work_sources=report.options.own_work_sources,
            **switches,
        )
    except ValueError as exc:
        raise InvalidInput(f"排除原因无效：{exc} (invalid reason)") from exc
    new_report = recompute(report, options, text=text)
    sub.options = {
        "excluded_sources": dict(options.excluded_sources),
        "min_match_chars": options.min_match_chars,
        **switches,
    }
    sub.store_report(new_report)
    session.flush()
    audit.record_event(
        session,
        action="update_report_options",
        entity_type="submissions",
        entity_id=sub.id,
        detail={"report_number": new_report.report_number, **sub.options},
    )
    return new_report


def verify_report(
    session: Session, *, report_number: str, code: str
) -> ScreeningReport | None:
    """The report a printed № and check code stand for, or None (public verification).

    The check code (`screening.report.check_code`) is printed beside the №, so that
    knowing a number alone does not show anyone a report's figures.
    """
    sub = session.scalars(
        select(Submission).where(Submission.report_number == report_number.strip())
    ).first()
    if sub is None or sub.report is None:
        return None
    report = ScreeningReport.from_dict(sub.report)
    if code.strip().lower() != check_code(report):
        return None
    audit.record_event(
        session,
        action="verify_report",
        entity_type="submissions",
        entity_id=sub.id,
        detail={"report_number": report.report_number},
    )
    return report


def link_case(
    session: Session, *, submission_id: int, case_id: int, actor: User | None = None
) -> Submission:
    """Remember the case opened from this report (the casework area calls this)."""
    if actor is not None:
        _require_view(actor)
    sub = _load_submission(session, submission_id)
    sub.case_id = case_id
    session.flush()
    return sub


def link_record(
    session: Session, *, submission_id: int, record_id: int | None
) -> Submission:
    """Link a submission to its research record in the archive (or unlink it)."""
    sub = _load_submission(session, submission_id)
    sub.record_id = record_id
    session.flush()
    return sub


def source_text(session: Session, *, submission: Submission, source_id: str) -> str:
    """The text of a report's source: a corpus document or a peer of the same batch.

    Raises:
        KeyError: the source is gone (removed from the corpus) or not a peer of this batch.
    """
    if source_id.startswith(PEER_PREFIX):
        try:
            peer_id = int(source_id.removeprefix(PEER_PREFIX))
        except ValueError:
            raise KeyError(source_id) from None
        peer = session.get(Submission, peer_id)
        if peer is None or peer.batch_id != submission.batch_id or peer.text is None:
            raise KeyError(source_id)
        return peer.text
    texts = fetch_texts(session, [source_id])
    if source_id not in texts:
        raise KeyError(source_id)
    return texts[source_id]
