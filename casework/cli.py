"""`chengxin cases list|show|remind` and `chengxin holidays import|list`."""

from __future__ import annotations

from pathlib import Path

import click

from archive.kernel import accounts
from archive.kernel.cli import cli_context
from archive.kernel.db import session_scope
from casework.models import STATE_LABELS
from casework.services import deadlines, workflow
from casework.services.common import find_case_by_number, get_case


def _runtime():  # type: ignore[no-untyped-def]

    return cli_context().runtime()


def _actor(session, username: str):  # type: ignore[no-untyped-def]
    user = accounts.find_user_by_username(session, username)
    if user is None:
        raise click.ClickException(f"no such user: {username}")
    return user


def register(main: click.Group) -> None:
    """Add the `cases` and `holidays` groups."""

    @main.group()
    def cases() -> None:
        """Misconduct cases."""

    @cases.command("list")
    @click.option("--all", "show_all", is_flag=True, help="Include archived cases.")
    def cases_list(show_all: bool) -> None:
        """Cases with their state and next deadline, most urgent first."""
        from sqlalchemy import select

        from casework.models import Case, CaseState

        rt = _runtime()
        with session_scope(rt.session_factory, actor="cli") as session:
            query = select(Case).order_by(Case.id)
            if not show_all:
                query = query.where(Case.state != CaseState.ARCHIVED)
            rows = []
            for case in session.scalars(query):
                d = deadlines.current_deadline(session, case.id)
                due = d.due_on.isoformat() if d else "-"
                rows.append((due if d else "9999", case, due))
            for _key, case, due in sorted(rows, key=lambda r: r[0]):
                click.echo(
                    f"{case.number}\t{STATE_LABELS[case.state]}\t{due}\tv{case.version}\t{case.title}"
                )

    @cases.command("show")
    @click.argument("number")
    def cases_show(number: str) -> None:
        """One case: state, deadlines and timeline (no reporter identity)."""

        rt = _runtime()
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
            from sqlalchemy import select

            from casework.models import CaseEvent

            for e in session.scalars(
                select(CaseEvent)
                .where(CaseEvent.case_id == case.id)
                .order_by(CaseEvent.id)
            ):
                click.echo(
                    f"{e.at:%Y-%m-%d %H:%M} {e.actor_label}: {e.summary}"
                    + (f" — {e.reason}" if e.reason else "")
                )
            moves = ", ".join(
                t.target.value for t in workflow.allowed_targets(case.state)
            )
            click.echo(f"next: {moves or '-'}")

    @cases.command("remind")
    def cases_remind() -> None:
        """Run the reminder check now (the daily job does this every day)."""
        rt = _runtime()
        with session_scope(rt.session_factory, actor="scheduler") as session:
            counts = deadlines.run_reminders(session)
        click.echo(
            f"due soon {counts['due_soon']}, overdue {counts['overdue']}, new reminders {counts['reminders']}"
        )

    @main.group()
    def holidays() -> None:
        """The working-day calendar (法定节假日 and 调休 make-up days)."""

    @holidays.command("import")
    @click.argument(
        "path", type=click.Path(exists=True, dir_okay=False, path_type=Path)
    )
    @click.option(
        "--as", "username", required=True, help="An administrator's username."
    )
    def holidays_import(path: Path, username: str) -> None:
        """Import CSV lines `YYYY-MM-DD,name[,workday]` (workday=1 marks a 调休 working day)."""
        rt = _runtime()
        with session_scope(rt.session_factory, actor="cli") as session:
            actor = _actor(session, username)
            session.info["actor"] = actor
            n = deadlines.import_holidays(
                session, actor=actor, text=path.read_text(encoding="utf-8-sig")
            )
        click.echo(f"imported {n} calendar entries")

    @holidays.command("list")
    @click.option("--year", type=int, default=None)
    def holidays_list(year: int | None) -> None:
        """Calendar entries."""
        rt = _runtime()
        with session_scope(rt.session_factory, actor="cli") as session:
            for h in deadlines.list_holidays(session, year):
                click.echo(
                    f"{h.day.isoformat()}\t{h.name}\t{'上班' if h.is_workday else '休'}"
                )
