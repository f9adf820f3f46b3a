"""`chengxin worker`: a small supervisor around one long-lived rq worker process.

The supervisor imports the screening stack and loads the corpus index once, then forks
the worker (`archive.submissions.queue.make_worker`), which inherits both and runs jobs in
its own process. The supervisor replaces the worker when

* it has run `max_jobs` jobs (memory a long run gathers is given back to the system),
* it died: killed by a signal (a parser crash, the OOM killer) or an unexpected error;
  its job is handed back to rq for retry at once, and a new worker takes over
  after a pause that grows while the worker keeps dying at once (Redis down).

SIGTERM or SIGINT to the supervisor is passed on once: the worker finishes its current
job and both exit (a second signal stops the job, which rq then retries). The worker is
in its own session (and process group), so Ctrl+C in a terminal reaches it through the
supervisor only; it gets SIGTERM if the supervisor itself is killed. It runs at the lower
CPU priority `CHENGXIN_JOB_NICE` (`archive.kernel.priority`), so pages come first.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import sys
import time
import uuid
from pathlib import Path
from types import FrameType
from typing import Any

from archive.corpus.index import load_index
from archive.kernel.priority import lower_session_priority
from archive.kernel.queue import redis_connection
from archive.kernel.settings import Settings
from archive.submissions.queue import abandon_job_of, make_worker, safe_reconcile
from screening.screener import load_dependencies

log = logging.getLogger(__name__)

#: A worker process runs this many jobs, then a fresh one takes its place.
DEFAULT_MAX_JOBS = 500
#: Exit status of a worker that ran its share of jobs and wants a successor.
EXIT_RECYCLE = 75
#: Longest pause between worker restarts while they keep failing.
MAX_BACKOFF_SECONDS = 30.0
#: A worker living at least this long resets the pause.
HEALTHY_SECONDS = 60.0

_PR_SET_PDEATHSIG = 1


def warm(settings: Settings) -> None:
    """Import the screening stack and load the corpus index, for every worker to inherit."""
    # What warming is for: the screener's scikit-learn (~0.75 s to import) is loaded
    # once here rather than in each forked worker, and never when `chengxin` merely
    # starts (`screening.screener` imports it on first use).
    load_dependencies()

    try:
        load_index(settings)
    except Exception:  # noqa: BLE001 - the first job reports a broken index itself
        log.exception("loading the corpus index failed")


def run_worker_process(
    settings: Settings,
    *,
    name: str,
    burst: bool,
    max_jobs: int,
) -> int:
    """The worker's life (in the forked child): work, then say why it stopped."""
    worker = make_worker(settings, name=name)
    safe_reconcile(settings)
    worker.work(burst=burst, max_jobs=max_jobs, with_scheduler=True)
    asked_to_stop = getattr(worker, "_shutdown_requested_date", None) is not None
    if worker.jobs_run >= max_jobs and not asked_to_stop:
        return EXIT_RECYCLE
    return 0


def supervise(
    settings: Settings,
    *,
    name: str | None = None,
    burst: bool = False,
    max_jobs: int = DEFAULT_MAX_JOBS,
) -> int:
    """Run worker processes one after another until done or told to stop; exit status."""
    warm(settings)
    base = name or uuid.uuid4().hex[:12]
    supervisor = _Supervisor()
    backoff = 1.0
    generation = 0
    parent = os.getpid()
    while True:
        # A worker that died leaves its name registered in Redis for a while.
        worker_name = base if generation == 0 else f"{base}.{generation}"
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's coverage is in its own process
            code = 1
            try:
                # A session of its own (and so a process group and an autogroup):
                # its CPU priority can then drop below the web's (`CHENGXIN_JOB_NICE`).
                os.setsid()
                lower_session_priority(settings.job_nice)
                supervisor.reset_signals()
                _die_with_parent(parent)
                code = run_worker_process(
                    settings, name=worker_name, burst=burst, max_jobs=max_jobs
                )
            except BaseException:  # noqa: BLE001 - reported, then the child ends
                log.exception("worker %s stopped on an error", worker_name)
            finally:
                logging.shutdown()
                os._exit(code)
        status = supervisor.wait(pid)
        # Whatever the worker left behind (rq's scheduler, PDF readers) goes with it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        if supervisor.stopping:
            return 0
        if os.WIFEXITED(status):
            code = os.WEXITSTATUS(status)
            if code == EXIT_RECYCLE:
                log.info(
                    "worker %s ran %s jobs; starting a fresh one", worker_name, max_jobs
                )
                generation += 1
                continue
            if code == 0:
                return 0
            if burst:
                return code
            log.error("worker %s exited with status %s", worker_name, code)
        else:
            sig = os.WTERMSIG(status)
            log.error(
                "worker %s was killed by %s; its job is handed back for retry",
                worker_name,
                signal.Signals(sig).name,
            )
        _clear_dead_worker(settings, worker_name)
        generation += 1
        if time.monotonic() - started >= HEALTHY_SECONDS:
            backoff = 1.0
        if supervisor.sleep(backoff):
            return 0
        backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)


