"""Orphan blobs: stored bytes no `stored_files` row points at.

A blob is written before its row is committed (the bytes must be safe on disk first), so a
request refused or rolled back after storing, or a crash in between, leaves bytes nobody
sees. They are found by listing the blob tree against the table, and swept once they are
older than a grace period (an upload still in flight is never swept); `chengxin archive
verify` lists them and the daily job and `chengxin archive sweep-orphans` remove them.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import audit
from archive.kernel.files import StoredFile, storage_root

#: Blobs younger than this are left alone: their upload may not have committed yet.
GRACE_SECONDS = 3600


@dataclass(frozen=True)
class OrphanBlob:
    """Bytes on disk with no row: where, how big, how old."""

    path: Path
    size: int
    age_seconds: float


def find_orphan_blobs(
    session: Session, *, grace_seconds: float = GRACE_SECONDS
) -> list[OrphanBlob]:
    """Blobs (and abandoned upload temp files) older than the grace period with no row."""
    root = storage_root(session)
    if not root.is_dir():
        return []
    known = set(session.scalars(select(StoredFile.sha256)))
    now = time.time()
    out = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name in known:
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        age = now - stat.st_mtime
        if age >= grace_seconds:
            out.append(OrphanBlob(path, stat.st_size, age))
    return out


def sweep_orphan_blobs(
    session: Session, *, grace_seconds: float = GRACE_SECONDS, dry_run: bool = False
) -> list[OrphanBlob]:
    """Delete the orphans found (unless `dry_run`), and write what went to the audit chain."""
    orphans = find_orphan_blobs(session, grace_seconds=grace_seconds)
    removed = []
    for orphan in orphans:
        if dry_run:
            removed.append(orphan)
            continue
        try:
            if time.time() - orphan.path.stat().st_mtime < grace_seconds:
                continue  # stored again meanwhile (store_stream refreshes the time)
            os.chmod(orphan.path, 0o640)
            orphan.path.unlink()
        except FileNotFoundError:
            continue
        removed.append(orphan)
    if removed and not dry_run:
        audit.record_event(
            session,
            action="orphan_blobs_swept",
            entity_type="stored_files",
            entity_id="*",
            detail={
                "count": len(removed),
                "bytes": sum(o.size for o in removed),
                "names": [o.path.name for o in removed[:50]],
            },
        )
    return removed
