"""`chengxin credit ...`: provincial export, supervision checks, daily credit work."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from archive.kernel import audit, clock
from archive.kernel.cli import cli_context
from archive.kernel.db import session_scope


def register(main: click.Group) -> None:
    """Add the `credit` command group to the `chengxin` command."""

    @main.group()
    def credit() -> None:
        """Credit files, the sanction list and provincial export."""

    @credit.command("export")
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
    def export_cmd(fmt: str, out_dir: Path) -> None:
        """Export the changes since the last export (双公示 layout), resumable."""
        from casework.credit.export import export_changes

        rt = cli_context().runtime()
        try:
            with session_scope(rt.session_factory, actor="cli") as session:
                row = export_changes(session, actor="cli", fmt=fmt, out_dir=out_dir)
        except Exception as exc:
            # The failed run leaves no watermark (the next run redoes it); log the attempt.
            with session_scope(rt.session_factory, actor="cli") as session:
                audit.record_event(
                    session,
                    action="credit_export_failed",
                    entity_type="credit_exports",
                    entity_id="-",
                    detail={
                        "format": fmt,
                        "out": str(out_dir),
                        "error": str(exc)[:500],
                    },
                )
            raise
        if row is None:
            click.echo("no changes since the last export")
            return
        click.echo(
            f"export {row.number}: {row.row_count} records, changes {row.from_seq + 1}-{row.to_seq} "
            f"-> {out_dir / row.file_name} (sha256 {row.sha256})"
        )

    @credit.command("check")
    @click.argument("person")
    @click.argument("action")
    @click.option("--on", "on", default=None, help="Date YYYY-MM-DD (default today).")
    def check_cmd(person: str, action: str, on: str | None) -> None:
        """May PERSON (工号/学号) do ACTION now? Exit 1 when not."""
        from casework.credit.files import get_subject_by_university_id
        from casework.credit.supervision import check

        rt = cli_context().runtime()
        day = date.fromisoformat(on) if on else clock.today()
        with session_scope(rt.session_factory, actor="cli") as session:
            subject = get_subject_by_university_id(session, person)
            result = check(
                session,
                actor=_system_checker(),
                person_id=subject.id,
                action=action,
                on=day,
            )
        click.echo(f"{'allowed' if result.allowed else 'refused'}: {result.reason}")
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
        from archive.kernel.accounts import Permission

        return permission is Permission.CREDIT_CHECK


def _system_checker():  # type: ignore[no-untyped-def]
    return _SystemChecker()
