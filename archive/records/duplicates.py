"""Recognising the same work twice: a metadata fingerprint, and the hashes of its files.

Two research records are the same work when their type, title (compared without case, width
or punctuation), year and first person agree, or when they share a file. Case files are
never matched by file (evidence is often shared between cases).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel.files import StoredFile
from archive.records.errors import DuplicateRecord
from archive.records.models import (
    FileRole,
    PersonRef,
    Record,
    RecordFile,
    RecordStatus,
    RecordType,
)


def normalize_text(text: str) -> str:
    """NFKC, lower case, collapsed spaces: how titles are compared for duplicates."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"\s+", " ", text).strip()


def metadata_fingerprint(
    record_type: RecordType | str,
    title: str,
    year: int | None,
    people: Sequence[PersonRef],
) -> str:
    """What makes two records the same work: type, title, year and first person."""
    first = normalize_text(people[0].name) if people else ""
    stripped = re.sub(r"[\W_]+", "", normalize_text(title))
    key = f"{RecordType(record_type).value}|{stripped}|{year or ''}|{first}"
    return hashlib.sha256(key.encode()).hexdigest()


def find_duplicate(
    session: Session, *, fingerprint: str, file_hashes: Sequence[str] = ()
) -> tuple[Record, str] | None:
    """An active record with the same metadata or any of the same files, and why."""
    same = session.scalars(
        select(Record).where(
            Record.fingerprint == fingerprint, Record.status == RecordStatus.ACTIVE
        )
    ).first()
    if same is not None:
        return same, "metadata"
    if file_hashes:
        row = session.scalars(
            select(Record)
            .join(RecordFile, RecordFile.record_id == Record.id)
            .join(StoredFile, StoredFile.id == RecordFile.stored_file_id)
            .where(
                StoredFile.sha256.in_(list(file_hashes)),
                Record.status == RecordStatus.ACTIVE,
                Record.type != RecordType.CASE_FILE,
            )
        ).first()
        if row is not None:
            return row, "file"
    return None


def refuse_duplicate(
    session: Session,
    fingerprint: str,
    files: Sequence[tuple[StoredFile, FileRole | str]],
) -> None:
    """Raise `DuplicateRecord` when the same work is already archived."""
    found = find_duplicate(
        session, fingerprint=fingerprint, file_hashes=[f.sha256 for f, _role in files]
    )
    if found is None:
        return
    existing, why = found
    raise DuplicateRecord(
        f"重复档案：与 {existing.number}《{existing.title}》"
        + ("元数据相同" if why == "metadata" else "文件相同"),
        existing_id=existing.id,
        existing_number=existing.number,
        reason=why,
    )
