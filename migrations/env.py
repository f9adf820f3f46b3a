"""Alembic environment: runs migrations on the connection chengxin hands it.

Migrations depend on `archive` only. The metadata compared by autogenerate is whatever
the caller has loaded: `chengxin db revision` loads every model module first.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import pool

from archive.kernel.db import Base, make_engine
from archive.kernel.settings import Settings
from archive.search.schema import include_object

target_metadata = Base.metadata
config = context.config


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Render our column types by import path so revisions import them."""
    if type_ == "type" and type(obj).__module__ == "archive.kernel.db":
        return f"archive.kernel.db.{type(obj).__name__}()"
    return False


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave the full-text index objects (made by raw DDL) out of autogenerate."""
    return include_object(obj, name, type_, reflected, compare_to)


def run_migrations_online() -> None:
    """Migrate through the connection given in attributes, or one made from settings."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(Settings.from_env(), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `chengxin db upgrade`")
run_migrations_online()
