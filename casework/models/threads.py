"""The message threads of a case (reporter, internal, respondent), kept apart; messages
are append-only."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.kernel.db import Base, enum_column, guard_append_only, utcnow
from archive.kernel.files import StoredFile
from casework.errors import EvidenceImmutable


class Thread(enum.StrEnum):
    """Message threads of a case, kept apart (ux-anchors §2)."""

    REPORTER = "reporter"  # 与举报人沟通
    INTERNAL = "internal"  # 内部备注
    RESPONDENT = "respondent"  # 陈述申辩 / 与被举报人沟通


class CaseMessage(Base):
    """A message in one thread (append-only). Reporter-thread bodies may identify the reporter."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    thread: Mapped[Thread] = mapped_column(enum_column(Thread))
    from_outside: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_label: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    is_question: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # Respondent thread: "comment" (陈述申辩) or "waiver" (written waiver), and whose.
    kind: Mapped[str | None] = mapped_column(String(16))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("case_parties.id"))
    # A file sent with the message (checked and stored like every upload).
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))

    stored_file: Mapped[StoredFile | None] = relationship(lazy="joined")


guard_append_only((CaseMessage,), EvidenceImmutable.for_row)
