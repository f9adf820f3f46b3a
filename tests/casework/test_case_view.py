"""The case page's read model: what each viewer gets, and the files the page links to."""

from __future__ import annotations

import pytest

from archive.kernel import audit
from archive.kernel.errors import NotFound, PermissionDenied
from casework.models import CaseState
from casework.services import case_view, tips
from casework.services.common import list_events
from tests.casework.factories_casework import make_cast, named_case, walk_to

S = CaseState


def _reporter_views(session, case_id: int) -> int:
    entries = audit.list_entries(session, entity_type="cases", entity_id=str(case_id))
    return sum(1 for e in entries if e.action == "view_reporter")


def test_reporter_is_read_and_audited_on_the_allegation_tab_only(session):
    cast = make_cast(session)
    case = named_case(session, cast, reporter_name="举报人王秘密")

    summary = case_view.case_page(
        session, actor=cast.office, case_id=case.id, tab="summary"
    )
    assert summary.reporter is None and summary.may_see_reporter
    assert _reporter_views(session, case.id) == 0

    allegation = case_view.case_page(
        session, actor=cast.office, case_id=case.id, tab="allegation"
    )
    assert allegation.reporter is not None
    assert allegation.reporter.name == "举报人王秘密"
    assert _reporter_views(session, case.id) == 1


def test_reporter_thread_is_empty_for_those_who_may_not_see_the_reporter(session):
    cast = make_cast(session)
    case = named_case(session, cast)
    question = {"thread": "reporter", "body": "请补充材料", "is_question": True}
    tips.staff_message(
        session, actor=cast.office, case_id=case.id, expected_version=None, **question
    )
    office = case_view.case_page(
        session, actor=cast.office, case_id=case.id, tab="reporter"
    )
    committee = case_view.case_page(
        session, actor=cast.committee, case_id=case.id, tab="reporter"
    )
    assert [m.body for m in office.reporter_messages] == ["请补充材料"]
    assert committee.reporter_messages == [] and not committee.may_see_reporter


def test_page_lists_the_timeline_oldest_first_and_investigators_on_the_panel_tab(
    session,
):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    page = case_view.case_page(session, actor=cast.lead, case_id=case.id, tab="panel")
    ids = [e.id for e in page.events]
    assert ids == sorted(ids) and len(ids) >= 4
    assert page.events == list_events(session, case.id)
    assert {m.user_id for m in page.panel} == {
        cast.lead.id,
        cast.member2.id,
        cast.member3.id,
    }
    assert page.is_lead
    assert cast.lead.id in {u.id for u in page.investigators}
    summary = case_view.case_page(
        session, actor=cast.lead, case_id=case.id, tab="summary"
    )
    assert summary.investigators == []


def test_case_page_refuses_users_who_are_not_staff(session):
    cast = make_cast(session)
    case = named_case(session, cast)
    with pytest.raises(PermissionDenied):
        case_view.case_page(
            session, actor=cast.outsider, case_id=case.id, tab="summary"
        )


def test_letters_go_to_staff_and_to_the_respondent_they_address_only(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.APPEAL_WINDOW)
    records = case_view.case_records(session, actor=cast.office, case_id=case.id)
    assert records.documents and records.decisions and records.sanctions
    letter = records.documents[0]

    def find(user):
        return case_view.find_document(session, actor=user, document_id=letter.id)

    assert find(cast.office) is letter
    assert find(cast.respondent_user) is letter
    with pytest.raises(NotFound):
        find(cast.outsider)
    assert (
        case_view.find_document(session, actor=cast.office, document_id=10**9) is None
    )
    with pytest.raises(PermissionDenied):
        case_view.case_records(session, actor=cast.outsider, case_id=case.id)
