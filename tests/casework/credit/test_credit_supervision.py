"""Graded supervision: the check other systems call, and the daily expiry job."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from archive.kernel import clock, scheduler
from archive.kernel.accounts import Role
from archive.kernel.errors import PermissionDenied
from casework.credit import jobs, services
from casework.credit.errors import NumberNotInRegister, UnknownAction
from casework.credit.models import RecordEventKind
from tests.casework.credit.factories_credit import (
    credit_admin,
    make_subject,
    sanction_input,
)
from tests.factories import make_user


def test_ban_refuses_with_reason_and_end_date(session):
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    checker = make_user(session, Role.RESEARCH_OFFICE)
    person, _ = make_subject(session)
    services.ingest_final_decision(
        session, actor="casework", case_id=1, entries=[sanction_input(person, "S06")]
    )
    result = services.check(
        session, actor=checker, person_id=person.id, action="project_application"
    )
    assert (
        not result.allowed and result.until == date(2029, 1, 9) and result.grade == "D"
    )
    assert "取消申报/晋升资格" in result.reason
    admission = services.check(
        session, actor=checker, person_id=person.id, action="admission"
    )
    assert (
        not admission.allowed
        and "信用等级 D" in admission.reason
        and admission.until == date(2029, 1, 9)
    )
    assert admission.as_dict()["until"] == "2029-01-09"


def test_clean_subject_allowed_and_bad_input(session):
    admin = credit_admin(session)
    person, user = make_subject(session)
    assert services.check(
        session, actor=admin, person_id=person.id, action="hiring"
    ).allowed
    with pytest.raises(UnknownAction):
        services.check(session, actor=admin, person_id=person.id, action="travel")
    with pytest.raises(PermissionDenied):
        services.check(session, actor=user, person_id=person.id, action="hiring")


def test_permanent_measure_has_no_end(session):
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    admin = credit_admin(session)
    person, _ = make_subject(session)
    services.ingest_final_decision(
        session,
        actor="casework",
        case_id=1,
        entries=[sanction_input(person, "S07", ends_on=None)],
    )
    result = services.check(session, actor=admin, person_id=person.id, action="funding")
    assert not result.allowed and result.is_permanent and result.until is None


def test_daily_job_records_end_of_disclosure_and_expiry_once(session):
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    person, _ = make_subject(session)
    [record] = services.ingest_final_decision(
        session,
        actor="casework",
        case_id=1,
        entries=[sanction_input(person, "S06", ends_on=date(2027, 1, 9))],
    )
    assert services.public_sanctions(session)
    clock.freeze(datetime(2029, 1, 11, 4, tzinfo=UTC))
    assert services.public_sanctions(session) == []
    jobs.end_disclosures_and_measures(session, clock.today())
    jobs.end_disclosures_and_measures(session, clock.today())
    kinds = [e.kind for e in record.events]
    assert (
        kinds.count(RecordEventKind.DISCLOSURE_ENDED) == 1
        and kinds.count(RecordEventKind.EXPIRED) == 1
    )
    assert "credit_expiry" in {j.name for j in scheduler.registered()}
    assert services.record_state(record).code == "expired"
    jobs.recompute_all_grades(session, clock.today())
    assert services.latest_grade(session, person_id=person.id).grade == "A"


def test_degree_bar_refuses_admission_until_its_end(session):
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    admin = credit_admin(session)
    person, _ = make_subject(session)
    services.ingest_final_decision(
        session,
        actor="casework",
        case_id=1,
        entries=[sanction_input(person, "S14", ends_on=date(2029, 1, 9))],
    )
    result = services.check(
        session, actor=admin, person_id=person.id, action="admission"
    )
    assert not result.allowed and result.until == date(2029, 1, 9)
    assert "不授予/撤销学位" in result.reason


def test_check_on_another_day_stores_no_grade(session):
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    admin = credit_admin(session)
    person, _ = make_subject(session)
    services.ingest_final_decision(
        session, actor="casework", case_id=1, entries=[sanction_input(person)]
    )
    before = services.latest_grade(session, person_id=person.id)
    later = services.check(
        session,
        actor=admin,
        person_id=person.id,
        action="admission",
        on=date(2029, 2, 1),
    )
    assert later.allowed and later.grade == "A"
    assert services.latest_grade(session, person_id=person.id).id == before.id


def test_known_person_without_a_file_is_allowed_and_unknown_number_told_apart(session):
    checker = make_user(session, Role.RESEARCH_OFFICE)
    person, _ = make_subject(session, university_id="2026000111", with_user=False)
    subject, result = services.check_number(
        session, actor=checker, number="2026000111", action="admission"
    )
    assert subject.id == person.id and result.allowed and not result.has_record
    assert result.reason.startswith("无失信记录")
    assert result.as_dict()["has_dishonesty_record"] is False
    with pytest.raises(NumberNotInRegister) as err:
        services.check_number(
            session, actor=checker, number="2026000112", action="admission"
        )
    assert "2026000112" in err.value.message and "输入有误" in err.value.message
    stranger = make_user(session, Role.STUDENT)
    with pytest.raises(PermissionDenied):
        services.check_number(
            session, actor=stranger, number="2026000112", action="admission"
        )
