"""Indexing: each record's search document, built from its fields and its files' texts.

Every record's title, metadata (people, unit, discipline, keywords, number, description) and
file texts are segmented (`archive.search.segmentation`) and stored space-joined in
`archive_search_docs`; the full-text index over that table (`archive.search.schema`) follows
by trigger. File texts are extracted once and cached in `archive_file_texts`; inside a
request that happens after commit, by `archive.records.jobs.extract_record_texts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, event, insert, select, text
from sqlalchemy.orm import Session, SessionTransaction

from archive.kernel.files import FileIntegrityError, get_stored_file, read_verified
from archive.records.models import RECORD_TYPE_LABELS, Record, RecordStatus
from archive.search.models import FileText, SearchDoc
from archive.search.schema import FTS_TABLE
from archive.search.segmentation import grams, normalize, segmented
from screening.errors import ScreeningError
from screening.extract import extract as extract_text

#: Body text indexed per record (a long thesis is ~200k characters). PostgreSQL caps a
#: tsvector at 1 MB, which this and `MAX_GRAM_CHARS` keep well clear of.
MAX_BODY_CHARS = 200_000
#: Text from which CJK bigrams are made (the recall net for words jieba cut otherwise).
MAX_GRAM_CHARS = 60_000
#: `session.info` key of the records whose files await extraction after commit.
_PENDING_EXTRACT = "archive_pending_extract"


def _meta_text(record: Record) -> str:
    """The metadata fields that are searched besides title and body."""
    parts = [
        record.number,
        record.case_number or "",
        RECORD_TYPE_LABELS[record.type],
        record.unit or "",
        record.discipline or "",
        " ".join(p.name for p in record.people),
        " ".join(p.role for p in record.people),
        " ".join(record.keywords),
    ]
    return " ".join(p for p in parts if p)


def _body_text(record: Record, texts: dict[int, str]) -> str:
    """Description, file names and file texts, capped at `MAX_BODY_CHARS`."""
    parts = [record.description or ""]
    for f in record.files:
        parts.append(f.name)
        parts.append(texts.get(f.stored_file_id, ""))
    return "\n".join(p for p in parts if p)[:MAX_BODY_CHARS]


def build_doc(record: Record, texts: dict[int, str]) -> dict[str, Any]:
    """The search document of a record, given its files' extracted texts."""
    meta = _meta_text(record)
    body = _body_text(record, texts)
    plain = normalize("\n".join((record.title, meta, body)))
    return {
        "record_id": record.id,
        "title_seg": segmented(record.title),
        "meta_seg": segmented(meta),
        "body_seg": segmented(body),
        "grams": " ".join(grams(plain[:MAX_GRAM_CHARS])),
        "plain": plain,
    }


def file_texts(session: Session, stored_file_ids: Iterable[int]) -> dict[int, str]:
    """Extracted texts of these stored files that have one."""
    ids = list(set(stored_file_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(FileText.stored_file_id, FileText.text).where(
            FileText.stored_file_id.in_(ids), FileText.status == "ok"
        )
    )
    return {fid: txt for fid, txt in rows}


def extract_file_text(session: Session, stored_file_id: int) -> FileText:
    """Extract (once) and cache a stored file's text; failures are recorded, not raised."""
    row = session.get(FileText, stored_file_id)
    if row is not None:
        return row
    stored = get_stored_file(session, stored_file_id)
    status, reason, content = "ok", "", ""
    try:
        data = read_verified(session, stored)
        content = extract_text(data, name=stored.original_name).text
    except ScreeningError as exc:
        status, reason = "failed", f"{exc.reason}: {exc.message}"[:500]
    except FileIntegrityError as exc:
        status, reason = "failed", f"fixity: {exc.message}"[:500]
    row = FileText(
        stored_file_id=stored_file_id,
        status=status,
        reason=reason,
        text=content[:MAX_BODY_CHARS],
        chars=len(content),
    )
    session.add(row)
    session.flush()
    return row


def pending_file_ids(session: Session, record: Record) -> list[int]:
    """Files of the record whose text has not been extracted yet."""
    ids = [f.stored_file_id for f in record.files]
    if not ids:
        return []
    done = set(
        session.scalars(
            select(FileText.stored_file_id).where(FileText.stored_file_id.in_(ids))
        )
    )
    return [i for i in ids if i not in done]


def index_record(session: Session, record: Record, *, extract: bool = False) -> None:
    """(Re)build a record's search document; file texts are extracted now or by a job.

    With `extract=False` (services inside a request) files not yet extracted are queued
    for `archive.records.jobs.extract_record_texts` after commit, which re-indexes the record.
    """
    if record.status != RecordStatus.ACTIVE:
        session.execute(delete(SearchDoc).where(SearchDoc.record_id == record.id))
        return
    pending = pending_file_ids(session, record)
    if pending and extract:
        for file_id in pending:
            extract_file_text(session, file_id)
        pending = []
    if pending:
        session.connection()  # begin now, so a rollback drops the request too
        session.info.setdefault(_PENDING_EXTRACT, set()).add(record.id)
    doc = build_doc(
        record, file_texts(session, (f.stored_file_id for f in record.files))
    )
    existing = session.get(SearchDoc, record.id)
    if existing is None:
        session.add(SearchDoc(**doc))
    else:
        for key, value in doc.items():
            setattr(existing, key, value)
    session.flush()


def take_pending_extractions(session: Session) -> set[int]:
    """The records `index_record` left waiting for text extraction; the set is cleared."""
    return set(session.info.pop(_PENDING_EXTRACT, None) or ())


@event.listens_for(Session, "after_soft_rollback")
def _drop_extractions(
    session: Session, previous_transaction: SessionTransaction
) -> None:
    """A rolled-back transaction queues nothing."""
    if not previous_transaction.nested:
        session.info.pop(_PENDING_EXTRACT, None)


def reindex_all(
    session: Session, *, batch_size: int = 500, extract: bool = False
) -> int:
    """Rebuild every active record's search document; returns how many were indexed."""
    session.execute(delete(SearchDoc))
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
        )
    count = 0
    last = 0
    while True:
        records = list(
            session.scalars(
                select(Record)
                .where(Record.id > last, Record.status == RecordStatus.ACTIVE)
                .order_by(Record.id)
                .limit(batch_size)
            )
        )
        if not records:
            break
        if extract:
            for record in records:
                for file_id in pending_file_ids(session, record):
                    extract_file_text(session, file_id)
        texts = file_texts(
            session, (f.stored_file_id for r in records for f in r.files)
        )
        session.execute(insert(SearchDoc), [build_doc(r, texts) for r in records])
        count += len(records)
        last = records[-1].id
        session.expire_all()
    return count
