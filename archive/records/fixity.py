"""The fixity audit: re-hash every stored file and report any that changed or vanished.

Hashing runs outside any transaction (SQLite takes its write lock at BEGIN): the list of
files is read in one short session, the blobs are hashed, and the results are written in
another. Intact files get `last_verified_at` by a bulk UPDATE (not one audit entry per file
per night); every failure is written to the audit chain, and so is each run's summary.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from archive.kernel import audit
from archive.kernel.accounts import User
from archive.kernel.db import settings_of, utcnow
from archive.kernel.files import CHUNK, StoredFile, blob_path
from archive.records.access import visibility_clause
from archive.records.models import Record, RecordFile


@dataclass(frozen=True)
class FixityProblem:
    """A file that no longer matches its hash, or whose blob is gone."""

    stored_file_id: int
    sha256: str
    name: str
    problem: str  # "altered" or "missing"
    actual_sha256: str | None = None


@dataclass
class FixityReport:
    """What one audit found."""

    checked: int = 0
    problems: list[FixityProblem] = field(default_factory=list)

    @property
    def is_intact(self) -> bool:
        """True when every file matched its hash."""
        return not self.problems


def _hash(path: Path) -> str | None:
    """SHA-256 of a file, None if it is not there."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def check_files(root: Path, files: list[tuple[int, str, str]]) -> FixityReport:
    """Hash each (id, sha256, name) blob under `root`; no database needed."""
    report = FixityReport()
    for file_id, sha, name in files:
        actual = _hash(blob_path(root, sha))
        report.checked += 1
        if actual is None:
            report.problems.append(FixityProblem(file_id, sha, name, "missing"))
        elif actual != sha:
            report.problems.append(FixityProblem(file_id, sha, name, "altered", actual))
    return report


def list_files(session: Session) -> list[tuple[int, str, str]]:
    """(id, sha256, name) of every stored file, named by the records it belongs to (an
    operator restores "AJ-XS-2026-0001 证据 evidence.pdf", not a file's first upload name)."""
    owners: dict[int, list[str]] = {}
    for file_id, number, title, label, first_name in session.execute(
        select(
            RecordFile.stored_file_id,
            Record.number,
            Record.title,
            RecordFile.label,
            StoredFile.original_name,
        )
        .join(Record, Record.id == RecordFile.record_id)
        .join(StoredFile, StoredFile.id == RecordFile.stored_file_id)
        .order_by(Record.number)
    ):
        owners.setdefault(file_id, []).append(
            f"档案 {number}《{title[:40]}》: {label or first_name}"
        )
    rows = session.execute(
        select(StoredFile.id, StoredFile.sha256, StoredFile.original_name).order_by(
            StoredFile.id
        )
    )
    return [
        (i, s, "; ".join(owners[i]) if i in owners else f"{n} (不属于任何档案 / no record)")
        for i, s, n in rows
    ]


def record_results(session: Session, report: FixityReport) -> None:
    """Write the audit's outcome: timestamps, failures (audited), and a summary event."""
    now = utcnow()
    bad = {p.stored_file_id for p in report.problems}
    good_ids = [i for (i,) in session.execute(select(StoredFile.id)) if i not in bad]
    for start in range(0, len(good_ids), 500):
        session.execute(
            update(StoredFile)
            .where(StoredFile.id.in_(good_ids[start : start + 500]))
            .values(last_verified_at=now, last_verified_ok=True)
        )
    for problem in report.problems:
        row = session.get(StoredFile, problem.stored_file_id)
        if row is not None:
            row.last_verified_at = now
            row.last_verified_ok = False
        audit.record_event(
            session,
            action="fixity_failed",
            entity_type="stored_files",
            entity_id=problem.stored_file_id,
            detail={
                "sha256": problem.sha256,
                "name": problem.name,
                "problem": problem.problem,
                "actual_sha256": problem.actual_sha256,
            },
        )
    audit.record_event(
        session,
        action="fixity_audit",
        entity_type="stored_files",
        entity_id="*",
        detail={"checked": report.checked, "problems": len(report.problems)},
    )
    session.flush()


def run_fixity_audit(
    open_session: Callable[[], AbstractContextManager[Session]],
) -> FixityReport:
    """List, hash outside any transaction, then record: the CLI's and the job's audit."""
    with open_session() as session:
        files = list_files(session)
        root = settings_of(session).data_dir / "files"
    report = check_files(root, files)
    with open_session() as session:
        record_results(session, report)
    return report


def list_failed_attachments(session: Session, *, actor: User) -> list[RecordFile]:
    """Attachments of records the actor may see whose last fixity check failed."""
    return list(
        session.scalars(
            select(RecordFile)
            .join(StoredFile, StoredFile.id == RecordFile.stored_file_id)
            .join(Record, Record.id == RecordFile.record_id)
            .where(StoredFile.last_verified_ok.is_(False), visibility_clause(actor))
            .order_by(RecordFile.id)
            .limit(200)
        )
    )
