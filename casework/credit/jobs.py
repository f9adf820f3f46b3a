"""Daily credit jobs: end of disclosure and of measures (as record events), re-grading.

State is derived from dates, so pages are right even before these run; the events make
the day a record left the public list or expired part of its history, give the
provincial export a change to send, and the re-grading keeps stored grades current.
Both jobs are safe to run twice (events are once per kind, grades only change once).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel.scheduler import daily_job
from casework.credit.evaluation import (
    latest_grade,
    recompute_grade,
    subjects_with_records,
)
from casework.credit.files import add_event, effect_end, record_state
from casework.credit.models import CreditRecord, RecordEventKind, RecordKind


@daily_job("credit_expiry")
def end_disclosures_and_measures(session: Session, today: date) -> str:
    """Record 公示期满 and 惩戒期满 for records whose dates passed."""
    ended = expired = 0
    rows = session.scalars(
        select(CreditRecord).where(CreditRecord.kind == RecordKind.DISHONESTY)
    )
    for record in list(rows):
        state = record_state(record, today)
        if state.is_repaired or state.is_corrected:
            continue
        kinds = {e.kind for e in record.events}
        if (
            record.disclosure_until is not None
            and record.disclosure_until < today
            and RecordEventKind.DISCLOSURE_ENDED not in kinds
        ):
            add_event(
                session,
                record=record,
                kind=RecordEventKind.DISCLOSURE_ENDED,
                on=record.disclosure_until,
                note="公示期满，停止公示",
            )
            ended += 1
        end = effect_end(record)
        if end is not None and end < today and RecordEventKind.EXPIRED not in kinds:
            add_event(
                session,
                record=record,
                kind=RecordEventKind.EXPIRED,
                on=end,
                note="惩戒期满",
            )
            expired += 1
    return f"disclosure ended: {ended}, expired: {expired}"


@daily_job("credit_grades")
def recompute_all_grades(session: Session, today: date) -> str:
    """Re-grade every subject with records (periods ending change grades)."""
    subjects = subjects_with_records(session)
    changed = 0
    for person_id in subjects:
        before = latest_grade(session, person_id=person_id)
        after = recompute_grade(session, person_id=person_id, on=today)
        changed += before is None or after.id != before.id
    return f"graded {len(subjects)} subjects, {changed} changed"
