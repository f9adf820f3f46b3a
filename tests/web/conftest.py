"""Module-scoped fixtures for tests that build one world and ask many questions of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from archive.kernel import clock, runtime
from archive.kernel.settings import Settings
from web.app import create_app


@pytest.fixture(scope="module")
def module_connection(engine: Engine) -> Iterator[Connection]:
    """One connection per module inside an outer transaction rolled back at its end."""
    conn = engine.connect()
    trans = conn.begin()
    yield conn
    if trans.is_active:
        trans.rollback()
    conn.close()


@pytest.fixture(scope="module")
def module_factory(
    module_connection: Connection, settings: Settings
) -> sessionmaker[Session]:
    """Sessions on the module's connection; their commits are savepoints."""
    factory = sessionmaker(
        bind=module_connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        info={"settings": settings},
    )
    runtime.configure(
        settings, engine=module_connection.engine, session_factory=factory
    )
    return factory


@pytest.fixture(scope="module")
def module_app(settings: Settings, module_factory: sessionmaker[Session]) -> Flask:
    """The app on the module's connection."""
    clock.reset()
    return create_app(settings, session_factory=module_factory, check_schema=False)
