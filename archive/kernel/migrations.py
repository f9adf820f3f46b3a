"""Apply and check Alembic migrations (`chengxin db upgrade`, start-up checks, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config() -> Config:
    """An Alembic config pointing at the repository's migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine, target: str = "heads") -> None:
    """Bring the database to the newest revision of every branch."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def head_revisions() -> set[str]:
    """The revisions the code expects."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    """The revisions the database is at (empty when never migrated)."""
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def is_current(engine: Engine) -> bool:
    """True when the database schema matches the code's migrations."""
    return current_revisions(engine) == head_revisions()


def write_revision(engine: Engine, message: str) -> list[str]:
    """Autogenerate a migration from the loaded models against the database; its paths.

    The caller loads every model module first (`chengxin db revision` does): the
    comparison sees only the tables whose models are imported.
    """
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        scripts = command.revision(config, message=message, autogenerate=True)
    items = scripts if isinstance(scripts, list) else [scripts]
    return [script.path for script in items if script is not None]
