"""`chengxin restore`: a backup onto a fresh data directory and database, then proof.

The target must be empty (no schema, no stored files): a restore never merges into a
live system. The database comes back at the backup's schema revision and is then
migrated to the code's (a backup of the previous release restores into this one). At the
end the audit chain is walked, its head must be the backup's (nothing cut off), and every
stored file is hashed; the report names anything that does not hold.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from archive.backup.postgres import load_tables
from archive.backup.snapshot import (
    PG_FOLDER,
    SQLITE_FILE,
    BackupError,
    Manifest,
)
from archive.kernel import audit
from archive.kernel.audit import AuditEntry
from archive.kernel.db import make_session_factory, session_scope
from archive.kernel.migrations import current_revisions, upgrade
from archive.kernel.settings import Settings
from archive.records.fixity import check_files, list_files


@dataclass
class RestoreReport:
    """What was restored and whether it verifies."""

    audit_entries: int = 0
    audit_head: str = ""
    files_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def is_intact(self) -> bool:
        """True when the chain verifies up to the backup's head and every file hashes."""
        return not self.problems


def restore_backup(settings: Settings, engine: Engine, source: Path) -> RestoreReport:
    """Restore the backup in `source` into the configured (empty) database and data
    directory; migrate; verify. The report lists problems rather than raising them."""
    manifest = Manifest.read(source)
    if manifest.database != engine.dialect.name:
        raise BackupError(
            f"备份来自 {manifest.database}，目标数据库是 {engine.dialect.name}"
            " (restore into the same kind of database the backup was taken from)"
        )
    files_root = settings.data_dir / "files"
    if files_root.exists() and any(files_root.iterdir()):
        raise BackupError(
            f"{files_root} 非空：只能恢复到新的数据目录 (data dir not empty)"
        )
    if engine.dialect.name == "sqlite":
        _restore_sqlite(engine, source / SQLITE_FILE)
    else:
        if current_revisions(engine):
            raise BackupError(
                "目标数据库非空：只能恢复到新的数据库 (database not empty)"
            )
        for revision in manifest.revisions:
            upgrade(engine, revision)
        load_tables(engine, source / PG_FOLDER)
    upgrade(engine)
    _copy_tree(source / "files", files_root)
    _copy_tree(source / "index", settings.data_dir / "index")
    _copy_tree(source / "data", settings.data_dir)
    return verify_restored(settings, engine, manifest)


def _restore_sqlite(engine: Engine, backup_file: Path) -> None:
    """Put the backup's database file where the engine's URL points (must be empty)."""
    target = Path(engine.url.database or "")
    if target.exists() and target.stat().st_size > 0:
        with sqlite3.connect(target) as conn:
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise BackupError(
                f"{target} 非空：只能恢复到新的数据库 (database not empty)"
            )
    engine.dispose()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(backup_file, target)


def _copy_tree(src: Path, dest: Path) -> None:
    """Copy a backup folder's contents into place (nothing when it is absent)."""
    if src.exists():
        shutil.copytree(src, dest, dirs_exist_ok=True)


def verify_restored(
    settings: Settings, engine: Engine, manifest: Manifest
) -> RestoreReport:
    """Walk the restored chain, compare its head with the backup's, hash every file."""
    report = RestoreReport()
    factory = make_session_factory(engine, settings)
    with session_scope(factory) as session:
        chain = audit.verify_chain(session)
        files = list_files(session)
        report.audit_entries = chain.checked
        report.audit_head = chain.head_hash
        if not chain.is_intact:
            report.problems.append(f"audit chain broken: {chain.problem}")
        _check_head(session, manifest, report)
    fixity = check_files(settings.data_dir / "files", files)
    report.files_checked = fixity.checked
    report.problems.extend(
        f"stored file #{p.stored_file_id} {p.name} ({p.sha256[:12]}…): {p.problem}"
        for p in fixity.problems
    )
    missing = set(manifest.files) - {sha for _, sha, _ in files}
    report.problems.extend(
        f"file {sha[:12]}… of the backup has no row" for sha in sorted(missing)
    )
    return report


def _check_head(session: Session, manifest: Manifest, report: RestoreReport) -> None:
    """The backup's last audit entry is in the restored chain, unchanged."""
    if not manifest.audit_entries:
        return
    at_head = session.scalar(
        select(AuditEntry.hash).where(AuditEntry.seq == manifest.audit_entries)
    )
    if at_head != manifest.audit_head:
        report.problems.append(
            f"audit entry #{manifest.audit_entries} is not the backup's head"
            f" ({manifest.audit_head[:12]}…)"
        )
