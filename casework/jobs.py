"""Daily casework job: mark deadlines due soon or overdue and fill each user's inbox."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from archive.scheduler import daily_job
from casework.services.deadlines import run_reminders
from casework.services.handoff import retry_pending_handoffs


@daily_job("case_reminders")
def case_reminders(session: Session, today: date) -> str:
    """Runs once a day (safe to run twice: one inbox item per user, deadline and level)."""
    counts = run_reminders(session, today)
    return (
        f"due soon {counts['due_soon']}, overdue {counts['overdue']}, "
        f"new reminders {counts['reminders']}"
    )


@daily_job("case_handoffs")
def case_handoffs(session: Session, today: date) -> str:
    """Hand decisions and closed cases to credit and archive once those areas exist."""
    done = retry_pending_handoffs(session)
    return f"credit {done['credit']}, archive {done['archive']}"
