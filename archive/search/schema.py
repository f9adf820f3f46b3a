"""The full-text index that is not a model: FTS5 on SQLite, a tsvector and GIN on PostgreSQL.

* SQLite: an FTS5 table `archive_fts` (external content = `archive_search_docs`, tokenizer
  unicode61 without diacritic folding, kept in step by triggers) ranked by bm25.
* PostgreSQL: a `tsv` column (`to_tsvector('simple', …)` of the same text, title weight A,
  metadata B, body C, bigrams D) kept by a trigger, and a GIN index, ranked by `ts_rank`.

`ensure_search_schema(bind)` creates these (called on create_all and by the migration);
`include_object` tells Alembic to leave them alone (`migrations/env.py`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection, Engine

FTS_TABLE = "archive_fts"
PG_TSV_INDEX = "ix_archive_search_docs_tsv"

_COLS = "title_seg, meta_seg, body_seg, grams"
_NEW = "new.record_id, new.title_seg, new.meta_seg, new.body_seg, new.grams"
_OLD = "old.record_id, old.title_seg, old.meta_seg, old.body_seg, old.grams"
_SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_COLS}, "
    "content='archive_search_docs', content_rowid='record_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS archive_search_docs_ai AFTER INSERT ON archive_search_docs "
    f"BEGIN INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES ({_NEW}); END",
    "CREATE TRIGGER IF NOT EXISTS archive_search_docs_ad AFTER DELETE ON archive_search_docs "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) "
    f"VALUES ('delete', {_OLD}); END",
    "CREATE TRIGGER IF NOT EXISTS archive_search_docs_au AFTER UPDATE ON archive_search_docs "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) "
    f"VALUES ('delete', {_OLD}); "
    f"INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES ({_NEW}); END",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS archive_search_docs_ai",
    "DROP TRIGGER IF EXISTS archive_search_docs_ad",
    "DROP TRIGGER IF EXISTS archive_search_docs_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
_PG_DDL = (
    "ALTER TABLE archive_search_docs ADD COLUMN IF NOT EXISTS tsv tsvector",
    "CREATE OR REPLACE FUNCTION archive_search_docs_tsv() RETURNS trigger AS $$ BEGIN "
    "NEW.tsv := setweight(to_tsvector('simple', coalesce(NEW.title_seg, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(NEW.meta_seg, '')), 'B') || "
    "setweight(to_tsvector('simple', coalesce(NEW.body_seg, '')), 'C') || "
    "setweight(to_tsvector('simple', coalesce(NEW.grams, '')), 'D'); "
    "RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE TRIGGER archive_search_docs_tsv BEFORE INSERT OR UPDATE "
    "ON archive_search_docs FOR EACH ROW EXECUTE FUNCTION archive_search_docs_tsv()",
    f"CREATE INDEX IF NOT EXISTS {PG_TSV_INDEX} ON archive_search_docs USING gin (tsv)",
)
_PG_DROP = (
    "DROP TRIGGER IF EXISTS archive_search_docs_tsv ON archive_search_docs",
    "DROP FUNCTION IF EXISTS archive_search_docs_tsv()",
    f"DROP INDEX IF EXISTS {PG_TSV_INDEX}",
    "ALTER TABLE archive_search_docs DROP COLUMN IF EXISTS tsv",
)


def search_schema_ddl(dialect: str) -> tuple[str, ...]:
    """The statements that create the full-text index on this dialect (for migrations)."""
    return _PG_DDL if dialect == "postgresql" else _SQLITE_DDL


def ensure_search_schema(bind: Connection | Engine) -> None:
    """Create the full-text index objects if missing (idempotent)."""
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            ensure_search_schema(conn)
        return
    for statement in search_schema_ddl(bind.dialect.name):
        bind.exec_driver_sql(statement)


def drop_search_schema(bind: Connection | Engine) -> None:
    """Drop the full-text index objects (migration downgrade, drop_all)."""
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            drop_search_schema(conn)
        return
    for statement in _PG_DROP if bind.dialect.name == "postgresql" else _SQLITE_DROP:
        bind.exec_driver_sql(statement)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: the FTS objects are ours, not the models' (env.py include_object)."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == "tsv" and reflected and compare_to is None:
        table = getattr(obj, "table", None)
        return getattr(table, "name", "") != "archive_search_docs"
    return not (type_ == "index" and name == PG_TSV_INDEX)
