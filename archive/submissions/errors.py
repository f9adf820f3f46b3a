"""What goes wrong with a batch or a file: domain errors, a failed step, a Redis outage."""

from __future__ import annotations

from archive.kernel.errors import Conflict, InvalidInput, NotFound


class BatchNotFound(NotFound):
    """No such batch."""


class SubmissionNotFound(NotFound):
    """No such submission."""


class ReportNotReady(Conflict):
    """The submission has no report yet (still screening, or failed)."""


class TooManyFiles(InvalidInput):
    """The batch would hold more files than `max_batch_files`."""


class ScreeningStepFailed(Exception):
    """A step of screening found that this file cannot be screened.

    Not a `DomainError`: nobody's request failed. The job records the reason code and
    the message (which names the file) on the submission as 失败.
    """

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def is_transient(exc: BaseException) -> bool:
    """A Redis outage (connection lost, server loading its data): worth a retry by rq
    rather than a failure recorded on the submission."""
    # redis costs ~0.1 s to import and is not loaded when the web app or `chengxin`
    # starts without it; only a failed screening job asks.
    from redis.exceptions import BusyLoadingError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return isinstance(exc, RedisConnectionError | RedisTimeoutError | BusyLoadingError)
