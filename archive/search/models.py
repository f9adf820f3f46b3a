"""The search's tables: extracted file texts and each record's search document (caches)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from archive.kernel.db import Base, utcnow
from archive.search.schema import drop_search_schema, ensure_search_schema


class FileText(Base):
    """The text extracted from a stored file for indexing (a cache: re-creatable)."""

    __tablename__ = "archive_file_texts"
    __audit__ = False

    stored_file_id: Mapped[int] = mapped_column(
        ForeignKey("stored_files.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    chars: Mapped[int] = mapped_column(Integer, default=0)
    extracted_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchDoc(Base):
    """A record's search document: jieba words per field, CJK bigrams, and the plain text.

    A cache of the record (re-built by `chengxin archive reindex`). The full-text index
    over it is not a model: an FTS5 table on SQLite, a `tsv` column with a GIN index on
    PostgreSQL, both created by `archive.search.schema.ensure_search_schema`.
    """

    __tablename__ = "archive_search_docs"
    __audit__ = False

    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    title_seg: Mapped[str] = mapped_column(Text, default="")
    meta_seg: Mapped[str] = mapped_column(Text, default="")
    body_seg: Mapped[str] = mapped_column(Text, default="")
    grams: Mapped[str] = mapped_column(Text, default="")
    plain: Mapped[str] = mapped_column(Text, default="")
    indexed_at: Mapped[datetime] = mapped_column(default=utcnow)


@event.listens_for(SearchDoc.__table__, "after_create")
def _create_search_index(target: Any, connection: Any, **kw: Any) -> None:
    """create_all also builds the full-text index objects (FTS5 / tsvector + GIN)."""
    ensure_search_schema(connection)


@event.listens_for(SearchDoc.__table__, "before_drop")
def _drop_search_index(target: Any, connection: Any, **kw: Any) -> None:
    """drop_all removes them first (the FTS5 table would outlive its content table)."""
    drop_search_schema(connection)
