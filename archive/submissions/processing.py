"""The steps of screening one file: begin, extract its text, wait for peers, compare.

Screening takes seconds, and on SQLite a transaction holds the write lock from BEGIN, so
each step that writes runs in its own short transaction; the job
(`archive.submissions.jobs.screen_submission`) strings them together. A step that finds
the file cannot be screened raises `ScreeningStepFailed` with the reason code. Nothing
here queues a job: `release_waiting` returns the files whose comparison may start, and
the job queues them.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, sessionmaker

from archive.kernel import clock
from archive.kernel.db import session_scope, settings_of, utcnow
from archive.kernel.files import FileIntegrityError, read_verified
from archive.submissions.errors import ScreeningStepFailed, is_transient
from archive.submissions.models import (
    PEER_PREFIX,
    Batch,
    Submission,
    SubmissionState,
)
from archive.submissions.pipeline import (
    Peer,
    ScreeningInput,
    prepare,
    screen_document,
)
from screening.document import Span
from screening.errors import ScreeningError
from screening.extract import extract
from screening.report import ReportOptions, ScreeningReport, text_sha256

_PEER_LOCK_NAMESPACE = 74230102  # pg advisory lock keys (namespace, batch id)


@dataclass(frozen=True)
class Work:
    """What the extract step needs, read in one short transaction."""

    submission_id: int
    batch_id: int
    file_name: str
    data: bytes | None
    text: str | None
    max_bytes: int


def begin(session: Session, submission_id: int) -> Work | None:
    """Count an attempt and read the file to parse; None when there is nothing to do.

    A finished submission is left alone; one whose stored file is missing or corrupt is
    failed here (the caller commits that).
    """
    sub = session.get(Submission, submission_id)
    if sub is None or sub.is_finished:
        return None
    sub.attempts += 1
    sub.started_at = sub.started_at or utcnow()
    data = None
    if sub.text is None:
        sub.state = SubmissionState.PARSING
        sub.progress = 10
        if sub.stored_file is None:
            sub.mark_failed(
                "unreadable", f"{sub.file_name}：没有保存的文件 (no stored file)"
            )
            return None
        try:
            data = read_verified(session, sub.stored_file)
        except FileIntegrityError as exc:
            sub.mark_failed("file_integrity", f"{sub.file_name}：{exc.message}")
            return None
    return Work(
        sub.id,
        sub.batch_id,
        sub.file_name,
        data,
        sub.text,
        settings_of(session).max_upload_bytes,
    )


def extract_text(
    work: Work,
) -> tuple[str, list[str], dict[str, str], list[list[int]]]:
    """The file's text, its warnings, metadata and hidden-text spans ([start, end]);
    `ScreeningStepFailed` if unreadable."""
    assert work.data is not None
    try:
        document = extract(work.data, name=work.file_name, max_bytes=work.max_bytes)
    except ScreeningError as exc:
        raise ScreeningStepFailed(
            exc.reason, f"{work.file_name}：{exc.message}"
        ) from exc
    except Exception as exc:  # noqa: BLE001 - a parser crash must not kill the batch
        raise ScreeningStepFailed(
            "unreadable",
            f"{work.file_name}：文件无法解析 (could not parse: {type(exc).__name__})",
        ) from exc
    warnings = list(document.warnings)
    if not any("\u4e00" <= ch <= "\u9fff" for ch in document.text):
        warnings.append("no_chinese")
    hidden = [[span.start, span.end] for span in document.hidden]
    return document.text, warnings, dict(document.metadata), hidden


def record_text(
    session: Session,
    submission_id: int,
    text: str,
    warnings: list[str],
    meta: dict[str, str],
    hidden: list[list[int]] | None = None,
) -> bool:
    """Store the text; True when the comparison may start now.

    With peers on, a file whose batch peers are still being parsed waits (False); the
    caller of a True answer releases the peers that waited (`release_waiting`).
    """
    sub = session.get(Submission, submission_id)
    if sub is None or sub.is_finished:
        return False
    batch = _lock_batch(session, sub.batch_id)
    sub.text = text
    sub.text_sha256 = text_sha256(text)
    sub.hidden_spans = hidden or None
    sub.char_count = sum(1 for ch in text if ch.isprintable() and not ch.isspace())
    sub.title = sub.title or meta.get("title", "")[:500]
    if not sub.author and meta.get("author"):
        sub.author = meta["author"][:200]
    sub.warnings = warnings
    sub.state = SubmissionState.COMPARING
    sub.progress = 50
    session.flush()
    if batch.compare_peers and peers_pending(session, batch.id):
        sub.warnings = [*warnings, "waiting_peers"]
        return False
    return True


def _lock_batch(session: Session, batch_id: int) -> Batch:
    """The batch, serialising peer-checked parsers so one of them sees the batch complete.

    SQLite already serialises writers (BEGIN IMMEDIATE). On PostgreSQL a transaction-level
    advisory lock per batch is taken before anything is written: a row lock on the batch
    would deadlock with uploads inserting submissions (their foreign-key check waits for
    the batch row while holding the audit chain's lock).
    """
    batch = session.get(Batch, batch_id)
    assert batch is not None
    if batch.compare_peers and session.get_bind().dialect.name == "postgresql":
        session.execute(
            sql_text("SELECT pg_advisory_xact_lock(:ns, :batch_id)"),
            {"ns": _PEER_LOCK_NAMESPACE, "batch_id": batch_id},
        )
    return batch


def peers_pending(session: Session, batch_id: int) -> bool:
    """Whether some file of the batch is still queued or being parsed."""
    return bool(
        session.scalar(
            select(func.count()).where(
                Submission.batch_id == batch_id,
                Submission.state.in_([SubmissionState.QUEUED, SubmissionState.PARSING]),
            )
        )
    )


def release_waiting(
    session: Session, batch_id: int, *, except_id: int | None = None
) -> list[int]:
    """Files that waited for their peers, once none is pending: their ids, to queue."""
    batch = session.get(Batch, batch_id)
    if batch is None or not batch.compare_peers or peers_pending(session, batch_id):
        return []
    waiting = session.scalars(
        select(Submission).where(
            Submission.batch_id == batch_id,
            Submission.state == SubmissionState.COMPARING,
            Submission.id != (except_id or 0),
        )
    )
    released = []
    for sub in waiting:
        if sub.is_waiting_for_peers:
            sub.warnings = [w for w in sub.warnings if w != "waiting_peers"]
            released.append(sub.id)
    return released


def fail(
    session: Session, submission_id: int, *, code: str, message: str
) -> int | None:
    """Mark a submission failed unless it is done; its batch id, or None if untouched."""
    sub = session.get(Submission, submission_id)
    if sub is None or sub.state == SubmissionState.DONE:
        return None
    sub.mark_failed(code, message)
    return sub.batch_id


# ----------------------------------------------------------------------- comparing
@dataclass(frozen=True)
class _Comparison:
    """What the compute step needs, read in one short transaction."""

    batch_id: int
    document: ScreeningInput
    peers: list[Peer]
    options: ReportOptions
    report_number: str
    peer_dir: Path


def compare(factory: sessionmaker[Session], submission_id: int) -> None:
    """Screen the stored text against the corpus (and its batch) and store the report.

    Raises:
        ScreeningStepFailed: the screener failed on this file.
        redis.exceptions.ConnectionError: Redis went away (and the like): rq retries.
    """
    with session_scope(factory) as session:
        comparison = _read_comparison(session, submission_id)
    if comparison is None:
        return
    report = _screen(factory, comparison, submission_id)
    warnings = [] if report.document.structure.has_toc else ["no_toc"]
    with session_scope(factory, actor="screening") as session:
        is_stored = _record_report(session, submission_id, report, warnings)
        is_batch_finished = (
            is_stored
            and bool(comparison.peers)
            and _is_batch_finished(session, comparison.batch_id)
        )
    if is_batch_finished:
        # The peer index is a cache for the batch's jobs; a rescreen rebuilds it.
        shutil.rmtree(comparison.peer_dir, ignore_errors=True)


def _read_comparison(session: Session, submission_id: int) -> _Comparison | None:
    sub = session.get(Submission, submission_id)
    if sub is None or sub.is_finished or sub.text is None:
        return None
    batch = sub.batch
    document = ScreeningInput(
        name=sub.file_name,
        text=sub.text,
        title=sub.title,
        author=sub.author,
        university_id=sub.university_id,
        unit=sub.unit,
        hidden=tuple(Span(int(a), int(b)) for a, b in sub.hidden_spans or ()),
    )
    options = ReportOptions(
        excluded_sources=dict(sub.options.get("excluded_sources") or {}),
        min_match_chars=int(sub.options.get("min_match_chars", batch.min_match_chars)),
        exclude_quotes=bool(sub.options.get("exclude_quotes", False)),
        exclude_references=bool(sub.options.get("exclude_references", True)),
        exclude_templates=bool(sub.options.get("exclude_templates", True)),
    )
    return _Comparison(
        batch_id=batch.id,
        document=document,
        peers=_batch_peers(session, sub) if batch.compare_peers else [],
        options=options,
        report_number=f"CX-{clock.today():%Y%m%d}-{sub.id:06d}",
        peer_dir=settings_of(session).data_dir / "peer-index" / f"batch-{batch.id}",
    )


def _batch_peers(session: Session, sub: Submission) -> list[Peer]:
    """The batch's other parsed files, compared as extra sources (校内互检)."""
    rows = session.execute(
        select(
            Submission.id,
            Submission.text,
            Submission.title,
            Submission.author,
            Submission.university_id,
            Submission.file_name,
        ).where(
            Submission.batch_id == sub.batch_id,
            Submission.id != sub.id,
            Submission.text.is_not(None),
        )
    )
    return [
        Peer(
            source_id=f"{PEER_PREFIX}{pid}",
            text=ptext or "",
            title=ptitle or pname,
            author=pauthor,
            university_id=puid,
        )
        for pid, ptext, ptitle, pauthor, puid, pname in rows
    ]


def _screen(
    factory: sessionmaker[Session], comparison: _Comparison, submission_id: int
) -> ScreeningReport:
    doc = comparison.document
    try:
        context = prepare(
            factory, peers=comparison.peers, peer_index_dir=comparison.peer_dir
        )
        return screen_document(
            factory,
            context,
            doc,
            options=comparison.options,
            report_number=comparison.report_number,
            exclude_peer=f"{PEER_PREFIX}{submission_id}",
        )
    except Exception as exc:  # noqa: BLE001 - recorded on the submission, logged by the job
        if is_transient(exc):  # Redis went away: rq retries the job
            raise
        raise ScreeningStepFailed(
            "internal_error",
            f"{doc.name}：比对失败 (screening failed: {type(exc).__name__}: {exc})",
        ) from exc


def _record_report(
    session: Session, submission_id: int, report: ScreeningReport, warnings: list[str]
) -> bool:
    """Store the report and mark the file done; False when it was finished meanwhile."""
    sub = session.get(Submission, submission_id)
    if sub is None or sub.is_finished:
        return False
    sub.store_report(report)
    sub.warnings = list(dict.fromkeys([*(sub.warnings or []), *warnings]))
    sub.state = SubmissionState.DONE
    sub.progress = 100
    sub.finished_at = utcnow()
    session.flush()
    return True


def _is_batch_finished(session: Session, batch_id: int) -> bool:
    return not session.scalar(
        select(func.count()).where(
            Submission.batch_id == batch_id,
            Submission.state.not_in([SubmissionState.DONE, SubmissionState.FAILED]),
        )
    )
