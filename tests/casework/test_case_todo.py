"""Each person's to-do list: their cases by deadline (one due today included), the
committee's cases, the lead's next step and what it waits for, the discipline office's
archiving; never a case the person may not see."""

from __future__ import annotations

from archive.kernel import accounts, clock
from archive.kernel.accounts import Role
from casework.models import CaseState
from casework.services import deadlines, todo
from tests.casework.factories_casework import make_cast, named_case, walk_to
from tests.factories import make_user

S = CaseState


def _item(session, user, case):  # type: ignore[no-untyped-def]
    return next(
        (i for i in todo.todo_for(session, user=user) if i.case.id == case.id), None
    )


def test_a_panel_member_sees_a_case_due_today(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    deadline = deadlines.current_deadline(session, case.id)
    deadline.due_on = clock.today()
    session.flush()
    item = _item(session, cast.member3, case)
    assert item is not None and item.capacity == "调查组成员"
    assert item.deadline.days_left == 0 and item.deadline_label == "调查期限"
    lead = _item(session, cast.lead, case)
    assert lead.capacity == "调查组组长" and lead.action == "形成调查报告草稿"
    assert "调查报告草稿" in (lead.waiting or "")  # the draft is not uploaded yet


def test_the_lead_is_told_the_comment_is_still_awaited(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.RESPONDENT_COMMENT)
    item = _item(session, cast.lead, case)
    assert item.action == "提交学术委员会认定"
    assert "尚未陈述申辩" in item.waiting and "(" not in item.waiting


def test_the_committee_sees_what_waits_for_the_committee(session):
    cast = make_cast(session)
    deciding = walk_to(session, cast, named_case(session, cast), S.DETERMINATION)
    investigating = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    mine = {i.case.id: i for i in todo.todo_for(session, user=cast.committee)}
    assert deciding.id in mine and investigating.id not in mine
    assert mine[deciding.id].capacity == "学术委员会"


def test_intake_and_the_discipline_office(session):
    cast = make_cast(session)
    screening = walk_to(session, cast, named_case(session, cast), S.SCREENING)
    assert _item(session, cast.office, screening).action.startswith("予以受理")
    jiwei = make_user(session, Role.DISCIPLINE_OFFICE, display_name="纪委 周老师")
    closed = walk_to(session, cast, named_case(session, cast), S.SANCTIONS_ACTIVE)
    item = _item(session, jiwei, closed)
    assert item is not None and item.action == "归档"
    assert _item(session, jiwei, screening) is None


def test_a_respondent_with_a_staff_role_gets_nothing_on_his_own_case(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.SCREENING)
    accounts.set_roles(
        session,
        actor=cast.admin,
        user_id=cast.respondent_user.id,
        roles={Role.INVESTIGATOR},
    )
    assert _item(session, cast.respondent_user, case) is None
    assert _item(session, cast.office, case) is not None
