"""The records area's domain errors, each under one of the kernel's categories."""

from __future__ import annotations

from archive.kernel.errors import Conflict, InvalidInput, NotFound


class RecordNotFound(NotFound):
    """No such record, or one the actor may not know exists."""


class DuplicateRecord(Conflict):
    """A record with the same files or metadata is already in the archive."""


class InvalidRecord(InvalidInput):
    """A record's fields break a rule (empty title, unknown discipline, bad dates …)."""


class DisposalNotAllowed(Conflict):
    """The record is not past its term, is permanent, or already has a request."""


class DisposalRequestNotFound(NotFound):
    """No such disposal request."""


class ImportFileError(InvalidInput):
    """The sheet itself cannot be read (not CSV/XLSX, no header, no title column)."""
