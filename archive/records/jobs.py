"""Archive jobs: text extraction for indexing, the nightly fixity audit, retention list.

Job functions take ids, open their own sessions, and are safe to run twice. The extraction
job is queued by the session hook below once the transaction that indexed a record with new
files commits (`archive.search.indexing.index_record` notes the record).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import event
from sqlalchemy.orm import Session

from archive.kernel import runtime
from archive.kernel.db import settings_of
from archive.kernel.orphans import sweep_orphan_blobs
from archive.kernel.queue import enqueue, enqueue_after_commit
from archive.kernel.scheduler import daily_job
from archive.records.fixity import run_fixity_audit
from archive.records.models import Record
from archive.records.retention import count_due_for_disposal
from archive.search.indexing import (
    extract_file_text,
    index_record,
    pending_file_ids,
    take_pending_extractions,
)

JOB_ACTOR = "archive-jobs"


def extract_record_texts(record_id: int) -> None:
    """Extract the texts of a record's new files and re-index the record."""
    with runtime.job_session(actor=JOB_ACTOR) as session:
        record = session.get(Record, record_id)
        if record is None:
            return
        for file_id in pending_file_ids(session, record):
            extract_file_text(session, file_id)
        index_record(session, record)


@event.listens_for(Session, "after_commit")
def _queue_extractions(session: Session) -> None:
    """Queue text extraction once the outermost transaction commits.

    Not `queue.enqueue_after_commit`: its hook also fires when a savepoint is released,
    and an inline job would then wait on the SQLite write lock its caller still holds.
    """
    if session.get_nested_transaction() is not None:
        return
    pending = take_pending_extractions(session)
    if not pending:
        return
    settings = settings_of(session)
    for record_id in sorted(pending):
        enqueue(
            settings,
            extract_record_texts,
            record_id,
            job_id=f"archive-extract-{record_id}",
        )


def fixity_audit_job() -> str:
    """Re-hash every stored file; failures and a summary go to the audit chain."""
    report = run_fixity_audit(lambda: runtime.job_session(actor=JOB_ACTOR))
    return f"checked {report.checked}, problems {len(report.problems)}"


@daily_job("archive_fixity")
def daily_fixity(session: Session, today: date) -> str:
    """Queue the fixity audit to run after the scheduler's transaction (hashing is slow)."""
    enqueue_after_commit(session, fixity_audit_job, job_id=f"archive-fixity-{today}")
    return "fixity audit queued"


@daily_job("archive_orphan_blobs")
def daily_orphan_sweep(session: Session, today: date) -> str:
    """Remove stored bytes no row points at (uploads refused or rolled back after storing)."""
    removed = sweep_orphan_blobs(session)
    return f"{len(removed)} orphan blob(s) removed"


@daily_job("archive_retention")
def daily_retention(session: Session, today: date) -> str:
    """Count the records past their retention term (the disposal list)."""
    due = count_due_for_disposal(session, today)
    return f"{due} record(s) past their retention term"
