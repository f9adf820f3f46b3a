"""Hand-off of a final decision to credit, and of a closed case to the archive.

When a decision becomes final, each active sanction becomes a `SanctionInput` and each
cleared respondent a `ClearanceInput` (casework/credit/contract.py), handed to
`casework.credit.services.ingest_final_decision` when the credit area provides it. The
sanctions are always recorded on the case (`CaseSanction`); without the credit service the
case says the hand-off is pending. On archiving, `archive.records.create_case_file_record`
receives the case file (evidence and letters by stored-file id) when the archive area
provides it; otherwise the case records that archiving is pending.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import clock
from archive.accounts import User
from archive.db import utcnow
from casework.catalogue import MISCONDUCT_LABELS
from casework.credit.contract import ClearanceInput, SanctionInput
from casework.models import (
    Case,
    CaseDocument,
    CaseSanction,
    Evidence,
    Finding,
    Interview,
    SanctionStatus,
)
from casework.services.common import add_event
from casework.services.decisions import BASIS, latest_decision

PENDING = "pending"
DONE = "done"


def _optional(module: str, attr: str) -> Any:
    """`module.attr` if that module exists and defines it, else None."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError:
        return None
    return getattr(mod, attr, None)


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
    ingest = _optional("casework.credit.services", "ingest_final_decision")
    if not entries:
        case.credit_handoff = None
        return "nothing"
    if ingest is None:
        case.credit_handoff = PENDING
        add_event(
            session,
            case,
            actor=actor,
            kind="handoff",
            summary=f"处理措施 {sum(isinstance(e, SanctionInput) for e in entries)} 项已记录在案，"
            "信用档案模块未安装，待移交",
        )
        return PENDING
    sanctions = [e for e in entries if isinstance(e, SanctionInput)]
    clearances = [e for e in entries if isinstance(e, ClearanceInput)]
    if "clearances" in inspect.signature(ingest).parameters:
        ingest(
            session,
            actor=actor if actor is not None else "system",
            case_id=case.id,
            entries=sanctions,
            clearances=clearances,
        )
    elif sanctions:
        ingest(
            session,
            actor=actor if actor is not None else "system",
            case_id=case.id,
            entries=sanctions,
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


def retry_pending_handoffs(session: Session) -> dict[str, int]:
    """Hand over what waited for the credit or archive area to be installed (daily job)."""
    done = {"credit": 0, "archive": 0}
    if _optional("casework.credit.services", "ingest_final_decision") is not None:
        for case in list(
            session.scalars(select(Case).where(Case.credit_handoff == PENDING))
        ):
            if hand_off_final_decision(session, case=case, actor=None) == DONE:
                done["credit"] += 1
    if _optional("archive.records", "create_case_file_record") is not None:
        for case in list(
            session.scalars(select(Case).where(Case.archive_status == PENDING))
        ):
            if hand_off_to_archive(session, case=case, actor=None) == DONE:
                done["archive"] += 1
    session.flush()
    return done


def hand_off_to_archive(session: Session, *, case: Case, actor: User | None) -> str:
    """Send the closed case file to the archive (or record that archiving is pending)."""
    create = _optional("archive.records", "create_case_file_record")
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
    if create is None:
        case.archive_status = PENDING
        add_event(
            session,
            case,
            actor=actor,
            kind="archive",
            summary="档案模块未安装，归档待办",
        )
        return PENDING
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
    kwargs: dict[str, Any] = {
        "actor": actor,
        "case_number": case.number,
        "title": f"{case.number} {kind}案卷",
        "outcome": case.outcome.value if case.outcome else "",
        "closed_on": case.closed_on or clock.today(),
        "evidence_file_ids": sorted(set(evidence_ids)),
        "letter_file_ids": letter_ids,
        "summary": case.summary,
        "unit": case.unit,
        "people": [(p.person_id, "被举报人") for p in case.parties],
    }
    if "sanctions" in inspect.signature(create).parameters:
        kwargs["sanctions"] = codes
    record = create(session, **kwargs)
    case.archive_status = DONE
    record_id = getattr(record, "id", record)
    case.archive_record_id = str(record_id) if record_id is not None else None
    add_event(session, case, actor=actor, kind="archive", summary="案卷已移交档案")
    return DONE