class _Supervisor:
    """The supervisor's signal handling: pass SIGTERM/SIGINT on to the worker once each."""

    def __init__(self) -> None:
        self.stopping = False
        self._child: int | None = None
        self._previous = {
            sig: signal.signal(sig, self._on_signal)
            for sig in (signal.SIGTERM, signal.SIGINT)
        }

    def reset_signals(self) -> None:
        """In the worker: the default handlers back (rq installs its own)."""
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        del frame
        self.stopping = True
        if self._child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._child, signum)

    def wait(self, pid: int) -> int:
        """Wait for the worker to end; its wait status."""
        self._child = pid
        try:
            while True:
                try:
                    _, status = os.waitpid(pid, 0)
                    return status
                except InterruptedError:  # pragma: no cover - PEP 475 retries for us
                    continue
        finally:
            self._child = None

    def sleep(self, seconds: float) -> bool:
        """Pause before a restart; True when told to stop meanwhile."""
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, deadline - time.monotonic()))
        return self.stopping


def _clear_dead_worker(settings: Settings, worker_name: str) -> None:
    """What a dead worker left in Redis: its job (retried now, not once its heartbeat
    expires), its registration (so its successor may register) and, when its scheduler
    held it, the queue's scheduler lock.

    rq runs one scheduler per queue (it re-queues retries when their time comes), in a
    process of whichever worker took the lock. When that worker dies the lock would
    outlive it for a minute; the next worker takes it over at once instead.
    """
    try:
        # rq (~0.16 s) is imported by workers only, not when `chengxin` starts.
        from rq import Worker
        from rq.scheduler import (
            SCHEDULER_KEY_TEMPLATE,
            SCHEDULER_LOCKING_KEY_TEMPLATE,
            release_lock,
        )

        connection = redis_connection(settings)
        key = f"{Worker.redis_worker_namespace_prefix}{worker_name}"
        dead = Worker.find_by_key(key, connection=connection)
        if dead is not None:
            job_id = dead.get_current_job_id()
            if job_id is not None:
                abandon_job_of(connection, settings.queue_name, job_id)
            dead.register_death()
        lock_key = SCHEDULER_LOCKING_KEY_TEMPLATE % settings.queue_name
        holder = connection.get(lock_key)
        if holder is None:
            return
        info = connection.hgetall(SCHEDULER_KEY_TEMPLATE % holder.decode())
        pid = int(info.get(b"pid", b"0") or 0)
        local = info.get(b"hostname", b"").decode() == socket.gethostname()
        if local and pid > 0 and not _alive(pid):
            release_lock(connection, lock_key, holder.decode())
            log.info("released the scheduler lock of dead process %s", pid)
    except Exception:  # noqa: BLE001 - Redis may be why it died; keys then expire
        log.warning("could not clear worker %s from Redis", worker_name, exc_info=True)


def _alive(pid: int) -> bool:
    """Does this process still run (a zombie does not)?"""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return state != "Z"


def _die_with_parent(parent: int) -> None:
    """Linux: SIGTERM (a warm shutdown) to the worker if the supervisor is killed."""
    if not sys.platform.startswith("linux"):  # pragma: no cover
        return
    with contextlib.suppress(OSError, AttributeError):
        libc: Any = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the supervisor died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)
