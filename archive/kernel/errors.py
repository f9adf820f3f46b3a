"""Domain errors by category; `web/errors.py` maps each category to one HTTP status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of errors that services raise on purpose; carries data, never HTTP codes."""

    code = "domain_error"

    def __init__(self, message: str, **details: Any) -> None:
        self.message = message
        self.details = details
        super().__init__(message)


class NotFound(DomainError):
    """The object asked for does not exist (or the actor may not know it exists)."""

    code = "not_found"


class Conflict(DomainError):
    """The request clashes with the current state (stale version, duplicate, already done)."""

    code = "conflict"


class InvalidInput(DomainError):
    """The input is malformed or breaks a rule about its content."""

    code = "invalid_input"


class PermissionDenied(DomainError):
    """The acting user may not do this."""

    code = "permission_denied"


class ServiceUnavailable(DomainError):
    """A configured backing service (Redis, the database schema) is not usable right now."""

    code = "service_unavailable"


class DatabaseNotMigrated(ServiceUnavailable):
    """The database schema is behind the code: `chengxin db upgrade` must be run."""

    code = "database_not_migrated"


class DatabaseUnavailable(ServiceUnavailable):
    """The database does not answer (stopped, restarting, unreachable): try again later."""

    code = "database_unavailable"


class QueueUnavailable(ServiceUnavailable):
    """Redis is configured but cannot be reached, so jobs cannot be queued."""

    code = "queue_unavailable"
