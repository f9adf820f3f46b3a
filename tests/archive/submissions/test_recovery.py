"""Without Redis a crash strands in-process jobs: the rows a kill -9 leaves (queued, or
comparing with one attempt made) are screened again by `chengxin screening recover` and
when `chengxin serve` starts; a submission out of attempts fails visibly."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import runtime
from archive.kernel.accounts import Role
from archive.kernel.db import make_engine, make_session_factory, utcnow
from archive.kernel.files import store_bytes
from archive.kernel.settings import Settings
from archive.submissions.models import Batch, Submission, SubmissionState
from tests.archive.factories_screening import THESIS
from tests.cli_runs import cli_database
from tests.factories import make_user
from web.cli.commands import _recover_embedded, main


def _stranded(session: Session, name: str, state: SubmissionState, attempts: int) -> None:
    """A submission as a kill -9 of the embedded server leaves it."""
    batch = session.scalars(select(Batch)).first()
    if batch is None:
        user = make_user(session, Role.RESEARCH_OFFICE, username="ky-crash")
        batch = Batch(name="crash", created_by_id=user.id)
        session.add(batch)
        session.flush()
    stored = store_bytes(session, (THESIS + name).encode(), filename=name)
    session.add(
        Submission(
            batch=batch,
            file_name=name,
            stored_file=stored,
            file_size=stored.size,
            state=state,
            attempts=attempts,
            warnings=[],
            options={"excluded_sources": {}, "min_match_chars": 13},
            created_at=utcnow() - timedelta(minutes=10),
            started_at=utcnow() - timedelta(minutes=9) if attempts else None,
        )
    )


def _seed(session: Session) -> None:
    _stranded(session, "queued.txt", SubmissionState.QUEUED, 0)
    _stranded(session, "comparing.txt", SubmissionState.COMPARING, 1)
    _stranded(session, "hopeless.txt", SubmissionState.PARSING, 3)


@pytest.fixture
def cli_env(tmp_path):
    env, _ = cli_database(tmp_path, _seed)
    yield env
    runtime._current = None


def _states(env: dict[str, str]) -> dict[str, str]:
    settings = Settings(
        env="test",
        data_dir=Path(env["CHENGXIN_DATA_DIR"]),
        database_url=env["CHENGXIN_DATABASE_URL"],
        secret_key="k",
    ).checked()
    engine = make_engine(settings)
    with make_session_factory(engine, settings)() as session:
        out = {s.file_name: s.state.value for s in session.scalars(select(Submission))}
    engine.dispose()
    return out


def test_recover_without_redis_screens_stranded_submissions_again(cli_env):
    assert "CHENGXIN_REDIS_URL" not in cli_env
    result = CliRunner().invoke(main, ["screening", "recover"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "2 re-queued, 1 failed" in result.output
    assert _states(cli_env) == {
        "queued.txt": "done",
        "comparing.txt": "done",
        "hopeless.txt": "failed",
    }
    again = CliRunner().invoke(main, ["screening", "recover"], env=cli_env)
    assert "0 re-queued, 0 failed" in again.output


def test_serve_start_recovers_in_the_embedded_mode(cli_env):
    settings = Settings(
        env="test",
        data_dir=Path(cli_env["CHENGXIN_DATA_DIR"]),
        database_url=cli_env["CHENGXIN_DATABASE_URL"],
        secret_key="k",
        jobs_mode="sync",
    ).checked()
    engine = make_engine(settings)
    rt = runtime.configure(
        settings, engine=engine, session_factory=make_session_factory(engine, settings)
    )
    _recover_embedded(rt)
    engine.dispose()
    assert _states(cli_env)["comparing.txt"] == "done"
