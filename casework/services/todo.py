"""Each person's to-do list: the cases that wait for them, by legal deadline.

What waits for someone follows from the transition table and the panel: the moves their
role may make on a case now (or that wait for a condition, said in words), the cases whose
panel they sit on (every deadline, including one due today), the committee's cases, the
intake office's own cases and the cases the discipline office archives. Cases they may not
see (their own as a respondent, those they are recused from) never appear.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from archive.kernel.accounts import Permission, User
from archive.kernel.db import settings_of
from casework.models import STATE_LABELS, WHO_LABELS, Case, CaseState, Who
from casework.services.common import in_words, is_staff
from casework.services.deadlines import DeadlineStatus, current_deadline, status_of
from casework.services.intake import list_cases
from casework.services.workflow import active_panel, moves_for

P = Permission
S = CaseState
PANEL_STATES = frozenset(
    {S.INVESTIGATING, S.SUSPENDED, S.REPORT_DRAFT, S.RESPONDENT_COMMENT}
)


@dataclass(frozen=True)
class TodoItem:
    """One case waiting for this person: what to do, in which capacity, by when."""

    case: Case
    state_label: str
    capacity: str
    action: str
    waiting: str | None
    deadline_label: str | None
    deadline: DeadlineStatus | None

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Cases with a deadline first, soonest (or most overdue) first; then the oldest."""
        if self.deadline is None:
            return (1, 0, self.case.id)
        return (0, self.deadline.days_left, self.case.id)


# Whose turn it is in each state: the role of the state's forward move.
TURN: dict[CaseState, Who] = {
    S.RECEIVED: Who.INTAKE,
    S.SCREENING: Who.INTAKE,
    S.ACCEPTED: Who.COMMITTEE,
    S.INVESTIGATING: Who.PANEL_LEAD,
    S.SUSPENDED: Who.PANEL_LEAD,
    S.REPORT_DRAFT: Who.PANEL_LEAD,
    S.RESPONDENT_COMMENT: Who.PANEL_LEAD,
    S.DETERMINATION: Who.COMMITTEE,
    S.DECIDED: Who.INTAKE,
    S.CLEARED: Who.INTAKE,
    S.NOTIFIED: Who.INTAKE,
    S.APPEAL_WINDOW: Who.INTAKE,
    S.APPEAL: Who.COMMITTEE,
    S.REVIEW: Who.COMMITTEE,
    S.FINAL: Who.INTAKE,
    S.SANCTIONS_ACTIVE: Who.ARCHIVIST,
    S.REJECTED: Who.ARCHIVIST,
    S.TERMINATED: Who.ARCHIVIST,
    S.TRANSFERRED: Who.ARCHIVIST,
}


def _capacity(who: Who) -> str:
    return "调查组组长" if who is Who.PANEL_LEAD else WHO_LABELS[who]


def _is_mine_to_handle(user: User, case: Case, who: Who) -> bool:
    """Intake and archiving steps wait for the case's owner (or anyone, while it has none);
    the discipline office archives every closed case."""
    if who is Who.ARCHIVIST and not user.can(P.CASE_INTAKE):
        return True
    if who in (Who.INTAKE, Who.ARCHIVIST):
        return case.owner_id in (None, user.id)
    return True


def _item_for(session: Session, user: User, case: Case) -> TodoItem | None:
    turn = TURN.get(case.state)
    moves = [
        (t, why)
        for t, why in moves_for(session, case, user)
        if t.who is turn and _is_mine_to_handle(user, case, t.who)
    ]
    panel = active_panel(session, case.id)
    member = next((m for m in panel if m.user_id == user.id), None)
    deadline_row = current_deadline(session, case.id)
    base = dict(
        case=case,
        state_label=STATE_LABELS[case.state],
        deadline_label=deadline_row.label if deadline_row else None,
        deadline=status_of(session, deadline_row) if deadline_row else None,
    )
    if (
        case.state is S.ACCEPTED
        and user.can(P.CASE_INTAKE)
        and case.owner_id in (None, user.id)
        and len(panel) < settings_of(session).case_min_panel_size
    ):
        return TodoItem(
            capacity=WHO_LABELS[Who.INTAKE], action="组成调查组", waiting=None, **base
        )
    if moves:
        # The state's forward move first: when it must wait, say why in words.
        first, why = moves[0]
        ready = [t for t, w in moves if w is None]
        return TodoItem(
            capacity=_capacity(first.who),
            action="；".join(t.label for t in ready) if why is None else first.label,
            waiting=None if why is None else in_words(why),
            **base,
        )
    if member is not None and case.state in PANEL_STATES:
        return TodoItem(
            capacity="调查组组长" if member.is_lead else "调查组成员",
            action="参与调查",
            waiting=None,
            **base,
        )
    return None


def todo_for(session: Session, *, user: User) -> list[TodoItem]:
    """Everything waiting for `user`, by deadline (cases they may not see are left out)."""
    if not is_staff(user):
        return []
    items = []
    for case in list_cases(session, actor=user):
        item = _item_for(session, user, case)
        if item is not None:
            items.append(item)
    return sorted(items, key=lambda i: i.sort_key)
