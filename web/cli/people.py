"""`chengxin people import FILE --as USER`: load the people register from an export."""

from __future__ import annotations

from pathlib import Path

import click

from archive.kernel import accounts
from archive.kernel.cli import pass_runtime
from archive.kernel.db import session_scope
from archive.kernel.errors import NotFound
from archive.kernel.people import PersonKind
from archive.kernel.people_register import RegisterReport, import_register
from archive.kernel.runtime import Runtime

KINDS = {
    "student": PersonKind.STUDENT,
    "teacher": PersonKind.TEACHER,
    "staff": PersonKind.STAFF,
    "unit": PersonKind.UNIT,
}


@click.group("people")
def people_group() -> None:
    """The people register (students, staff, units) the credit check looks numbers up in."""


@people_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--as", "username", required=True, help="An administrator, 纪委 or 信用管理员."
)
@click.option(
    "--kind",
    type=click.Choice(sorted(KINDS)),
    default=None,
    help="Kind of every row without a 类别 column (default: from the columns).",
)
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@pass_runtime
def people_import(
    rt: Runtime, path: Path, username: str, kind: str | None, dry_run: bool
) -> None:
    """Import a CSV/XLSX export (学号/工号, 姓名, 学院 …); exit 1 when a row was refused."""
    with session_scope(rt.session_factory, actor="cli") as session:
        actor = accounts.find_user_by_username(session, username)
        if actor is None:
            raise NotFound(f"用户不存在：{username} (no such user)")
        session.info["actor"] = actor
        report = import_register(
            session,
            actor=actor,
            data=path.read_bytes(),
            filename=path.name,
            kind=KINDS[kind] if kind else None,
            dry_run=dry_run,
        )
    _print(report)
    if report.problems:
        raise SystemExit(1)


def _print(report: RegisterReport) -> None:
    f = report.figures
    head = "dry run, nothing changed" if report.is_dry_run else "imported"
    click.echo(
        f"{head}: {report.filename}: {f['created']} new, {f['updated']} updated, "
        f"{f['unchanged']} unchanged, {f['errors']} refused"
    )
    for outcome in report.outcomes:
        if outcome.action == "update":
            click.echo(
                f"  line {outcome.row.line}: {outcome.row.university_id} "
                f"{outcome.row.name} updated ({', '.join(outcome.changed)})"
            )
    for problem in report.problems:
        click.echo(f"  {problem}", err=True)
