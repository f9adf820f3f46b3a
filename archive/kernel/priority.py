"""CPU priority of screening work, so web pages are served first on a shared machine.

Screening is CPU-bound and can wait a little; a page cannot. Jobs therefore run at a
higher nice value (`CHENGXIN_JOB_NICE`) than the web processes:

* an rq worker process starts a session of its own and lowers the session's autogroup
  too. Linux schedules each session (autogroup) as one unit, so a plain nice on a
  process whose session differs from gunicorn's would change almost nothing between them;
* an in-process job thread (the embedded default) lowers that thread alone: on Linux a
  nice value belongs to the thread, and the web threads of the process keep theirs.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

#: Where Linux keeps the calling process's autogroup nice value (absent elsewhere).
AUTOGROUP = Path("/proc/self/autogroup")


def lower_thread_priority(nice: int) -> int:
    """Raise the calling thread's nice value to `nice` (never lower it); the new value."""
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if nice <= current:
        return current
    try:
        # PRIO_PROCESS with who=0 is the calling thread on Linux (its own task).
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    except OSError as exc:  # pragma: no cover - raising a nice value is always allowed
        log.warning("could not lower the job's CPU priority: %s", exc)
        return current
    return nice


def lower_session_priority(nice: int) -> int:
    """Lower this process and its own session's autogroup to `nice`; the process's value.

    Call it in a process that leads its own session (`os.setsid`): the autogroup is
    shared by every process of the session.
    """
    value = lower_thread_priority(nice)
    if not AUTOGROUP.exists() or nice <= 0:
        return value
    for _attempt in range(10):
        try:
            AUTOGROUP.write_text(str(nice))
            break
        except BlockingIOError:
            # EAGAIN: without CAP_SYS_ADMIN, Linux takes one autogroup change per 0.1 s
            # machine-wide (two workers starting together).
            time.sleep(0.12)
        except OSError:  # autogroups switched off
            break
    return value


def autogroup_nice() -> int | None:
    """The autogroup nice value of this process (None where Linux does not have one)."""
    try:
        return int(AUTOGROUP.read_text().rsplit("nice", 1)[1])
    except (OSError, ValueError, IndexError):
        return None
