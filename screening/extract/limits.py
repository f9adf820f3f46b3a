"""Limits every reader shares: how large a file may be and how far an archive may expand."""

from __future__ import annotations

#: Largest file `extract` accepts by default, checked before reading a path.
MAX_BYTES = 50 * 1024 * 1024
#: Largest total a DOCX (ZIP) may expand to by default.
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
#: A ZIP member that expands more than this many times over is treated as a bomb.
MAX_ZIP_RATIO = 200
#: Seconds LibreOffice may take to turn an old .doc into .docx.
SOFFICE_TIMEOUT_SECONDS = 120


def mib(size: int) -> str:
    """A byte count as users read it in a refusal ("12.3 MB")."""
    return f"{size / 1024 / 1024:.1f} MB"
