"""A mixed panel: investigators, committee members and outside experts (no account) sit on
it; recusal applies to every one of them, and a recused member gets nothing on the case."""

from __future__ import annotations

import pytest

from archive.kernel import clock
from archive.kernel.accounts import Role
from archive.kernel.errors import InvalidInput
from casework.errors import CaseNotFound, RecusalRequired
from casework.models import CaseState, Relation
from casework.services import deadlines, experts, intake, panel, todo, workflow
from tests.casework.factories_casework import make_cast, move, named_case, walk_to
from tests.factories import make_user

S = CaseState


def test_a_committee_member_and_an_outside_expert_complete_the_panel(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.ACCEPTED)
    expert = experts.add_expert(
        session, actor=cast.office, name="林教授", unit="华东师范大学", title="教授"
    )
    with pytest.raises(InvalidInput, match="不能担任组长"):
        panel.assign_member(
            session,
            actor=cast.office,
            case_id=case.id,
            expected_version=case.version,
            expert_id=expert.person_id,
            is_lead=True,
        )
    for kwargs in (
        {"user_id": cast.lead.id, "is_lead": True},
        {"user_id": cast.committee.id},
        {"expert_id": expert.person_id},
    ):
        panel.assign_member(
            session,
            actor=cast.office,
            case_id=case.id,
            expected_version=case.version,
            **kwargs,
        )
    members = workflow.active_panel(session, case.id)
    assert [(m.name, m.kind_label, m.is_lead) for m in members] == [
        (cast.lead.display_name, "调查人员", True),
        (cast.committee.display_name, "学术委员会委员", False),
        ("林教授", "校外专家", False),
    ]
    assert members[2].unit == "华东师范大学" and members[2].title == "教授"
    checks = panel.list_checks(session, case.id)
    assert [c.name for c in checks][-3:] == [
        cast.lead.display_name,
        cast.committee.display_name,
        "林教授",
    ]
    move(session, cast.committee, case, S.INVESTIGATING, "启动正式调查")
    assert case.state is S.INVESTIGATING
    # Reminders go to the members with an account; the expert has no inbox.
    row = deadlines.current_deadline(session, case.id)
    row.due_on = clock.today()
    counts = deadlines.run_reminders(session)
    assert counts["reminders"] >= 2


def test_a_committee_member_may_lead_and_move_the_case(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.ACCEPTED)
    other = make_user(session, Role.COMMITTEE_MEMBER, display_name="委员乙")
    for user, lead in ((other, True), (cast.member2, False), (cast.member3, False)):
        panel.assign_member(
            session,
            actor=cast.office,
            case_id=case.id,
            expected_version=case.version,
            user_id=user.id,
            is_lead=lead,
        )
    move(session, cast.committee, case, S.INVESTIGATING, "启动")
    assert workflow.is_panel_lead(session, case, other)


def test_recusal_applies_to_outside_experts(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.ACCEPTED)
    colleague = experts.add_expert(
        session, actor=cast.office, name="同院专家", unit="计算机学院"
    )
    with pytest.raises(RecusalRequired, match="同属"):
        panel.assign_member(
            session,
            actor=cast.office,
            case_id=case.id,
            expected_version=case.version,
            expert_id=colleague.person_id,
        )
    coauthor = experts.add_expert(
        session, actor=cast.office, name="合作专家", unit="外校"
    )
    panel.declare_conflict(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        expert_id=coauthor.person_id,
        relation=Relation.COAUTHOR,
        person_id=cast.respondent.id,
    )
    with pytest.raises(RecusalRequired, match="合作者"):
        panel.assign_member(
            session,
            actor=cast.office,
            case_id=case.id,
            expected_version=case.version,
            expert_id=coauthor.person_id,
        )
    conflicts = panel.list_conflicts(session, case.id)
    assert conflicts[-1].member_name == "合作专家"


def test_a_recused_member_gets_nothing_on_the_case(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    assert any(i.case.id == case.id for i in todo.todo_for(session, user=cast.member2))
    panel.declare_conflict(
        session,
        actor=cast.member2,
        case_id=case.id,
        expected_version=case.version,
        relation=Relation.RELATIVE,
        person_id=cast.respondent.id,
    )
    with pytest.raises(CaseNotFound):
        intake.view_case(session, actor=cast.member2, case_id=case.id)
    assert all(c.id != case.id for c in intake.list_cases(session, actor=cast.member2))
    assert all(i.case.id != case.id for i in todo.todo_for(session, user=cast.member2))


def test_experts_are_registered_once(session):
    cast = make_cast(session)
    a = experts.add_expert(session, actor=cast.office, name="黄研究员", unit="中科院")
    b = experts.add_expert(session, actor=cast.office, name="黄研究员", unit="中科院")
    assert a.id == b.id
    assert "黄研究员" in [x.person.name for x in experts.list_experts(session)]
    with pytest.raises(InvalidInput):
        experts.add_expert(session, actor=cast.office, name="无单位", unit="")
