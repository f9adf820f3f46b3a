"""The database kernel's SQLite transactions: writers queue at BEGIN, readers never wait."""

from __future__ import annotations

import time

from sqlalchemy import func, select, text

from archive.kernel.accounts import User
from archive.kernel.db import (
    make_engine,
    make_session_factory,
    memo_until_change,
    read_session,
)
from archive.kernel.settings import Settings


def _factory(tmp_path):  # type: ignore[no-untyped-def]
    settings = Settings(
        env="test",
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'kernel.sqlite3'}",
        secret_key="test",
    ).checked()
    engine = make_engine(settings)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE notes (body TEXT)")
        conn.exec_driver_sql("INSERT INTO notes VALUES ('first')")
    return engine, make_session_factory(engine, settings)


def test_a_read_session_does_not_wait_for_a_writer(tmp_path):
    engine, factory = _factory(tmp_path)
    writer = factory()
    try:
        writer.execute(text("INSERT INTO notes VALUES ('second')"))  # holds the lock
        started = time.monotonic()
        with read_session(factory) as reader:
            bodies = reader.scalars(text("SELECT body FROM notes")).all()
        assert bodies == ["first"]  # the last committed snapshot
        assert time.monotonic() - started < 5  # not the 30 s busy timeout
        writer.commit()
    finally:
        writer.close()
    with read_session(factory) as reader:
        assert reader.scalars(text("SELECT body FROM notes")).all() == [
            "first",
            "second",
        ]
    engine.dispose()


def test_writers_take_the_lock_at_begin(tmp_path):
    engine, factory = _factory(tmp_path)
    statements: list[str] = []
    from sqlalchemy import event

    event.listen(
        engine, "before_cursor_execute", lambda c, cur, s, *a: statements.append(s)
    )
    with factory() as session:
        session.execute(text("SELECT 1"))
    with read_session(factory) as session:
        session.execute(text("SELECT 1"))
    assert [s for s in statements if s.startswith("BEGIN")] == [
        "BEGIN IMMEDIATE",
        "BEGIN",
    ]
    engine.dispose()


def test_a_memo_is_kept_until_the_session_changes_something(session):
    calls: list[int] = []

    def users() -> int:
        calls.append(1)
        return int(session.scalar(select(func.count()).select_from(User)) or 0)

    first = memo_until_change(session, "users", users)
    assert memo_until_change(session, "users", users) == first and len(calls) == 1
    session.add(User(username="memo-user", display_name="备忘", password_hash="x"))
    # a pending change is never answered from the memo: the query flushes it and sees it
    assert memo_until_change(session, "users", users) == first + 1
    assert memo_until_change(session, "users", users) == first + 1
    assert memo_until_change(session, "users", users) == first + 1 and len(calls) == 3
    session.rollback()
    assert memo_until_change(session, "users", users) == first and len(calls) == 4
