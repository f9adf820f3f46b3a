"""A database of a test's own, committed and visible to other processes: a SQLite file, or
a fresh PostgreSQL database when CHENGXIN_TEST_DATABASE_URL points at PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from tests.conftest import TEST_DATABASE_URL

REPO = Path(__file__).resolve().parents[3]


@contextmanager
def own_database(folder: Path, name: str) -> Iterator[str]:
    """The URL of a new, empty database, dropped afterwards (PostgreSQL)."""
    if not TEST_DATABASE_URL.startswith("postgresql"):
        folder.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{folder / f'{name}.sqlite3'}"
        return
    url = make_url(TEST_DATABASE_URL)
    db_name = f"chengxin_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    try:
        yield url.set(database=db_name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()


def cli_env(data_dir: Path, database_url: str) -> dict[str, str]:
    """The environment of a `chengxin` child process on this data directory and database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")}
    env.update(
        CHENGXIN_ENV="test",
        CHENGXIN_DATA_DIR=str(data_dir),
        CHENGXIN_DATABASE_URL=database_url,
        CHENGXIN_SECRET_KEY="backup-test-secret",
        CHENGXIN_JOBS_MODE="sync",
        PYTHONPATH=str(REPO),
    )
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`chengxin ARGS` as a child process, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
