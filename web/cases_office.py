"""The case office's pages (on the `cases` blueprint): reports, the working-day calendar,
reminders, and what the workbench panels show of cases."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from archive.kernel import calendar, clock
from archive.kernel.accounts import Permission, User
from archive.kernel.errors import DomainError
from casework.models import Case, CaseMessage
from casework.services import deadlines, reports, tips, todo
from casework.services.deadlines import InboxItem
from casework.services.todo import TodoItem
from web.auth import login_required, permission_required, signed_in_user
from web.cases_forms import form_date
from web.db import get_session

P = Permission


@permission_required(P.CASE_REPORTS)
def reports_view() -> Any:
    """Counts by type, unit, stage, outcome and days open, and the annual summary."""
    db = get_session()
    year = request.args.get("year", type=int) or clock.today().year
    return render_template(
        "cases/reports.html",
        counts=reports.case_counts(db, actor=signed_in_user()),
        summary=reports.annual_summary(db, actor=signed_in_user(), year=year),
        year=year,
    )


@permission_required(P.CASE_REPORTS)
def annual_csv() -> Any:
    """The annual summary as CSV."""
    year = request.args.get("year", type=int) or clock.today().year
    summary = reports.annual_summary(get_session(), actor=signed_in_user(), year=year)
    return Response(
        reports.annual_summary_csv(summary),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=cases-{year}.csv"},
    )


@permission_required(P.CASE_ADMIN)
def holidays() -> Any:
    """The working-day calendar: days off and 调休 make-up working days."""
    db = get_session()
    if request.method == "POST":
        try:
            if request.form.get("delete"):
                calendar.delete_holiday(
                    db, actor=signed_in_user(), day=form_date("day")
                )
                flash(_("已删除"), "success")
            elif request.form.get("csv", "").strip():
                n = calendar.import_holidays(
                    db, actor=signed_in_user(), text=request.form["csv"]
                )
                flash(_("已导入 %(n)s 条", n=n), "success")
            else:
                calendar.set_holiday(
                    db,
                    actor=signed_in_user(),
                    day=form_date("day"),
                    name=request.form.get("name", ""),
                    is_workday=bool(request.form.get("is_workday")),
                )
                flash(_("已保存"), "success")
        except DomainError as exc:
            db.rollback()
            flash(exc.message, "error")
        return redirect(url_for("cases.holidays"), code=303)
    year = request.args.get("year", type=int) or clock.today().year
    return render_template(
        "cases/holidays.html", rows=calendar.list_holidays(db, year), year=year
    )


@login_required
def inbox_read(reminder_id: int) -> Any:
    """Dismiss one reminder."""
    deadlines.mark_read(get_session(), user=signed_in_user(), reminder_id=reminder_id)
    return redirect(url_for("home.index"), code=303)


def inbox_for(user: User) -> list[InboxItem]:
    """The reminders on a staff member's workbench."""
    return deadlines.inbox(get_session(), user)


def todo_for(user: User) -> list[TodoItem]:
    """What waits for this staff member, by deadline (the workbench's to-do list)."""
    return todo.todo_for(get_session(), user=user)


def replies_for(user: User) -> list[tuple[Case, CaseMessage]]:
    """Reporters' messages waiting for this staff member's answer."""
    return tips.awaiting_reply(get_session(), user=user)
