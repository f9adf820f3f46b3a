"""What a step of the workflow does besides moving the state and its deadline: dates and
outcome on the case, the decision record, sanctions starting and letters on notification,
the appeal records, and the hand-offs of a final decision to credit and of a closed case
to the archive. `workflow.transition` calls `apply_effects` once every check has passed.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import User
from casework.models import Case, CaseState, Outcome, Transition, Who
from casework.services.appeals import close_appeal, record_appeal
from casework.services.decisions import (
    latest_decision,
    record_decision,
    start_sanctions,
)
from casework.services.handoff import hand_off_final_decision, hand_off_to_archive
from casework.services.letters import issue_letters

S = CaseState


def apply_effects(
    session: Session,
    *,
    case: Case,
    transition: Transition,
    actor: User,
    reason: str | None,
) -> None:
    """What entering the target state does besides the state and deadline."""
    t = transition
    today = clock.today()
    target = t.target
    if case.owner_id is None and t.who is Who.INTAKE:
        case.owner_id = actor.id  # the officer who first acts owns the case's reminders
    if target is S.ACCEPTED:
        case.accepted_on = today
    if target in (S.REJECTED, S.TERMINATED, S.TRANSFERRED):
        case.outcome = {
            S.REJECTED: Outcome.REJECTED,
            S.TERMINATED: Outcome.TERMINATED,
            S.TRANSFERRED: Outcome.TRANSFERRED,
        }[target]
        case.closed_on = today
    if target is S.SCREENING and t.source is S.REJECTED:
        case.outcome = None
        case.closed_on = None
    if target in (S.DECIDED, S.CLEARED):
        record_decision(
            session, case=case, actor=actor, reasons=reason or "", kind_of=t
        )
    if target is S.NOTIFIED:
        start_sanctions(session, case=case, today=today)
        issue_letters(session, case=case, actor=actor)
    if target is S.APPEAL:
        record_appeal(session, case=case, actor=actor, grounds=reason or "")
    if t.source in (S.APPEAL, S.REVIEW):
        close_appeal(session, case=case, transition=t, reason=reason or "")
    if target is S.FINAL:
        decision = latest_decision(session, case.id)
        case.outcome = (
            Outcome.MISCONDUCT
            if decision is not None and decision.is_misconduct
            else Outcome.CLEARED
        )
        case.closed_on = today
    if target is S.FINAL:
        session.flush()
        hand_off_final_decision(session, case=case, actor=actor)
    if target is S.ARCHIVED:
        hand_off_to_archive(session, case=case, actor=actor)
