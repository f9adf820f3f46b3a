"""Where a `CorpusIndex` keeps its segments and manifest: a small storage protocol.

Segments are immutable sets of named numpy arrays; the manifest (a JSON-able dict that
names the live segments, the documents and the fingerprint parameters) is replaced as a
whole. Because segments never change once written, a storage needs no transactions:
write the segment first, then the manifest; a reader that sees a manifest can load every
segment it names (or, if a compaction removed one meanwhile, read the newer manifest).

`DirectoryStorage` (files, `os.replace` for the manifest, memory-mapped .npy segments)
is the default; the Redis storage lives in `archive.corpus.redis_storage` because this package
imports no Redis code.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

__all__ = ["IndexStorage", "DirectoryStorage", "SegmentMissing", "MANIFEST"]

MANIFEST = "manifest.json"


class SegmentMissing(FileNotFoundError):
    """A segment named by a manifest is gone (a compaction replaced it meanwhile)."""


@runtime_checkable
class IndexStorage(Protocol):
    """Segments (immutable arrays by name) and one manifest, replaced atomically."""

    def read_manifest(self) -> dict[str, Any] | None:
        """The current manifest, or None when no index was saved yet."""

    def write_manifest(self, manifest: Mapping[str, Any]) -> None:
        """Replace the manifest in one step (readers see the old or the new one)."""

    def write_segment(
        self, name: str, arrays: Mapping[str, np.ndarray]
    ) -> Mapping[str, np.ndarray] | None:
        """Store a new segment; may return arrays to use instead (e.g. memory-mapped)."""

    def read_segment(
        self, name: str, fields: tuple[str, ...], mmap: bool
    ) -> dict[str, np.ndarray]:
        """A saved segment's arrays; `SegmentMissing` when it is gone."""

    def delete_segment(self, name: str) -> None:
        """Drop a segment no manifest names any more (readers may still hold it)."""

    def nbytes_stored(self) -> int:
        """Bytes the stored index takes (segments and manifest)."""


class DirectoryStorage:
    """Segments as directories of .npy files and `manifest.json`, in one directory."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def __repr__(self) -> str:
        return f"DirectoryStorage({str(self.directory)!r})"

    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None when the directory holds no index."""
        try:
            text = (self.directory / MANIFEST).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        manifest: dict[str, Any] = json.loads(text)
        return manifest

    def write_manifest(self, manifest: Mapping[str, Any]) -> None:
        """Write to a temporary file, then `os.replace` it over the manifest."""
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f"{MANIFEST}.{uuid.uuid4().hex}.tmp"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.directory / MANIFEST)

    def write_segment(
        self, name: str, arrays: Mapping[str, np.ndarray]
    ) -> Mapping[str, np.ndarray] | None:
        """Write the arrays into a fresh directory, renamed into place when complete."""
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / (name + ".tmp")
        tmp.mkdir(parents=True, exist_ok=False)
        for field, array in arrays.items():
            np.save(tmp / f"{field}.npy", array)
        os.replace(tmp, self.directory / name)
        return None

    def read_segment(
        self, name: str, fields: tuple[str, ...], mmap: bool
    ) -> dict[str, np.ndarray]:
        """Memory-map (or read) the segment's .npy files."""
        mode: Literal["r"] | None = "r" if mmap else None
        try:
            return {
                f: np.load(self.directory / name / f"{f}.npy", mmap_mode=mode)
                for f in fields
            }
        except FileNotFoundError as exc:
            raise SegmentMissing(str(exc)) from exc

    def delete_segment(self, name: str) -> None:
        """Remove the directory (readers that mapped its files keep them until closed)."""
        shutil.rmtree(self.directory / name, ignore_errors=True)

    def nbytes_stored(self) -> int:
        """Size of the segment files and the manifest."""
        if not self.directory.exists():
            return 0
        return sum(
            p.stat().st_size
            for p in self.directory.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )

    @property
    def supports_mmap(self) -> bool:
        """Segments can be memory-mapped from files."""
        return True
