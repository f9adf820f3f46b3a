"""A database or Redis that does not answer is named, with 503, never a bare 500.

The database here is a PostgreSQL URL on a closed port (connection refused at once), so
the test needs no PostgreSQL; the Redis URL carries a password that must never be shown.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from archive.kernel.db import make_engine
from archive.kernel.migrations import upgrade
from archive.kernel.settings import Settings
from web.app import create_app

DOWN_DATABASE = "postgresql+psycopg://chengxin:db-secret@127.0.0.1:1/chengxin"
DOWN_REDIS = "redis://:redis-secret@127.0.0.1:1/0"


def test_health_names_a_database_that_does_not_answer(settings):
    app = create_app(replace(settings, database_url=DOWN_DATABASE))
    response = app.test_client().get("/api/health")
    assert response.status_code == 503
    assert response.get_json() == {
        "database": "unavailable",
        "queue": "inline",
        "down": ["database"],
    }


def test_health_names_both_when_both_are_down(settings, caplog):
    app = create_app(
        replace(settings, database_url=DOWN_DATABASE, redis_url=DOWN_REDIS),
        check_schema=False,
    )
    with caplog.at_level(logging.DEBUG):
        response = app.test_client().get("/api/health")
    assert response.status_code == 503
    assert response.get_json()["down"] == ["database", "queue"]
    assert "secret" not in caplog.text


def test_pages_say_the_database_is_down_with_503(settings):
    app = create_app(replace(settings, database_url=DOWN_DATABASE))
    client = app.test_client()
    page = client.get("/login")
    assert page.status_code == 503
    assert "数据库暂不可用" in page.get_data(as_text=True)
    api = client.get("/api/me", headers={"Authorization": "Bearer x"})
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "database_unavailable"


def test_pages_say_so_when_the_database_goes_down_after_start(settings):
    app = create_app(replace(settings, database_url=DOWN_DATABASE), check_schema=False)
    api = app.test_client().get("/api/me", headers={"Authorization": "Bearer x"})
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "database_unavailable"


def test_health_answers_while_the_request_holds_the_sqlite_write_lock(tmp_path):
    """A bearer token opens the request's session (BEGIN IMMEDIATE on SQLite); the health
    check must not wait 30 s behind it and call the database down."""
    settings = Settings(env="test", data_dir=tmp_path, secret_key="k").checked()
    engine = make_engine(settings)
    upgrade(engine)
    engine.dispose()
    client = create_app(settings).test_client()
    started = time.monotonic()
    response = client.get("/api/health", headers={"Authorization": "Bearer nobody"})
    assert response.status_code == 200, response.get_json()
    assert time.monotonic() - started < 5
