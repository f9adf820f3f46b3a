"""The database: one declarative base, engines for SQLite and PostgreSQL, session scopes.

Services take a session and never commit; the web request, CLI command or job that owns
the transaction commits through `session_scope` (or the web's after-request hook).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import Enum as SAEnum
from sqlalchemy.types import TypeDecorator

from archive.kernel import clock
from archive.kernel.settings import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, UTC-aware; goes through the controllable clock."""
    return clock.now()


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always returns aware datetimes, on SQLite too (which drops zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Any
    ) -> datetime | None:
        """Refuse naive datetimes so local times never slip in as UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC-aware is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: datetime | None, dialect: Any
    ) -> datetime | None:
        """Attach UTC to what SQLite hands back naive."""
        if value is None:
            return None
        return (
            value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        )


def enum_column(enum_cls: type[enum.Enum], **kwargs: Any) -> SAEnum:
    """An Enum column stored by value (readable in SQL), as a plain string with a check."""
    return SAEnum(
        enum_cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        validate_strings=True,
        length=max(len(m.value) for m in enum_cls) + 8,
        **kwargs,
    )


class Base(DeclarativeBase):
    """The one declarative base of every table in chengxin."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


def guard_append_only(
    classes: tuple[type, ...], error: Callable[[Any], Exception]
) -> None:
    """Let rows of `classes` be added but never changed or deleted (raise `error(obj)`)."""

    @event.listens_for(Session, "before_flush")
    def _refuse_changes(session: Session, _ctx: Any, _inst: Any) -> None:
        for obj in list(session.dirty) + list(session.deleted):
            if isinstance(obj, classes) and (
                obj in session.deleted
                or session.is_modified(obj, include_collections=False)
            ):
                raise error(obj)


def make_engine(settings: Settings | str, **kwargs: Any) -> Engine:
    """An engine for the configured URL; SQLite gets WAL, foreign keys and a busy timeout."""
    url = settings if isinstance(settings, str) else settings.effective_database_url
    if url.startswith("sqlite"):
        if not isinstance(settings, str):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        if ":memory:" not in url:
            kwargs.setdefault("poolclass", NullPool)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL for concurrent readers, enforced foreign keys, and waiting rather than failing."""
    # We issue BEGIN ourselves (see _sqlite_begin), so pysqlite must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


#: Execution option of a session that only reads (see `read_session`).
READ_ONLY_OPTION = "chengxin_read_only"


def _sqlite_begin(connection: Any) -> None:
    """Take the write lock at BEGIN, so concurrent writers queue instead of failing late.

    In WAL mode a deferred transaction that read an old snapshot cannot later write
    (SQLITE_BUSY_SNAPSHOT); BEGIN IMMEDIATE makes writers wait on busy_timeout instead.
    Transactions are short by convention (jobs compute outside them), so this is cheap.
    A `read_session` begins deferred: it reads a snapshot and never waits for writers.
    """
    if connection.get_execution_options().get(READ_ONLY_OPTION):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(
    bind: Any, settings: Settings | None = None
) -> sessionmaker[Session]:
    """A session factory whose objects survive commit (expire_on_commit=False)."""
    return sessionmaker(
        bind=bind,
        expire_on_commit=False,
        info={"settings": settings},
    )


@contextmanager
def session_scope(
    factory: sessionmaker[Session], *, actor: Any = None
) -> Iterator[Session]:
    """Commit on success, roll back on error, always close: the CLI's and jobs' transaction."""
    session = factory()
    if actor is not None:
        session.info["actor"] = actor
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def read_session(factory: sessionmaker[Session]) -> Session:
    """A session that only reads: on SQLite it neither takes nor waits for the write
    lock (screening jobs read often; two workers' reads would queue behind each other)."""
    session = factory()
    session.connection(execution_options={READ_ONLY_OPTION: True})
    return session


def settings_of(session: Session) -> Settings:
    """The settings the session's factory was made with (development defaults if none)."""
    settings = session.info.get("settings")
    if settings is None:
        settings = Settings().checked()
        session.info["settings"] = settings
    return settings


_MEMO_KEY = "memo_until_change"


def memo_until_change(session: Session, key: Any, compute: Callable[[], Any]) -> Any:
    """`compute()` once per session until it changes anything: access checks ask the
    same question (who is this user, which cases is he recused from) several times a
    request. Forgotten at every flush and transaction end; never kept while changes are
    pending, since the query `compute` makes would flush them first."""
    if session.new or session.dirty or session.deleted:
        session.info.pop(_MEMO_KEY, None)
        return compute()
    memo = session.info.setdefault(_MEMO_KEY, {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_memo(session: Session, *_args: Any) -> None:
    """A flush, commit or rollback may change every answer kept."""
    session.info.pop(_MEMO_KEY, None)
