"""Records: creation, people and keywords, access layers, case files, submissions."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from archive.kernel import audit, clock
from archive.kernel.accounts import Role
from archive.kernel.errors import PermissionDenied
from archive.kernel.files import store_bytes
from archive.records.access import (
    can_view,
    get_record,
    inherited_restrictions,
    set_access,
)
from archive.records.case_files import create_case_file_record
from archive.records.errors import DuplicateRecord, InvalidRecord, RecordNotFound
from archive.records.models import PersonRef, RecordType, RetentionClass
from archive.records.services import (
    create_record_from_submission,
    open_record,
    open_record_file,
)
from archive.search.query import search
from archive.submissions import services as submissions
from tests.archive.factories_archive import (
    discipline_office,
    make_case_file,
    make_record,
    research_office,
)
from tests.factories import make_user


def test_a_record_keeps_its_people_keywords_number_and_retention(session):
    user = research_office(session)
    record = make_record(
        session,
        user,
        record_type="project",
        people=[PersonRef("张三", "负责人"), PersonRef("李四", "参与人")],
        keywords="钢结构；抗震、试验",
        date_start=date(2019, 1, 1),
        date_end=date(2021, 12, 31),
    )
    assert record.number.startswith("KY-2021-")
    assert [(p.name, p.role) for p in record.people] == [
        ("张三", "负责人"),
        ("李四", "参与人"),
    ]
    assert record.keywords == ["钢结构", "抗震", "试验"]
    assert record.retention_class == RetentionClass.PERMANENT
    assert record.year == 2021


def test_invalid_fields_are_refused(session):
    user = research_office(session)
    with pytest.raises(InvalidRecord):
        make_record(session, user, title="  ")
    with pytest.raises(InvalidRecord):
        make_record(session, user, discipline="炼金术")
    with pytest.raises(InvalidRecord):
        make_record(
            session, user, date_start=date(2020, 1, 2), date_end=date(2020, 1, 1)
        )
    with pytest.raises(InvalidRecord):
        make_record(session, user, access_level="sealed", access_reason="x")


def test_only_archive_managers_create_research_records(session):
    teacher = make_user(session, Role.TEACHER)
    with pytest.raises(PermissionDenied):
        make_record(session, teacher)


def test_the_same_record_twice_is_a_duplicate(session):
    user = research_office(session)
    first = make_record(session, user, title="同一篇论文")
    with pytest.raises(DuplicateRecord) as info:
        make_record(session, user, title="同一篇论文 ", people=first_people(first))
    assert info.value.details["existing_number"] == first.number


def first_people(record):
    return [PersonRef(p.name, p.role) for p in record.people]


def test_a_file_attached_twice_is_stored_once(session):
    user = research_office(session)
    blob = store_bytes(session, b"same bytes", filename="a.txt")
    again = store_bytes(session, b"same bytes", filename="b.txt")
    assert blob.id == again.id
    make_record(session, user, files=[(blob, "main")])
    with pytest.raises(DuplicateRecord) as info:
        make_record(session, user, title="另一题名", files=[(again, "main")])
    assert info.value.details["reason"] == "file"


def test_roles_see_their_kind_of_record(session):
    research = research_office(session)
    jiwei = discipline_office(session)
    investigator = make_user(session, Role.INVESTIGATOR)
    paper = make_record(session, research)
    case = make_case_file(session, investigator)
    assert can_view(research, paper) and not can_view(research, case)
    assert can_view(jiwei, paper) and can_view(jiwei, case)
    assert can_view(investigator, case) and not can_view(investigator, paper)
    with pytest.raises(RecordNotFound):
        get_record(session, actor=research, record_id=case.id)


def test_a_seal_hides_a_record_until_its_date_except_from_exempt_roles(session):
    research = research_office(session)
    jiwei = discipline_office(session)
    sealed = make_record(
        session,
        research,
        access_level="sealed",
        sealed_until=clock.today() + timedelta(days=365),
        access_roles=["discipline_office"],
        access_reason="专利申请期内保密",
    )
    assert not can_view(research, sealed)
    assert can_view(jiwei, sealed)
    assert can_view(research, sealed, today=clock.today() + timedelta(days=366))


def test_a_parent_restriction_reaches_children_and_is_described_there(session):
    research = research_office(session)
    jiwei = discipline_office(session)
    parent = make_record(session, research, title="课题组卷宗", record_type="project")
    child = make_record(session, research, title="卷内实验记录", parent_id=parent.id)
    set_access(
        session,
        actor=research,
        record_id=parent.id,
        level="roles",
        roles=["discipline_office"],
        reason="调查期间",
    )
    session.refresh(child)
    assert not can_view(research, child)
    assert can_view(jiwei, child)
    notes = inherited_restrictions(child)
    assert notes and notes[0][0].id == parent.id and "调查期间" in notes[0][1]


def test_views_and_downloads_are_written_to_the_audit_chain(session):
    research = research_office(session)
    session.info["actor"] = research
    blob = store_bytes(session, "实验记录正文".encode(), filename="notes.txt")
    record = make_record(session, research, files=[(blob, "main")])
    open_record(session, actor=research, record_id=record.id)
    attached, data = open_record_file(
        session, actor=research, record_id=record.id, record_file_id=record.files[0].id
    )
    assert data == "实验记录正文".encode()
    session.commit()  # a view is chained when its transaction commits
    actions = [
        e.action
        for e in audit.list_entries(
            session, entity_type="records", entity_id=str(record.id)
        )
    ]
    assert "view" in actions and "download" in actions


def test_a_view_is_chained_at_commit_and_dropped_with_a_rollback(session):
    research = research_office(session)
    session.info["actor"] = research
    record = make_record(session, research)
    session.commit()

    def views() -> list[str]:
        return [
            e.action
            for e in audit.list_entries(
                session, entity_type="records", entity_id=str(record.id)
            )
            if e.action == "view"
        ]

    open_record(session, actor=research, record_id=record.id)
    assert views() == []  # the page renders without holding the chain's lock
    session.commit()
    assert views() == ["view"]
    open_record(session, actor=research, record_id=record.id)
    session.rollback()
    session.commit()
    assert views() == ["view"]
    assert audit.verify_chain(session).is_intact


def test_case_files_are_idempotent_and_carry_evidence_and_letters(session):
    investigator = make_user(session, Role.INVESTIGATOR)
    case = make_case_file(session, investigator, case_number="XS-2026-0999")
    roles = sorted(f.role.value for f in case.files)
    assert roles == ["evidence", "letter"]
    assert case.people[0].role == "被调查人"
    again = create_case_file_record(
        session,
        actor=investigator,
        case_number="XS-2026-0999",
        title=case.title,
        outcome="misconduct",
        closed_on=case.closed_on,
        evidence_file_ids=[case.files[0].stored_file_id],
        letter_file_ids=[],
        summary="",
        unit=None,
        people=[],
    )
    assert again.id == case.id and len(again.files) == 2
    assert case.number == "AJ-XS-2026-0999"


def test_case_file_outcome_must_be_known(session):
    with pytest.raises(InvalidRecord):
        make_case_file(session, None, outcome="whatever")


def test_a_record_from_a_screening_submission(session):
    user = research_office(session)
    batch = submissions.create_batch(session, actor=user, name="2026 届硕士论文")
    sub = submissions.add_file(
        session,
        batch=batch,
        actor=user,
        file_name="thesis.txt",
        stream=io.BytesIO("高熵合金的相稳定性研究。".encode()),
    )
    sub.title, sub.author, sub.unit = "高熵合金相稳定性研究", "赵六", "材料学院"
    sub.text = "高熵合金的相稳定性研究。"
    record = create_record_from_submission(session, actor=user, submission_id=sub.id)
    assert record.type == RecordType.THESIS and record.people[0].name == "赵六"
    assert record.files[0].stored_file_id == sub.stored_file_id
    assert sub.record_id == record.id
    again = create_record_from_submission(session, actor=user, submission_id=sub.id)
    assert again.id == record.id
    hits = search(session, actor=user, query="相稳定性").hits
    assert [h.record.id for h in hits] == [record.id]
