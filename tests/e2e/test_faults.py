"""Faults while clients write: kill -9 of the web process, the worker and PostgreSQL, a
full disk during uploads; then restart and prove nothing accepted was lost.

Clients keep uploading (with an `Idempotency-Key`, retried on a lost answer) and writing
case messages through the API; a write counts as accepted only when answered 201. After
the faults every accepted batch, submission (with its file) and message is in the
database, and `chengxin audit verify` and `chengxin archive verify` pass. The embedded
default (SQLite, `chengxin serve`, jobs in the web process) and the scaled-out mode
(PostgreSQL of the test's own, Redis, gunicorn, a worker) are both run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.kernel import runtime
from archive.kernel.accounts import Role, issue_api_token
from archive.kernel.db import make_engine, make_session_factory, session_scope
from archive.kernel.migrations import upgrade
from archive.kernel.settings import Settings
from archive.submissions.models import Submission, SubmissionState
from tests.casework.factories_casework import make_cast, named_case
from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL
from tests.e2e.fault_site import REPO, PrivatePostgres, Site, Traffic, missing_writes
from tests.factories import make_user
from web.schema import load_models

pytestmark = [pytest.mark.timeout(600), pytest.mark.slow]


@dataclass
class Deployed:
    """A migrated, seeded deployment and the tokens its clients use."""

    site: Site
    factory: sessionmaker[Session]
    upload_token: str
    case_token: str
    case_id: int

    def traffic(self) -> Traffic:
        return Traffic(
            self.site.base,
            upload_token=self.upload_token,
            case_token=self.case_token,
            case_id=self.case_id,
        )


def _deploy(
    data_dir: Path, logs: Path, database_url: str, redis_url: str = ""
) -> Deployed:
    settings = Settings(
        env="test",
        data_dir=data_dir,
        database_url=database_url,
        redis_url=redis_url,
        secret_key="fault-secret",
    ).checked()
    engine = make_engine(settings)
    load_models()
    upgrade(engine)
    factory = make_session_factory(engine, settings)
    runtime.configure(settings, engine=engine, session_factory=factory)
    with session_scope(factory, actor="seed") as s:
        cast = make_cast(s)
        case = named_case(s, cast)
        officer = make_user(s, Role.RESEARCH_OFFICE)
        upload_token, _ = issue_api_token(s, user=officer, name="faults")
        case_token, _ = issue_api_token(s, user=cast.office, name="faults")
        case_id = case.id
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")}
    env.update(
        CHENGXIN_ENV="test",
        CHENGXIN_DATA_DIR=str(data_dir),
        CHENGXIN_DATABASE_URL=database_url,
        CHENGXIN_SECRET_KEY="fault-secret",
        CHENGXIN_LOGIN_RATE_LIMIT="1000 per minute",
        PYTHONPATH=str(REPO),
    )
    if redis_url:
        env["CHENGXIN_REDIS_URL"] = redis_url
    logs.mkdir(parents=True, exist_ok=True)
    site = Site(env, logs, scaled=bool(redis_url))
    return Deployed(site, factory, upload_token, case_token, case_id)


def _prove_nothing_lost(
    dep: Deployed, traffic: Traffic, *, refusals_may_be_500: bool = False
) -> None:
    assert traffic.accepted.submissions and traffic.accepted.messages, traffic.accepted
    assert missing_writes(dep.factory, traffic.accepted) == []
    chain = dep.site.cli("audit", "verify")
    assert chain.returncode == 0, chain.stdout + chain.stderr
    fixity = dep.site.cli("archive", "verify")
    assert fixity.returncode == 0, fixity.stdout + fixity.stderr
    if not refusals_may_be_500:
        assert 500 not in traffic.accepted.answers, (
            traffic.accepted.answers,
            dep.site.log_text(),
        )


# ------------------------------------------------------------------ embedded default
@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Deployed]:
    dep = _deploy(
        tmp_path / "data",
        tmp_path / "logs",
        f"sqlite:///{tmp_path / 'data' / 'chengxin.sqlite3'}",
    )
    try:
        yield dep
    finally:
        dep.site.stop_all()
        dep.factory.kw["bind"].dispose()


def test_embedded_web_process_killed_mid_write_loses_nothing(
    embedded: Deployed,
) -> None:
    dep = embedded
    dep.site.start_web()
    with dep.traffic() as traffic:
        for round_ in range(3):
            traffic.wait_for(8 * (round_ + 1))
            dep.site.kill9(dep.site.web)  # mid-request: uploads and messages in flight
            dep.site.start_web()
        traffic.wait_for(8 * 4)
    _prove_nothing_lost(dep, traffic)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB tmpfs for the data directory (root can mount), else skip."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs: {done.stderr!r}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_embedded_disk_fills_during_uploads(small_disk: Path, tmp_path: Path) -> None:
    data_dir = small_disk / "data"
    dep = _deploy(
        data_dir, tmp_path / "logs", f"sqlite:///{data_dir / 'chengxin.sqlite3'}"
    )
    try:
        dep.site.start_web()
        with dep.traffic() as traffic:
            traffic.wait_for(6)
            filler = small_disk / "filler"
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
            try:  # fill the disk to the last block
                while os.write(fd, b"\0" * 65536):
                    pass
            except OSError:
                pass
            finally:
                os.close(fd)
            full_since = sum(traffic.accepted.answers.values())
            deadline = time.monotonic() + 30
            while sum(traffic.accepted.answers.values()) < full_since + 10:
                assert time.monotonic() < deadline
                time.sleep(0.1)
            assert dep.site.web is not None and dep.site.web.poll() is None  # still up
            filler.unlink()  # space again: writes are accepted again, without a restart
            traffic.wait_for(
                len(traffic.accepted.submissions) + len(traffic.accepted.messages) + 4
            )
        dep.site.kill9(dep.site.web)
        dep.site.start_web()
        # What the client hears while the disk is full (500 today, a message naming the
        # full disk once issue #14 item 11 lands) is not this test's question: that
        # nothing it was told was saved is missing, and nothing is torn.
        _prove_nothing_lost(dep, traffic, refusals_may_be_500=True)
        refused = sum(
            n for status, n in traffic.accepted.answers.items() if status != 201
        )
        assert refused > 0  # the full disk did refuse writes
    finally:
        dep.site.stop_all()
        dep.factory.kw["bind"].dispose()


def _wait_all_screened(dep: Deployed, ids: set[int], timeout: float) -> list[str]:
    """Wait until every submission is done; those that are not, with their state."""
    deadline = time.monotonic() + timeout
    while True:
        with dep.factory() as s:
            rows = s.scalars(select(Submission).where(Submission.id.in_(ids))).all()
            left = [
                f"{r.id}: {r.state.value} {r.reason_message or ''}"
                for r in rows
                if r.state != SubmissionState.DONE
            ]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(1)


# ------------------------------------------------------------------- scaled out
needs_pg = pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("postgresql")
    or os.geteuid() != 0
    or not Path("/usr/lib/postgresql").exists(),
    reason="PostgreSQL tests run with CHENGXIN_TEST_DATABASE_URL (a cluster of the "
    "test's own is started as the postgres user: needs root and the server binaries)",
)


@needs_pg
@pytest.mark.redis
@pytest.mark.database
def test_scaled_out_web_worker_and_postgresql_killed_mid_write(tmp_path: Path) -> None:
    from redis import Redis

    Redis.from_url(TEST_REDIS_URL).flushdb()
    pg = PrivatePostgres(Path(f"/tmp/chengxin-fault-pg-{os.getpid()}"))
    pg.init()
    dep = None
    try:
        dep = _deploy(tmp_path / "data", tmp_path / "logs", pg.url, TEST_REDIS_URL)
        dep.site.start_web()
        dep.site.start_worker()
        with dep.traffic() as traffic:
            traffic.wait_for(8)
            dep.site.kill9(dep.site.worker)
            dep.site.start_worker()
            traffic.wait_for(16)
            dep.site.kill9(dep.site.web)
            dep.site.start_web()
            traffic.wait_for(24)
            pg.kill9()  # every backend with it, mid-transaction
            time.sleep(2)  # clients see 503s meanwhile
            pg.start()
            traffic.wait_for(32, timeout=120)
        dep.factory.kw["bind"].dispose()
        _prove_nothing_lost(dep, traffic)
        # And none stranded: the worker (and its recovery) screens every accepted file,
        # including any whose job the killed web process never got to queue.
        unfinished = _wait_all_screened(dep, traffic.accepted.submissions, timeout=150)
        assert unfinished == [], (unfinished, dep.site.log_text())
    finally:
        if dep is not None:
            dep.site.stop_all()
            dep.factory.kw["bind"].dispose()
        pg.stop()
        shutil.rmtree(pg.dir, ignore_errors=True)
