"""Screening jobs: one per uploaded file, queued after the upload commits.

`screen_submission_job(submission_id)` is safe to run twice (a finished submission is left
alone) and never lets an error vanish: whatever goes wrong is recorded on the submission
as 失败 with a reason the batch page shows.
"""

from __future__ import annotations

import logging

from archive.kernel import runtime
from archive.submissions.queue import is_transient, on_screen_job_failure
from archive.submissions.services import record_failure, screen_submission

log = logging.getLogger(__name__)
JOB_TIMEOUT_SECONDS = 1800


def screen_submission_job(submission_id: int) -> None:
    """Parse and screen one submission (enqueued with job_id `screen-<id>`)."""
    factory = runtime.current().session_factory
    try:
        screen_submission(factory, submission_id=submission_id)
    except Exception as exc:  # noqa: BLE001 - the state must say what happened
        if is_transient(
            exc
        ):  # rq retries; its last failure is recorded by the callback
            log.warning(
                "screening submission %s: Redis unavailable, retrying", submission_id
            )
            raise
        log.exception("screening submission %s failed", submission_id)
        record_failure(
            factory,
            submission_id=submission_id,
            code="internal_error",
            message=f"检测程序内部错误，已记录 (internal error: {type(exc).__name__})",
        )


# rq calls this when the job fails for good, also when its worker died (see
# archive.submissions.queue): the submission then says so instead of waiting forever.
screen_submission_job.rq_on_failure = on_screen_job_failure  # type: ignore[attr-defined]
