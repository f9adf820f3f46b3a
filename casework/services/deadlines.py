"""Legal deadlines: the deadline each state starts, approved extensions, and the reminders
the daily job raises.

Periods are counted on the working-day calendar (`archive.kernel.calendar`): the day of
the event is not counted; a period in calendar days or months that ends on a weekend or
holiday ends on the next working day; a period in working days counts only working days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import Permission, User, list_users, require
from archive.kernel.calendar import (
    add_calendar_days,
    add_months_to_working_day,
    add_working_days,
    next_working_day,
)
from archive.kernel.db import settings_of, utcnow
from archive.kernel.errors import InvalidInput, NotFound
from casework.errors import ReasonRequired
from casework.models import (
    DEADLINE_ON_ENTRY,
    Case,
    CaseDeadline,
    CaseParty,
    CaseReminder,
    CaseState,
    DeadlineExtension,
    DeadlineRule,
    PanelMember,
)
from casework.services.common import add_event, case_for_change, touch

P = Permission


# --- deadlines of states ------------------------------------------------------------------


def _appeal_due(session: Session, party: CaseParty, start: date) -> tuple[date, str]:
    settings = settings_of(session)
    is_student = party.person is not None and party.person.kind.value == "student"
    days = settings.student_appeal_days if is_student else settings.appeal_days
    who = "学生" if is_student else ""
    if settings.case_appeal_working_days:
        return add_working_days(session, start, days), f"{who}申诉期 {days} 个工作日"
    return add_calendar_days(session, start, days), f"{who}申诉期 {days} 日"


def compute_due(
    session: Session, case: Case, rule: DeadlineRule, start: date
) -> tuple[date, str]:
    """The due date and its stated basis for a deadline starting on `start`."""
    s = settings_of(session)
    if rule is DeadlineRule.LOG_SAME_DAY:
        return next_working_day(session, start), "当日登记"
    if rule is DeadlineRule.SCREENING:
        n = s.case_screening_working_days
        return add_working_days(session, start, n), f"{n} 个工作日内决定是否受理"
    if rule is DeadlineRule.INVESTIGATION:
        base = case.accepted_on or start
        n = s.investigation_months
        return add_months_to_working_day(session, base, n), f"自受理之日起 {n} 个月"
    if rule is DeadlineRule.RESPONDENT_COMMENT:
        n = s.respondent_comment_days
        return add_calendar_days(session, start, n), f"陈述申辩期 {n} 日"
    if rule is DeadlineRule.APPEAL_WINDOW:
        dues = [_appeal_due(session, p, start) for p in case.parties]
        if not dues:
            n = s.appeal_days
            return add_calendar_days(session, start, n), f"申诉期 {n} 日"
        return max(dues, key=lambda d: d[0])
    if rule is DeadlineRule.APPEAL_ACCEPTANCE:
        n = s.appeal_review_days
        return add_calendar_days(session, start, n), f"{n} 日内决定是否受理申诉"
    raise ValueError(rule)  # pragma: no cover


def open_deadlines(session: Session, case_id: int) -> list[CaseDeadline]:
    """The case's deadlines not yet met."""
    return list(
        session.scalars(
            select(CaseDeadline)
            .where(CaseDeadline.case_id == case_id, CaseDeadline.met_on.is_(None))
            .order_by(CaseDeadline.due_on)
        )
    )


def list_deadlines(session: Session, case_id: int) -> list[CaseDeadline]:
    """Every deadline of the case, oldest first."""
    return list(
        session.scalars(
            select(CaseDeadline)
            .where(CaseDeadline.case_id == case_id)
            .order_by(CaseDeadline.id)
        )
    )


def current_deadline(session: Session, case_id: int) -> CaseDeadline | None:
    """The open deadline of the current state, if it has one."""
    rows = open_deadlines(session, case_id)
    return rows[0] if rows else None


