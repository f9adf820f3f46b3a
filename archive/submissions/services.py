"""Screening submissions: batches of uploaded theses, their states, texts and reports.

A `Batch` is one upload by the research office (one file or a hundred). Each file becomes
a `Submission` that moves 排队 -> 解析 -> 比对 -> 完成, or 失败 with a reason code and a
message naming the file. Bad files never stop a batch: each is validated and screened on
its own job. The report JSON (`ScreeningReport.to_dict()`) is kept with the user's options
(excluded sources with reasons, minimum match length); changing them recomputes the
figures from the stored text and matches, without screening again.

Large derived values (the extracted text, the report JSON) are deferred columns whose
audit entries are redacted: the audit chain records their hashes and the figures, not a
second copy of every thesis.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from sqlalchemy import BigInteger, ForeignKey, String, Text, func, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, sessionmaker

from archive.corpus.services import parse_file_name
from archive.kernel import clock
from archive.kernel.accounts import Permission, User, require
from archive.kernel.db import Base, enum_column, settings_of, utcnow
from archive.kernel.errors import Conflict, InvalidInput, NotFound
from archive.kernel.files import (
    FileIntegrityError,
    FileTooLarge,
    StoredFile,
    read_verified,
    store_stream,
)
from archive.kernel.queue import enqueue_after_commit
from screening.report import ReportOptions, ScreeningReport, recompute

ALLOWED_EXTENSIONS = (".pdf", ".docx", ".doc", ".txt")
PEER_PREFIX = "submission:"
_PEER_LOCK_NAMESPACE = 74230102  # pg advisory lock keys (namespace, batch id)


class SubmissionState(enum.StrEnum):
    """Where a file is in screening (CNKI's 排队/解析/比对/完成/失败)."""

    QUEUED = "queued"
    PARSING = "parsing"
    COMPARING = "comparing"
    DONE = "done"
    FAILED = "failed"


STATE_LABELS = {
    SubmissionState.QUEUED: "排队",
    SubmissionState.PARSING: "解析",
    SubmissionState.COMPARING: "比对",
    SubmissionState.DONE: "完成",
    SubmissionState.FAILED: "失败",
}

# Short Chinese names of failure reasons (screening.errors reason codes and ours).
REASON_LABELS = {
    "encrypted": "PDF 已加密",
    "no_text_layer": "无文字层（扫描件或图片）",
    "cid_fonts": "字体缺少 Unicode 映射（cid 字体）",
    "too_large": "文件超过大小上限",
    "unknown_encoding": "无法识别的文本编码",
    "empty": "空文件",
    "unreadable": "文件损坏或无法读取",
    "unsupported_type": "不支持的文件类型",
    "no_chinese": "不含中文",
    "file_integrity": "存储文件校验失败",
    "internal_error": "检测程序内部错误",
}

WARNING_LABELS = {
    "no_toc": "未识别到目录：按约1.2万字分段统计",
    "no_chinese": "未检测到中文文字（按英文文本检测）",
    "waiting_peers": "等待同批其他文件解析完成后互检",
}


class Batch(Base):
    """One upload of files to screen together."""

    __tablename__ = "screening_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    compare_peers: Mapped[bool] = mapped_column(default=False)
    min_match_chars: Mapped[int] = mapped_column(default=13)

    submissions: Mapped[list[Submission]] = relationship(
        back_populates="batch", order_by="Submission.id", lazy="selectin"
    )
    created_by: Mapped[User | None] = relationship(lazy="joined")


class Submission(Base):
    """One file of a batch: its metadata, state, text and report."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("screening_batches.id"), index=True
    )
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    file_name: Mapped[str] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(500), default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    university_id: Mapped[str | None] = mapped_column(String(32))
    major: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[SubmissionState] = mapped_column(
        enum_column(SubmissionState), default=SubmissionState.QUEUED
    )
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason_message: Mapped[str | None] = mapped_column(String(2000))
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    progress: Mapped[int] = mapped_column(default=0)
    char_count: Mapped[int | None]
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(
        Text, deferred=True, info={"audit": "redact"}
    )
    report: Mapped[dict[str, Any] | None] = mapped_column(
        deferred=True, info={"audit": "redact"}
    )
    report_number: Mapped[str | None] = mapped_column(String(40))
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    copy_ratio: Mapped[float | None]
    copy_ratio_without_quotes: Mapped[float | None]
    copy_ratio_without_own: Mapped[float | None]
    max_source_ratio: Mapped[float | None]
    max_source_id: Mapped[str | None] = mapped_column(String(512))
    record_id: Mapped[int | None] = mapped_column(index=True)
    case_id: Mapped[int | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    batch: Mapped[Batch] = relationship(back_populates="submissions")
    stored_file: Mapped[StoredFile | None] = relationship(lazy="joined")

    @property
    def state_label(self) -> str:
        """排队/解析/比对/完成/失败."""
        return STATE_LABELS[self.state]

    @property
    def reason_label(self) -> str:
        """The short Chinese name of the failure reason, if any."""
        if not self.reason_code:
            return ""
        return REASON_LABELS.get(self.reason_code, self.reason_code)

    @property
    def peer_id(self) -> str:
        """This submission's source id in its batch peers' reports."""
        return f"{PEER_PREFIX}{self.id}"

    @property
    def is_finished(self) -> bool:
        """Done or failed: nothing more will happen without a new request."""
        return self.state in (SubmissionState.DONE, SubmissionState.FAILED)


class BatchNotFound(NotFound):
    """No such batch."""


class SubmissionNotFound(NotFound):
    """No such submission."""


class ReportNotReady(Conflict):
    """The submission has no report yet (still screening, or failed)."""


class TooManyFiles(InvalidInput):
    """The batch would hold more files than `max_batch_files`."""


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
    if ext not in ALLOWED_EXTENSIONS:
        _fail(
            sub,
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
        _fail(
            sub,
            "too_large",
            f"{name}：文件超过大小上限 {settings.max_upload_mb} MB，未检测"
            f" (file larger than the {settings.max_upload_mb} MB limit)",
        )
        session.flush()
        return sub
    sub.stored_file = stored
    sub.file_size = stored.size
    session.flush()
    _enqueue(session, sub)
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
    _fail(
        sub,
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


def _fail(sub: Submission, code: str, message: str) -> None:
    sub.state = SubmissionState.FAILED
    sub.reason_code = code
    sub.reason_message = message[:2000]
    sub.progress = 100
    sub.finished_at = utcnow()


def _enqueue(session: Session, sub: Submission) -> None:
    from archive.submissions.jobs import screen_submission_job

    enqueue_after_commit(
        session, screen_submission_job, sub.id, job_id=f"screen-{sub.id}"
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
    _enqueue(session, sub)
    return sub


# ------------------------------------------------------------------------- reading
def get_submission(session: Session, submission_id: int, *, actor: User) -> Submission:
    """A submission the actor may see, or `SubmissionNotFound`."""
    _require_view(actor)
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise SubmissionNotFound(
            f"检测记录不存在：{submission_id}", submission_id=submission_id
        )
    return sub


def get_report(
    session: Session, *, submission_id: int, actor: User
) -> tuple[Submission, ScreeningReport, str]:
    """The submission, its current report and the text the report's offsets point into."""
    sub = get_submission(session, submission_id, actor=actor)
    if sub.report is None or sub.text is None:
        raise ReportNotReady(
            f"{sub.file_name}：报告尚未生成（{sub.state_label}）(report not ready)",
            submission_id=sub.id,
        )
    return sub, ScreeningReport.from_dict(sub.report), sub.text


def update_report_options(
    session: Session,
    *,
    submission_id: int,
    actor: User,
    exclude: dict[str, str] | None = None,
    restore: Sequence[str] = (),
    min_match_chars: int | None = None,
    restore_all: bool = False,
) -> ScreeningReport:
    """Exclude or restore sources (with a reason), set the minimum length; recompute.

    Args:
        exclude: source id -> reason (own_work/not_original/collaboration/other, or
            本人作品/非原始来源/合作/其他).
        restore: source ids to count again.
        restore_all: count every source again.
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
    try:
        options = ReportOptions(
            excluded_sources=excluded,
            min_match_chars=minimum,
            own_work_sources=report.options.own_work_sources,
            exclude_quotes=report.options.exclude_quotes,
            exclude_references=report.options.exclude_references,
            exclude_templates=report.options.exclude_templates,
        )
    except ValueError as exc:
        raise InvalidInput(f"排除原因无效：{exc} (invalid reason)") from exc
    new_report = recompute(report, options, text=text)
    sub.options = {
        "excluded_sources": dict(options.excluded_sources),
        "min_match_chars": options.min_match_chars,
    }
    _store_report(sub, new_report)
    session.flush()
    return new_report


def _store_report(sub: Submission, report: ScreeningReport) -> None:
    fig = report.figures
    sub.report = report.to_dict()
    sub.report_number = report.report_number
    sub.copy_ratio = fig.copy_ratio
    sub.copy_ratio_without_quotes = fig.copy_ratio_without_quotes
    sub.copy_ratio_without_own = fig.copy_ratio_without_own
    sub.max_source_ratio = fig.max_source_ratio
    sub.max_source_id = fig.max_source_id


def link_case(
    session: Session, *, submission_id: int, case_id: int, actor: User | None = None
) -> Submission:
    """Remember the case opened from this report (the casework area calls this)."""
    if actor is not None:
        _require_view(actor)
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise SubmissionNotFound(
            f"检测记录不存在：{submission_id}", submission_id=submission_id
        )
    sub.case_id = case_id
    session.flush()
    return sub


def link_record(
    session: Session, *, submission_id: int, record_id: int | None
) -> Submission:
    """Link a submission to its research record in the archive (or unlink it)."""
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise SubmissionNotFound(
            f"检测记录不存在：{submission_id}", submission_id=submission_id
        )
    sub.record_id = record_id
    session.flush()
    return sub


# ---------------------------------------------------------------- screening one file
@dataclass(frozen=True)
class _Work:
    """What the compute step needs, read in one short transaction."""

    submission_id: int
    batch_id: int
    file_name: str
    data: bytes | None
    text: str | None
    max_bytes: int


def screen_submission(factory: sessionmaker[Session], *, submission_id: int) -> None:
    """Parse and screen one submission in short transactions; failures are recorded.

    Safe to run twice: a finished submission is left alone, a parsed one is not parsed
    again. With peers on, a file whose batch peers are still being parsed waits; the
    last file to be parsed queues the comparison of the waiting ones.
    """
    from archive.kernel.db import session_scope

    def tx() -> Any:
        return session_scope(factory, actor="screening")

    with tx() as session:
        work = _begin(session, submission_id)
    if work is None:
        return
    try:
        if work.text is None:
            text, warnings, meta = _extract(work)
            with tx() as session:
                ready = _record_text(session, submission_id, text, warnings, meta)
            if not ready:
                return
        _compare(factory, submission_id)
    except _Failure as failure:
        record_failure(
            factory,
            submission_id=submission_id,
            code=failure.code,
            message=failure.message,
        )


def record_failure(
    factory: sessionmaker[Session], *, submission_id: int, code: str, message: str
) -> None:
    """Mark a submission failed in its own transaction (jobs call this on any error)."""
    from archive.kernel.db import session_scope

    with session_scope(factory, actor="screening") as session:
        sub = session.get(Submission, submission_id)
        if sub is not None and sub.state != SubmissionState.DONE:
            _fail(sub, code, message)
            _release_waiting(session, sub.batch_id)


class _Failure(Exception):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def _begin(session: Session, submission_id: int) -> _Work | None:
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
            _fail(
                sub, "unreadable", f"{sub.file_name}：没有保存的文件 (no stored file)"
            )
            return None
        try:
            data = read_verified(session, sub.stored_file)
        except FileIntegrityError as exc:
            _fail(sub, "file_integrity", f"{sub.file_name}：{exc.message}")
            return None
    return _Work(
        sub.id,
        sub.batch_id,
        sub.file_name,
        data,
        sub.text,
        settings_of(session).max_upload_bytes,
    )


def _extract(work: _Work) -> tuple[str, list[str], dict[str, str]]:
    from screening.errors import ScreeningError
    from screening.extract import extract

    assert work.data is not None
    try:
        document = extract(work.data, name=work.file_name, max_bytes=work.max_bytes)
    except ScreeningError as exc:
        raise _Failure(exc.reason, f"{work.file_name}：{exc.message}") from exc
    except Exception as exc:  # noqa: BLE001 - a parser crash must not kill the batch
        raise _Failure(
            "unreadable",
            f"{work.file_name}：文件无法解析 (could not parse: {type(exc).__name__})",
        ) from exc
    warnings = list(document.warnings)
    if not any("\u4e00" <= ch <= "\u9fff" for ch in document.text):
        warnings.append("no_chinese")
    return document.text, warnings, dict(document.metadata)


def _record_text(
    session: Session,
    submission_id: int,
    text: str,
    warnings: list[str],
    meta: dict[str, str],
) -> bool:
    """Store the text; True when the comparison may start now."""
    from screening.report import text_sha256

    sub = session.get(Submission, submission_id)
    if sub is None or sub.is_finished:
        return False
    batch = _lock_batch(session, sub.batch_id)
    sub.text = text
    sub.text_sha256 = text_sha256(text)
    sub.char_count = sum(1 for ch in text if not ch.isspace())
    sub.title = sub.title or meta.get("title", "")[:500]
    if not sub.author and meta.get("author"):
        sub.author = meta["author"][:200]
    sub.warnings = warnings
    sub.state = SubmissionState.COMPARING
    sub.progress = 50
    session.flush()
    if batch.compare_peers and _peers_pending(session, batch.id):
        sub.warnings = [*warnings, "waiting_peers"]
        return False
    if batch.compare_peers:
        _release_waiting(session, batch.id, except_id=sub.id)
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


def _peers_pending(session: Session, batch_id: int) -> bool:
    return bool(
        session.scalar(
            select(func.count()).where(
                Submission.batch_id == batch_id,
                Submission.state.in_([SubmissionState.QUEUED, SubmissionState.PARSING]),
            )
        )
    )


def _release_waiting(
    session: Session, batch_id: int, except_id: int | None = None
) -> None:
    """Queue the comparison of files that waited for their peers, once none is pending."""
    batch = session.get(Batch, batch_id)
    if batch is None or not batch.compare_peers or _peers_pending(session, batch_id):
        return
    waiting = session.scalars(
        select(Submission).where(
            Submission.batch_id == batch_id,
            Submission.state == SubmissionState.COMPARING,
            Submission.id != (except_id or 0),
        )
    )
    for sub in waiting:
        if "waiting_peers" in (sub.warnings or []):
            sub.warnings = [w for w in sub.warnings if w != "waiting_peers"]
            _enqueue(session, sub)


def _compare(factory: sessionmaker[Session], submission_id: int) -> None:
    from archive.kernel.db import session_scope
    from archive.submissions.pipeline import (
        Peer,
        ScreeningInput,
        prepare,
        screen_document,
    )

    with session_scope(factory) as session:
        sub = session.get(Submission, submission_id)
        if sub is None or sub.is_finished or sub.text is None:
            return
        batch = sub.batch
        doc = ScreeningInput(
            name=sub.file_name,
            text=sub.text,
            title=sub.title,
            author=sub.author,
            university_id=sub.university_id,
            unit=sub.unit,
        )
        peers: list[Peer] = []
        if batch.compare_peers:
            rows = session.execute(
                select(
                    Submission.id,
                    Submission.text,
                    Submission.title,
                    Submission.author,
                    Submission.university_id,
                    Submission.file_name,
                ).where(
                    Submission.batch_id == batch.id,
                    Submission.id != sub.id,
                    Submission.text.is_not(None),
                )
            )
            peers = [
                Peer(
                    source_id=f"{PEER_PREFIX}{pid}",
                    text=ptext or "",
                    title=ptitle or pname,
                    author=pauthor,
                    university_id=puid,
                )
                for pid, ptext, ptitle, pauthor, puid, pname in rows
            ]
        options = ReportOptions(
            excluded_sources=dict(sub.options.get("excluded_sources") or {}),
            min_match_chars=int(
                sub.options.get("min_match_chars", batch.min_match_chars)
            ),
        )
        number = f"CX-{clock.today():%Y%m%d}-{sub.id:06d}"
        peer_dir = settings_of(session).data_dir / "peer-index" / f"batch-{batch.id}"
    try:
        context = prepare(factory, peers=peers, peer_index_dir=peer_dir)
        report = screen_document(
            factory,
            context,
            doc,
            options=options,
            report_number=number,
            exclude_peer=f"{PEER_PREFIX}{submission_id}",
        )
    except Exception as exc:  # noqa: BLE001 - recorded on the submission, logged by the job
        from archive.submissions.queue import is_transient

        if is_transient(exc):  # Redis went away: rq retries the job
            raise
        raise _Failure(
            "internal_error",
            f"{doc.name}：比对失败 (screening failed: {type(exc).__name__}: {exc})",
        ) from exc
    warnings = []
    if not report.document.structure.has_toc:
        warnings.append("no_toc")
    with session_scope(factory, actor="screening") as session:
        sub = session.get(Submission, submission_id)
        if sub is None or sub.is_finished:
            return
        _store_report(sub, report)
        sub.warnings = list(dict.fromkeys([*(sub.warnings or []), *warnings]))
        sub.state = SubmissionState.DONE
        sub.progress = 100
        sub.finished_at = utcnow()
        session.flush()
        is_batch_finished = peers and not session.scalar(
            select(func.count()).where(
                Submission.batch_id == sub.batch_id,
                Submission.state.not_in([SubmissionState.DONE, SubmissionState.FAILED]),
            )
        )
    if is_batch_finished:
        # The peer index is a cache for the batch's jobs; a rescreen rebuilds it.
        import shutil

        shutil.rmtree(peer_dir, ignore_errors=True)


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
    from archive.corpus.services import fetch_texts

    texts = fetch_texts(session, [source_id])
    if source_id not in texts:
        raise KeyError(source_id)
    return texts[source_id]
