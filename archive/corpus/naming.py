"""What names and paths say: a document's id, its author's identity, the campus file-name rule.

A file in a folder is known by its path relative to that folder (the screening contract's
document id); an author by `id:<学号/工号>` or `name:<姓名>` (去除本人 matches on these);
a file named `学号_姓名_专业_题目.ext` by what the CNKI campus rule puts in its name.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The file types screening reads (PDF, Word, plain text).
SUPPORTED_EXTENSIONS = (".pdf", ".docx", ".doc", ".txt")


def normalise_name(name: str) -> str:
    """A person's name for comparison: NFKC, no spaces or middle dots, case-folded."""
    text = unicodedata.normalize("NFKC", name or "")
    return re.sub(r"[\s·•・.]+", "", text).casefold()


def author_key(name: str | None, university_id: str | None = None) -> str | None:
    """The identity key of an author: `id:<学号/工号>` when known, else `name:<姓名>`."""
    if university_id and university_id.strip():
        return f"id:{university_id.strip().upper()}"
    norm = normalise_name(name or "")
    return f"name:{norm}" if norm else None


def author_keys(name: str | None, university_id: str | None = None) -> set[str]:
    """Every key a corpus document by this author may carry (id and name)."""
    keys = set()
    if university_id and university_id.strip():
        keys.add(f"id:{university_id.strip().upper()}")
    norm = normalise_name(name or "")
    if norm:
        keys.add(f"name:{norm}")
    return keys


@dataclass(frozen=True)
class FileNameParts:
    """What the CNKI campus file-name rule 学号_姓名_专业_题目 tells about a file."""

    university_id: str = ""
    author: str = ""
    major: str = ""
    title: str = ""


def parse_file_name(name: str) -> FileNameParts:
    """Split `学号_姓名_专业_题目.ext`; other names give only a title (the stem)."""
    stem = os.path.splitext(os.path.basename(name))[0].strip()
    parts = [p.strip() for p in re.split(r"[_＿]", stem)]
    if len(parts) >= 4 and re.fullmatch(r"[A-Za-z0-9]{4,20}", parts[0]) and parts[1]:
        return FileNameParts(
            university_id=parts[0],
            author=parts[1],
            major=parts[2],
            title="_".join(parts[3:]).strip() or stem,
        )
    return FileNameParts(title=stem)


def iter_document_files(paths: Sequence[Path]) -> Iterator[tuple[Path, str]]:
    """(file, document id) for files and every supported file inside folders.

    A folder's files are known by their path relative to that folder (POSIX separators),
    walked in name order without hidden files and folders; a file given directly by its
    name. `chengxin corpus add` and `chengxin screen` both find their files this way.
    """
    for given in paths:
        if given.is_dir():
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or not name.lower().endswith(
                        SUPPORTED_EXTENSIONS
                    ):
                        continue
                    full = Path(root) / name
                    yield full, full.relative_to(given).as_posix()
        else:
            yield given, given.name
