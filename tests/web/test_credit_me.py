"""我的诚信: own file, signing commitments, repair with 可申请日期, own report."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from archive.kernel import clock
from archive.kernel.accounts import Role
from casework.credit import services
from casework.credit.models import Occasion, RepairStatus
from tests.casework.credit.factories_credit import make_subject, sanction_input
from tests.helpers import login, post_form, text_of


def _student(session):
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    person, user = make_subject(session, name="赵一鸣", university_id="S20269999")
    [record] = services.ingest_final_decision(
        session, actor="casework", case_id=9, entries=[sanction_input(person)]
    )
    session.commit()
    return person, user, record


def test_own_file_and_repair_not_yet_possible(client, session):
    _person, user, record = _student(session)
    login(client, user.username)
    page = text_of(client.get("/me/"))
    assert "赵一鸣" in page and "可申请日期" in page and "2027-01-10" in page
    assert 'data-testid="repair-disabled"' in client.get("/me/").get_data(as_text=True)
    form = text_of(client.get(f"/me/records/{record.id}/repair"))
    assert "尚未到可申请日期" in form and "2027-01-10" in form
    early = post_form(
        client,
        f"/me/records/{record.id}/repair",
        {"statement": "x", "obligations_met": "1", "sign_commitment": "1"},
    )
    assert early.status_code == 409 and "2027-01-10" in text_of(early)


def test_sign_and_apply_after_the_period(client, session):
    _person, user, record = _student(session)
    login(client, user.username)
    exam = services.template_for(session, Occasion.EXAM)
    assert (
        post_form(
            client, f"/me/commitments/{exam.current.id}/sign", {"context": "期末考试"}
        ).status_code
        == 302
    )
    assert (
        services.list_signatures(session, person_id=record.person_id) == []
    )  # agree box not ticked
    assert (
        post_form(
            client,
            f"/me/commitments/{exam.current.id}/sign",
            {"context": "期末考试", "agree": "1"},
        ).status_code
        == 302
    )
    assert "期末考试" in text_of(client.get("/me/?tab=commitments"))
    clock.freeze(datetime(2027, 1, 10, 4, tzinfo=UTC))
    assert 'data-testid="repair-apply"' in client.get("/me/").get_data(as_text=True)
    response = post_form(
        client,
        f"/me/records/{record.id}/repair",
        {
            "statement": "已完成整改",
            "obligations_met": "1",
            "sign_commitment": "1",
            "proof": (io.BytesIO(b"%PDF-1.4 proof"), "整改报告.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    [application] = services.list_repairs_of(session, person_id=record.person_id)
    assert application.status is RepairStatus.SUBMITTED
    assert application.proof_file_id is not None
    twice = post_form(
        client,
        f"/me/records/{record.id}/repair",
        {"statement": "again", "obligations_met": "1", "sign_commitment": "1"},
    )
    assert twice.status_code == 409
    assert "审核中" in text_of(client.get("/me/?tab=repairs"))
    pdf = client.get("/me/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_someone_elses_record_is_refused(client, session):
    _person, _user, record = _student(session)
    _other, other_user = make_subject(session)
    session.commit()
    login(client, other_user.username)
    assert client.get(f"/me/records/{record.id}/repair").status_code == 403


def test_unlinked_account_is_told_so(client, session):
    from tests.factories import make_user

    make_user(session, Role.TEACHER, username="unlinked-teacher")
    session.commit()
    login(client, "unlinked-teacher")
    page = client.get("/me/")
    assert page.status_code == 200 and "尚未关联" in text_of(page)
    assert client.get("/me/report.pdf").status_code == 403
