"""Anchors for the audit chain, kept outside the database and signed with a key outside it.

The hash chain (`archive.kernel.audit`) shows an entry edited or removed in the middle; it
cannot show the newest entries deleted, or one entry rewritten and every later entry
re-hashed, because whoever can write the table can recompute SHA-256. So the head of the
chain is anchored: `write_anchor` appends `{seq, hash, at, mac}` to an anchors file (default
`<data_dir>/audit-anchors.jsonl`, `CHENGXIN_AUDIT_ANCHOR_FILE` to put it on storage the
database owner cannot write), the `mac` an HMAC-SHA256 under `CHENGXIN_AUDIT_KEY` (derived
from `CHENGXIN_SECRET_KEY` when unset; neither is in the database). `check_anchors` then
requires every anchored entry to exist with the anchored hash: a truncation below the newest
anchor or any re-hash before it is found. The daily job anchors once a day and
`chengxin audit anchor` whenever cron runs it; chains from before anchoring verify as before
and are anchored from the first run on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import runtime
from archive.kernel.audit import AuditEntry
from archive.kernel.db import settings_of, utcnow
from archive.kernel.queue import enqueue_after_commit
from archive.kernel.scheduler import daily_job
from archive.kernel.settings import Settings


@dataclass(frozen=True)
class Anchor:
    """One signed statement: at `at`, entry #seq of the chain had this hash."""

    seq: int
    hash: str
    at: str
    mac: str


@dataclass
class AnchorReport:
    """What checking the chain against its anchors found."""

    anchors: int = 0
    newest_seq: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def is_intact(self) -> bool:
        """True when every anchor is signed and the chain still holds what it anchored."""
        return not self.problems


def anchor_path(settings: Settings) -> Path:
    """Where the anchors are appended."""
    if settings.audit_anchor_file:
        return Path(settings.audit_anchor_file)
    return settings.data_dir / "audit-anchors.jsonl"


def anchor_key(settings: Settings) -> bytes:
    """The HMAC key: `CHENGXIN_AUDIT_KEY`, else one derived from the secret key."""
    if settings.audit_key:
        return settings.audit_key.encode()
    return hmac.new(
        settings.secret_key.encode(), b"chengxin audit anchors", hashlib.sha256
    ).digest()


def _mac(key: bytes, seq: int, entry_hash: str, at: str) -> str:
    """The signature of one anchor's fields."""
    return hmac.new(
        key, f"{seq}:{entry_hash}:{at}".encode(), hashlib.sha256
    ).hexdigest()


def read_anchors(path: Path) -> list[tuple[int, Anchor | None]]:
    """(line number, anchor) for every line; None for a line that does not parse."""
    if not path.exists():
        return []
    out: list[tuple[int, Anchor | None]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            out.append(
                (
                    n,
                    Anchor(
                        int(raw["seq"]),
                        str(raw["hash"]),
                        str(raw["at"]),
                        str(raw["mac"]),
                    ),
                )
            )
        except (ValueError, KeyError, TypeError):
            out.append((n, None))
    return out


def write_anchor(session: Session, *, path: Path, key: bytes) -> Anchor | None:
    """Append the signed head of the committed chain (None when empty or already anchored)."""
    head = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    if head is None:
        return None
    existing = [a for _n, a in read_anchors(path) if a is not None]
    if existing and existing[-1].seq == head[0] and existing[-1].hash == head[1]:
        return None
    at = utcnow().isoformat()
    anchor = Anchor(head[0], head[1], at, _mac(key, head[0], head[1], at))
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(anchor.__dict__, sort_keys=True) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return anchor


def check_anchors(session: Session, *, path: Path, key: bytes) -> AnchorReport:
    """Every anchor signed, and every anchored entry still there with its anchored hash."""
    report = AnchorReport()
    valid: list[Anchor] = []
    for n, anchor in read_anchors(path):
        if anchor is None or not hmac.compare_digest(
            anchor.mac, _mac(key, anchor.seq, anchor.hash, anchor.at)
        ):
            report.problems.append(
                f"anchor line {n} of {path} is not signed by the audit key "
                "(the anchors file was edited, or CHENGXIN_AUDIT_KEY changed)"
            )
            continue
        valid.append(anchor)
    report.anchors = len(valid)
    wanted = sorted({a.seq for a in valid})
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = session.execute(
            select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.in_(chunk))
        )
        found.update((seq, entry_hash) for seq, entry_hash in rows)
    for anchor in valid:
        report.newest_seq = max(report.newest_seq, anchor.seq)
        actual = found.get(anchor.seq)
        if actual is None:
            report.problems.append(
                f"entry #{anchor.seq}, anchored at {anchor.at}, is gone "
                "(the newest entries were deleted)"
            )
        elif actual != anchor.hash:
            report.problems.append(
                f"entry #{anchor.seq} no longer has the hash anchored at {anchor.at} "
                "(entries up to it were rewritten and re-hashed)"
            )
    return report


def anchor_settings_of(session: Session) -> tuple[Path, bytes]:
    """The anchors file and key for this session's settings."""
    settings = settings_of(session)
    return anchor_path(settings), anchor_key(settings)


def anchor_job() -> str:
    """Anchor the committed head in a session of its own (after the scheduler's commit)."""
    with runtime.job_session(actor="audit-anchor") as session:
        path, key = anchor_settings_of(session)
        anchor = write_anchor(session, path=path, key=key)
    return f"anchored #{anchor.seq}" if anchor else "nothing new to anchor"


@daily_job("audit_anchor")
def daily_anchor(session: Session, today: date) -> str:
    """Anchor the chain's head once a day, after this transaction commits."""
    enqueue_after_commit(session, anchor_job, job_id=f"audit-anchor-{today}")
    return "audit anchor queued"
