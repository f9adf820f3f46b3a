"""The working-day calendar: weekends, 法定节假日 and 调休 make-up working days.

Legal periods in casework (deadlines, sanctions) and credit (the repair review) count on
it. Counting follows the usual rule for legal periods: the day of the event is not
counted; a period in calendar days or months that ends on a weekend or holiday ends on
the next working day; a period in working days counts only working days. Plain date
arithmetic without the calendar (a disclosure period, a minimum repair period) is
`add_months`.
"""

from __future__ import annotations

import calendar
import csv
import io
from datetime import date, timedelta

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive.kernel.accounts import Permission, User, require
from archive.kernel.db import Base
from archive.kernel.errors import InvalidInput, NotFound

# Flags in the third CSV column that mark a make-up working day (调休上班).
_WORKDAY_FLAGS = ("1", "true", "yes", "workday", "调休", "上班", "班")


class Holiday(Base):
    """A day off (法定节假日) or a make-up working day (调休上班, `is_workday`)."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(64))
    is_workday: Mapped[bool] = mapped_column(default=False)


# --- plain date arithmetic -------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later (clamped to the month's end: 01-31 + 1 → 02-28)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- working days ----------------------------------------------------------------------


def _holiday_map(session: Session, start: date, end: date) -> dict[date, bool]:
    """day -> is_workday for the calendar entries between start and end."""
    rows = session.execute(
        select(Holiday.day, Holiday.is_workday).where(
            Holiday.day >= start, Holiday.day <= end
        )
    )
    return {day: is_workday for day, is_workday in rows}


def _is_working(day: date, entries: dict[date, bool]) -> bool:
    if day in entries:
        return entries[day]
    return day.weekday() < 5


def is_working_day(session: Session, day: date) -> bool:
    """True on Monday–Friday unless a holiday, and on a 调休 Saturday or Sunday."""
    return _is_working(day, _holiday_map(session, day, day))


def next_working_day(session: Session, day: date) -> date:
    """`day` itself if it is a working day, else the next working day."""
    entries = _holiday_map(session, day, day + timedelta(days=60))
    while not _is_working(day, entries):
        day += timedelta(days=1)
    return day


def add_working_days(session: Session, start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself is not counted)."""
    entries = _holiday_map(session, start, start + timedelta(days=days * 3 + 60))
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if _is_working(day, entries):
            counted += 1
    return day


def add_calendar_days(session: Session, start: date, days: int) -> date:
    """`days` days after `start`, moved to the next working day if it is a day off."""
    return next_working_day(session, start + timedelta(days=days))


def add_months_to_working_day(session: Session, start: date, months: int) -> date:
    """`add_months`, then moved to the next working day if it is a day off.

    A legal period in months (an investigation, a timed sanction) ends on a working day.
    """
    return next_working_day(session, add_months(start, months))


# --- keeping the calendar --------------------------------------------------------------


def list_holidays(session: Session, year: int | None = None) -> list[Holiday]:
    """Calendar entries (days off and make-up working days), by date."""
    query = select(Holiday).order_by(Holiday.day)
    if year is not None:
        query = query.where(
            Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31)
        )
    return list(session.scalars(query))


def set_holiday(
    session: Session, *, actor: User, day: date, name: str, is_workday: bool = False
) -> Holiday:
    """Add or change a calendar entry (administrators: CASE_ADMIN)."""
    require(actor, Permission.CASE_ADMIN)
    name = name.strip()
    if not name:
        raise InvalidInput("请填写节假日名称 (a name is required)")
    row = session.scalars(select(Holiday).where(Holiday.day == day)).first()
    if row is None:
        row = Holiday(day=day, name=name, is_workday=is_workday)
        session.add(row)
    else:
        row.name = name
        row.is_workday = is_workday
    session.flush()
    return row


def delete_holiday(session: Session, *, actor: User, day: date) -> None:
    """Remove a calendar entry (the day falls back to the weekday rule)."""
    require(actor, Permission.CASE_ADMIN)
    row = session.scalars(select(Holiday).where(Holiday.day == day)).first()
    if row is None:
        raise NotFound(f"日历中没有 {day.isoformat()} (no such calendar entry)")
    session.delete(row)
    session.flush()


def import_holidays(session: Session, *, actor: User, text: str) -> int:
    """Import CSV lines `date,name[,workday]` (workday: 1/调休/上班 marks a make-up day).

    Returns:
        How many entries were added or changed.
    """
    require(actor, Permission.CASE_ADMIN)
    count = 0
    for lineno, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not row[0].strip() or row[0].strip().startswith("#"):
            continue
        if row[0].strip().lower() in ("date", "日期"):
            continue
        try:
            day = date.fromisoformat(row[0].strip())
        except ValueError as exc:
            raise InvalidInput(
                f"第 {lineno} 行日期无效：{row[0]!r}（应为 YYYY-MM-DD） (bad date on line {lineno})"
            ) from exc
        name = row[1].strip() if len(row) > 1 and row[1].strip() else "节假日"
        flag = row[2].strip().lower() if len(row) > 2 else ""
        is_workday = flag in _WORKDAY_FLAGS
        set_holiday(session, actor=actor, day=day, name=name, is_workday=is_workday)
        count += 1
    return count
