"""Apply and check Alembic migrations (`chengxin db upgrade`, start-up checks, tests)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default, which env.py keeps

# Alembic (with Mako and Pygments behind it) costs every `chengxin` command about 0.15 s
# to import, and only migrating needs it: the functions that migrate import it when
# called, and the start-up check (`is_current`) reads the migration files and the
# version table itself.


def alembic_config() -> Config:
    """An Alembic config pointing at the repository's migrations folder."""
    from alembic.config import Config  # imported when migrating (see above)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine, target: str = "heads") -> None:
    """Bring the database to the newest revision of every branch."""
    from alembic import command  # imported when migrating (see above)

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def _revision_fields(path: Path) -> tuple[str, tuple[str, ...]]:
    """A migration file's `revision` and its parents (`down_revision`), read without
    importing it."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = value = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            found[target.id] = ast.literal_eval(value)  # type: ignore[arg-type]
    down = found.get("down_revision")
    parents = (down,) if isinstance(down, str) else tuple(down or ())  # type: ignore[arg-type]
    return str(found["revision"]), tuple(str(p) for p in parents)


def head_revisions() -> set[str]:
    """The revisions the code expects: those no other migration names as its parent
    (what Alembic's `ScriptDirectory.get_heads` gives; a test pins the two equal)."""
    fields = [
        _revision_fields(path)
        for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py"))
    ]
    parents = {p for _, ps in fields for p in ps}
    return {revision for revision, _ in fields if revision not in parents}


def current_revisions(engine: Engine) -> set[str]:
    """The revisions the database is at (empty when never migrated)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return set()
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
        return {str(row[0]) for row in rows}


def is_current(engine: Engine) -> bool:
    """True when the database schema matches the code's migrations."""
    return current_revisions(engine) == head_revisions()


def write_revision(engine: Engine, message: str) -> list[str]:
    """Autogenerate a migration from the loaded models against the database; its paths.

    The caller loads every model module first (`chengxin db revision` does): the
    comparison sees only the tables whose models are imported.
    """
    from alembic import command  # imported when migrating (see above)

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        scripts = command.revision(config, message=message, autogenerate=True)
    items = scripts if isinstance(scripts, list) else [scripts]
    return [script.path for script in items if script is not None]
