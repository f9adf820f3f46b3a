"""`chengxin credit ...`: provincial export, supervision checks, daily credit work."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from archive.kernel import clock
from archive.kernel.accounts import Permission
from archive.kernel.cli import pass_runtime
from archive.kernel.db import session_scope
from archive.kernel.runtime import Runtime
from casework.credit.errors import NumberNotInRegister
from casework.credit.export import export_changes, record_failed_export
from casework.credit.supervision import check_number


@click.group("credit")
def credit_group() -> None:
    """Credit files, the sanction list and provincial export."""


@credit_group.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
)
@pass_runtime
def export_cmd(rt: Runtime, fmt: str, out_dir: Path) -> None:
    """Export the changes since the last export (双公示 layout), resumable."""
    try:
        with session_scope(rt.session_factory, actor="cli") as session:
            row = export_changes(session, actor="cli", fmt=fmt, out_dir=out_dir)
    except Exception as exc:
        # The failed run's transaction is gone; the attempt is logged in a new one.
        with session_scope(rt.session_factory, actor="cli") as session:
            record_failed_export(session, fmt=fmt, out_dir=out_dir, error=exc)
        raise
    if row is None:
        click.echo("no changes since the last export")
        return
    click.echo(
        f"export {row.number}: {row.row_count} records, changes {row.from_seq + 1}-{row.to_seq} "
        f"-> {out_dir / row.file_name} (sha256 {row.sha256})"
    )


NOT_IN_REGISTER_EXIT = 3


@credit_group.command("check")
@click.argument("person")
@click.argument("action")
@click.option("--on", "on", default=None, help="Date YYYY-MM-DD (default today).")
@pass_runtime
def check_cmd(rt: Runtime, person: str, action: str, on: str | None) -> None:
    """May PERSON (工号/学号) do ACTION now? Exit 1 when not, 3 when the number is unknown."""
    day = date.fromisoformat(on) if on else clock.today()
    try:
        with session_scope(rt.session_factory, actor="cli") as session:
            subject, result = check_number(
                session,
                actor=_SystemChecker(),  # type: ignore[arg-type]
                number=person,
                action=action,
                on=day,
            )
    except NumberNotInRegister:
        # Told apart from a clean record: the number is most likely mistyped.
        click.echo(
            f"not in the people register: {person} — check the number "
            "(no one with this 工号/学号 has been imported)"
        )
        raise SystemExit(NOT_IN_REGISTER_EXIT) from None
    reason = result.reason + ("" if result.has_record else " (no dishonesty record)")
    click.echo(
        f"{'allowed' if result.allowed else 'refused'}: {subject.name} — {reason}"
    )
    click.echo(
        f"grade: {result.grade}; until: {result.until or ('permanent' if result.is_permanent else '-')}"
    )
    if not result.allowed:
        raise SystemExit(1)


class _SystemChecker:
    """The CLI's operator: may run checks (the shell already has the database)."""

    id = None
    username = "cli"

    def can(self, permission: object) -> bool:
        """Only the check permission."""
        return permission is Permission.CREDIT_CHECK
