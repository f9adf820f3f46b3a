"""Jobs: in-process without Redis (the embedded default), through rq when Redis is set.

Jobs are module-level functions in `<pkg>/jobs.py` that take ids, open their own session
(`archive.kernel.runtime.job_session`) and are safe to run twice. `enqueue_after_commit` holds a
job until the caller's transaction commits, so a job never looks for a row that is not
there yet (and a rolled-back request queues nothing).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from archive.kernel.db import settings_of
from archive.kernel.errors import QueueUnavailable
from archive.kernel.priority import lower_thread_priority
from archive.kernel.settings import Settings, masked_url, scrubbed

log = logging.getLogger(__name__)
_PENDING_KEY = "pending_jobs"
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_futures: list[Future[Any]] = []


def _thread_pool(nice: int = 0) -> ThreadPoolExecutor:
    """One small pool per process for in-process background jobs; its threads run at
    `nice` (the first caller's), below the web threads of the same process."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=2,
                thread_name_prefix="chengxin-job",
                initializer=lower_thread_priority,
                initargs=(nice,),
            )
        return _executor


def _run_logged(
    fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """Run a job in a thread; failures are logged, the job records its own failure state."""
    try:
        return fn(*args, **kwargs)
    except Exception:
        log.exception("job %s failed", getattr(fn, "__name__", fn))
        raise


def redis_connection(settings: Settings) -> Any:
    """A Redis client for the configured URL, checked with PING; `QueueUnavailable` if down."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        conn = Redis.from_url(
            settings.redis_url, socket_connect_timeout=3, socket_timeout=30
        )
        conn.ping()
    except (RedisError, OSError, ValueError) as exc:
        shown = masked_url(settings.redis_url)
        raise QueueUnavailable(
            f"任务队列不可用：无法连接 Redis（{shown}）。"
            f"请检查 CHENGXIN_REDIS_URL 或启动 Redis。"
            f" (Redis unreachable: {scrubbed(str(exc), settings.redis_url)})",
            redis_url=shown,
        ) from exc
    return conn


def enqueue(
    settings: Settings,
    fn: Callable[..., Any],
    *args: Any,
    job_id: str | None = None,
    job_timeout_seconds: int | None = None,
    **kwargs: Any,
) -> str | None:
    """Run `fn(*args)` as a job: inline/thread without Redis, an rq job with it.

    A job id that is already queued or running is not queued again (a repeated request
    does not duplicate work). Returns the job id when queued through rq.
    """
    if not settings.redis_url:
        if settings.jobs_mode == "sync":
            fn(*args, **kwargs)
        else:
            future = _thread_pool(settings.job_nice).submit(
                _run_logged, fn, args, kwargs
            )
            _futures.append(future)
        return job_id
    from rq import Callback, Queue, Retry
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    conn = redis_connection(settings)
    queue = Queue(settings.queue_name, connection=conn)
    if job_id is not None:
        try:
            existing = Job.fetch(job_id, connection=conn)
            if existing.get_status(refresh=True) in (
                JobStatus.QUEUED,
                JobStatus.STARTED,
                JobStatus.DEFERRED,
                JobStatus.SCHEDULED,
            ):
                return job_id
        except NoSuchJobError:
            pass
    # A job function may name an rq failure callback (also called for abandoned jobs).
    on_failure = getattr(fn, "rq_on_failure", None)
    job = queue.enqueue(
        fn,
        args=args,
        kwargs=kwargs or None,
        job_id=job_id,
        job_timeout=job_timeout_seconds or settings.job_timeout_seconds,
        retry=Retry(max=2, interval=[5, 30]),
        failure_ttl=7 * 24 * 3600,
        result_ttl=24 * 3600,
        on_failure=Callback(on_failure) if on_failure is not None else None,
    )
    return str(job.id)


def enqueue_after_commit(
    session: Session,
    fn: Callable[..., Any],
    *args: Any,
    job_id: str | None = None,
    **kwargs: Any,
) -> None:
    """Queue `fn(*args)` once the session's transaction commits; dropped on rollback."""
    session.connection()  # begin the transaction now, so its rollback drops the job too
    pending: list[tuple[Any, ...]] = session.info.setdefault(_PENDING_KEY, [])
    pending.append((fn, args, job_id, kwargs))


@event.listens_for(Session, "after_commit")
def _flush_pending_jobs(session: Session) -> None:
    """Hand the committed transaction's jobs to the queue (not on a SAVEPOINT release)."""
    # SQLAlchemy 2.1 fires after_commit when a nested transaction is released too; the
    # jobs must wait for the outermost commit, or they could see uncommitted rows.
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING_KEY, None)
    if not pending:
        return
    settings = settings_of(session)
    for fn, args, job_id, kwargs in pending:
        enqueue(settings, fn, *args, job_id=job_id, **kwargs)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending_jobs(session: Session, previous_transaction: Any) -> None:
    """A rolled-back transaction queues nothing (an inner savepoint's rollback keeps them)."""
    if not previous_transaction.nested:
        session.info.pop(_PENDING_KEY, None)


def wait_for_background_jobs(timeout_seconds: float = 60) -> None:
    """Block until in-process background jobs finish (tests and the CLI use this)."""
    while _futures:
        future = _futures.pop(0)
        future.result(timeout=timeout_seconds)
