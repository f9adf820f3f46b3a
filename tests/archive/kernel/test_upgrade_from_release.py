"""A database the previous release wrote (schema 0003, `tests/fixtures/release_0003/`)
migrates to this release's head with every record intact and its audit chain verifying."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.kernel import audit
from archive.kernel.db import make_engine, make_session_factory
from archive.kernel.migrations import (
    current_revisions,
    head_revisions,
    is_current,
    upgrade,
)
from archive.kernel.settings import Settings
from archive.records.fixity import check_files, list_files
from archive.records.services import find_case_file
from casework.models import Case, CaseSanction, CaseState, Evidence
from tests.archive.backup.representative import counts
from web.schema import load_models

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "release_0003"
EXPECTED = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def release_data_dir(tmp_path: Path) -> Path:
    """The previous release's data directory, rebuilt from the fixture's SQL and files."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copyfile(FIXTURE / "chengxin.sqlite3", data_dir / "chengxin.sqlite3")
    shutil.copytree(FIXTURE / "files", data_dir / "files")
    return data_dir


def test_previous_release_database_migrates_with_every_record_intact(
    release_data_dir: Path,
) -> None:
    settings = Settings(env="test", data_dir=release_data_dir, secret_key="k").checked()
    engine = make_engine(settings)
    try:
        assert current_revisions(engine) == {EXPECTED["revision"]}
        load_models()
        upgrade(engine)
        assert is_current(engine) and current_revisions(engine) == head_revisions()
        factory = make_session_factory(engine, settings)
        with factory() as session:
            assert counts(session) == EXPECTED["counts"]
            chain = audit.verify_chain(session)
            assert chain.is_intact, chain.problem
            assert chain.checked == EXPECTED["audit_entries"]
            assert chain.head_hash == EXPECTED["audit_head"]
            case = session.scalar(
                select(Case).where(Case.number == EXPECTED["case_number"])
            )
            assert case is not None and case.state == CaseState.ARCHIVED
            assert session.scalar(
                select(Evidence).where(Evidence.sha256 == EXPECTED["evidence_sha256"])
            )
            assert session.scalars(select(CaseSanction)).all()
            assert find_case_file(session, case.number) is not None
            files = list_files(session)
        assert {sha for _, sha, _ in files} == set(EXPECTED["files"])
        assert check_files(release_data_dir / "files", files).is_intact
    finally:
        engine.dispose()


def test_the_upgraded_database_takes_new_records(release_data_dir: Path) -> None:
    """Sequences and constraints survive: the next audit entry chains onto the old head."""
    settings = Settings(env="test", data_dir=release_data_dir, secret_key="k").checked()
    engine = make_engine(settings)
    try:
        load_models()
        upgrade(engine)
        factory = make_session_factory(engine, settings)
        with factory() as session:
            session.info["actor"] = "upgrade-test"
            audit.record_event(session, action="view", entity_type="cases", entity_id=1)
            session.commit()
            chain = audit.verify_chain(session)
        assert chain.is_intact and chain.checked == EXPECTED["audit_entries"] + 1
    finally:
        engine.dispose()
