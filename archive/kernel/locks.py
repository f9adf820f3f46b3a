"""Cross-process locks on a folder: one writer at a time among the processes sharing it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except (
    ImportError
):  # pragma: no cover - not POSIX: one process writes, no lock is needed
    fcntl = None  # type: ignore[assignment]

LOCK_FILE_NAME = ".lock"


@contextlib.contextmanager
def folder_lock(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on `directory` (created if missing) while the block runs.

    The web process, jobs and CLI commands write the same index folders; `flock` on a
    `.lock` file inside serialises them, and the system releases it if a holder dies.
    """
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK_FILE_NAME, "a+b") as fh:
        if fcntl is None:  # pragma: no cover - not POSIX
            yield
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
