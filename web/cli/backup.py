"""`chengxin backup DEST` and `chengxin restore SRC`: the whole system to a folder and back.

Backup runs while the system serves (a consistent database snapshot, immutable blobs, the
index under its lock); restore needs an empty database and data directory, and ends by
proving the audit chain and every file hash (exit 1 naming what does not hold).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.backup.restore import restore_backup
from archive.backup.snapshot import take_backup
from archive.kernel.cli import cli_context
from archive.kernel.db import make_engine


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
def backup(dest: Path) -> None:
    """Back up the database, stored files, index and data folder into DEST (new or empty)."""
    settings = cli_context().settings
    engine = make_engine(settings)
    try:
        manifest = take_backup(settings, engine, dest)
    finally:
        engine.dispose()
    click.echo(
        f"backup written to {dest}: {manifest.database} at {', '.join(manifest.revisions)},"
        f" {manifest.audit_entries} audit entries (head {manifest.audit_head[:16]}),"
        f" {len(manifest.files)} files"
    )


@click.command("restore")
@click.argument("src", type=click.Path(path_type=Path, file_okay=False, exists=True))
def restore(src: Path) -> None:
    """Restore a backup into the configured empty database and data directory, migrate
    it, and verify the audit chain and every file hash; exit 1 naming what fails."""
    settings = cli_context().settings
    engine = make_engine(settings)
    try:
        report = restore_backup(settings, engine, src)
    finally:
        engine.dispose()
    click.echo(
        f"restored from {src}: audit chain {report.audit_entries} entries"
        f" (head {report.audit_head[:16]}), {report.files_checked} files hashed"
    )
    if report.is_intact:
        click.echo("verified: audit chain intact, every file matches its hash")
        return
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}", err=True)
    sys.exit(1)
