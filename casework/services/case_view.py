"""The case page as one read model: what a staff viewer sees of a case, tab by tab.

The page shows a case's deadlines, evidence, threads, panel, timeline, documents and
decisions; assembling them takes some twenty service calls, which live here so that the
web view only parses the request and renders. The files the page links to (evidence,
interview scans, letters) are found here too, with the same access rules as the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from archive.kernel.accounts import User
from archive.kernel.errors import DomainError
from casework.catalogue import SanctionKind
from casework.models import (
    Appeal,
    Case,
    CaseDeadline,
    CaseDecision,
    CaseDocument,
    CaseEvent,
    CaseMessage,
    CaseReporter,
    CaseSanction,
    CaseSource,
    CaseState,
    ConflictDeclaration,
    DeadlineExtension,
    Evidence,
    Interview,
    PanelExpert,
    PanelMember,
    RecusalCheck,
    Thread,
    Transition,
    allowed_targets,
)
from casework.services import (
    appeals,
    deadlines,
    decisions,
    evidence,
    experts,
    hearing,
    intake,
    letters,
    panel,
    respondents,
    tips,
    workflow,
)
from casework.services.common import (
    can_see_reporter,
    get_case,
    in_words,
    is_staff,
    list_events,
    require_case_view,
)
from casework.services.deadlines import DeadlineStatus
from casework.services.hearing import Hearing


@dataclass(frozen=True)
class CaseRecords:
    """What a case has put on record: letters, decisions, sanctions and appeals."""

    documents: list[CaseDocument]
    decisions: list[CaseDecision]
    sanctions: list[CaseSanction]
    appeals: list[Appeal]


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows one viewer about one case (fields named as the
    template reads them)."""

    case: Case
    # The header: the moves this viewer may make now, those that must wait (and why, in
    # words), every move the stage allows, the deadline, whether a reporter is protected.
    moves: list[Transition]
    blocked_moves: list[tuple[Transition, str]]
    all_moves: list[Transition]
    has_reporter: bool
    # The respondents' hearing while the case is in the comment period.
    hearing: Hearing | None
    deadline_row: CaseDeadline | None
    deadline: DeadlineStatus | None
    # Summary: deadlines, extensions, decisions and the sanctions each respondent may get.
    deadlines: list[CaseDeadline]
    extensions: list[DeadlineExtension]
    decisions: list[CaseDecision]
    sanctions: list[CaseSanction]
    sanction_options: dict[int, list[SanctionKind]]
    # Allegation: the reporter, read (and the reading audited) on that tab only.
    reporter: CaseReporter | None
    may_see_reporter: bool
    # Evidence: items, which are superseded, interviews, what may be uploaded, the lead.
    evidence: list[Evidence]
    superseded: set[int]
    interviews: list[Interview]
    accepted_types: list[str]
    is_lead: bool
    # Threads: the reporter's (for those who may see the reporter), internal, respondent.
    reporter_messages: list[CaseMessage]
    internal_notes: list[CaseMessage]
    respondent_messages: list[CaseMessage]
    # Panel: members, recusal checks, declared conflicts, people to choose from (accounts
    # and outside experts).
    panel: list[PanelMember]
    checks: list[RecusalCheck]
    conflicts: list[ConflictDeclaration]
    investigators: list[User]
    experts: list[PanelExpert]
    # Timeline and documents.
    events: list[CaseEvent]
    documents: list[CaseDocument]
    appeals: list[Appeal]


def case_page(session: Session, *, actor: User, case_id: int, tab: str) -> CasePage:
    """The case page for `actor` on `tab` (raises unless the actor may view the case)."""
    case = intake.view_case(session, actor=actor, case_id=case_id)
    items = evidence.list_evidence(session, case.id)
    deadline = deadlines.current_deadline(session, case.id)
    all_moves = workflow.moves_for(session, case, actor)
    reporter = (
        intake.reporter_for_viewer(session, actor=actor, case=case)
        if tab == "allegation"
        else None
    )
    may_see_reporter = can_see_reporter(session, actor, case)
    records = _records(session, case.id)
    return CasePage(
        case=case,
        moves=[t for t, why in all_moves if why is None],
        blocked_moves=[(t, in_words(why)) for t, why in all_moves if why is not None],
        all_moves=allowed_targets(case.state),
        has_reporter=case.source in (CaseSource.NAMED, CaseSource.ANONYMOUS),
        hearing=hearing.hearing_of(session, case)
        if case.state is CaseState.RESPONDENT_COMMENT
        else None,
        deadline_row=deadline,
        deadline=deadlines.status_of(session, deadline) if deadline else None,
        deadlines=deadlines.list_deadlines(session, case.id),
        extensions=deadlines.list_extensions(session, case.id),
        decisions=records.decisions,
        sanctions=records.sanctions,
        sanction_options={
            p.id: decisions.sanctions_for(p.person.kind) for p in case.parties
        },
        reporter=reporter,
        may_see_reporter=may_see_reporter,
        evidence=items,
        superseded=evidence.superseded_ids(items),
        interviews=evidence.list_interviews(session, case.id),
        accepted_types=evidence.accepted_types(session),
        is_lead=workflow.is_panel_lead(session, case, actor),
        # The reporter's own words may identify them: same rule as their identity.
        reporter_messages=tips.list_messages(session, case.id, Thread.REPORTER)
        if may_see_reporter
        else [],
        internal_notes=tips.list_messages(session, case.id, Thread.INTERNAL),
        respondent_messages=tips.list_messages(session, case.id, Thread.RESPONDENT),
        panel=workflow.active_panel(session, case.id),
        checks=panel.list_checks(session, case.id),
        conflicts=panel.list_conflicts(session, case.id),
        investigators=panel.list_investigators(session) if tab == "panel" else [],
        experts=experts.list_experts(session) if tab == "panel" else [],
        events=list_events(session, case.id),
        documents=records.documents,
        appeals=records.appeals,
    )


def case_records(session: Session, *, actor: User, case_id: int) -> CaseRecords:
    """The case's letters, decisions, sanctions and appeals, for a viewer of the case."""
    intake.view_case(session, actor=actor, case_id=case_id)
    return _records(session, case_id)


def _records(session: Session, case_id: int) -> CaseRecords:
    return CaseRecords(
        documents=letters.list_documents(session, case_id),
        decisions=decisions.list_decisions(session, case_id),
        sanctions=decisions.list_sanctions(session, case_id),
        appeals=appeals.list_appeals(session, case_id),
    )


def find_evidence(session: Session, evidence_id: int) -> Evidence | None:
    """The evidence item with this id, if any (its services check access)."""
    return session.get(Evidence, evidence_id)


def find_interview(
    session: Session, *, actor: User, interview_id: int
) -> Interview | None:
    """An interview record for a viewer of its case; None when there is no such record."""
    row = session.get(Interview, interview_id)
    if row is None:
        return None
    require_case_view(session, actor, get_case(session, row.case_id))
    return row


def find_document(
    session: Session, *, actor: User, document_id: int
) -> CaseDocument | None:
    """A letter for staff of its case or the respondent it is addressed to; None if none.

    A staff member who is a respondent of the case gets only the letters addressed to
    them, as any respondent does.
    """
    doc = session.get(CaseDocument, document_id)
    if doc is None:
        return None
    if is_staff(actor):
        case = get_case(session, doc.case_id)
        try:
            require_case_view(session, actor, case)
            return doc
        except DomainError:
            pass  # a respondent of this case: only the letters addressed to them
    return respondents.document_for_respondent(
        session, actor=actor, document_id=document_id
    )
