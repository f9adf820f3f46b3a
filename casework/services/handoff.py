"""Hand-off of a final decision to credit, and of a closed case to the archive.

When a decision becomes final, each active sanction becomes a `SanctionInput` and each
cleared respondent a `ClearanceInput` (casework/credit/contract.py), handed to
`casework.credit.sanction_list.ingest_final_decision`; the sanctions stay recorded on the
case (`CaseSanction`) too. On archiving, `archive.records.case_files.create_case_file_record`
receives the case file (evidence and letters by stored-file id).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import User
from archive.kernel.db import utcnow
from archive.records.case_files import create_case_file_record
from casework.catalogue import MISCONDUCT_LABELS
from casework.credit.contract import ClearanceInput, SanctionInput
from casework.credit.sanction_list import ingest_final_decision
from casework.models import (
    Case,
    CaseDocument,
    CaseSanction,
    ConflictDeclaration,
    Evidence,
    Finding,
    Interview,
    RecusalCheck,
    SanctionStatus,
)
from casework.services.common import add_event
from casework.services.decisions import BASIS, latest_decision

DONE = "done"


def conflicted_user_ids(session: Session, case_id: int) -> list[int]:
    """Users the case's conflict rules kept out (declared conflicts, failed recusal checks):
    the archive keeps them out of the case file too."""
    declared = session.scalars(
        select(ConflictDeclaration.user_id).where(ConflictDeclaration.case_id == case_id)
    )
    recused = session.scalars(
        select(RecusalCheck.user_id).where(
            RecusalCheck.case_id == case_id, RecusalCheck.is_clear.is_(False)
        )
    )
    return sorted({*declared, *recused})


def build_entries(session: Session, case: Case) -> list[SanctionInput | ClearanceInput]:
    """The contract entries of the case's final decision."""
    decision = latest_decision(session, case.id)
    if decision is None:
        return []
    entries: list[SanctionInput | ClearanceInput] = []
    sanctions = list(
        session.scalars(
            select(CaseSanction).where(
                CaseSanction.case_id == case.id,
                # Handed-off rows too: credit's ingest is idempotent per case.
                CaseSanction.status.in_(
                    [
                        SanctionStatus.ACTIVE,
                        SanctionStatus.DECIDED,
                        SanctionStatus.HANDED_OFF,
                    ]
                ),
            )
        )
    )
    for row in sanctions:
        party = row.party
        entries.append(
            SanctionInput(
                person_id=party.person_id,
                code=row.code,
                starts_on=row.starts_on or decision.decided_on,
                ends_on=row.ends_on,
                is_public=row.is_public,
                report_to_province=row.report_to_province,
                credit_class=row.credit_class,
                decision_number=decision.number,
                # Facts as the committee wrote them; never the reporter's identity.
                reason=(party.finding_facts or "")[:2000]
                or MISCONDUCT_LABELS.get(party.finding_type, ""),  # type: ignore[arg-type]
                basis=decision.basis or BASIS["default"],
                decided_on=decision.decided_on,
                deciding_unit=decision.deciding_unit,
                misconduct_type=(
                    party.finding_type or case.misconduct_type or "other"
                ).__str__(),
                case_number=case.number,
            )
        )
    for party in case.parties:
        if party.finding is Finding.NOT_ESTABLISHED:
            entries.append(
                ClearanceInput(
                    person_id=party.person_id,
                    decided_on=decision.decided_on,
                    decision_number=decision.number,
                    case_number=case.number,
                )
            )
    return entries


def hand_off_final_decision(session: Session, *, case: Case, actor: User | None) -> str:
    """Give credit the final decision's sanctions and clearances (or record it as pending)."""
    entries = build_entries(session, case)
    if not entries:
        case.credit_handoff = None
        return "nothing"
    ingest_final_decision(
        session,
        actor=actor if actor is not None else "system",
        case_id=case.id,
        entries=[e for e in entries if isinstance(e, SanctionInput)],
        clearances=[e for e in entries if isinstance(e, ClearanceInput)],
    )
    now = utcnow()
    for row in session.scalars(
        select(CaseSanction).where(
            CaseSanction.case_id == case.id,
            CaseSanction.status.in_([SanctionStatus.ACTIVE, SanctionStatus.DECIDED]),
        )
    ):
        row.status = SanctionStatus.HANDED_OFF
        row.handed_off_at = now
    case.credit_handoff = DONE
    add_event(
        session,
        case,
        actor=actor,
        kind="handoff",
        summary=f"已移交信用档案与失信惩戒名单（{len(entries)} 项）",
    )
    return DONE


def hand_off_to_archive(session: Session, *, case: Case, actor: User | None) -> str:
    """Send the closed case file to the archive."""
    evidence_ids = [
        e.stored_file_id
        for e in session.scalars(select(Evidence).where(Evidence.case_id == case.id))
        if e.stored_file_id is not None
    ]
    evidence_ids += [
        i.signed_scan_id
        for i in session.scalars(select(Interview).where(Interview.case_id == case.id))
    ]
    letter_ids = [
        d.stored_file_id
        for d in session.scalars(
            select(CaseDocument).where(CaseDocument.case_id == case.id)
        )
    ]
    # S10/S12 cover several levels; the term in months tells archive which (§A8, §A4).
    codes = sorted(
        {
            f"{row.code}:{row.months}"
            if row.months and row.code in ("S10", "S12")
            else row.code
            for row in session.scalars(
                select(CaseSanction).where(
                    CaseSanction.case_id == case.id,
                    CaseSanction.status.in_(
                        [
                            SanctionStatus.ACTIVE,
                            SanctionStatus.DECIDED,
                            SanctionStatus.HANDED_OFF,
                        ]
                    ),
                )
            )
        }
    )
    kind = (
        MISCONDUCT_LABELS[case.misconduct_type]
        if case.misconduct_type
        else "学术不端举报"
    )
    record = create_case_file_record(
        session,
        actor=actor,
        case_number=case.number,
        title=f"{case.number} {kind}案卷",
        outcome=case.outcome.value if case.outcome else "",
        closed_on=case.closed_on or clock.today(),
        evidence_file_ids=sorted(set(evidence_ids)),
        letter_file_ids=letter_ids,
        summary=case.summary,
        unit=case.unit,
        people=[(p.person_id, "被举报人") for p in case.parties],
        sanctions=codes,
        excluded_user_ids=conflicted_user_ids(session, case.id),
    )
    case.archive_status = DONE
    case.archive_record_id = str(record.id)
    add_event(session, case, actor=actor, kind="archive", summary="案卷已移交档案")
    return DONE
