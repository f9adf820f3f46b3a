"""The casework hand-off: final decisions become records, idempotently; records are immutable."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from archive.kernel import clock
from archive.kernel.errors import InvalidInput
from casework.credit import services
from casework.credit.errors import RecordImmutable
from casework.credit.models import RecordKind
from tests.casework.credit.factories_credit import (
    clearance_input,
    credit_admin,
    make_subject,
    sanction_input,
)


def _at(day: date) -> None:
    clock.freeze(datetime(day.year, day.month, day.day, 4, tzinfo=UTC))


def test_ingest_creates_records_grade_d_and_public_entry(session):
    _at(date(2026, 2, 1))
    person, _user = make_subject(session)
    records = services.ingest_final_decision(
        session, actor="casework", case_id=None, entries=[sanction_input(person)]
    )
    assert len(records) == 1
    r = records[0]
    assert r.kind is RecordKind.DISHONESTY and r.is_ban and r.is_public
    assert r.disclosure_until == date(2029, 1, 9)  # serious: 3 years
    grade = services.current_grade(session, person_id=person.id)
    assert grade.grade == "D"
    assert any("直接评为 D" in line["note"] for line in grade.explanation)
    public = services.public_sanctions(session)
    assert [p.decision_number for p in public] == ["校学术〔2026〕3号"]
    assert public[0].name == "张**" and "**" in public[0].id_number


def test_ingest_is_idempotent_per_case(session):
    person, _ = make_subject(session)
    entry = sanction_input(person)
    first = services.ingest_final_decision(
        session,
        actor="casework",
        case_id=7,
        entries=[entry],
        clearances=[clearance_input(person)],
    )
    again = services.ingest_final_decision(
        session,
        actor="casework",
        case_id=7,
        entries=[entry],
        clearances=[clearance_input(person)],
    )
    assert [r.id for r in first] == [r.id for r in again]
    cf = services.credit_file(session, actor=credit_admin(session), person_id=person.id)
    assert len(cf.dishonesty) == 1 and len(cf.clearances) == 1


def test_catalogue_limits_publicity(session):
    person, _ = make_subject(session)
    [r] = services.ingest_final_decision(
        session,
        actor="casework",
        case_id=1,
        entries=[sanction_input(person, "S12", ends_on=date(2027, 1, 9))],
    )
    assert r.is_public is False and r.report_to_province is False
    assert r.disclosure_until is None


def test_unknown_code_refused(session):
    person, _ = make_subject(session)
    with pytest.raises(InvalidInput):
        services.ingest_final_decision(
            session,
            actor="casework",
            case_id=1,
            entries=[sanction_input(person, "S99")],
        )


def test_records_cannot_be_edited_only_corrected(session):
    person, _ = make_subject(session)
    [r] = services.ingest_final_decision(
        session, actor="casework", case_id=2, entries=[sanction_input(person)]
    )
    r.reason = "改写"
    with pytest.raises(RecordImmutable):
        session.flush()
    session.rollback()
    person, _ = make_subject(session)
    [r] = services.ingest_final_decision(
        session, actor="casework", case_id=3, entries=[sanction_input(person)]
    )
    admin = credit_admin(session)
    new = services.correct_record(
        session,
        actor=admin,
        record_id=r.id,
        note="文号录入错误",
        decision_number="校学术〔2026〕5号",
    )
    assert new.corrects_id == r.id
    assert services.record_state(r).code == "corrected"
    assert services.record_state(new).code == "public"
    assert [
        p.decision_number
        for p in services.public_sanctions(session)
        if p.decision_number.startswith("校学术〔2026〕")
    ].count("校学术〔2026〕3号") == 0


def test_review_decision_supersedes_the_first(session):
    _at(date(2026, 3, 1))
    person, _ = make_subject(session)
    [first] = services.ingest_final_decision(
        session, actor="casework", case_id=11, entries=[sanction_input(person)]
    )
    [review] = services.ingest_final_decision(
        session,
        actor="casework",
        case_id=11,
        entries=[
            sanction_input(
                person,
                "S12",
                ends_on=date(2027, 1, 9),
                decision_number="复查〔2026〕1号",
            )
        ],
    )
    assert services.record_state(first).code == "corrected"
    assert services.record_state(review).code == "not_public"
    assert services.current_grade(session, person_id=person.id).grade == "B"
    cleared = services.ingest_final_decision(
        session,
        actor="casework",
        case_id=11,
        entries=[],
        clearances=[
            clearance_input(
                person, decision_number="复查〔2026〕2号", case_number="XS-2026-0001"
            )
        ],
    )
    assert cleared[0].kind is RecordKind.CLEARANCE
    assert services.record_state(review).code == "corrected"
    assert services.current_grade(session, person_id=person.id).grade == "A"
