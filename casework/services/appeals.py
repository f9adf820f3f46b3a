"""Appeals (申诉/复核申请): filed within the window, accepted or rejected within
`appeal_review_days`, then reviewed: upheld (final), re-determined, or re-investigated.
Sanctions keep running throughout (40号令 Art 35).

These are the appeal records the workflow keeps as it moves a case; filing an appeal is
itself a move (`respondents.file_appeal` calls `workflow.transition`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import User
from casework.models import Appeal, Case, CaseState, Transition
from casework.services.common import party_of_user

S = CaseState
OUTCOMES = {
    (S.APPEAL, S.REVIEW): "accepted",
    (S.APPEAL, S.FINAL): "rejected",
    (S.REVIEW, S.FINAL): "upheld",
    (S.REVIEW, S.DETERMINATION): "redetermined",
    (S.REVIEW, S.INVESTIGATING): "reinvestigated",
}
OUTCOME_LABELS = {
    "accepted": "已受理，复查中",
    "rejected": "不予受理",
    "upheld": "复查维持原决定",
    "redetermined": "复查后重新认定",
    "reinvestigated": "复查后重新调查",
}


def record_appeal(session: Session, *, case: Case, actor: User, grounds: str) -> Appeal:
    """The appeal row for APPEAL_WINDOW → APPEAL (the workflow calls this)."""
    party = party_of_user(session, case, actor)
    row = Appeal(
        case_id=case.id,
        party_id=party.id if party is not None else None,
        filed_on=clock.today(),
        filed_by_id=actor.id,
        grounds=grounds,
    )
    session.add(row)
    return row


def open_appeal(session: Session, case_id: int) -> Appeal | None:
    """The appeal still awaiting its outcome."""
    return session.scalars(
        select(Appeal)
        .where(Appeal.case_id == case_id, Appeal.outcome_on.is_(None))
        .order_by(Appeal.id.desc())
    ).first()


def close_appeal(
    session: Session, *, case: Case, transition: Transition, reason: str
) -> None:
    """Record what the review body did with the appeal (accept keeps it open for review)."""
    outcome = OUTCOMES.get((transition.source, transition.target))
    row = open_appeal(session, case.id)
    if outcome is None or row is None:
        return
    row.outcome = outcome
    row.outcome_reason = reason
    if outcome != "accepted":
        row.outcome_on = clock.today()


def list_appeals(session: Session, case_id: int) -> list[Appeal]:
    """Appeals of the case, oldest first."""
    return list(
        session.scalars(
            select(Appeal).where(Appeal.case_id == case_id).order_by(Appeal.id)
        )
    )
