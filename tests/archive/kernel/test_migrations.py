"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, make_url, text

from archive.kernel.db import make_engine
from archive.kernel.migrations import (
    alembic_config,
    current_revisions,
    head_revisions,
    is_current,
    upgrade,
)
from archive.search.schema import include_object
from web.schema import load_models

FOUNDATION = "0001_foundation"
pytestmark = pytest.mark.database


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


def history_problems(script: ScriptDirectory) -> list[str]:
    """What breaks the history: a base other than the foundation, or an area (a branch
    label, or the unlabelled main line) with more than one head."""
    problems = []
    bases = sorted(script.get_bases())
    if bases != [FOUNDATION]:
        problems.append(f"bases {bases}: every line must start at {FOUNDATION}")
    heads_by_area: dict[str, list[str]] = {}
    for head in script.get_heads():
        labels = script.get_revision(head).branch_labels
        area = ",".join(sorted(labels)) or "(main line)"
        heads_by_area.setdefault(area, []).append(head)
    for area, heads in sorted(heads_by_area.items()):
        if len(heads) > 1:
            problems.append(f"{area} has {len(heads)} heads: {sorted(heads)}")
    return problems


def test_a_single_line_of_history_per_area_joins_at_the_foundation():
    script = ScriptDirectory.from_config(alembic_config())
    assert history_problems(script) == []
    assert set(script.get_heads()) == head_revisions()


def _history(tmp_path, revisions: dict[str, str | None]) -> ScriptDirectory:  # type: ignore[no-untyped-def]
    versions = tmp_path / "versions"
    versions.mkdir(parents=True)
    for revision, down in revisions.items():
        (versions / f"{revision}.py").write_text(
            f"revision = {revision!r}\ndown_revision = {down!r}\n"
            "branch_labels = None\ndepends_on = None\n",
            encoding="utf-8",
        )
    return ScriptDirectory(str(tmp_path))


def test_a_fork_or_a_second_base_breaks_the_history(tmp_path):
    forked = _history(
        tmp_path / "fork",
        {FOUNDATION: None, "0002_a": FOUNDATION, "0002_b": FOUNDATION},
    )
    assert history_problems(forked) == ["(main line) has 2 heads: ['0002_a', '0002_b']"]
    two_bases = _history(
        tmp_path / "bases", {FOUNDATION: None, "0002_a": FOUNDATION, "x": None}
    )
    assert history_problems(two_bases) == [
        f"bases ['{FOUNDATION}', 'x']: every line must start at {FOUNDATION}",
        "(main line) has 2 heads: ['0002_a', 'x']",
    ]


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


def test_the_start_up_check_reads_the_version_table_as_alembic_does(fresh_engine):
    assert current_revisions(fresh_engine) == set()
    upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        alembics = set(MigrationContext.configure(conn).get_current_heads())
    assert current_revisions(fresh_engine) == alembics == head_revisions()
