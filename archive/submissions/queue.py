"""Screening on rq: no job silently dropped, whatever happens to a worker or to Redis.

What rq 2.x does, and what we add so that each submission's state says what happened:

* A job that raises is retried by rq (`Retry(max=2)` in `archive.kernel.queue.enqueue`); our
  screening job records its own errors on the submission, so that is rare.
* A worker process killed with SIGKILL (a parser crash, the OOM killer) while its
  supervisor lives: the supervisor sees it die at once and hands its job to
  `abandon_job_of`, which does what rq's clean-up would do after the heartbeat expired
  (the failure callback, a retry in 5 s or 失败). No minutes of waiting.
* A whole machine lost (supervisor and worker): its job stays in the queue's
  `StartedJobRegistry` until its heartbeat expires (`HEARTBEAT_GRACE_SECONDS` after the
  last beat; workers beat every `JOB_MONITORING_INTERVAL_SECONDS` while a job runs), and
  the next registry clean-up (any idle worker's maintenance, every
  `MAINTENANCE_INTERVAL_SECONDS`, or `reconcile`) retries or fails it: about a minute.
  rq's own defaults (a 405 s blocking dequeue between maintenances, 90 s heartbeats) let
  such work sit for 7 to 9 minutes; the worker here shortens both.
  `archive.submissions.jobs.on_screen_job_failure` is the failure callback: on the last
  failure it records 失败 with a reason on the submission.
* Redis restarted without its data: queued and started jobs are gone. `reconcile` finds
  unfinished submissions whose job no longer exists (or failed without our callback
  having run) and queues them again, or fails them visibly after `MAX_ATTEMPTS`. Workers
  run it when they start and at every maintenance; `chengxin screening recover` runs it
  by hand. The corpus index, if lost with Redis, is rebuilt from the database by the
  next screening (`archive.corpus.services.sync_index`) or by `chengxin corpus reindex`.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.kernel import runtime
from archive.kernel.db import session_scope, utcnow
from archive.kernel.queue import enqueue, redis_connection
from archive.kernel.settings import Settings
from archive.submissions.jobs import fail_lost, job_id_for, screen_submission_job
from archive.submissions.models import Submission, SubmissionState
from archive.submissions.processing import peers_pending

log = logging.getLogger(__name__)

#: A submission is screened at most this many times before it is failed for good.
MAX_ATTEMPTS = 3
#: Seconds a submission may sit without a job before `reconcile` acts (enqueue races).
GRACE_SECONDS = 30
#: How often an idle worker cleans rq's registries and reconciles submissions.
MAINTENANCE_INTERVAL_SECONDS = 20
#: How often a running job's heartbeat is renewed.
JOB_MONITORING_INTERVAL_SECONDS = 10
#: How long after its last heartbeat a job counts as abandoned.
HEARTBEAT_GRACE_SECONDS = 35


def _enqueue_due_retries(queue: Any) -> None:
    """Queue retries whose time has come, as rq's scheduler would.

    The scheduler runs in one worker holding a lock; when that worker died with Redis
    the lock outlives it for a while, and burst workers schedule only at start.
    """
    from rq.job import Job  # rq (~0.16 s) only where Redis is in use: see `reconcile`
    from rq.registry import ScheduledJobRegistry

    registry = ScheduledJobRegistry(queue=queue)
    for job_id in registry.get_jobs_to_schedule(int(time.time())):
        job = Job.fetch(job_id, connection=queue.connection)
        registry.remove(job)
        queue.enqueue_job(job)


def _live_job_ids(connection: Any, queue_name: str) -> set[str]:
    """Ids of jobs rq still holds as queued, started, scheduled or deferred."""
    from rq import Queue  # heavy: see `reconcile`
    from rq.registry import (
        DeferredJobRegistry,
        ScheduledJobRegistry,
        StartedJobRegistry,
    )

    queue = Queue(queue_name, connection=connection)
    ids = set(queue.get_job_ids())
    for registry in (StartedJobRegistry, ScheduledJobRegistry, DeferredJobRegistry):
        ids.update(registry(queue=queue).get_job_ids(cleanup=False))
    return ids


def reconcile(
    settings: Settings,
    factory: sessionmaker[Session] | None = None,
    *,
    grace_seconds: int = GRACE_SECONDS,
    clean_registries: bool = True,
) -> tuple[int, int]:
    """Re-queue unfinished submissions rq no longer knows; fail those out of attempts.

    Returns (re-queued, failed). Safe to run from any number of workers at once: the
    job id dedupes the queue and the job itself is safe to run twice.
    """
    # rq costs ~0.16 s to import; the web app and `chengxin` start without it, and
    # only recovery and workers (with Redis configured) need it.
    from rq import Queue
    from rq.registry import clean_registries as rq_clean_registries

    factory = factory or runtime.current().session_factory
    connection = redis_connection(settings)
    queue = Queue(settings.queue_name, connection=connection)
    if clean_registries:
        # Abandoned jobs (dead workers) get their failure callback, retry or failure.
        rq_clean_registries(queue)
        _enqueue_due_retries(queue)
    live = _live_job_ids(connection, settings.queue_name)
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    requeue: list[int] = []
    lost: list[int] = []
    with session_scope(factory) as session:
        rows = session.scalars(
            select(Submission).where(
                Submission.state.in_(
                    [
                        SubmissionState.QUEUED,
                        SubmissionState.PARSING,
                        SubmissionState.COMPARING,
                    ]
                )
            )
        ).all()
        for sub in rows:
            if job_id_for(sub.id) in live or sub.stored_file_id is None:
                continue
            if (sub.started_at or sub.created_at) > cutoff:
                continue
            if sub.is_waiting_for_peers and peers_pending(session, sub.batch_id):
                continue  # the last peer to be parsed queues it
            (lost if sub.attempts >= MAX_ATTEMPTS else requeue).append(sub.id)
    for submission_id in requeue:
        log.warning("re-queueing screening of submission %s", submission_id)
        enqueue(
            settings,
            screen_submission_job,
            submission_id,
            job_id=job_id_for(submission_id),
        )
    for submission_id in lost:
        fail_lost(factory, submission_id, reason="no job left in Redis")
    return len(requeue), len(lost)


def make_worker(settings: Settings, *, name: str | None = None) -> Any:
    """An rq worker running screening jobs in its own process, reconciling every minute.

    Jobs run in the worker process itself (rq's `SimpleWorker`): forking a work horse
    per job cost more than half of a 20,000-character thesis's screening (fresh pages
    for everything a job allocates, ~17,000 page faults). Crash isolation comes from
    `archive.submissions.worker`, which runs this worker in a child process and replaces it when
    it dies or has run its share of jobs. A thread keeps the job's heartbeat short, as
    the forking worker's parent would, so a worker killed mid-job is noticed within
    about 90 seconds and its job retried.
    """
    from rq import Queue, SimpleWorker  # heavy: see `reconcile`
    from rq.worker import WorkerStatus

    class ChengxinWorker(SimpleWorker):
        """rq's in-process worker plus heartbeats, our maintenance and a job count."""

        jobs_run = 0
        _beating: tuple[threading.Event, threading.Thread] | None = None

        def get_heartbeat_ttl(self, job: Any) -> int:
            # SimpleWorker's heartbeat lasts the whole job timeout (30 min) and rq's
            # own adds 60 s to the beat interval; ours expires soon after a missed beat.
            del job
            return self.job_monitoring_interval + HEARTBEAT_GRACE_SECONDS

        def run_maintenance_tasks(self) -> None:
            super().run_maintenance_tasks()
            safe_reconcile(settings)

        def execute_job(self, job: Any, queue: Any) -> None:
            self.jobs_run += 1
            stop = threading.Event()
            beat = threading.Thread(
                target=self._beat, args=(job, stop), name="rq-heartbeat", daemon=True
            )
            self._beating = (stop, beat)
            try:
                self.prepare_execution(job)
                beat.start()
                self.perform_job(job, queue)
            finally:
                self._stop_beating()
            self.set_state(WorkerStatus.IDLE)

        def handle_execution_ended(
            self, job: Any, queue: Any, heartbeat_ttl: int
        ) -> None:
            # The job has returned: no heartbeat may put it back in the started registry.
            self._stop_beating()
            super().handle_execution_ended(job, queue, heartbeat_ttl)

        def _beat(self, job: Any, stop: threading.Event) -> None:
            while not stop.wait(self.job_monitoring_interval):
                try:
                    self.maintain_heartbeats(job)
                except Exception:  # noqa: BLE001 - a missed beat is retried next time
                    log.warning("heartbeat for job %s failed", job.id, exc_info=True)

        def _stop_beating(self) -> None:
            if self._beating is None:
                return
            stop, beat = self._beating
            self._beating = None
            stop.set()
            if beat.is_alive():
                beat.join()

    connection = redis_connection(settings)
    queue = Queue(settings.queue_name, connection=connection)
    return ChengxinWorker(
        [queue],
        connection=connection,
        name=name,
        maintenance_interval=MAINTENANCE_INTERVAL_SECONDS,
        job_monitoring_interval=JOB_MONITORING_INTERVAL_SECONDS,
        # rq blocks on the queue for worker_ttl - 15 s between maintenances (405 s by
        # default); an idle worker must look at the registries every interval.
        worker_ttl=MAINTENANCE_INTERVAL_SECONDS + 15,
    )


