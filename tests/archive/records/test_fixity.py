"""Fixity: altered or vanished blobs are reported by the audit and never served as good."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest

from archive.kernel import audit
from archive.kernel.files import (
    FileIntegrityError,
    blob_path,
    storage_root,
    store_bytes,
)
from archive.kernel.scheduler import registered
from archive.records import jobs  # noqa: F401 - registers the daily jobs
from archive.records.fixity import (
    check_files,
    list_files,
    record_results,
    run_fixity_audit,
)
from archive.records.services import open_record_file
from tests.archive.factories_archive import make_record, research_office


def _tamper(session, stored, data: bytes = b"tampered") -> None:
    path = blob_path(storage_root(session), stored.sha256)
    os.chmod(path, 0o640)
    path.write_bytes(data)


@pytest.fixture
def record_with_file(session):
    user = research_office(session)
    session.info["actor"] = user
    stored = store_bytes(
        session, "原始实验数据 fixity".encode() + os.urandom(8), filename="data.csv"
    )
    record = make_record(session, user, files=[(stored, "main")])
    return user, record, stored


def test_an_intact_store_passes(session, record_with_file):
    root = storage_root(session)
    report = check_files(root, list_files(session))
    assert report.is_intact and report.checked >= 1


def test_an_altered_file_is_reported_and_recorded(session, record_with_file):
    _user, _record, stored = record_with_file
    _tamper(session, stored)
    report = check_files(storage_root(session), list_files(session))
    problem = next(p for p in report.problems if p.stored_file_id == stored.id)
    assert problem.problem == "altered" and problem.actual_sha256 != stored.sha256
    record_results(session, report)
    session.refresh(stored)
    assert stored.last_verified_ok is False
    failed = audit.list_entries(
        session, action="fixity_failed", entity_id=str(stored.id)
    )
    assert failed and failed[0].after["problem"] == "altered"


def test_a_vanished_file_is_reported(session, record_with_file):
    _user, _record, stored = record_with_file
    os.unlink(blob_path(storage_root(session), stored.sha256))
    report = check_files(storage_root(session), list_files(session))
    assert any(
        p.stored_file_id == stored.id and p.problem == "missing"
        for p in report.problems
    )


def test_an_altered_file_is_never_served(session, record_with_file):
    user, record, stored = record_with_file
    _tamper(session, stored)
    with pytest.raises(FileIntegrityError):
        open_record_file(
            session, actor=user, record_id=record.id, record_file_id=record.files[0].id
        )
    refused = audit.list_entries(session, action="download_refused_fixity")
    assert refused and refused[0].entity_id == str(record.id)


def test_the_audit_runs_in_short_sessions(session_factory, session, record_with_file):
    session.commit()

    @contextmanager
    def opener():
        s = session_factory()
        try:
            yield s
            s.commit()
        finally:
            s.close()

    report = run_fixity_audit(opener)
    assert report.checked >= 1
    summary = audit.list_entries(session, action="fixity_audit")
    assert summary and summary[0].after["checked"] == report.checked


def test_the_daily_job_is_registered():
    names = {job.name for job in registered()}
    assert {"archive_fixity", "archive_retention"} <= names
