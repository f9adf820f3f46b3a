"""Daily casework job: mark deadlines due soon or overdue and fill each user's inbox."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from archive.kernel.scheduler import daily_job
from casework.services.deadlines import run_reminders


@daily_job("case_reminders")
def case_reminders(session: Session, today: date) -> str:
    """Runs once a day (safe to run twice: one inbox item per user, deadline and level)."""
    counts = run_reminders(session, today)
    return (
        f"due soon {counts['due_soon']}, overdue {counts['overdue']}, "
        f"new reminders {counts['reminders']}"
    )
