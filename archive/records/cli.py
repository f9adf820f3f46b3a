"""`chengxin archive …`: fixity audit, bulk import, re-index, search from the shell."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from archive.kernel import accounts
from archive.kernel.cli import cli_context
from archive.kernel.db import session_scope
from archive.kernel.orphans import GRACE_SECONDS, find_orphan_blobs, sweep_orphan_blobs
from archive.kernel.queue import wait_for_background_jobs
from archive.records.fixity import run_fixity_audit
from archive.records.imports import import_records
from archive.search.indexing import reindex_all
from archive.search.query import log_search, search
from archive.search.schema import ensure_search_schema


@click.group("archive")
def archive_group() -> None:
    """Research records and case files: fixity, import, index, search."""


@archive_group.command("verify")
def verify() -> None:
    """Re-hash every stored file; exit 1 and name each file altered or missing."""
    rt = cli_context().runtime()
    report = run_fixity_audit(lambda: session_scope(rt.session_factory, actor="cli"))
    for problem in report.problems:
        what = "ALTERED" if problem.problem == "altered" else "MISSING"
        click.echo(
            f"{what}\t{problem.name}\tsha256 {problem.sha256}"
            + (f" (now {problem.actual_sha256})" if problem.actual_sha256 else ""),
            err=True,
        )
    with session_scope(rt.session_factory, actor="cli") as session:
        orphans = find_orphan_blobs(session)
    for orphan in orphans:
        click.echo(f"ORPHAN\t{orphan.path}\t{orphan.size} bytes, no stored file row", err=True)
    if orphans:
        click.echo(
            f"{len(orphans)} orphan blob(s) on disk that no record uses: "
            "`chengxin archive sweep-orphans` removes them",
            err=True,
        )
    if report.is_intact:
        click.echo(f"fixity ok: {report.checked} file(s) match their SHA-256")
        return
    click.echo(
        f"FIXITY FAILED: {len(report.problems)} of {report.checked} file(s) altered or missing",
        err=True,
    )
    sys.exit(1)


@archive_group.command("sweep-orphans")
@click.option("--dry-run", is_flag=True, help="List what would be removed, remove nothing.")
@click.option(
    "--grace-seconds",
    type=int,
    default=GRACE_SECONDS,
    show_default=True,
    help="Leave blobs younger than this (their upload may still be committing).",
)
def sweep_orphans(dry_run: bool, grace_seconds: int) -> None:
    """Remove stored bytes that no stored-file row points at (refused or failed uploads)."""
    rt = cli_context().runtime()
    with session_scope(rt.session_factory, actor="cli") as session:
        removed = sweep_orphan_blobs(
            session, grace_seconds=grace_seconds, dry_run=dry_run
        )
    for orphan in removed:
        click.echo(f"{'would remove' if dry_run else 'removed'}\t{orphan.path}")
    total = sum(o.size for o in removed)
    verb = "would free" if dry_run else "freed"
    click.echo(f"{len(removed)} orphan blob(s), {verb} {total} bytes")


@archive_group.command("import")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--files",
    "files_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder holding the files named in the 文件 column.",
)
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Import the good rows and report the bad ones (default: all or nothing).",
)
def import_(table: Path, files_dir: Path | None, skip_bad: bool) -> None:
    """Import research records from a CSV or XLSX sheet."""
    rt = cli_context().runtime()
    with session_scope(rt.session_factory, actor="cli") as session:
        report = import_records(
            session,
            actor=None,
            data=table.read_bytes(),
            filename=table.name,
            files_dir=files_dir,
            skip_bad=skip_bad,
        )
    wait_for_background_jobs(timeout_seconds=3600)
    for problem in report.errors:
        click.echo(f"error: {problem}", err=True)
    for dup in report.duplicates:
        why = "same file" if dup.reason == "file" else "same metadata"
        click.echo(f"duplicate: row {dup.row} is already {dup.existing} ({why})")
    click.echo(
        f"{len(report.created)} record(s) imported, {len(report.duplicates)} duplicate(s) "
        f"skipped, {len(report.errors)} bad row(s) of {report.rows}"
    )
    if report.errors and not skip_bad:
        click.echo(
            "nothing imported: fix the rows above, or use --skip-bad to import the rest",
            err=True,
        )
        sys.exit(1)


@archive_group.command("reindex")
@click.option(
    "--extract", is_flag=True, help="Also extract texts of files not yet read."
)
def reindex(extract: bool) -> None:
    """Rebuild the full-text index from the records."""
    rt = cli_context().runtime()
    ensure_search_schema(rt.engine)
    started = time.perf_counter()
    with session_scope(rt.session_factory, actor="cli") as session:
        count = reindex_all(session, extract=extract)
    click.echo(f"indexed {count} record(s) in {time.perf_counter() - started:.1f} s")


@archive_group.command("search")
@click.argument("query")
@click.option(
    "--as", "username", required=True, help="Search as this user (access rules apply)."
)
@click.option("--limit", default=20, show_default=True)
def search_cmd(query: str, username: str, limit: int) -> None:
    """Search the archive as a user would see it."""
    rt = cli_context().runtime()
    with session_scope(rt.session_factory, actor="cli") as session:
        user = accounts.find_user_by_username(session, username)
        if user is None:
            raise click.ClickException(f"no such user: {username}")
        session.info["actor"] = user
        result = search(session, actor=user, query=query, per_page=limit)
        log_search(session, query=query, filters={}, total=result.total)
        rows: list[Any] = [
            (h.record.number, h.record.type_label, h.record.title, h.score)
            for h in result.hits
        ]
    if result.notice:
        click.echo(result.notice)
    click.echo(f"第{result.first}-{result.last}条, 共{result.total}条")
    for number, label, title, score in rows:
        click.echo(f"{number}\t{label}\t{title}\t{score:.3f}")
