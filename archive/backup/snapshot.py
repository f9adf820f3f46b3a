"""`chengxin backup`: one consistent copy of everything the system keeps, while it runs.

A backup is a folder:

* `database.sqlite3` (SQLite's online backup API: a consistent copy while writers carry
  on) or `database/` (PostgreSQL tables by COPY in one REPEATABLE READ snapshot);
* `files/`: every blob the snapshot's `stored_files` rows name, each hash checked as it is
  copied (blobs are immutable and stored before their row commits, so a blob a later
  upload adds is simply not needed);
* `index/`: the file-based screening index, copied under its lock (with Redis the index
  lives there and is rebuilt from the database on restore);
* `data/`: the rest of the data directory (audit anchors, credit exports), except what is
  derived or secret (compiled translations, peer indexes, locks, the development key);
* `manifest.json`: when, from which schema revision, the audit chain's head (its length
  and hash) and every file's hash and size, read from the snapshot itself. Restore
  checks the restored system against it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from archive.backup.postgres import dump_tables
from archive.corpus.index import index_dir, index_lock
from archive.kernel.clock import now
from archive.kernel.errors import Conflict, ServiceUnavailable
from archive.kernel.files import blob_path
from archive.kernel.settings import Settings

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FOLDER = "database"
#: Top-level names of the data directory a backup leaves out (derived, transient, secret).
NOT_COPIED = {
    "files",
    "index",
    "translations",
    "peer-index",
    "secret_key",
    "chengxin.sqlite3",
    "chengxin.sqlite3-wal",
    "chengxin.sqlite3-shm",
    "chengxin.sqlite3-journal",
}


class BackupError(Conflict):
    """The backup cannot be written where asked, or the source is damaged."""


@dataclass
class Manifest:
    """What a backup holds, read from its own snapshot."""

    format: int
    created_at: str
    database: str
    revisions: list[str]
    audit_entries: int
    audit_head: str
    files: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)

    def write(self, folder: Path) -> None:
        """Write `manifest.json` into the backup folder."""
        (folder / MANIFEST).write_text(
            json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8"
        )

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The manifest of a backup folder; `BackupError` when there is none."""
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BackupError(
                f"{folder} 不是 chengxin 备份 (no readable {MANIFEST})"
            ) from exc
        if data.get("format") != FORMAT:
            raise BackupError(f"{folder}: 不支持的备份格式 {data.get('format')!r}")
        return cls(**data)


def read_facts(conn: Any) -> tuple[list[str], int, str, dict[str, int]]:
    """Revisions, audit length and head, and file hashes with sizes, from a DB-API
    connection (sqlite3 or psycopg) inside the snapshot being copied."""
    revisions = sorted(
        r[0] for r in conn.execute("SELECT version_num FROM alembic_version").fetchall()
    )
    head = conn.execute(
        "SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    files = conn.execute("SELECT sha256, size FROM stored_files ORDER BY id").fetchall()
    seq, head_hash = (int(head[0]), str(head[1])) if head else (0, "")
    return revisions, seq, head_hash, {str(s): int(n) for s, n in files}


def take_backup(settings: Settings, engine: Engine, dest: Path) -> Manifest:
    """Write a backup of the running system into `dest` (new or empty)."""
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(
            f"{dest} 已存在且非空 (the backup folder must be new or empty)"
        )
    dest.mkdir(parents=True, exist_ok=True)
    tables: dict[str, int] = {}
    if engine.dialect.name == "sqlite":
        facts = _sqlite_snapshot(engine, dest / SQLITE_FILE)
    elif engine.dialect.name == "postgresql":
        tables, facts = dump_tables(engine, dest / PG_FOLDER, read_facts)
    else:  # pragma: no cover - the two supported databases
        raise ServiceUnavailable(f"无法备份 {engine.dialect.name} 数据库")
    revisions, seq, head, files = facts
    _copy_blobs(settings.data_dir / "files", dest / "files", files)
    _copy_index(settings, dest / "index")
    _copy_rest(settings.data_dir, dest / "data")
    manifest = Manifest(
        format=FORMAT,
        created_at=now().isoformat(),
        database=engine.dialect.name,
        revisions=revisions,
        audit_entries=seq,
        audit_head=head,
        files=files,
        tables=tables,
    )
    manifest.write(dest)
    return manifest


def _sqlite_snapshot(
    engine: Engine, target: Path
) -> tuple[list[str], int, str, dict[str, int]]:
    """SQLite's online backup into one self-contained file; its facts read from it."""
    raw = engine.raw_connection()
    try:
        out = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(out)  # type: ignore[union-attr]
            out.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
            return read_facts(out)
        finally:
            out.close()
    finally:
        raw.close()


def _copy_blobs(src: Path, dest: Path, files: dict[str, int]) -> None:
    """Copy every named blob, checking its hash on the way; name each damaged one."""
    damaged: list[str] = []
    for sha in files:
        source = blob_path(src, sha)
        target = blob_path(dest, sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        try:
            with source.open("rb") as fin, target.open("wb") as fout:
                while chunk := fin.read(1 << 20):
                    digest.update(chunk)
                    fout.write(chunk)
        except FileNotFoundError:
            damaged.append(f"{sha} (missing)")
            continue
        if digest.hexdigest() != sha:
            damaged.append(f"{sha} (altered)")
    if damaged:
        raise BackupError(
            "存储文件已损坏，备份未完成；请先运行 `chengxin archive verify` (stored files"
            " damaged: " + ", ".join(damaged[:20]) + ")"
        )


def _copy_index(settings: Settings, dest: Path) -> None:
    """The file-based index, under its lock (none with a Redis index)."""
    source = index_dir(settings)
    if settings.index_redis or not source.exists():
        return
    with index_lock(settings):
        shutil.copytree(source, dest, ignore=shutil.ignore_patterns("*.lock", ".lock"))


def _copy_rest(data_dir: Path, dest: Path) -> None:
    """Everything else in the data directory that is kept, not derived."""
    dest.mkdir()
    for item in sorted(data_dir.iterdir()) if data_dir.exists() else []:
        if (
            item.name in NOT_COPIED
            or item.name.endswith(".lock")
            or item.name == ".lock"
        ):
            continue
        if item.is_dir():
            shutil.copytree(
                item, dest / item.name, ignore=shutil.ignore_patterns(".lock")
            )
        elif item.is_file():
            shutil.copy2(item, dest / item.name)
