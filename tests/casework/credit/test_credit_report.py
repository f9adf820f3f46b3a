"""Credit report content: fixed sections, as-of dates, role scope, verification."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from archive.kernel import clock
from archive.kernel.errors import PermissionDenied
from casework.credit import services
from casework.credit.errors import ReportNotFound
from casework.credit.report import SECTION_ORDER
from tests.casework.credit.factories_credit import (
    credit_admin,
    make_subject,
    sanction_input,
)


def _seed(session):
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    person, user = make_subject(session)
    services.ingest_final_decision(
        session, actor="casework", case_id=1, entries=[sanction_input(person)]
    )
    return person, user


def test_sections_in_fixed_order_and_as_of_date(session):
    person, _user = _seed(session)
    admin = credit_admin(session)
    now = services.build_report(session, actor=admin, person_id=person.id)
    assert [key for key, _title, _rows in now.sections] == [k for k, _ in SECTION_ORDER]
    sections = {key: rows for key, _t, rows in now.sections}
    assert sections["grades"][0]["信用等级"].startswith("D")
    assert len(sections["dishonesty"]) == 1 and sections["honours"] == []
    assert now.subject["证件号码"] == "410102200001011234" and now.scope == "full"
    before = services.build_report(
        session, actor=admin, person_id=person.id, on=date(2025, 12, 31)
    )
    sections = {key: rows for key, _t, rows in before.sections}
    assert sections["dishonesty"] == [] and sections["grades"][0][
        "信用等级"
    ].startswith("A")


def test_self_scope_masks_and_others_are_refused(session):
    person, user = _seed(session)
    own = services.build_report(session, actor=user, person_id=person.id)
    assert own.scope == "self" and own.subject["证件号码"] == "4101**********1234"
    _other, other_user = make_subject(session)
    with pytest.raises(PermissionDenied):
        services.build_report(session, actor=other_user, person_id=person.id)


def test_issue_and_verify(session):
    person, user = _seed(session)
    data = services.issue_report(session, actor=user, person_id=person.id)
    result = services.verify_report(
        session, number=data.number, code=data.verification_code.lower()
    )
    assert result.subject == "张**" and result.content_sha256 == data.digest()
    with pytest.raises(ReportNotFound):
        services.verify_report(session, number=data.number, code="0000000000")
    with pytest.raises(ReportNotFound):
        services.verify_report(session, number="XY0", code=data.verification_code)
