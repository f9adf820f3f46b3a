"""The `chengxin` command in tests: a stamped database of its own, in process or as a child."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from alembic import command
from sqlalchemy.orm import Session

from archive.kernel.db import make_engine, make_session_factory
from archive.kernel.migrations import alembic_config
from archive.kernel.settings import Settings
from web.schema import load_models

REPO = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def cli_database(
    tmp_path: Path, seed: Callable[[Session], T] | None = None
) -> tuple[dict[str, str], T | None]:
    """A SQLite database built from the models and stamped at the heads, as the CLI expects;
    `seed` adds rows in one committed session. Returns the CLI's environment and what `seed`
    returned."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    data_dir = tmp_path / "data"
    settings = Settings(
        env="test", data_dir=data_dir, database_url=url, secret_key="k"
    ).checked()
    engine = make_engine(settings)
    load_models().create_all(engine)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.stamp(config, "heads")
    seeded = None
    if seed is not None:
        with make_session_factory(engine, settings)() as session:
            session.info["actor"] = "test-seed"
            seeded = seed(session)
            session.commit()
    engine.dispose()
    env = {
        "CHENGXIN_DATABASE_URL": url,
        "CHENGXIN_DATA_DIR": str(data_dir),
        "CHENGXIN_SECRET_KEY": "k",
        "CHENGXIN_ENV": "test",
        "CHENGXIN_JOBS_MODE": "sync",
    }
    return env, seeded


def run_cli(
    data_dir: Path, *args: str, input_text: str | None = None, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """`python -m web.cli ARGS` as an operator runs it: a child process, its own data directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")}
    env["CHENGXIN_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        input=input_text,
        timeout=timeout,
        cwd=REPO,
    )