def abandon_job_of(connection: Any, queue_name: str, job_id: str) -> bool:
    """Treat a dead worker's job as abandoned now: the failure callback, then a retry
    while it has retries left, else failed; what rq's clean-up does once a heartbeat has
    expired. True when the job was still registered as started (and so handled here).

    Only the supervisor that saw the worker die calls this, for that worker's job; no
    live worker's job is touched (its registry entry keeps its own expiry).
    """
    from rq import Queue  # heavy: see `reconcile`
    from rq.registry import StartedJobRegistry

    registry = StartedJobRegistry(queue=Queue(queue_name, connection=connection))
    prefix = f"{job_id}:".encode()
    entries = [
        entry
        for entry in connection.zrange(registry.key, 0, -1)
        if entry == job_id.encode() or entry.startswith(prefix)
    ]
    if not entries:
        return False
    # Expired at 1 (1970): the clean-up up to 1 takes exactly these entries.
    connection.zadd(registry.key, dict.fromkeys(entries, 1), xx=True)
    registry.cleanup(timestamp=1)
    log.warning("job %s of a dead worker handed back for retry", job_id)
    return True


def safe_reconcile(settings: Settings) -> None:
    """`reconcile`, logged rather than raised: maintenance must not stop a worker."""
    try:
        requeued, failed = reconcile(settings)
    except Exception:  # noqa: BLE001 - maintenance must not stop the worker
        log.exception("reconciling screening submissions failed")
        return
    if requeued or failed:
        log.warning("reconcile: %s re-queued, %s failed", requeued, failed)
