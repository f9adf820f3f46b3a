"""What the corpus service refuses, by category (`archive.kernel.errors`)."""

from __future__ import annotations

from archive.kernel.errors import InvalidInput, NotFound


class CorpusDocumentNotFound(NotFound):
    """No corpus document with this id."""


class UnsupportedCorpusFile(InvalidInput):
    """A file that cannot join the corpus (unreadable, empty, not text...)."""
