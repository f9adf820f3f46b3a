"""A request whose COMMIT meets a dead database answers 503 (try again), never 500.

The failure is real: just before the commit, a second connection ends the request's
PostgreSQL backend (`pg_terminate_backend`), as a server killed mid-write does. Flask
turns an error raised in `after_request` into a bare 500; CI's fault test once caught
exactly that when PostgreSQL was killed between a request's last statement and COMMIT.
"""

from __future__ import annotations

import pytest
from flask import Flask, abort
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from archive.kernel.settings import Settings
from web.app import create_app
from web.db import get_session

pytestmark = pytest.mark.database


@pytest.fixture
def killing_app(settings: Settings, engine: Engine) -> Flask:
    """The app on the test database, with two probe routes and a commit that kills."""
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("ends a PostgreSQL backend (the PostgreSQL pass runs it)")
    app = create_app(settings, check_schema=False)

    @app.get("/_probe/ok")
    def _ok() -> str:
        get_session().execute(text("select 1"))
        return "ok"

    @app.get("/_probe/conflict")
    def _conflict() -> str:
        session = get_session()
        session.execute(text("select 1"))
        _terminate(engine, session)
        abort(409)

    factory = app.extensions["chengxin"].session_factory
    event.listen(factory, "before_commit", lambda s: _terminate(engine, s))
    return app


def _terminate(engine: Engine, session: Session) -> None:
    """End the session's backend from another connection, as a killed server would."""
    pid = session.connection().exec_driver_sql("select pg_backend_pid()").scalar()
    with engine.connect() as other:
        other.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})


def test_a_commit_that_meets_a_dead_database_answers_503(killing_app: Flask) -> None:
    client = killing_app.test_client()
    api = client.get("/_probe/ok", headers={"Accept": "application/json"})
    assert api.status_code == 503, api.get_data(as_text=True)[:300]
    assert api.get_json()["error"]["code"] == "database_unavailable"
    page = client.get("/_probe/ok")
    assert page.status_code == 503
    body = page.get_data(as_text=True)
    assert "数据库暂不可用" in body and "服务器内部错误" not in body
    assert page.headers.get("Content-Security-Policy"), "security headers still apply"


def test_a_refusal_whose_rollback_fails_keeps_its_answer(killing_app: Flask) -> None:
    answer = killing_app.test_client().get(
        "/_probe/conflict", headers={"Accept": "application/json"}
    )
    assert answer.status_code == 409, answer.get_data(as_text=True)[:300]
