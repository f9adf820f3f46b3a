"""Screening work runs below the web's CPU priority: a job thread alone, or a worker's
whole session (Linux schedules sessions as units: autogroups)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from archive.kernel import queue
from archive.kernel.priority import lower_thread_priority
from archive.kernel.settings import Settings, SettingsError

REPO = Path(__file__).resolve().parents[3]
SEEN: list[int] = []


def note_priority() -> None:
    """A job: remember the nice value it ran at."""
    SEEN.append(os.getpriority(os.PRIO_PROCESS, 0))


def test_a_lowered_thread_leaves_the_others_as_they_were():
    before = os.getpriority(os.PRIO_PROCESS, 0)
    seen: list[int] = []

    def job() -> None:
        lower_thread_priority(before + 3)
        seen.append(os.getpriority(os.PRIO_PROCESS, 0))

    thread = threading.Thread(target=job)
    thread.start()
    thread.join()
    assert seen == [min(before + 3, 19)]
    assert os.getpriority(os.PRIO_PROCESS, 0) == before


def test_a_priority_is_never_raised():
    before = os.getpriority(os.PRIO_PROCESS, 0)
    seen: list[int] = []
    thread = threading.Thread(target=lambda: seen.append(lower_thread_priority(0)))
    thread.start()
    thread.join()
    assert seen == [before]


def test_in_process_jobs_run_at_the_job_nice_value(tmp_path):
    SEEN.clear()
    before = os.getpriority(os.PRIO_PROCESS, 0)
    settings = Settings(env="test", data_dir=tmp_path, secret_key="k")
    queue.enqueue(settings, note_priority)
    queue.wait_for_background_jobs()
    ran_at = SEEN[0] if SEEN else None
    assert ran_at == max(before, settings.job_nice)
    # The request thread that queued the job keeps its own priority.
    assert os.getpriority(os.PRIO_PROCESS, 0) == before


@pytest.mark.skipif(
    not Path("/proc/self/autogroup").exists(), reason="no Linux autogroups"
)
def test_a_session_leader_lowers_its_autogroup_too():
    code = (
        "import os; from archive.kernel.priority import *;"
        "lower_session_priority(9);"
        "print(os.getpriority(os.PRIO_PROCESS, 0), autogroup_nice())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        start_new_session=True,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    ).stdout.split()
    assert [int(v) for v in out] == [max(9, os.getpriority(os.PRIO_PROCESS, 0)), 9]


def test_job_nice_is_checked():
    assert Settings.from_env({"CHENGXIN_JOB_NICE": "0"}).job_nice == 0
    with pytest.raises(SettingsError, match="CHENGXIN_JOB_NICE"):
        Settings.from_env({"CHENGXIN_JOB_NICE": "25"})
