"""Content-addressed file storage: each distinct file stored once, named by its SHA-256.

Blobs live under `<data_dir>/files/ab/cd/<sha256>`; the `stored_files` row records size,
type and first name, and every attachment elsewhere points at that row. Reading checks the
hash, so a file altered on disk is reported, never served as good.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import BigInteger, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive.kernel.db import Base, settings_of, utcnow
from archive.kernel.errors import Conflict, InvalidInput, NotFound

CHUNK = 1024 * 1024


class StoredFile(Base):
    """One distinct file's content, known by its SHA-256."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(128))
    original_name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_verified_at: Mapped[datetime | None]
    last_verified_ok: Mapped[bool | None]


class StoredFileNotFound(NotFound):
    """No stored file with this id or hash."""


class FileIntegrityError(Conflict):
    """The bytes on disk no longer match the recorded SHA-256, or the blob is gone."""


class FileTooLarge(InvalidInput):
    """The upload is larger than the configured limit."""


def storage_root(session: Session) -> Path:
    """Where blobs live for this session's settings."""
    return settings_of(session).data_dir / "files"


def blob_path(root: Path, sha256: str) -> Path:
    """The path of a blob: two levels of fan-out keep directories small."""
    return root / sha256[:2] / sha256[2:4] / sha256


def store_stream(
    session: Session,
    stream: BinaryIO,
    *,
    filename: str,
    media_type: str = "application/octet-stream",
    max_bytes: int | None = None,
) -> StoredFile:
    """Store a stream (hashing while copying), or return the row of identical content."""
    limit = (
        max_bytes if max_bytes is not None else settings_of(session).max_upload_bytes
    )
    root = storage_root(session)
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as tmp:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FileTooLarge(
                        f"文件 {filename} 超过大小上限 {limit // (1024 * 1024)} MB "
                        f"(file larger than the limit)",
                        filename=filename,
                        limit_bytes=limit,
                    )
                digest.update(chunk)
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        sha = digest.hexdigest()
        existing = find_by_hash(session, sha)
        target = blob_path(root, sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, target)
            os.chmod(target, 0o440)
        else:
            os.utime(target)  # fresh again: the orphan sweep leaves it alone
        if existing is not None:
            return existing
        row = StoredFile(
            sha256=sha,
            size=size,
            media_type=media_type or "application/octet-stream",
            original_name=os.path.basename(filename)[:255] or "file",
        )
        session.add(row)
        session.flush()
        return row
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def store_bytes(
    session: Session,
    data: bytes,
    *,
    filename: str,
    media_type: str = "application/octet-stream",
    max_bytes: int | None = None,
) -> StoredFile:
    """Store bytes (see `store_stream`)."""
    import io

    return store_stream(
        session,
        io.BytesIO(data),
        filename=filename,
        media_type=media_type,
        max_bytes=max_bytes,
    )


def find_by_hash(session: Session, sha256: str) -> StoredFile | None:
    """The stored file with this content hash, if any."""
    return session.scalars(
        select(StoredFile).where(StoredFile.sha256 == sha256)
    ).first()


def get_stored_file(session: Session, file_id: int) -> StoredFile:
    """The stored file with this id, or `StoredFileNotFound`."""
    row = session.get(StoredFile, file_id)
    if row is None:
        raise StoredFileNotFound(f"文件不存在：{file_id}", file_id=file_id)
    return row


def hash_on_disk(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_stored_file(session: Session, row: StoredFile) -> bool:
    """Re-hash one blob, record the result, and say whether it is intact."""
    path = blob_path(storage_root(session), row.sha256)
    ok = path.exists() and hash_on_disk(path) == row.sha256
    row.last_verified_at = utcnow()
    row.last_verified_ok = ok
    session.flush()
    return ok


def read_verified(session: Session, row: StoredFile) -> bytes:
    """The file's bytes, after checking them against the recorded hash."""
    path = blob_path(storage_root(session), row.sha256)
    if not path.exists():
        raise FileIntegrityError(
            f"文件已丢失：{row.original_name} (blob missing)", sha256=row.sha256
        )
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise FileIntegrityError(
            f"文件校验失败，内容已被改动：{row.original_name} (SHA-256 mismatch)",
            sha256=row.sha256,
        )
    return data


def iter_stored_files(session: Session, batch: int = 500) -> Iterator[StoredFile]:
    """Every stored file, in id order, in batches."""
    last = 0
    while True:
        rows = list(
            session.scalars(
                select(StoredFile)
                .where(StoredFile.id > last)
                .order_by(StoredFile.id)
                .limit(batch)
            )
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].id
