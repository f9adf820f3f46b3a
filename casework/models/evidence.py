"""What a case file holds: evidence (files and notes), interview records and the letters
issued (文书). All append-only: a correction is a new row that supersedes the old one."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.kernel.accounts import User
from archive.kernel.db import Base, enum_column, guard_append_only, utcnow
from archive.kernel.files import StoredFile
from casework.errors import EvidenceImmutable


class EvidenceKind(enum.StrEnum):
    """What an evidence item is."""

    FILE = "file"
    NOTE = "note"
    SCREENING_REPORT = "screening_report"
    TIP_ATTACHMENT = "tip_attachment"
    REPORT_DRAFT = "report_draft"
    RESPONDENT_STATEMENT = "respondent_statement"


EVIDENCE_LABELS = {
    EvidenceKind.FILE: "文件",
    EvidenceKind.NOTE: "说明",
    EvidenceKind.SCREENING_REPORT: "查重报告",
    EvidenceKind.TIP_ATTACHMENT: "举报附件",
    EvidenceKind.REPORT_DRAFT: "调查报告草稿",
    EvidenceKind.RESPONDENT_STATEMENT: "被举报人陈述申辩材料",
}


class Evidence(Base):
    """A file or note attached to a case (append-only; a correction supersedes it)."""

    __tablename__ = "case_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind))
    title: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    received_from: Mapped[str | None] = mapped_column(String(128))
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    sha256: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any] | None]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_by_label: Mapped[str] = mapped_column(String(160))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("case_evidence.id"))

    stored_file: Mapped[StoredFile | None] = relationship(lazy="joined")


class Interview(Base):
    """An interview record (谈话笔录): two interviewers, a signed scan (append-only)."""

    __tablename__ = "case_interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    interviewee: Mapped[str] = mapped_column(String(128))
    held_on: Mapped[date]
    place: Mapped[str | None] = mapped_column(String(128))
    interviewer1_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    interviewer2_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(Text)
    signed_scan_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("case_interviews.id"))

    signed_scan: Mapped[StoredFile] = relationship(lazy="joined")
    interviewer1: Mapped[User] = relationship(
        foreign_keys=[interviewer1_id], lazy="joined"
    )
    interviewer2: Mapped[User] = relationship(
        foreign_keys=[interviewer2_id], lazy="joined"
    )


class DocumentKind(enum.StrEnum):
    """Generated or filed documents (文书)."""

    DECISION_LETTER = "decision_letter"
    CLEARANCE_LETTER = "clearance_letter"
    REJECTION_NOTICE = "rejection_notice"
    REVIEW_DECISION = "review_decision"


DOCUMENT_LABELS = {
    DocumentKind.DECISION_LETTER: "学术不端行为处理决定书",
    DocumentKind.CLEARANCE_LETTER: "认定结论通知书（恢复名誉）",
    DocumentKind.REJECTION_NOTICE: "不予受理通知书",
    DocumentKind.REVIEW_DECISION: "复查决定书",
}


class CaseDocument(Base):
    """A letter addressed to a respondent, stored as a PDF (append-only)."""

    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("case_parties.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("case_decisions.id"))
    title: Mapped[str] = mapped_column(String(255))
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("case_documents.id"))
    # Printed on the letter with its number: the public check page finds the letter by both.
    verify_code: Mapped[str | None] = mapped_column(String(32), index=True)

    stored_file: Mapped[StoredFile] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        """The Chinese name of the kind."""
        return DOCUMENT_LABELS[self.kind]


guard_append_only((Evidence, Interview, CaseDocument), EvidenceImmutable.for_row)
