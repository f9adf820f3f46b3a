"""Daily jobs (reminders, expiry, fixity audits): registered by name, run at most once a day.

`chengxin daily` runs them (from cron when scaled out); the embedded server runs them from a
background thread. Each run is recorded, so running twice on one day does nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive.kernel import clock
from archive.kernel.db import Base, utcnow

DailyFn = Callable[[Session, date], str | None]


@dataclass(frozen=True)
class DailyJob:
    """A named job run once per day with a session and the day's date."""

    name: str
    fn: DailyFn


_REGISTRY: dict[str, DailyJob] = {}


class ScheduledRun(Base):
    """The last day a daily job ran, and what it said."""

    __tablename__ = "scheduled_runs"
    __audit__ = False

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run_on: Mapped[date]
    last_run_at: Mapped[datetime]
    last_result: Mapped[str | None] = mapped_column(String(2000))


def daily_job(name: str) -> Callable[[DailyFn], DailyFn]:
    """Register `fn(session, today)` to run once per day under `name`."""

    def decorator(fn: DailyFn) -> DailyFn:
        _REGISTRY[name] = DailyJob(name, fn)
        return fn

    return decorator


def registered() -> list[DailyJob]:
    """The registered jobs, by name."""
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def run_due(session: Session, *, force: bool = False) -> dict[str, str]:
    """Run every job that has not run today (all of them with `force`); returns results."""
    today = clock.today()
    results: dict[str, str] = {}
    for job in registered():
        run = session.get(ScheduledRun, job.name)
        if run is not None and run.last_run_on >= today and not force:
            continue
        outcome = job.fn(session, today) or "ok"
        if run is None:
            run = ScheduledRun(name=job.name, last_run_on=today, last_run_at=utcnow())
            session.add(run)
        run.last_run_on = today
        run.last_run_at = utcnow()
        run.last_result = outcome[:2000]
        session.flush()
        results[job.name] = outcome
    return results


def last_runs(session: Session) -> list[ScheduledRun]:
    """When each job last ran."""
    return list(session.scalars(select(ScheduledRun).order_by(ScheduledRun.name)))
