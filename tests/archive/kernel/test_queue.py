"""Jobs run after commit, in-process without Redis and through rq with it."""

from __future__ import annotations

import os

import pytest

from archive.kernel import queue
from archive.kernel.errors import QueueUnavailable
from archive.kernel.settings import Settings

CALLS: list[tuple[str, int]] = []


def record_call(tag: str, n: int) -> None:
    """A job: module-level, takes plain values, safe to run twice."""
    CALLS.append((tag, n))


def test_job_runs_after_commit_and_not_after_rollback(session):
    CALLS.clear()
    queue.enqueue_after_commit(session, record_call, "kept", 1)
    assert CALLS == []
    session.commit()
    assert CALLS == [("kept", 1)]
    queue.enqueue_after_commit(session, record_call, "dropped", 2)
    session.rollback()
    session.commit()
    assert CALLS == [("kept", 1)]


def test_releasing_a_savepoint_does_not_start_the_job(session):
    CALLS.clear()
    with session.begin_nested():
        queue.enqueue_after_commit(session, record_call, "nested", 4)
    assert CALLS == []
    session.commit()
    assert CALLS == [("nested", 4)]


def test_thread_mode_runs_in_the_background(tmp_path):
    CALLS.clear()
    settings = Settings(
        env="test", data_dir=tmp_path, secret_key="k", jobs_mode="thread"
    )
    queue.enqueue(settings, record_call, "thread", 3)
    queue.wait_for_background_jobs()
    assert CALLS == [("thread", 3)]


def test_redis_configured_but_down_is_a_clear_error(tmp_path):
    settings = Settings(
        env="test", data_dir=tmp_path, secret_key="k", redis_url="redis://127.0.0.1:1/0"
    )
    with pytest.raises(QueueUnavailable, match="CHENGXIN_REDIS_URL"):
        queue.enqueue(settings, record_call, "x", 1)


@pytest.mark.redis
def test_rq_job_runs_once_per_id_on_a_real_worker(tmp_path):
    from redis import Redis
    from rq import Queue, SimpleWorker

    url = os.environ["CHENGXIN_TEST_REDIS_URL"]
    conn = Redis.from_url(url)
    conn.flushdb()
    try:
        settings = Settings(
            env="test",
            data_dir=tmp_path,
            secret_key="k",
            redis_url=url,
            queue_name="test-q",
        )
        CALLS.clear()
        first = queue.enqueue(settings, record_call, "rq", 5, job_id="job-5")
        again = queue.enqueue(settings, record_call, "rq", 5, job_id="job-5")
        assert first == again == "job-5"
        rq_queue = Queue("test-q", connection=conn)
        assert rq_queue.count == 1
        SimpleWorker([rq_queue], connection=conn).work(burst=True)
        assert CALLS == [("rq", 5)]
    finally:
        conn.flushdb()
