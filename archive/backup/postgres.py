"""PostgreSQL tables to files and back with COPY, inside one snapshot.

`pg_dump` would do, but must match the server's major version on every machine that
takes a backup; COPY through the driver the application already uses needs nothing more,
and a REPEATABLE READ transaction gives every table as of one moment while writers carry on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, MetaData, text

T = TypeVar("T")

#: Alembic's bookkeeping is written by the migrations themselves, not copied.
SKIPPED_TABLES = {"alembic_version"}


def table_order(engine: Engine) -> list[str]:
    """The database's tables, parents before the tables that refer to them."""
    metadata = MetaData()
    metadata.reflect(engine)
    return [t.name for t in metadata.sorted_tables if t.name not in SKIPPED_TABLES]


def dump_tables(
    engine: Engine, folder: Path, read_facts: Callable[[Any], T]
) -> tuple[dict[str, int], T]:
    """Every table to `<folder>/<n>_<table>.copy` as of one snapshot: rows per table,
    and what `read_facts(driver_connection)` reads in that same snapshot."""
    folder.mkdir(parents=True)
    names = table_order(engine)
    counts: dict[str, int] = {}
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for n, name in enumerate(names):
            path = folder / f"{n:03d}_{name}.copy"
            with conn.cursor() as cur, path.open("wb") as out:
                with cur.copy(f'COPY "{name}" TO STDOUT') as copy:
                    for chunk in copy:
                        out.write(chunk)
                counts[name] = _count(conn, name)
        facts = read_facts(conn)
        conn.execute("COMMIT")
    finally:
        raw.close()
    return counts, facts


def _count(conn: object, name: str) -> int:
    """Rows of a table in the snapshot."""
    row = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()  # type: ignore[attr-defined]
    return int(row[0])


def load_tables(engine: Engine, folder: Path) -> dict[str, int]:
    """Every `<n>_<table>.copy` of `folder` into the (empty, migrated) database, in
    order, in one transaction; sequences moved past the restored ids. Rows per table."""
    counts: dict[str, int] = {}
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        with conn.transaction():
            for path in sorted(folder.glob("*.copy")):
                name = path.stem.split("_", 1)[1]
                with (
                    conn.cursor() as cur,
                    path.open("rb") as src,
                    cur.copy(f'COPY "{name}" FROM STDIN') as copy,
                ):
                    while chunk := src.read(1 << 20):
                        copy.write(chunk)
                counts[name] = _count(conn, name)
    finally:
        raw.close()
    with engine.begin() as connection:
        _reset_sequences(connection, list(counts))
    return counts


def _reset_sequences(connection: object, tables: list[str]) -> None:
    """Each serial `id` continues after the largest restored one."""
    for name in tables:
        has_id = connection.execute(  # type: ignore[attr-defined]
            text(
                "SELECT 1 FROM information_schema.columns "
                "WHERE table_name = :t AND column_name = 'id'"
            ),
            {"t": name},
        ).scalar()
        if not has_id:
            continue
        seq = connection.execute(  # type: ignore[attr-defined]
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": f'"{name}"'}
        ).scalar()
        if seq is None:
            continue
        connection.execute(  # type: ignore[attr-defined]
            text(
                f'SELECT setval(:s, coalesce((SELECT max(id) FROM "{name}"), 1), '
                f'(SELECT max(id) FROM "{name}") IS NOT NULL)'
            ),
            {"s": seq},
        )
