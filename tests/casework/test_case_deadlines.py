"""The working-day calendar and the legal deadlines: holidays, 调休, weekends, extensions,
suspension, and the daily reminder job."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import casework.jobs  # noqa: F401 - registers the daily job
from archive.kernel import calendar, clock, scheduler
from archive.kernel.errors import InvalidInput, PermissionDenied
from archive.kernel.people import PersonKind
from casework.errors import ReasonRequired, TransitionBlocked
from casework.models import (
    CaseReminder,
    CaseSanction,
    CaseState,
    DeadlineRule,
    SanctionStatus,
)
from casework.services import deadlines
from tests.casework.factories_casework import make_cast, move, named_case, walk_to

S = CaseState


def _freeze(d: date) -> None:
    # 02:00 UTC is 10:00 in China: the same date either way.
    clock.freeze(datetime(d.year, d.month, d.day, 2, tzinfo=UTC))


def _golden_week(session, cast) -> None:  # type: ignore[no-untyped-def]
    text = "\n".join(
        [f"2030-10-0{d},国庆节" for d in range(1, 8)]
        + ["2030-09-29,国庆调休,1", "2030-10-12,国庆调休,班"]
    )
    assert (
        calendar.import_holidays(session, actor=cast.admin, text="date,name\n" + text)
        == 9
    )


def test_working_days_skip_weekends_and_holidays_and_count_make_up_days(session):
    cast = make_cast(session)
    _golden_week(session, cast)
    assert not calendar.is_working_day(session, date(2030, 10, 1))  # Tuesday, holiday
    assert calendar.is_working_day(session, date(2030, 9, 29))  # Sunday, 调休
    assert not calendar.is_working_day(session, date(2030, 10, 5))
    # From Friday 2030-09-27: Sun 29 (调休), Mon 30, then Oct 8, 9, 10, 11, Sat 12 (调休).
    assert calendar.add_working_days(session, date(2030, 9, 27), 2) == date(2030, 9, 30)
    assert calendar.add_working_days(session, date(2030, 9, 27), 3) == date(2030, 10, 8)
    assert calendar.add_working_days(session, date(2030, 9, 27), 7) == date(
        2030, 10, 12
    )


def test_a_calendar_deadline_on_a_holiday_moves_to_the_next_working_day(session):
    cast = make_cast(session)
    _golden_week(session, cast)
    # 15 days after 2030-09-18 is 2030-10-03 (holiday) -> 2030-10-08.
    assert calendar.add_calendar_days(session, date(2030, 9, 18), 15) == date(
        2030, 10, 8
    )
    # ... and on a weekend: 2030-06-01 is a Saturday -> Monday 06-03.
    assert calendar.add_calendar_days(session, date(2030, 5, 17), 15) == date(
        2030, 6, 3
    )
    # Months: 6 months after 2030-04-03 is 2030-10-03 -> 10-08; month ends are clamped.
    assert calendar.add_months_to_working_day(session, date(2030, 4, 3), 6) == date(
        2030, 10, 8
    )
    assert calendar.add_months_to_working_day(session, date(2030, 8, 31), 6) == date(
        2031, 2, 28
    )


def test_state_deadlines_use_the_settings(session):
    cast = make_cast(session)
    _golden_week(session, cast)
    _freeze(date(2030, 9, 16))  # Monday
    case = named_case(session, cast)
    case = move(session, cast.office, case, S.SCREENING)
    d = deadlines.current_deadline(session, case.id)
    assert d.rule is DeadlineRule.SCREENING and d.basis.startswith("15 个工作日")
    # 15 working days from Mon 09-16: 17..20 (4), 23..27 (9), 29 调休 (10), 30 (11), Oct 8..11 (15).
    assert d.due_on == date(2030, 10, 11)
    case = walk_to(session, cast, case, S.ACCEPTED)


def test_extension_needs_the_committee_and_a_reason(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    d = deadlines.current_deadline(session, case.id)
    later = d.due_on + timedelta(days=60)
    with pytest.raises(PermissionDenied):
        deadlines.extend_deadline(
            session,
            actor=cast.lead,
            case_id=case.id,
            expected_version=case.version,
            new_due_on=later,
            reason="复杂",
        )
    with pytest.raises(ReasonRequired):
        deadlines.extend_deadline(
            session,
            actor=cast.committee,
            case_id=case.id,
            expected_version=case.version,
            new_due_on=later,
            reason=" ",
        )
    with pytest.raises(InvalidInput):
        deadlines.extend_deadline(
            session,
            actor=cast.committee,
            case_id=case.id,
            expected_version=case.version,
            new_due_on=d.due_on,
            reason="x",
        )
    ext = deadlines.extend_deadline(
        session,
        actor=cast.committee,
        case_id=case.id,
        expected_version=case.version,
        new_due_on=later,
        reason="需境外期刊协查",
        requested_by="调查组",
    )
    status = deadlines.status_of(session, deadlines.current_deadline(session, case.id))
    assert status.is_extended and status.due_on == ext.new_due_on >= later


def test_suspension_pauses_and_resumption_extends_the_investigation(session):
    cast = make_cast(session)
    _freeze(date(2030, 3, 4))
    case = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    before = deadlines.current_deadline(session, case.id).due_on
    case = move(session, cast.lead, case, S.SUSPENDED, "知识产权争议，等待法院裁判")
    assert (
        deadlines.status_of(session, deadlines.current_deadline(session, case.id)).level
        == "paused"
    )
    clock.advance(timedelta(days=30))
    case = move(session, cast.lead, case, S.INVESTIGATING, "争议已解决")
    after = deadlines.current_deadline(session, case.id).due_on
    assert (after - before).days >= 30


def test_daily_job_marks_due_and_overdue_and_fills_inboxes_once(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.SCREENING)
    d = deadlines.current_deadline(session, case.id)
    counts = deadlines.run_reminders(session, d.due_on - timedelta(days=2))
    assert counts["due_soon"] >= 1 and d.alert == "due_soon"
    items = deadlines.inbox(session, cast.office)
    assert [i.case_number for i in items if i.level == "due_soon"] == [case.number]
    again = deadlines.run_reminders(session, d.due_on - timedelta(days=1))
    assert again["reminders"] == 0  # no duplicate inbox items
    deadlines.run_reminders(session, d.due_on + timedelta(days=1))
    assert d.alert == "overdue"
    items = deadlines.inbox(session, cast.office)
    assert [(i.case_number, i.level) for i in items if i.case_id == case.id] == [
        (case.number, "overdue")
    ]
    n = (
        session.query(CaseReminder)
        .filter_by(case_id=case.id, user_id=cast.office.id)
        .count()
    )
    assert n == 2
    deadlines.mark_read(session, user=cast.office, reminder_id=items[0].reminder_id)
    # The job is registered with the scheduler under its name (other areas' jobs not run).
    job = next(j for j in scheduler.registered() if j.name == "case_reminders")
    assert "overdue 1" in job.fn(session, d.due_on + timedelta(days=3))


def test_appeal_window_is_shorter_for_students(session):
    cast = make_cast(session, respondent_kind=PersonKind.STUDENT)
    _freeze(date(2030, 6, 3))
    case = walk_to(session, cast, named_case(session, cast), S.APPEAL_WINDOW)
    party = case.parties[0]
    assert party.appeal_due_on == calendar.add_calendar_days(
        session, date(2030, 6, 3), 10
    )
    teacher_cast = make_cast(session, respondent_kind=PersonKind.TEACHER)
    case2 = walk_to(
        session, teacher_cast, named_case(session, teacher_cast), S.APPEAL_WINDOW
    )
    assert case2.parties[0].appeal_due_on == calendar.add_calendar_days(
        session, date(2030, 6, 3), 30
    )


def test_an_untaken_tip_reminds_the_intake_office_and_the_first_officer_takes_it(
    session,
):
    from tests.casework.factories_casework import tip_case

    cast = make_cast(session)
    case = tip_case(session).case
    d = deadlines.current_deadline(session, case.id)
    deadlines.run_reminders(session, d.due_on + timedelta(days=1))
    assert case.number in [i.case_number for i in deadlines.inbox(session, cast.office)]
    assert case.number not in [
        i.case_number for i in deadlines.inbox(session, cast.committee)
    ]
    move(session, cast.office, case, S.SCREENING)
    assert case.owner_id == cast.office.id


def test_appeal_window_guards_both_ways(session):
    cast = make_cast(session)
    _freeze(date(2030, 6, 3))
    case = walk_to(session, cast, named_case(session, cast), S.APPEAL_WINDOW)
    with pytest.raises(TransitionBlocked, match="届满前决定不生效"):
        move(session, cast.office, case, S.FINAL)
    _freeze(case.parties[0].appeal_due_on + timedelta(days=1))
    with pytest.raises(TransitionBlocked, match="申诉期已于"):
        move(session, cast.respondent_user, case, S.APPEAL, "迟到的申诉")
    case = move(session, cast.office, case, S.FINAL)
    assert case.outcome.value == "misconduct" and case.closed_on is not None


def test_reinvestigation_after_review_starts_a_new_clock_and_sanctions_keep_running(
    session,
):
    cast = make_cast(session)
    _freeze(date(2030, 6, 3))
    case = walk_to(session, cast, named_case(session, cast), S.REVIEW)
    rows = session.query(CaseSanction).filter_by(case_id=case.id).all()
    assert rows and all(
        r.status is SanctionStatus.ACTIVE for r in rows
    )  # not suspended
    _freeze(date(2030, 7, 1))
    case = move(
        session, cast.committee, case, S.INVESTIGATING, "复查发现新证据，重新调查"
    )
    d = deadlines.current_deadline(session, case.id)
    assert d.starts_on == date(2030, 7, 1) and d.due_on >= date(2031, 1, 1)
