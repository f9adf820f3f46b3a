"""The respondent's hearing (陈述申辩): whether each respondent has been heard.

The rules give every respondent the right to comment on the report draft. A case may go
from 被举报人陈述申辩 to 学术委员会认定 only when, for every respondent, a comment is on
record, or a written waiver is on record, or the comment window has passed; the comment
deadline is then marked met in that way (`met_how`). The workflow asks `hearing_blocker`;
the statements themselves are recorded by `casework.services.statements` (office, paper)
and `casework.services.respondents` (the respondent, online).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import clock
from casework.models import (
    Case,
    CaseDeadline,
    CaseEvent,
    CaseMessage,
    CaseParty,
    CaseState,
    DeadlineRule,
    Thread,
)

COMMENT = "comment"
WAIVER = "waiver"
ELAPSED = "elapsed"
MET_HOW_LABELS = {
    COMMENT: "已陈述申辩",
    WAIVER: "书面放弃陈述申辩",
    ELAPSED: "期满未提出陈述申辩",
}


@dataclass(frozen=True)
class PartyHearing:
    """One respondent's hearing: their comment or waiver in this comment period, if any."""

    party: CaseParty
    comment: CaseMessage | None
    waiver: CaseMessage | None

    @property
    def is_heard(self) -> bool:
        """A comment or a written waiver is on record."""
        return self.comment is not None or self.waiver is not None


@dataclass(frozen=True)
class Hearing:
    """The hearing of a case in its comment period: the window and every respondent."""

    due_on: date | None
    elapsed: bool
    parties: list[PartyHearing]

    @property
    def is_complete(self) -> bool:
        """Every respondent was heard or waived, or the window has passed."""
        return self.elapsed or all(p.is_heard for p in self.parties)

    @property
    def met_how(self) -> str:
        """How the comment deadline was met: comment, waiver or elapsed."""
        if all(p.is_heard for p in self.parties):
            return COMMENT if any(p.comment for p in self.parties) else WAIVER
        return ELAPSED

    @property
    def waiting_for(self) -> list[str]:
        """Names of respondents neither heard nor waived."""
        return [p.party.person.name for p in self.parties if not p.is_heard]


def _period_start(session: Session, case_id: int) -> datetime | None:
    return session.scalars(
        select(CaseEvent.at)
        .where(
            CaseEvent.case_id == case_id,
            CaseEvent.to_state == CaseState.RESPONDENT_COMMENT,
        )
        .order_by(CaseEvent.id.desc())
    ).first()


def _comment_deadline(session: Session, case_id: int) -> CaseDeadline | None:
    return session.scalars(
        select(CaseDeadline)
        .where(
            CaseDeadline.case_id == case_id,
            CaseDeadline.rule == DeadlineRule.RESPONDENT_COMMENT,
        )
        .order_by(CaseDeadline.id.desc())
    ).first()


def statements(session: Session, case_id: int) -> list[CaseMessage]:
    """Comments and waivers of the current comment period, oldest first."""
    since = _period_start(session, case_id)
    query = (
        select(CaseMessage)
        .where(
            CaseMessage.case_id == case_id,
            CaseMessage.thread == Thread.RESPONDENT,
            CaseMessage.kind.in_([COMMENT, WAIVER]),
        )
        .order_by(CaseMessage.id)
    )
    if since is not None:
        query = query.where(CaseMessage.at >= since)
    return list(session.scalars(query))


def hearing_of(session: Session, case: Case, today: date | None = None) -> Hearing:
    """Who has been heard in the current comment period, and whether the window passed."""
    today = today or clock.today()
    rows = statements(session, case.id)
    parties = []
    for party in case.parties:
        mine = [m for m in rows if m.party_id == party.id]
        parties.append(
            PartyHearing(
                party=party,
                comment=next((m for m in reversed(mine) if m.kind == COMMENT), None),
                waiver=next((m for m in reversed(mine) if m.kind == WAIVER), None),
            )
        )
    deadline = _comment_deadline(session, case.id)
    due_on = deadline.due_on if deadline is not None else None
    paused = deadline is not None and deadline.paused_on is not None
    return Hearing(
        due_on=due_on,
        elapsed=due_on is not None and not paused and today > due_on,
        parties=parties,
    )


def hearing_blocker(session: Session, case: Case) -> str | None:
    """Why the case may not yet leave the comment period, in words; None when it may."""
    hearing = hearing_of(session, case)
    if hearing.is_complete:
        return None
    due = f"陈述申辩期至 {hearing.due_on.isoformat()} 届满" if hearing.due_on else ""
    return (
        f"被举报人 {'、'.join(hearing.waiting_for)} 尚未陈述申辩，也未书面放弃；{due}，"
        "届满前须先记录其陈述申辩意见或书面放弃声明，才能提交学术委员会认定 "
        "(the respondent has not been heard: record a comment or a written waiver, or wait "
        "until the comment window has passed)"
    )
