"""Recovery without Redis: in-process jobs die with their process.

In the embedded default a screening job runs in a thread of the web process; kill -9 (or a
power cut) leaves its submission queued or comparing forever, since no queue remembers it.
The process that owns the jobs (`chengxin serve`) therefore screens again, when it starts,
every unfinished submission left from before, and `chengxin screening recover` does the same
by hand; a submission out of attempts fails visibly. With Redis this is rq's and
`archive.submissions.queue.reconcile`'s work instead.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.kernel.db import session_scope, utcnow
from archive.kernel.queue import enqueue
from archive.kernel.settings import Settings
from archive.submissions.jobs import fail_lost, job_id_for, screen_submission_job
from archive.submissions.models import Submission, SubmissionState
from archive.submissions.processing import peers_pending
from archive.submissions.queue import MAX_ATTEMPTS, reconcile

log = logging.getLogger(__name__)

UNFINISHED = (SubmissionState.QUEUED, SubmissionState.PARSING, SubmissionState.COMPARING)


def stranded_submissions(
    session: Session, *, grace_seconds: int
) -> tuple[list[int], list[int]]:
    """(to screen again, out of attempts): unfinished submissions idle past the grace."""
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    again: list[int] = []
    lost: list[int] = []
    rows = session.scalars(
        select(Submission)
        .where(Submission.state.in_(UNFINISHED), Submission.stored_file_id.is_not(None))
        .order_by(Submission.id)
    )
    for sub in rows:
        if (sub.started_at or sub.created_at) > cutoff:
            continue
        if sub.is_waiting_for_peers and peers_pending(session, sub.batch_id):
            continue  # the last peer to be parsed queues it
        (lost if sub.attempts >= MAX_ATTEMPTS else again).append(sub.id)
    return again, lost


def recover_unfinished(
    settings: Settings, factory: sessionmaker[Session], *, grace_seconds: int = 0
) -> tuple[int, int]:
    """Screen again what a crash stranded; returns (re-queued, failed). With Redis, rq's
    reconciliation does it (`reconcile`)."""
    if settings.redis_url:
        return reconcile(settings, factory, grace_seconds=grace_seconds)
    with session_scope(factory, actor="recovery") as session:
        again, lost = stranded_submissions(session, grace_seconds=grace_seconds)
    for submission_id in lost:
        fail_lost(factory, submission_id, reason="the process screening it stopped")
    for submission_id in again:
        log.warning("screening submission %s again (stranded by a crash)", submission_id)
        enqueue(
            settings, screen_submission_job, submission_id, job_id=job_id_for(submission_id)
        )
    return len(again), len(lost)
