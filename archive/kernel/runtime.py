"""The process's settings, engine and session factory, set once by whatever started it.

The web app, the CLI, an rq worker and the tests each call `configure`; jobs then open
their own transactions with `job_session()` in any of those processes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from archive.kernel.db import make_engine, make_session_factory, session_scope
from archive.kernel.settings import Settings


@dataclass
class Runtime:
    """What a process needs to reach the database."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]


_current: Runtime | None = None


def configure(
    settings: Settings,
    *,
    engine: Engine | None = None,
    session_factory: sessionmaker[Session] | None = None,
) -> Runtime:
    """Set (or replace) the process runtime; returns it."""
    global _current
    engine = engine or make_engine(settings)
    factory = session_factory or make_session_factory(engine, settings)
    _current = Runtime(settings, engine, factory)
    return _current


def activate(rt: Runtime) -> None:
    """Make `rt` the process runtime again (an app re-asserts its own before each request)."""
    global _current
    _current = rt


def current() -> Runtime:
    """The configured runtime, configuring from the environment on first use (workers)."""
    if _current is None:
        return configure(Settings.from_env())
    return _current


@contextmanager
def job_session(actor: object = "system") -> Iterator[Session]:
    """A committed-on-success session for a job or command."""
    with session_scope(current().session_factory, actor=actor) as session:
        yield session


def _after_fork_in_child() -> None:
    """A forked process (worker, scheduler) must not use its parent's pooled connections.

    SQLAlchemy's recipe: forget the inherited pool without closing its connections,
    which still belong to the parent; the child opens its own.
    """
    if _current is not None:
        _current.engine.dispose(close=False)


os.register_at_fork(after_in_child=_after_fork_in_child)
