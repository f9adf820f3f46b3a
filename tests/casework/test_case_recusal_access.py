"""Holes the access matrix found in casework, each closed: a recused member keeps no access,
a staff respondent cannot change his own case's parties or panel, bad input answers 422."""

from __future__ import annotations

import pytest

from archive.kernel.accounts import Role, UserRole
from archive.kernel.errors import InvalidInput
from archive.kernel.people import PersonKind
from casework.errors import CaseNotFound
from casework.models import CaseState, Relation
from casework.services import evidence, intake, panel, workflow
from casework.services.case_view import case_page
from tests.casework.factories_casework import make_cast, named_case, walk_to
from tests.helpers import csrf_token, login, post_form

S = CaseState


def _recused_case(session):  # type: ignore[no-untyped-def]
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    panel.declare_conflict(
        session,
        actor=cast.member2,
        case_id=case.id,
        expected_version=None,
        user_id=cast.member2.id,
        relation=Relation.RELATIVE,
        person_id=cast.respondent.id,
        note="被举报人是我的表弟",
    )
    return cast, case


def test_a_recused_member_neither_sees_nor_changes_the_case(session):
    cast, case = _recused_case(session)
    with pytest.raises(CaseNotFound):
        case_page(session, actor=cast.member2, case_id=case.id, tab="summary")
    with pytest.raises(CaseNotFound):
        evidence.add_note(
            session,
            actor=cast.member2,
            case_id=case.id,
            expected_version=case.version,
            title="补充",
            note="我来补充一份材料",
        )
    with pytest.raises(CaseNotFound):
        workflow.transition(
            session,
            actor=cast.member2,
            case_id=case.id,
            to=S.TERMINATED,
            expected_version=case.version,
            reason="撤案",
        )
    assert case.id not in [c.id for c in intake.list_cases(session, actor=cast.member2)]
    # Everyone else on the case is unaffected.
    assert case.id in [c.id for c in intake.list_cases(session, actor=cast.lead)]
    assert case_page(session, actor=cast.lead, case_id=case.id, tab="summary")


def test_a_staff_respondent_cannot_change_parties_or_panel(session):
    cast = make_cast(session, respondent_kind=PersonKind.TEACHER)
    case = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    # The respondent gains a staff role (an investigator at the same university).
    cast.respondent_user.role_rows.append(UserRole(role=Role.INVESTIGATOR))
    session.flush()
    with pytest.raises(CaseNotFound):
        intake.add_respondent(
            session,
            actor=cast.respondent_user,
            case_id=case.id,
            expected_version=case.version,
            kind=PersonKind.STUDENT,
            name="替罪羊",
        )
    with pytest.raises(CaseNotFound):
        panel.remove_member(
            session,
            actor=cast.respondent_user,
            case_id=case.id,
            expected_version=case.version,
            user_id=cast.lead.id,
            reason="我不喜欢他",
        )
    assert [m.user_id for m in workflow.active_panel(session, case.id)][
        0
    ] == cast.lead.id


def test_an_unknown_target_state_is_refused_as_input(session):
    cast = make_cast(session)
    case = named_case(session, cast)
    with pytest.raises(InvalidInput, match="unknown state"):
        workflow.transition(
            session, actor=cast.office, case_id=case.id, to="", expected_version=None
        )


def test_forms_and_api_with_bad_numbers_answer_422_not_500(client, session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    session.commit()
    login(client, cast.lead.username)
    api = client.post(
        f"/api/cases/{case.id}/transitions",
        json={"to": "nowhere", "expected_version": "x"},
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert api.status_code == 422
    for url, field in (
        (f"/cases/{case.id}/panel", "user_id"),
        (f"/cases/{case.id}/interviews", "interviewer1_id"),
        (f"/cases/{case.id}/transition", "to"),
    ):
        page = post_form(client, url, {"version": str(case.version), field: "1e9x"})
        assert page.status_code == 303, (url, page.status_code)
    tokens = post_form(client, "/account/tokens", {"revoke": "abc"})
    assert tokens.status_code == 404


def test_a_recusal_closes_the_case_within_the_same_transaction(session):
    # The view's answers (who the member is, which cases he is recused from) are kept
    # for the session only until it changes something.
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    case_page(session, actor=cast.member2, case_id=case.id, tab="summary")
    panel.declare_conflict(
        session,
        actor=cast.member2,
        case_id=case.id,
        expected_version=None,
        user_id=cast.member2.id,
        relation=Relation.RELATIVE,
        person_id=cast.respondent.id,
        note="被举报人是我的表弟",
    )
    with pytest.raises(CaseNotFound):
        case_page(session, actor=cast.member2, case_id=case.id, tab="summary")
