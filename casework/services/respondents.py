"""What a respondent sees and does about their own case: the stage, the report draft when
it is put to them, letters addressed to them, their comments and their appeal. Never the
reporter, the allegation text, evidence or internal notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel.accounts import Permission, User, require
from archive.kernel.errors import InvalidInput
from archive.kernel.people import find_person_for_user
from casework.errors import CaseNotFound, TransitionBlocked
from casework.models import (
    STATE_LABELS,
    Case,
    CaseDocument,
    CaseMessage,
    CaseParty,
    CaseSource,
    CaseState,
    Evidence,
    Thread,
)
from casework.services.common import add_event, case_for_change, touch
from casework.services.deadlines import current_deadline
from casework.services.evidence import latest_report_draft
from casework.services.hearing import COMMENT, WAIVER
from casework.services.letters import list_documents
from casework.services.tips import list_messages
from casework.services.workflow import transition

S = CaseState
P = Permission
# States from which the respondent may read the report draft.
DRAFT_VISIBLE = frozenset(
    {
        S.RESPONDENT_COMMENT,
        S.DETERMINATION,
        S.DECIDED,
        S.CLEARED,
        S.NOTIFIED,
        S.APPEAL_WINDOW,
        S.APPEAL,
        S.REVIEW,
        S.FINAL,
        S.SANCTIONS_ACTIVE,
        S.ARCHIVED,
    }
)


@dataclass(frozen=True)
class RespondentView:
    """A respondent's view of one case (no reporter, no allegation, no evidence)."""

    case_id: int
    number: str
    title: str
    state: CaseState
    state_label: str
    version: int
    party_id: int
    due_on: date | None
    due_label: str | None
    appeal_due_on: date | None
    can_comment: bool
    can_appeal: bool
    draft: Evidence | None
    letters: list[CaseDocument]
    comments: list[CaseMessage]
    has_reporter: bool


def my_cases(session: Session, *, actor: User) -> list[tuple[Case, CaseParty]]:
    """Cases in which the signed-in user is a respondent."""
    require(actor, P.SELF_SERVICE)
    person = find_person_for_user(session, actor)
    if person is None:
        return []
    rows = session.execute(
        select(Case, CaseParty)
        .join(CaseParty, CaseParty.case_id == Case.id)
        .where(CaseParty.person_id == person.id)
        .order_by(Case.id.desc())
    )
    return [(c, p) for c, p in rows]


def my_case(session: Session, *, actor: User, case_id: int) -> tuple[Case, CaseParty]:
    """One of the user's own cases, or `CaseNotFound` (never says the case exists)."""
    for case, party in my_cases(session, actor=actor):
        if case.id == case_id:
            return case, party
    raise CaseNotFound(f"案件不存在：{case_id} (no such case)", case_id=case_id)


def respondent_view(session: Session, *, actor: User, case_id: int) -> RespondentView:
    """What the respondent may see of their case."""
    case, party = my_case(session, actor=actor, case_id=case_id)
    deadline = current_deadline(session, case.id)
    draft = (
        latest_report_draft(session, case.id) if case.state in DRAFT_VISIBLE else None
    )
    comments = [
        m
        for m in list_messages(session, case.id, Thread.RESPONDENT)
        if m.author_id == actor.id or not m.from_outside
    ]
    return RespondentView(
        case_id=case.id,
        number=case.number,
        title=f"关于你的学术不端行为举报（{case.number}）",
        state=case.state,
        state_label=STATE_LABELS[case.state],
        version=case.version,
        party_id=party.id,
        due_on=deadline.due_on if deadline is not None else None,
        due_label=deadline.label if deadline is not None else None,
        appeal_due_on=party.appeal_due_on,
        can_comment=case.state is S.RESPONDENT_COMMENT,
        can_appeal=case.state is S.APPEAL_WINDOW,
        draft=draft,
        letters=list_documents(session, case.id, party_id=party.id),
        comments=comments,
        has_reporter=case.source in (CaseSource.NAMED, CaseSource.ANONYMOUS),
    )


def submit_comment(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    body: str,
) -> CaseMessage:
    """The respondent's statement on the report draft (陈述申辩)."""
    _case, party = my_case(session, actor=actor, case_id=case_id)
    case = case_for_change(session, case_id, expected_version)
    if case.state is not S.RESPONDENT_COMMENT:
        raise TransitionBlocked(
            f"当前阶段（{case.state_label}）不接受陈述申辩 (comments are taken during the comment period)"
        )
    body = (body or "").strip()
    if not body:
        raise InvalidInput("请填写陈述申辩意见 (the comment is empty)")
    return _own_statement(
        session, case, party, actor, body[:20000], COMMENT, "提交陈述申辩意见"
    )


def waive_comment(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    statement: str,
) -> CaseMessage:
    """The respondent waives the 陈述申辩 in writing (their own written statement, signed in)."""
    _case, party = my_case(session, actor=actor, case_id=case_id)
    case = case_for_change(session, case_id, expected_version)
    if case.state is not S.RESPONDENT_COMMENT:
        raise TransitionBlocked(
            f"当前阶段（{case.state_label}）不在陈述申辩期 (not in the comment period)"
        )
    statement = (statement or "").strip()
    if len(statement) < 4:
        raise InvalidInput(
            "请写明放弃陈述申辩的书面声明 (write the waiver statement in your own words)"
        )
    return _own_statement(
        session, case, party, actor, statement[:4000], WAIVER, "书面放弃陈述申辩"
    )


def _own_statement(
    session: Session,
    case: Case,
    party: CaseParty,
    actor: User,
    body: str,
    kind: str,
    what: str,
) -> CaseMessage:
    """File a respondent's own comment or waiver in their thread, with its timeline event."""
    message = CaseMessage(
        case_id=case.id,
        thread=Thread.RESPONDENT,
        from_outside=True,
        author_id=actor.id,
        author_label=party.person.name,
        body=body,
        kind=kind,
        party_id=party.id,
    )
    session.add(message)
    add_event(
        session,
        case,
        actor=actor,
        kind="comment",
        summary=f"{party.person.name} {what}",
    )
    touch(case)
    session.flush()
    return message


def file_appeal(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    grounds: str,
) -> Case:
    """A respondent (or the office for a paper appeal) appeals within the window."""
    return transition(
        session,
        actor=actor,
        case_id=case_id,
        to=S.APPEAL,
        expected_version=expected_version,
        reason=grounds,
    )


def document_for_respondent(
    session: Session, *, actor: User, document_id: int
) -> CaseDocument:
    """A letter addressed to the signed-in respondent."""
    doc = session.get(CaseDocument, document_id)
    if doc is None:
        raise CaseNotFound("文书不存在 (no such document)")
    _case, party = my_case(session, actor=actor, case_id=doc.case_id)
    if doc.party_id != party.id:
        raise CaseNotFound("文书不存在 (no such document)")
    return doc
