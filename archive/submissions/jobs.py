"""Screening jobs: one per uploaded file, queued after the upload commits.

`screen_submission_job(submission_id)` is safe to run twice (a finished submission is left
alone) and never lets an error vanish: whatever goes wrong is recorded on the submission
as 失败 with a reason the batch page shows. The job strings together the steps of
`archive.submissions.processing`, each in its own short transaction, and queues the
comparison of batch peers that waited for this file.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from archive.kernel import runtime
from archive.kernel.db import session_scope
from archive.kernel.queue import enqueue_after_commit
from archive.submissions.errors import ScreeningStepFailed, is_transient
from archive.submissions.models import Submission
from archive.submissions.processing import (
    begin,
    compare,
    extract_text,
    fail,
    record_text,
    release_waiting,
)

log = logging.getLogger(__name__)
JOB_TIMEOUT_SECONDS = 1800

LOST_MESSAGE = (
    "{name}：检测进程意外中断，已自动重试 {attempts} 次仍未完成，请重新检测"
    " (the worker screening this file stopped; retried {attempts} times)"
)


def job_id_for(submission_id: int) -> str:
    """The rq job id of a submission's screening job."""
    return f"screen-{submission_id}"


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


def queue_screening(session: Session, submission_id: int) -> None:
    """Queue a submission's screening job once the session's transaction commits."""
    enqueue_after_commit(
        session, screen_submission_job, submission_id, job_id=job_id_for(submission_id)
    )


def screen_submission(factory: sessionmaker[Session], *, submission_id: int) -> None:
    """Parse and screen one submission in short transactions; failures are recorded.

    Safe to run twice: a finished submission is left alone, a parsed one is not parsed
    again. With peers on, a file whose batch peers are still being parsed waits; the
    last file to be parsed queues the comparison of the waiting ones.
    """

    def tx() -> Any:
        return session_scope(factory, actor="screening")

    with tx() as session:
        work = begin(session, submission_id)
    if work is None:
        return
    try:
        if work.text is None:
            text, warnings, meta, hidden = extract_text(work)
            with tx() as session:
                ready = record_text(
                    session, submission_id, text, warnings, meta, hidden
                )
                if ready:
                    _queue_released(session, work.batch_id, except_id=submission_id)
            if not ready:
                return
        compare(factory, submission_id)
    except ScreeningStepFailed as failure:
        record_failure(
            factory,
            submission_id=submission_id,
            code=failure.code,
            message=failure.message,
        )


def record_failure(
    factory: sessionmaker[Session], *, submission_id: int, code: str, message: str
) -> None:
    """Mark a submission failed in its own transaction (jobs call this on any error).

    Its batch peers that waited for it to be parsed are compared now.
    """
    with session_scope(factory, actor="screening") as session:
        batch_id = fail(session, submission_id, code=code, message=message)
        if batch_id is not None:
            _queue_released(session, batch_id)


def _queue_released(
    session: Session, batch_id: int, *, except_id: int | None = None
) -> None:
    for submission_id in release_waiting(session, batch_id, except_id=except_id):
        queue_screening(session, submission_id)


def fail_lost(
    factory: sessionmaker[Session], submission_id: int, *, reason: str
) -> None:
    """Fail a submission whose job was lost (its worker died, Redis lost it) for good."""
    with session_scope(factory) as session:
        sub = session.get(Submission, submission_id)
        if sub is None or sub.is_finished:
            return
        name, attempts = sub.file_name, sub.attempts
    log.error("screening of submission %s lost: %s", submission_id, reason)
    record_failure(
        factory,
        submission_id=submission_id,
        code="worker_lost",
        message=LOST_MESSAGE.format(name=name, attempts=max(attempts - 1, 0)),
    )


def on_screen_job_failure(
    job: Any, connection: Any, exc_type: Any, exc_value: Any, tb: Any
) -> None:
    """rq failure callback: a screening job failed, was abandoned or timed out.

    While rq will retry the job the submission is left as it is (the retry screens it);
    on the last failure the submission is marked failed with the reason.
    """
    del connection, tb
    if job.retries_left:
        log.warning("screening job %s failed (%s); rq retries it", job.id, exc_type)
        return
    try:
        submission_id = int(job.args[0])
    except (IndexError, TypeError, ValueError):
        return
    fail_lost(
        runtime.current().session_factory,
        submission_id,
        reason=f"{getattr(exc_type, '__name__', exc_type)}: {exc_value}",
    )


# rq calls this when the job fails for good, also when its worker died (see
# archive.submissions.queue): the submission then says so instead of waiting forever.
screen_submission_job.rq_on_failure = on_screen_job_failure  # type: ignore[attr-defined]