def on_state_change(
    session: Session,
    case: Case,
    source: CaseState,
    target: CaseState,
    *,
    met_how: str | None = None,
) -> CaseDeadline | None:
    """Close the left state's deadline (saying how, where the rules name ways) and open the
    entered state's (the workflow calls this)."""
    today = clock.today()
    open_rows = open_deadlines(session, case.id)
    if target is CaseState.SUSPENDED:
        for row in open_rows:
            row.paused_on = today
        return None
    if source is CaseState.SUSPENDED and target is CaseState.INVESTIGATING:
        for row in open_rows:
            if row.paused_on is not None:
                row.due_on = next_working_day(
                    session, row.due_on + (today - row.paused_on)
                )
                row.paused_on = None
                row.alert = None
        return open_rows[0] if open_rows else None
    for row in open_rows:
        row.met_on = today
        row.met_how = met_how
    rule = DEADLINE_ON_ENTRY.get(target)
    if rule is None:
        return None
    if rule is DeadlineRule.INVESTIGATION and source is not CaseState.REVIEW:
        previous = session.scalars(
            select(CaseDeadline)
            .where(
                CaseDeadline.case_id == case.id,
                CaseDeadline.rule == DeadlineRule.INVESTIGATION,
            )
            .order_by(CaseDeadline.id.desc())
        ).first()
        if previous is not None:
            # Back to investigating within one investigation: the same clock runs on.
            row = CaseDeadline(
                case_id=case.id,
                rule=rule,
                state=target,
                starts_on=previous.starts_on,
                due_on=previous.due_on,
                original_due_on=previous.original_due_on,
                basis=previous.basis,
            )
            session.add(row)
            return row
    if rule is DeadlineRule.INVESTIGATION and source is CaseState.REVIEW:
        case.accepted_on = today
    due, basis = compute_due(session, case, rule, today)
    row = CaseDeadline(
        case_id=case.id,
        rule=rule,
        state=target,
        starts_on=today,
        due_on=due,
        original_due_on=due,
        basis=basis,
    )
    session.add(row)
    if rule is DeadlineRule.APPEAL_WINDOW:
        for party in case.parties:
            party.appeal_due_on = _appeal_due(session, party, today)[0]
    return row


