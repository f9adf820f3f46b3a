"""Retention classes from record type and case outcome; disposal with approval and tombstone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from archive.kernel import clock
from archive.kernel.errors import InvalidInput, PermissionDenied
from archive.kernel.files import blob_path, storage_root, store_bytes
from archive.records import retention
from archive.records.errors import DisposalNotAllowed
from archive.records.models import RecordStatus, RecordType, RetentionClass
from archive.search.query import search
from tests.archive.factories_archive import (
    discipline_office,
    make_case_file,
    make_record,
    research_office,
)


@pytest.mark.parametrize(
    ("outcome", "sanctions", "expected"),
    [
        ("misconduct", ("S10:记过",), RetentionClass.PERMANENT),
        ("misconduct", ("S14",), RetentionClass.PERMANENT),
        ("misconduct", ("撤销学位",), RetentionClass.PERMANENT),
        ("misconduct", ("S12:留校察看",), RetentionClass.PERMANENT),
        ("misconduct", ("S10:警告",), RetentionClass.Y30),
        ("misconduct", ("S10:12",), RetentionClass.PERMANENT),
        ("misconduct", ("S10:6",), RetentionClass.Y30),
        ("misconduct", ("S10",), RetentionClass.Y30),
        ("misconduct", ("S01", "S02"), RetentionClass.Y30),
        ("misconduct", (), RetentionClass.Y30),
        ("cleared", (), RetentionClass.Y30),
        ("terminated", (), RetentionClass.Y30),
        ("rejected", (), RetentionClass.Y10),
    ],
)
def test_case_file_retention_follows_the_outcome(outcome, sanctions, expected):
    klass, basis = retention.class_for_case(outcome, sanctions)
    assert klass == expected and basis


def test_research_record_retention_follows_the_type():
    assert retention.class_for_type(RecordType.PROJECT)[0] == RetentionClass.PERMANENT
    assert retention.class_for_type(RecordType.THESIS)[0] == RetentionClass.PERMANENT
    assert retention.class_for_type(RecordType.PAPER)[0] == RetentionClass.Y30
    assert retention.class_for_type(RecordType.NOTEBOOK)[0] == RetentionClass.Y10


def test_no_term_is_below_seven_years():
    for klass in RetentionClass:
        until = retention.retention_until(klass, date(2020, 2, 29))
        assert until is None or until >= date(2027, 2, 28)
    assert retention.retention_until(RetentionClass.Y10, date(2020, 2, 29)) == date(
        2030, 2, 28
    )


def test_a_case_file_gets_its_class_and_term(session):
    case = make_case_file(session, None, outcome="rejected", closed_on=date(2026, 6, 1))
    assert case.retention_class == RetentionClass.Y10
    assert case.retention_until == date(2036, 6, 1)
    grave = make_case_file(session, None, sanctions=("S13",))
    assert (
        grave.retention_class == RetentionClass.PERMANENT
        and grave.retention_until is None
    )


def test_retention_can_be_lengthened_not_shortened(session):
    user = research_office(session)
    notebook = make_record(session, user, record_type="notebook")
    with pytest.raises(InvalidInput):
        retention.set_retention(
            session, actor=user, record_id=notebook.id, retention_class="10y", basis=""
        )
    retention.set_retention(
        session,
        actor=user,
        record_id=notebook.id,
        retention_class="permanent",
        basis="重大成果",
    )
    assert notebook.retention_until is None
    paper = make_record(session, user)
    with pytest.raises(InvalidInput):
        retention.set_retention(
            session, actor=user, record_id=paper.id, retention_class="10y", basis="x"
        )


def _expired_notebook(session, user):
    blob = store_bytes(
        session, b"old lab notebook page " + str(id(user)).encode(), filename="page.txt"
    )
    return make_record(
        session,
        user,
        record_type="notebook",
        title="2001 年实验记录本",
        date_start=date(2001, 1, 1),
        files=[(blob, "main")],
    ), blob


def test_disposal_needs_a_request_and_anothers_approval_and_leaves_a_tombstone(session):
    user = research_office(session)
    approver = discipline_office(session)
    record, blob = _expired_notebook(session, user)
    assert record.id in [
        r.id for r in retention.list_due_for_disposal(session, actor=user)
    ]
    assert retention.count_due_for_disposal(session) >= 1
    req = retention.request_disposal(
        session, actor=user, record_id=record.id, reason="期满，经鉴定无保存价值"
    )
    with pytest.raises(DisposalNotAllowed):
        retention.request_disposal(
            session, actor=user, record_id=record.id, reason="again"
        )
    with pytest.raises(PermissionDenied):
        retention.approve_disposal(session, actor=user, request_id=req.id)
    path = blob_path(storage_root(session), blob.sha256)
    assert path.exists()
    tomb = retention.approve_disposal(
        session, actor=approver, request_id=req.id, note="同意"
    )
    assert (
        tomb.title == "2001 年实验记录本" and tomb.approved_by == approver.display_name
    )
    assert (
        tomb.files[0]["sha256"] == blob.sha256
        and tomb.requested_by == user.display_name
    )
    assert record.status == RecordStatus.DISPOSED and record.files == []
    assert not path.exists()
    assert search(session, actor=approver, query="实验记录本").total == 0
    assert retention.find_tombstone(session, record.id).id == tomb.id


def test_permanent_and_current_records_cannot_be_disposed_of(session):
    user = research_office(session)
    project = make_record(session, user, record_type="project")
    with pytest.raises(DisposalNotAllowed):
        retention.request_disposal(
            session, actor=user, record_id=project.id, reason="x"
        )
    fresh = make_record(
        session,
        user,
        record_type="notebook",
        date_start=clock.today() - timedelta(days=30),
    )
    with pytest.raises(DisposalNotAllowed):
        retention.request_disposal(session, actor=user, record_id=fresh.id, reason="x")


def test_a_rejected_request_keeps_the_record(session):
    user = research_office(session)
    approver = discipline_office(session)
    record, _blob = _expired_notebook(session, user)
    req = retention.request_disposal(
        session, actor=user, record_id=record.id, reason="期满"
    )
    retention.reject_disposal(
        session, actor=approver, request_id=req.id, note="仍有查考价值"
    )
    assert record.status == RecordStatus.ACTIVE


def test_a_blob_shared_with_another_record_survives_disposal(session):
    user = research_office(session)
    approver = discipline_office(session)
    record, blob = _expired_notebook(session, user)
    make_record(
        session,
        user,
        title="引用同一文件的档案",
        files=[(blob, "attachment")],
        check_duplicates=False,
    )
    req = retention.request_disposal(
        session, actor=user, record_id=record.id, reason="期满"
    )
    retention.approve_disposal(session, actor=approver, request_id=req.id)
    assert blob_path(storage_root(session), blob.sha256).exists()
