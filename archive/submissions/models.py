"""Screening batches and their files: the tables, the states a file moves through, labels.

A `Batch` is one upload by the research office (one file or a hundred). Each file becomes
a `Submission` that moves 排队 -> 解析 -> 比对 -> 完成, or 失败 with a reason code and a
message naming the file. The report JSON (`ScreeningReport.to_dict()`) is kept with the
user's options (excluded sources with reasons, minimum match length).

Large derived values (the extracted text, the report JSON) are deferred columns whose
audit entries are redacted: the audit chain records their hashes and the figures, not a
second copy of every thesis.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.kernel.accounts import User
from archive.kernel.db import Base, enum_column, utcnow
from archive.kernel.files import StoredFile
from screening.report import ScreeningReport

#: A batch peer's source id in a report: `submission:<id>`.
PEER_PREFIX = "submission:"


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
    "evasion_suspected": "疑似规避检测：伪装或隐藏字符集中在匹配段落中",
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
    # [start, end] spans of text the file hides from its reader (white, tiny, hidden).
    hidden_spans: Mapped[list[Any] | None] = mapped_column(default=None)
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

    @property
    def is_waiting_for_peers(self) -> bool:
        """Parsed, and waiting for the batch's other files before it is compared."""
        return "waiting_peers" in (self.warnings or [])

    def mark_failed(self, code: str, message: str) -> None:
        """Fail the file with a reason code and a message naming it (finished, 100%)."""
        self.state = SubmissionState.FAILED
        self.reason_code = code
        self.reason_message = message[:2000]
        self.progress = 100
        self.finished_at = utcnow()

    def store_report(self, report: ScreeningReport) -> None:
        """Keep the report and copy its headline figures into columns (lists, sorting)."""
        fig = report.figures
        # The batch table shows suspected evasion as a warning; a recompute may change it.
        flagged = report.flags is not None and report.flags.evasion_suspected
        kept = [w for w in (self.warnings or []) if w != "evasion_suspected"]
        self.warnings = [*kept, "evasion_suspected"] if flagged else kept
        self.report = report.to_dict()
        # The unit the cover names, when the upload gave none (the batch table's 学院).
        self.unit = self.unit or report.document.unit[:200]
        self.report_number = report.report_number
        self.copy_ratio = fig.copy_ratio
        self.copy_ratio_without_quotes = fig.copy_ratio_without_quotes
        self.copy_ratio_without_own = fig.copy_ratio_without_own
        self.max_source_ratio = fig.max_source_ratio
        self.max_source_id = fig.max_source_id


class RequestKey(Base):
    """An API client's `Idempotency-Key` and what its request created.

    A client that lost the answer (a timeout, Redis down, a proxy error) sends the same
    request with the same key again and gets the batch and files it already made, not
    a second copy of them.
    """

    __tablename__ = "screening_request_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(128))
    batch_id: Mapped[int] = mapped_column(ForeignKey("screening_batches.id"))
    submission_ids: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