def extend_deadline(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    new_due_on: date,
    reason: str,
    requested_by: str | None = None,
) -> DeadlineExtension:
    """Approve an extension of the current deadline (学术委员会: CASE_DECIDE), with reasons."""
    require(actor, P.CASE_DECIDE)
    case = case_for_change(session, case_id, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("延期须说明理由 (an extension needs a reason)")
    deadline = current_deadline(session, case.id)
    if deadline is None:
        raise InvalidInput(
            f"案件当前阶段（{case.state_label}）没有法定期限可延长 (no open deadline)"
        )
    if new_due_on <= deadline.due_on:
        raise InvalidInput(
            f"新期限须晚于当前期限 {deadline.due_on.isoformat()} (must be later than the current deadline)"
        )
    new_due_on = next_working_day(session, new_due_on)
    ext = DeadlineExtension(
        deadline_id=deadline.id,
        case_id=case.id,
        old_due_on=deadline.due_on,
        new_due_on=new_due_on,
        reason=reason,
        requested_by=requested_by,
        approved_by_id=actor.id,
    )
    session.add(ext)
    deadline.due_on = new_due_on
    deadline.alert = None
    add_event(
        session,
        case,
        actor=actor,
        kind="extension",
        summary=f"{deadline.label}延长至 {new_due_on.isoformat()}",
        reason=reason,
    )
    touch(case)
    session.flush()
    return ext


def list_extensions(session: Session, case_id: int) -> list[DeadlineExtension]:
    """Approved extensions of the case, oldest first."""
    return list(
        session.scalars(
            select(DeadlineExtension)
            .where(DeadlineExtension.case_id == case_id)
            .order_by(DeadlineExtension.id)
        )
    )


# --- status and reminders ----------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineStatus:
    """How a deadline looks today: days left (negative when overdue) and a colour level."""

    due_on: date
    days_left: int
    level: str  # "ok", "due_soon", "overdue", "paused"
    label: str
    is_extended: bool


def status_of(
    session: Session, deadline: CaseDeadline, today: date | None = None
) -> DeadlineStatus:
    """Days left and level (neutral → amber within `reminder_days` → red when overdue)."""
    today = today or clock.today()
    days_left = (deadline.due_on - today).days
    if deadline.paused_on is not None:
        level = "paused"
    elif days_left < 0:
        level = "overdue"
    elif days_left <= settings_of(session).reminder_days:
        level = "due_soon"
    else:
        level = "ok"
    return DeadlineStatus(
        deadline.due_on,
        days_left,
        level,
        deadline.label,
        deadline.due_on != deadline.original_due_on,
    )


def _people_to_remind(session: Session, case: Case) -> set[int]:
    ids = {
        m.user_id
        for m in session.scalars(
            select(PanelMember).where(
                PanelMember.case_id == case.id, PanelMember.removed_at.is_(None)
            )
        )
        if m.user_id is not None  # outside experts have no account and no inbox
    }
    if case.owner_id is not None:
        ids.add(case.owner_id)
    if not ids:
        # Nobody has taken the case yet (a fresh anonymous tip): the intake office hears.
        ids = {u.id for u in list_users(session) if u.can(P.CASE_INTAKE)}
    return ids


def run_reminders(session: Session, today: date | None = None) -> dict[str, int]:
    """Mark open deadlines due soon or overdue and put one inbox item per level per person.

    Safe to run twice a day: an item exists once per (user, deadline, level).
    """
    today = today or clock.today()
    counts = {"due_soon": 0, "overdue": 0, "reminders": 0}
    rows = list(
        session.scalars(
            select(CaseDeadline).where(
                CaseDeadline.met_on.is_(None), CaseDeadline.paused_on.is_(None)
            )
        )
    )
    for deadline in rows:
        status = status_of(session, deadline, today)
        level = status.level if status.level in ("due_soon", "overdue") else None
        if deadline.alert != level:
            deadline.alert = level
        if level is None:
            continue
        counts[level] += 1
        case = session.get(Case, deadline.case_id)
        assert case is not None
        for user_id in _people_to_remind(session, case):
            exists = session.scalars(
                select(CaseReminder.id).where(
                    CaseReminder.user_id == user_id,
                    CaseReminder.deadline_id == deadline.id,
                    CaseReminder.level == level,
                )
            ).first()
            if exists is None:
                session.add(
                    CaseReminder(
                        user_id=user_id,
                        case_id=case.id,
                        deadline_id=deadline.id,
                        level=level,
                        created_on=today,
                    )
                )
                counts["reminders"] += 1
    session.flush()
    return counts


@dataclass(frozen=True)
class InboxItem:
    """One reminder as the inbox shows it."""

    reminder_id: int
    case_id: int
    case_number: str
    case_title: str
    deadline_label: str
    due_on: date
    level: str


def inbox(
    session: Session, user: User, *, include_read: bool = False
) -> list[InboxItem]:
    """The user's reminders for deadlines still open, most urgent first."""
    query = (
        select(CaseReminder, CaseDeadline, Case)
        .join(CaseDeadline, CaseDeadline.id == CaseReminder.deadline_id)
        .join(Case, Case.id == CaseReminder.case_id)
        .where(CaseReminder.user_id == user.id, CaseDeadline.met_on.is_(None))
        .order_by(CaseDeadline.due_on, CaseReminder.id)
    )
    if not include_read:
        query = query.where(CaseReminder.read_at.is_(None))
    items: dict[int, InboxItem] = {}
    for reminder, deadline, case in session.execute(query):
        # One line per deadline: the overdue item replaces the due-soon one.
        item = InboxItem(
            reminder.id,
            case.id,
            case.number,
            case.title,
            deadline.label,
            deadline.due_on,
            reminder.level,
        )
        if deadline.id not in items or reminder.level == "overdue":
            items[deadline.id] = item
    return sorted(items.values(), key=lambda i: (i.due_on, i.case_number))


def mark_read(session: Session, *, user: User, reminder_id: int) -> None:
    """Mark one of the user's reminders read."""
    row = session.get(CaseReminder, reminder_id)
    if row is None or row.user_id != user.id:
        raise NotFound("提醒不存在 (no such reminder)")
    row.read_at = utcnow()
    session.flush()
