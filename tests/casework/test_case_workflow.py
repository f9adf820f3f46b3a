"""The transition table, move by move: the right role succeeds, a wrong role is refused,
a move not in the table is refused naming the current state, and a refusal changes nothing."""

from __future__ import annotations

import pytest

from archive.kernel.accounts import Role
from archive.kernel.errors import PermissionDenied
from archive.kernel.people import create_person
from casework.errors import (
    CaseNotFound,
    InvalidTransition,
    ReasonRequired,
    StaleCase,
    TransitionBlocked,
)
from casework.models import TRANSITIONS, CaseEvent, CaseState, Who
from casework.services import intake, workflow
from tests.casework.factories_casework import (
    PATHS,
    actor_for,
    make_cast,
    named_case,
    prepare,
    walk_to,
)
from tests.factories import make_user

S = CaseState


def _wrong_actor(cast, who):  # type: ignore[no-untyped-def]
    return {
        Who.INTAKE: cast.committee,
        Who.COMMITTEE: cast.office,
        Who.PANEL_LEAD: cast.member2,
        Who.APPELLANT: cast.committee,  # staff, but neither respondent nor intake
        Who.ARCHIVIST: cast.committee,  # no ARCHIVE_CASE_FILES
    }[who]


def _events(session, case):  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    return session.scalar(
        select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)
    )


@pytest.mark.parametrize(
    "pair", list(TRANSITIONS), ids=[f"{a.value}->{b.value}" for a, b in TRANSITIONS]
)
def test_each_transition_right_role_succeeds_wrong_role_refused(session, pair):
    source, target = pair
    t = TRANSITIONS[pair]
    cast = make_cast(session)
    case = walk_to(
        session,
        cast,
        named_case(session, cast),
        source,
        cleared=pair == (S.FINAL, S.ARCHIVED),
    )
    assert case.state is source
    prepare(session, cast, case, target, source)
    version, events = case.version, _events(session, case)
    with pytest.raises(PermissionDenied):
        workflow.transition(
            session,
            actor=_wrong_actor(cast, t.who),
            case_id=case.id,
            to=target,
            expected_version=case.version,
            reason="理由",
        )
    session.refresh(case)
    assert (case.state, case.version, _events(session, case)) == (
        source,
        version,
        events,
    )
    if t.reason_required:
        with pytest.raises(ReasonRequired):
            workflow.transition(
                session,
                actor=actor_for(cast, t.who),
                case_id=case.id,
                to=target,
                expected_version=case.version,
                reason="  ",
            )
    moved = workflow.transition(
        session,
        actor=actor_for(cast, t.who),
        case_id=case.id,
        to=target,
        expected_version=case.version,
        reason="书面理由：依据规定办理",
    )
    assert moved.state is target
    assert moved.version > version
    last = (
        session.query(CaseEvent)
        .filter_by(case_id=case.id, kind="transition")
        .order_by(CaseEvent.id.desc())
        .first()
    )
    assert (last.from_state, last.to_state, last.actor_id) == (
        source,
        target,
        actor_for(cast, t.who).id,
    )
    if t.reason_required:
        assert last.reason == "书面理由：依据规定办理"


@pytest.mark.parametrize(
    "state", [s for s in CaseState if s in PATHS], ids=lambda s: s.value
)
def test_moves_not_in_the_table_are_refused_and_change_nothing(session, state):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), state)
    allowed = {dst for (src, dst) in TRANSITIONS if src is state}
    version = case.version
    for target in CaseState:
        if target in allowed:
            continue
        with pytest.raises(InvalidTransition) as err:
            workflow.transition(
                session,
                actor=cast.office,
                case_id=case.id,
                to=target,
                expected_version=case.version,
                reason="x",
            )
        assert case.state_label in err.value.message
        assert err.value.details["current_state"] == state.value
    session.refresh(case)
    assert case.state is state and case.version == version


def test_stale_version_is_refused(session):
    cast = make_cast(session)
    case = named_case(session, cast)
    old = case.version
    workflow.transition(
        session,
        actor=cast.office,
        case_id=case.id,
        to=S.SCREENING,
        expected_version=old,
    )
    with pytest.raises(StaleCase):
        workflow.transition(
            session,
            actor=cast.office,
            case_id=case.id,
            to=S.ACCEPTED,
            expected_version=old,
            reason="受理",
        )
    assert case.state is S.SCREENING


def test_investigation_needs_a_full_panel_with_a_lead(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.ACCEPTED)
    with pytest.raises(TransitionBlocked, match="至少 3 人"):
        workflow.transition(
            session,
            actor=cast.committee,
            case_id=case.id,
            to=S.INVESTIGATING,
            expected_version=case.version,
            reason="启动调查",
        )


def test_respondent_with_a_staff_role_cannot_act_on_own_case(session):
    cast = make_cast(session)
    staff = make_user(session, Role.INVESTIGATOR, university_id="T-STAFF-1")
    create_person(
        session,
        kind="teacher",
        name="调查员兼被举报人",
        university_id="T-STAFF-1",
        user_id=staff.id,
    )
    case = named_case(session, cast)

    intake.add_respondent(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        kind="teacher",
        name="调查员兼被举报人",
        university_id="T-STAFF-1",
    )
    with pytest.raises(PermissionDenied):
        workflow.transition(
            session,
            actor=staff,
            case_id=case.id,
            to=S.SCREENING,
            expected_version=case.version,
        )


def test_outsiders_learn_nothing_about_a_case(session):
    cast = make_cast(session)
    case = named_case(session, cast)
    for target in (S.SCREENING, S.APPEAL, S.FINAL):
        with pytest.raises(CaseNotFound):
            workflow.transition(
                session,
                actor=cast.outsider,
                case_id=case.id,
                to=target,
                expected_version=case.version,
            )
    with pytest.raises(PermissionDenied):
        workflow.transition(
            session,
            actor=cast.respondent_user,
            case_id=case.id,
            to=S.FINAL,
            expected_version=case.version,
        )
