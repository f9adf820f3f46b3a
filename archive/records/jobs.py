"""Archive jobs: text extraction for indexing, the nightly fixity audit, retention list.

Job functions take ids, open their own sessions, and are safe to run twice.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from archive.kernel import runtime
from archive.kernel.queue import enqueue_after_commit
from archive.kernel.scheduler import daily_job

JOB_ACTOR = "archive-jobs"


def extract_record_texts(record_id: int) -> None:
    """Extract the texts of a record's new files and re-index the record."""
    from archive.records.services import Record
    from archive.search import services as search

    with runtime.job_session(actor=JOB_ACTOR) as session:
        record = session.get(Record, record_id)
        if record is None:
            return
        for file_id in search.pending_file_ids(session, record):
            search.extract_file_text(session, file_id)
        search.index_record(session, record)


def fixity_audit_job() -> str:
    """Re-hash every stored file; failures and a summary go to the audit chain."""
    from archive.records.fixity import run_fixity_audit

    report = run_fixity_audit(lambda: runtime.job_session(actor=JOB_ACTOR))
    return f"checked {report.checked}, problems {len(report.problems)}"


@daily_job("archive_fixity")
def daily_fixity(session: Session, today: date) -> str:
    """Queue the fixity audit to run after the scheduler's transaction (hashing is slow)."""
    enqueue_after_commit(session, fixity_audit_job, job_id=f"archive-fixity-{today}")
    return "fixity audit queued"


@daily_job("archive_retention")
def daily_retention(session: Session, today: date) -> str:
    """Count the records past their retention term (the disposal list)."""
    from archive.records.retention import count_due_for_disposal

    due = count_due_for_disposal(session, today)
    return f"{due} record(s) past their retention term"
