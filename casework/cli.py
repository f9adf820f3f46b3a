"""`chengxin cases list|show|remind` and `chengxin holidays import|list`."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.orm import Session

from archive.kernel import accounts, calendar
from archive.kernel.accounts import User
from archive.kernel.cli import pass_runtime
from archive.kernel.db import session_scope
from archive.kernel.runtime import Runtime
from casework.models import STATE_LABELS, allowed_targets
from casework.services import deadlines
from casework.services.common import find_case_by_number, get_case, list_events
from casework.services.intake import list_all_cases


def _actor(session: Session, username: str) -> User:
    user = accounts.find_user_by_username(session, username)
    if user is None:
        raise click.ClickException(f"no such user: {username}")
    return user


@click.group("cases")
def cases_group() -> None:
    """Misconduct cases."""


@cases_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include archived cases.")
@pass_runtime
def cases_list(rt: Runtime, show_all: bool) -> None:
    """Cases with their state and next deadline, most urgent first."""
    with session_scope(rt.session_factory, actor="cli") as session:
        rows = []
        for case in list_all_cases(session, include_archived=show_all):
            d = deadlines.current_deadline(session, case.id)
            due = d.due_on.isoformat() if d else "-"
            rows.append((due if d else "9999", case, due))
        for _key, case, due in sorted(rows, key=lambda r: r[0]):
            click.echo(
                f"{case.number}\t{STATE_LABELS[case.state]}\t{due}\tv{case.version}\t{case.title}"
            )


@cases_group.command("show")
@click.argument("number")
@pass_runtime
def cases_show(rt: Runtime, number: str) -> None:
    """One case: state, deadlines and timeline (no reporter identity)."""
    with session_scope(rt.session_factory, actor="cli") as session:
        case = find_case_by_number(session, number)
        if case is None and number.isdigit():
            case = get_case(session, int(number))
        if case is None:
            raise click.ClickException(f"no such case: {number}")
        click.echo(f"{case.number}  {case.title}")
        click.echo(
            f"state: {STATE_LABELS[case.state]} ({case.state.value}), version {case.version}"
        )
        for p in case.parties:
            click.echo(
                f"respondent: {p.person.name} ({p.person.kind_label}, {p.person.unit or '-'})"
            )
        for d in deadlines.list_deadlines(session, case.id):
            met = f" met {d.met_on}" if d.met_on else ""
            click.echo(f"deadline: {d.label} due {d.due_on} ({d.basis}){met}")
        for e in list_events(session, case.id):
            click.echo(
                f"{e.at:%Y-%m-%d %H:%M} {e.actor_label}: {e.summary}"
                + (f" — {e.reason}" if e.reason else "")
            )
        moves = ", ".join(t.target.value for t in allowed_targets(case.state))
        click.echo(f"next: {moves or '-'}")


@cases_group.command("remind")
@pass_runtime
def cases_remind(rt: Runtime) -> None:
    """Run the reminder check now (the daily job does this every day)."""
    with session_scope(rt.session_factory, actor="scheduler") as session:
        counts = deadlines.run_reminders(session)
    click.echo(
        f"due soon {counts['due_soon']}, overdue {counts['overdue']}, new reminders {counts['reminders']}"
    )


@click.group("holidays")
def holidays_group() -> None:
    """The working-day calendar (法定节假日 and 调休 make-up days)."""


@holidays_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", required=True, help="An administrator's username.")
@pass_runtime
def holidays_import(rt: Runtime, path: Path, username: str) -> None:
    """Import CSV lines `YYYY-MM-DD,name[,workday]` (workday=1 marks a 调休 working day)."""
    with session_scope(rt.session_factory, actor="cli") as session:
        actor = _actor(session, username)
        session.info["actor"] = actor
        n = calendar.import_holidays(
            session, actor=actor, text=path.read_text(encoding="utf-8-sig")
        )
    click.echo(f"imported {n} calendar entries")


@holidays_group.command("list")
@click.option("--year", type=int, default=None)
@pass_runtime
def holidays_list(rt: Runtime, year: int | None) -> None:
    """Calendar entries."""
    with session_scope(rt.session_factory, actor="cli") as session:
        for h in calendar.list_holidays(session, year):
            click.echo(
                f"{h.day.isoformat()}\t{h.name}\t{'上班' if h.is_workday else '休'}"
            )
