"""The case board: one card per open case with its next legal deadline, most urgent first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import User
from casework.models import BOARD_COLUMNS, SOURCE_LABELS, Case
from casework.services.deadlines import DeadlineStatus, current_deadline, status_of
from casework.services.intake import list_cases
from casework.services.workflow import active_panel


@dataclass(frozen=True)
class BoardCard:
    """What a card shows (ux-anchors §2): no., source, assignee, days left, stage."""

    case: Case
    source_label: str
    assignee: str
    deadline: DeadlineStatus | None
    days_open: int

    @property
    def sort_key(self) -> tuple[int, int]:
        """Cases with a deadline first, by days left; then the oldest."""
        if self.deadline is None:
            return (1, -self.days_open)
        return (0, self.deadline.days_left)


def board(
    session: Session, *, actor: User, include_archived: bool = False
) -> list[BoardCard]:
    """Cards for every case the actor may see, sorted by what is due."""
    today = clock.today()
    cards = []
    for case in list_cases(session, actor=actor, include_archived=include_archived):
        lead = next((m for m in active_panel(session, case.id) if m.is_lead), None)
        deadline = current_deadline(session, case.id)
        cards.append(
            BoardCard(
                case=case,
                source_label=SOURCE_LABELS[case.source],
                assignee=lead.user.display_name if lead is not None else "",
                deadline=status_of(session, deadline, today)
                if deadline is not None
                else None,
                days_open=((case.closed_on or today) - case.opened_on).days,
            )
        )
    return sorted(cards, key=lambda c: c.sort_key)


def columns(cards: list[BoardCard]) -> list[tuple[str, list[BoardCard]]]:
    """Cards grouped into the board's columns (受理初核 → … → 结案)."""
    return [
        (label, [c for c in cards if c.case.state in states])
        for label, states in BOARD_COLUMNS
    ]
