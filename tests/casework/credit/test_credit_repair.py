"""Credit repair: minimum periods, non-repairable records, twice, conditions, the review."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from archive.kernel import clock
from archive.kernel.errors import InvalidInput, PermissionDenied
from casework.catalogue import CreditClass
from casework.credit import services
from casework.credit.errors import (
    RecordNotRepairable,
    RepairAlreadyApplied,
    RepairAlreadyDecided,
    RepairConditionsNotMet,
    RepairTooEarly,
)
from casework.credit.models import RepairStatus
from tests.casework.credit.factories_credit import (
    credit_admin,
    make_subject,
    sanction_input,
)


def _at(day: date) -> None:
    clock.freeze(datetime(day.year, day.month, day.day, 4, tzinfo=UTC))


def _record(session, person, code="S06", case_id=1, **kw):
    [r] = services.ingest_final_decision(
        session,
        actor="casework",
        case_id=case_id,
        entries=[sanction_input(person, code, **kw)],
    )
    return r


def _apply(session, user, record, **kw):
    fields = {
        "statement": "已深刻认识错误并完成整改",
        "has_met_obligations": True,
        "sign_repair_commitment": True,
    }
    fields.update(kw)
    return services.apply_for_repair(session, actor=user, record_id=record.id, **fields)


def test_too_early_gives_the_date(session):
    _at(date(2026, 6, 1))
    person, user = make_subject(session)
    record = _record(session, person)  # serious, starts 2026-01-10
    with pytest.raises(RepairTooEarly) as exc:
        _apply(session, user, record)
    assert exc.value.details["possible_on"] == "2027-01-10"
    assert "2027-01-10" in exc.value.message
    assert services.eligibility(record).possible_on == date(2027, 1, 10)


def test_general_class_after_three_months(session):
    _at(date(2026, 4, 9))
    person, user = make_subject(session)
    record = _record(session, person, "S12", ends_on=date(2027, 1, 9))
    with pytest.raises(RepairTooEarly):
        _apply(session, user, record)
    clock.advance(timedelta(days=1))
    application = _apply(session, user, record)
    assert application.status is RepairStatus.SUBMITTED
    assert application.due_on == date(
        2026, 4, 24
    )  # 10 working days from Fri 2026-04-10


def test_non_repairable_record_refused(session):
    _at(date(2030, 1, 1))
    person, user = make_subject(session)
    record = _record(session, person, "S14", ends_on=None)
    with pytest.raises(RecordNotRepairable):
        _apply(session, user, record)
    lifetime = _record(session, person, "S06", case_id=2, ends_on=None)
    with pytest.raises(RecordNotRepairable):
        _apply(session, user, lifetime)


def test_twice_refused_and_conditions_checked(session):
    _at(date(2027, 2, 1))
    person, user = make_subject(session)
    record = _record(session, person)
    with pytest.raises(RepairConditionsNotMet):
        _apply(session, user, record, has_met_obligations=False)
    with pytest.raises(RepairConditionsNotMet):
        _apply(session, user, record, sign_repair_commitment=False)
    _apply(session, user, record)
    with pytest.raises(RepairAlreadyApplied):
        _apply(session, user, record)


def test_only_own_records(session):
    _at(date(2027, 2, 1))
    person, _user = make_subject(session)
    _other, other_user = make_subject(session)
    record = _record(session, person)
    with pytest.raises(PermissionDenied):
        _apply(session, other_user, record)


def test_approval_stops_disclosure_and_counting_but_keeps_the_record(session):
    _at(date(2027, 2, 1))
    person, user = make_subject(session)
    record = _record(session, person)
    assert services.current_grade(session, person_id=person.id).grade == "D"
    application = _apply(session, user, record)
    admin = credit_admin(session)
    with pytest.raises(InvalidInput):
        services.decide_repair(
            session, actor=admin, repair_id=application.id, approve=True, reason=" "
        )
    services.decide_repair(
        session,
        actor=admin,
        repair_id=application.id,
        approve=True,
        reason="整改到位，准予修复",
    )
    assert services.record_state(record).code == "repaired"
    assert services.public_sanctions(session) == [] or all(
        p.decision_number != record.decision_number or p.name != "张**"
        for p in services.public_sanctions(session)
    )
    assert services.current_grade(session, person_id=person.id).grade == "A"
    cf = services.credit_file(session, actor=admin, person_id=person.id)
    assert [e.state.label for e in cf.dishonesty] == ["已修复"]
    with pytest.raises(RepairAlreadyDecided):
        services.decide_repair(
            session, actor=admin, repair_id=application.id, approve=False, reason="x"
        )
    with pytest.raises(RepairAlreadyApplied):
        _apply(session, user, record)
    check = services.check(
        session, actor=admin, person_id=person.id, action="admission"
    )
    assert check.allowed


def test_refusal_with_reasons_allows_a_new_application(session):
    _at(date(2027, 2, 1))
    person, user = make_subject(session)
    record = _record(session, person)
    application = _apply(session, user, record)
    services.decide_repair(
        session,
        actor=credit_admin(session),
        repair_id=application.id,
        approve=False,
        reason="未提交整改证明",
    )
    assert (
        application.status is RepairStatus.REFUSED
        and application.decision_reason == "未提交整改证明"
    )
    again = _apply(session, user, record, obligations_evidence="整改证明")
    assert again.status is RepairStatus.SUBMITTED


def test_minor_is_repaired_on_application(session):
    _at(date(2026, 1, 20))
    person, user = make_subject(session)
    record = _record(
        session,
        person,
        "S01",
        ends_on=None,
        credit_class=CreditClass.MINOR,
        is_public=False,
    )
    application = _apply(session, user, record)
    assert application.status is RepairStatus.APPROVED
    assert services.record_state(record).is_repaired


def test_database_ban_needs_the_whole_ban(session):
    _at(date(2027, 6, 1))
    person, user = make_subject(session)
    record = _record(session, person, "S09", ends_on=date(2028, 1, 9))
    with pytest.raises(RepairTooEarly) as exc:
        _apply(session, user, record)
    assert exc.value.details["possible_on"] == "2028-01-10"


def test_proof_is_stored_and_readable_by_staff_and_applicant(session):
    import io

    _at(date(2027, 2, 1))
    person, user = make_subject(session)
    record = _record(session, person)
    application = _apply(
        session,
        user,
        record,
        proof=(io.BytesIO(b"proof bytes"), "proof.pdf", "application/pdf"),
    )
    row, data = services.proof_of(
        session, actor=credit_admin(session), repair_id=application.id
    )
    assert data == b"proof bytes" and row.original_name == "proof.pdf"
    assert (
        services.proof_of(session, actor=user, repair_id=application.id)[1]
        == b"proof bytes"
    )
    _other, other_user = make_subject(session)
    with pytest.raises(PermissionDenied):
        services.proof_of(session, actor=other_user, repair_id=application.id)
