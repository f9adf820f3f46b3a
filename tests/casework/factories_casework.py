"""Casework test helpers: a cast of users and a walk that brings a case to any state."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import Role, User
from archive.kernel.people import Person, PersonKind, create_person
from casework.models import TRANSITIONS, Case, CaseSource, CaseState, Finding, Who
from casework.services import (
    decisions,
    evidence,
    intake,
    panel,
    statements,
    tips,
    workflow,
)
from casework.services.intake import ReporterInput
from tests.factories import make_user

S = CaseState
_n = itertools.count(1)
PDF = b"%PDF-1.4\n% test evidence\n"


@dataclass
class Cast:
    """Users of one test: office, panel, committee, admin, a respondent with an account."""

    office: User
    lead: User
    member2: User
    member3: User
    committee: User
    admin: User
    respondent_user: User
    respondent: Person
    outsider: User  # a teacher with no role in the case


def make_cast(
    session: Session, *, respondent_kind: PersonKind = PersonKind.STUDENT
) -> Cast:
    """Fresh users and a respondent person linked to an account."""
    n = next(_n)
    office = make_user(
        session, Role.INVESTIGATOR, display_name=f"诚信办{n}", unit="诚信办"
    )
    lead = make_user(session, Role.INVESTIGATOR, display_name=f"组长{n}", unit="纪委")
    member2 = make_user(
        session, Role.INVESTIGATOR, display_name=f"组员乙{n}", unit="法学院"
    )
    member3 = make_user(
        session, Role.INVESTIGATOR, display_name=f"组员丙{n}", unit="理学院"
    )
    committee = make_user(session, Role.COMMITTEE_MEMBER, display_name=f"委员{n}")
    admin = make_user(session, Role.ADMINISTRATOR, display_name=f"管理员{n}")
    role = Role.STUDENT if respondent_kind is PersonKind.STUDENT else Role.TEACHER
    respondent_user = make_user(
        session,
        role,
        display_name=f"被举报人{n}",
        university_id=f"R{n:06d}x{id(session) % 997}",
    )
    respondent = create_person(
        session,
        kind=respondent_kind,
        name=f"被举报人{n}",
        university_id=respondent_user.university_id,
        unit="计算机学院",
        id_number="110101200001011234",
        user_id=respondent_user.id,
    )
    outsider = make_user(session, Role.TEACHER, display_name=f"旁人{n}")
    session.info["actor"] = office
    return Cast(
        office,
        lead,
        member2,
        member3,
        committee,
        admin,
        respondent_user,
        respondent,
        outsider,
    )


def named_case(
    session: Session, cast: Cast, *, reporter_name: str = "举报人张三"
) -> Case:
    """A named report with one respondent, in RECEIVED."""
    case = intake.open_case(
        session,
        actor=cast.office,
        title="论文抄袭举报",
        allegation="被举报人的硕士论文第三章大段抄袭他人已发表论文。",
        source=CaseSource.NAMED,
        reporter=ReporterInput(
            name=reporter_name, contact="13800000000", unit="外语学院"
        ),
    )
    intake.add_respondent(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        kind=cast.respondent.kind,
        name=cast.respondent.name,
        person_id=cast.respondent.id,
    )
    return case


def tip_case(session: Session) -> tips.TipReceipt:
    """An anonymous tip, in RECEIVED."""
    return tips.submit_tip(
        session,
        title="数据造假举报",
        allegation="某课题组论文中的实验数据系编造，图3与原始记录不符。",
        respondent_hint="计算机学院某学生",
        contact="tipster@example.com",
    )


def move(
    session: Session, actor: User, case: Case, to: CaseState, reason: str = "依规办理"
) -> Case:
    """One transition with the current version."""
    return workflow.transition(
        session,
        actor=actor,
        case_id=case.id,
        to=to,
        expected_version=case.version,
        reason=reason,
    )


def prepare(
    session: Session, cast: Cast, case: Case, target: CaseState, source: CaseState
) -> None:
    """Satisfy the preconditions of source -> target (panel, draft, findings, window)."""
    if source is S.ACCEPTED and target is S.INVESTIGATING:
        setup_panel(session, cast, case)
    if target is S.REPORT_DRAFT:
        evidence.add_report_draft(
            session,
            actor=cast.lead,
            case_id=case.id,
            expected_version=case.version,
            filename="draft.pdf",
            stream=io.BytesIO(PDF + str(next(_n)).encode()),
        )
    if source is S.RESPONDENT_COMMENT and target is S.DETERMINATION:
        for party in case.parties:
            statements.record_statement(
                session,
                actor=cast.office,
                case_id=case.id,
                expected_version=case.version,
                party_id=party.id,
                kind="comment",
                body="被举报人书面陈述：对调查报告草稿的事实认定有异议。",
            )
    if source is S.DETERMINATION and target in (S.DECIDED, S.CLEARED):
        finding = Finding.MISCONDUCT if target is S.DECIDED else Finding.NOT_ESTABLISHED
        for party in case.parties:
            decisions.record_finding(
                session,
                actor=cast.committee,
                case_id=case.id,
                expected_version=case.version,
                party_id=party.id,
                finding=finding,
                misconduct_type="plagiarism",
                facts="论文第三章与他人论文重合 42%，未注明出处。",
            )
            if finding is Finding.MISCONDUCT:
                decisions.propose_sanction(
                    session,
                    actor=cast.committee,
                    case_id=case.id,
                    expected_version=case.version,
                    party_id=party.id,
                    code={"student": "S12", "unit": "S02"}.get(
                        party.person.kind.value, "S10"
                    ),
                    months=12,
                    level={"student": "留校察看", "unit": None}.get(
                        party.person.kind.value, "记过"
                    ),
                )
    if source is S.APPEAL_WINDOW and target is S.FINAL:
        clock.freeze(clock.now() + timedelta(days=60))


def setup_panel(session: Session, cast: Cast, case: Case) -> None:
    """Three investigators, the first the lead."""
    if workflow.active_panel(session, case.id):
        return
    for user, lead in ((cast.lead, True), (cast.member2, False), (cast.member3, False)):
        panel.assign_member(
            session,
            actor=cast.office,
            case_id=case.id,
            expected_version=case.version,
            user_id=user.id,
            is_lead=lead,
        )


# A path from RECEIVED to each state (the table's first route that reaches it).
PATHS: dict[CaseState, list[CaseState]] = {}


def _build_paths() -> None:
    start = S.RECEIVED
    PATHS[start] = []
    frontier = [start]
    while frontier:
        nxt = []
        for state in frontier:
            for (src, dst), _t in TRANSITIONS.items():
                if src is state and dst not in PATHS:
                    PATHS[dst] = [*PATHS[state], dst]
                    nxt.append(dst)
        frontier = nxt
    # Prefer the decided route through the appeal window for the later states.
    PATHS[S.FINAL] = [
        S.SCREENING,
        S.ACCEPTED,
        S.INVESTIGATING,
        S.REPORT_DRAFT,
        S.RESPONDENT_COMMENT,
        S.DETERMINATION,
        S.DECIDED,
        S.NOTIFIED,
        S.APPEAL_WINDOW,
        S.APPEAL,
        S.FINAL,
    ]
    PATHS[S.SANCTIONS_ACTIVE] = [*PATHS[S.FINAL], S.SANCTIONS_ACTIVE]
    for st in (S.APPEAL, S.REVIEW):
        PATHS[st] = [*PATHS[S.FINAL][:9], S.APPEAL] + (
            [S.REVIEW] if st is S.REVIEW else []
        )


_build_paths()


def actor_for(cast: Cast, who: str) -> User:
    """The right user for a `Who` value."""
    return {
        Who.INTAKE: cast.office,
        Who.COMMITTEE: cast.committee,
        Who.PANEL_LEAD: cast.lead,
        Who.APPELLANT: cast.respondent_user,
        Who.ARCHIVIST: cast.office,
    }[Who(who)]


CLEARED_FINAL = [
    S.SCREENING,
    S.ACCEPTED,
    S.INVESTIGATING,
    S.REPORT_DRAFT,
    S.RESPONDENT_COMMENT,
    S.DETERMINATION,
    S.CLEARED,
    S.NOTIFIED,
    S.APPEAL_WINDOW,
    S.FINAL,
]


def walk_to(
    session: Session, cast: Cast, case: Case, state: CaseState, *, cleared: bool = False
) -> Case:
    """Bring `case` from RECEIVED to `state`, satisfying every step's preconditions."""
    current = case.state
    path = CLEARED_FINAL if cleared and state is S.FINAL else PATHS[state]
    if current in path:
        path = path[path.index(current) + 1 :]
    for nxt in path:
        t = TRANSITIONS[(current, nxt)]
        prepare(session, cast, case, nxt, current)
        case = move(session, actor_for(cast, t.who), case, nxt)
        current = nxt
    return case
