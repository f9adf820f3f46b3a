"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, make_url, text

from archive.kernel.db import make_engine
from archive.kernel.migrations import head_revisions, is_current, upgrade
from archive.search.schema import include_object
from web.schema import load_models


@pytest.fixture
def fresh_engine(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """An empty database of the kind under test."""
    base = os.environ.get("CHENGXIN_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
        yield engine
        engine.dispose()
        return
    url = make_url(base)
    name = f"chengxin_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_and_models_agree(fresh_engine):
    assert not is_current(fresh_engine)
    upgrade(fresh_engine)
    assert is_current(fresh_engine)
    metadata = load_models()
    with fresh_engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        diff = compare_metadata(context, metadata)
    summary = [
        f"{d[0]} {getattr(d[1], 'name', d[1])}" if isinstance(d, tuple) else str(d)
        for d in diff
    ]
    assert diff == [], f"models and migrations differ ({len(diff)}): {summary[:20]}"


def test_a_single_line_of_history_per_area_joins_at_the_foundation():
    assert "0001_foundation" not in head_revisions() or len(head_revisions()) == 1


def test_full_text_search_works_on_a_migrated_database(fresh_engine):
    from archive.kernel.accounts import Role, create_user
    from archive.kernel.db import make_session_factory
    from archive.records.services import RecordInput, create_record
    from archive.search import query as search

    upgrade(fresh_engine)
    factory = make_session_factory(fresh_engine)
    with factory() as session:
        actor = create_user(
            session,
            username="ro",
            password="password-123",
            display_name="科研处",
            roles={Role.RESEARCH_OFFICE},
        )
        create_record(
            session,
            actor=actor,
            data=RecordInput(
                record_type="paper",
                title="基于深度学习的古籍文字识别研究",
                keywords="古籍;文字识别",
            ),
        )
        session.commit()
        result = search.search(session, actor=actor, query="古籍文字识别")
        assert result.total == 1
        assert result.hits[0].record.title == "基于深度学习的古籍文字识别研究"
