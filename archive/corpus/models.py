"""The comparison corpus's table: one row per document theses are screened against."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.kernel.db import Base, utcnow
from archive.kernel.files import StoredFile


class CorpusDocument(Base):
    """One document of the comparison corpus, known by its id (a relative path)."""

    __tablename__ = "corpus_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(512), unique=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    author_university_id: Mapped[str | None] = mapped_column(String(32))
    author_key: Mapped[str | None] = mapped_column(String(200), index=True)
    venue: Mapped[str] = mapped_column(String(255), default="")
    published_on: Mapped[date | None] = mapped_column(Date)
    source_path: Mapped[str] = mapped_column(String(1024), default="")
    media_type: Mapped[str] = mapped_column(String(128), default="text/plain")
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    char_count: Mapped[int] = mapped_column(default=0)
    text_sha256: Mapped[str] = mapped_column(String(64))
    # The text itself is derived from the stored file and fixed by text_sha256; the audit
    # chain records the hash, not a copy of every corpus text.
    text: Mapped[str] = mapped_column(Text, deferred=True, info={"audit": "redact"})
    # Indexed: every screening reads the newest (cut-off date, index freshness).
    added_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    stored_file: Mapped[StoredFile | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<CorpusDocument {self.doc_id!r}>"
