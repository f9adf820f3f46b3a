"""`chengxin backup` while the system writes, `chengxin restore` onto a fresh data
directory and database: every record, audit entry and file is back, the chain and every
file hash verify. Real child processes, a real SQLite file or PostgreSQL database."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.kernel import audit, runtime
from archive.kernel.audit import AuditEntry
from archive.kernel.db import make_engine, make_session_factory, session_scope
from archive.kernel.files import blob_path, store_bytes
from archive.kernel.migrations import is_current, upgrade
from archive.kernel.settings import Settings
from tests.archive.backup.databases import cli_env, own_database, run
from tests.archive.backup.representative import Seeded, counts, seed
from web.schema import load_models

pytestmark = [pytest.mark.timeout(300), pytest.mark.database]


@dataclass
class System:
    """A migrated, seeded system: its settings, sessions and `chengxin` environment."""

    settings: Settings
    factory: sessionmaker[Session]
    env: dict[str, str]
    seeded: Seeded


def _system(data_dir: Path, url: str) -> System:
    settings = Settings(
        env="test",
        data_dir=data_dir,
        database_url=url,
        secret_key="k",
        jobs_mode="sync",
    ).checked()
    engine = make_engine(settings)
    load_models()
    upgrade(engine)
    factory = make_session_factory(engine, settings)
    runtime.configure(settings, engine=engine, session_factory=factory)
    with session_scope(factory, actor="seed") as session:
        seeded = seed(session)
    return System(settings, factory, cli_env(data_dir, url), seeded)


@pytest.fixture
def system(tmp_path: Path) -> Iterator[System]:
    with own_database(tmp_path / "db", "live") as url:
        sys_ = _system(tmp_path / "live", url)
        yield sys_
        sys_.factory.kw["bind"].dispose()


def _keep_writing(system: System, stop: threading.Event, made: list[str]) -> None:
    """Uploads and audited reads, one transaction each, until told to stop."""
    rng = random.Random(5)
    while not stop.is_set():
        with session_scope(system.factory, actor="writer") as session:
            row = store_bytes(session, rng.randbytes(2000), filename="during.bin")
            audit.record_event(
                session, action="download", entity_type="stored_files", entity_id=row.id
            )
        made.append(row.sha256)


def _chain(factory: sessionmaker[Session]) -> list[tuple[int, str]]:
    with factory() as session:
        rows = session.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq)
        )
        return [(int(seq), str(h)) for seq, h in rows]


def test_backup_while_writing_restores_everything_and_verifies(
    system: System, tmp_path: Path
) -> None:
    stop = threading.Event()
    made: list[str] = []
    writer = threading.Thread(target=_keep_writing, args=(system, stop, made))
    writer.start()
    try:
        while len(made) < 3:  # the writer is under way
            threading.Event().wait(0.05)
        backup = run(system.env, "backup", str(tmp_path / "backup"))
    finally:
        stop.set()
        writer.join()
    assert backup.returncode == 0, backup.stdout + backup.stderr
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["audit_entries"] > 0 and manifest["files"]
    original = _chain(system.factory)
    assert len(original) > manifest["audit_entries"] or made  # writes went on

    with own_database(tmp_path / "db", "restored") as url:
        env = cli_env(tmp_path / "restored", url)
        restored = run(env, "restore", str(tmp_path / "backup"))
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "verified: audit chain intact" in restored.stdout
        engine = make_engine(url)
        try:
            assert is_current(engine)
            factory = make_session_factory(engine)
            chain = _chain(factory)
            # Exactly the chain as it stood at the snapshot: nothing lost, nothing torn.
            assert chain == original[: manifest["audit_entries"]]
            with factory() as session:
                after = counts(session)
            with system.factory() as session:
                before = counts(session)
            for table, n in after.items():
                if table not in ("audit_entries", "stored_files"):
                    assert n == before[table], table
            assert after["stored_files"] == len(manifest["files"])
            for sha in manifest["files"]:
                assert blob_path(tmp_path / "restored" / "files", sha).exists()
            with factory() as session:
                report = audit.verify_chain(session)
            assert report.is_intact and report.head_hash == manifest["audit_head"]
        finally:
            engine.dispose()
        case = run(env, "cases", "show", system.seeded.case_number)
        assert case.returncode == 0 and system.seeded.case_number in case.stdout


def test_restore_names_a_damaged_file(system: System, tmp_path: Path) -> None:
    assert run(system.env, "backup", str(tmp_path / "backup")).returncode == 0
    blob = blob_path(tmp_path / "backup" / "files", system.seeded.evidence_sha256)
    blob.write_bytes(b"%PDF-1.4 altered after the backup")
    with own_database(tmp_path / "db", "restored") as url:
        restored = run(
            cli_env(tmp_path / "restored", url), "restore", str(tmp_path / "backup")
        )
    assert restored.returncode == 1
    assert "原文.pdf" in restored.stderr and "altered" in restored.stderr


def test_restore_refuses_a_system_in_use(system: System, tmp_path: Path) -> None:
    assert run(system.env, "backup", str(tmp_path / "backup")).returncode == 0
    again = run(system.env, "restore", str(tmp_path / "backup"))
    assert again.returncode == 1
    assert "非空" in again.stderr
    refused = run(system.env, "backup", str(tmp_path / "backup"))
    assert refused.returncode == 1 and "非空" in refused.stderr
