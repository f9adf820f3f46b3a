"""Fixtures: a real database (SQLite file, or PostgreSQL in CI), rolled back per test.

`CHENGXIN_TEST_DATABASE_URL` selects PostgreSQL; `CHENGXIN_TEST_SCOPE=database` keeps only the
tests that reach that database (CI's second pass: what does not touch it ran in the first);
`CHENGXIN_TEST_REDIS_URL` enables the
Redis tests (those marked `redis_server` start a `redis-server` of their own and need only
the binary). The app, the client and in-process jobs share the test's connection, so
everything a test does is visible to it and gone afterwards.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from archive.kernel import clock, runtime
from archive.kernel.db import make_engine
from archive.kernel.settings import Settings
from web import report_cache
from web.app import create_app
from web.schema import load_models

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TEST_DATABASE_URL = os.environ.get("CHENGXIN_TEST_DATABASE_URL", "")
TEST_REDIS_URL = os.environ.get("CHENGXIN_TEST_REDIS_URL", "")
TEST_SCOPE = os.environ.get("CHENGXIN_TEST_SCOPE", "all")
# Fixtures through which a test reaches the database under test: `settings` (and all that
# derive from it) and the browser journeys' server.
DATABASE_FIXTURES = frozenset({"settings", "live_server"})


def pytest_configure(config: pytest.Config) -> None:
    """The marker for tests that start a Redis of their own."""
    config.addinivalue_line(
        "markers",
        "redis_server: starts its own redis-server (needs the binary on PATH, not "
        "CHENGXIN_TEST_REDIS_URL; wins over `redis`)",
    )
    config.addinivalue_line(
        "markers",
        "database: reaches the database under test by its own means (reads "
        "CHENGXIN_TEST_DATABASE_URL itself), so it runs again on PostgreSQL",
    )


def reaches_database(item: pytest.Item) -> bool:
    """Whether a test touches the database under test (so the PostgreSQL pass must run it)."""
    if "postgres" in item.keywords or "database" in item.keywords:
        return True
    return bool(DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Skip Redis tests without a Redis, PostgreSQL-only tests on SQLite; in the database
    scope, deselect the tests that never reach the database."""
    if TEST_SCOPE == "database":
        kept = {id(item) for item in items if reaches_database(item)}
        config.hook.pytest_deselected(items=[i for i in items if id(i) not in kept])
        items[:] = [item for item in items if id(item) in kept]
    skip_redis = pytest.mark.skip(reason="CHENGXIN_TEST_REDIS_URL not set")
    skip_server = pytest.mark.skip(reason="redis-server is not on PATH")
    skip_pg = pytest.mark.skip(reason="CHENGXIN_TEST_DATABASE_URL not set (PostgreSQL)")
    has_server = shutil.which("redis-server") is not None
    for item in items:
        if "redis_server" in item.keywords:
            if not has_server:
                item.add_marker(skip_server)
        elif "redis" in item.keywords and not TEST_REDIS_URL:
            item.add_marker(skip_redis)
        if "postgres" in item.keywords and not TEST_DATABASE_URL.startswith(
            "postgresql"
        ):
            item.add_marker(skip_pg)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory for the whole run (uploads, index files, compiled catalogues)."""
    return tmp_path_factory.mktemp("chengxin-data")


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Settings:
    """Test settings: sync jobs, generous rate limits, a fixed secret."""
    return Settings(
        env="test",
        data_dir=data_dir,
        database_url=TEST_DATABASE_URL or f"sqlite:///{data_dir / 'test.sqlite3'}",
        secret_key="test-secret-key",
        jobs_mode="sync",
        login_rate_limit="1000 per minute",
        tip_rate_limit="1000 per minute",
        upload_rate_limit="1000 per minute",
    ).checked()


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    """The schema built from the models once per run (migrations are tested separately)."""
    metadata = load_models()
    eng = make_engine(settings)
    metadata.drop_all(eng)
    metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection per test inside an outer transaction that is rolled back."""
    conn = engine.connect()
    trans = conn.begin()
    yield conn
    if trans.is_active:
        trans.rollback()
    conn.close()


@pytest.fixture
def session_factory(
    connection: Connection, settings: Settings
) -> sessionmaker[Session]:
    """Sessions bound to the test's connection; their commits are savepoints."""
    factory = sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        info={"settings": settings},
    )
    runtime.configure(settings, engine=connection.engine, session_factory=factory)
    return factory


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for services under test."""
    s = session_factory()
    yield s
    s.close()


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> Flask:
    """The app on the test's connection (schema check off: create_all built it)."""
    # Report bodies are kept per process; a rolled-back test may reuse the same ids.
    report_cache.clear()
    application = create_app(
        settings, session_factory=session_factory, check_schema=False
    )
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture(autouse=True)
def _real_clock() -> Iterator[None]:
    """Every test starts and ends on real time."""
    clock.reset()
    yield
    clock.reset()
