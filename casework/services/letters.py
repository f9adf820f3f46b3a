"""Decision and clearance letters (PDF, WeasyPrint) for each respondent, issued on notification.

A decision letter states the facts found, the measures with their durations, the basis, the
remedy (written appeal to the committee) and its deadline (40号令 Art 30); a clearance letter
states that the allegation was not established and restores the respondent's name (Art 31).
Letters never contain anything about the reporter: the template is given no reporter data.
Templates (Chinese) live in `web/templates/cases/letters/` and are rendered with plain Jinja2,
so casework does not depend on Flask.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import User
from archive.kernel.db import settings_of
from archive.kernel.files import store_bytes
from archive.kernel.people import PersonKind, mask_name
from casework.catalogue import MISCONDUCT_LABELS, sanction_name
from casework.errors import LetterNotFound
from casework.models import (
    DOCUMENT_LABELS,
    Case,
    CaseDecision,
    CaseDocument,
    CaseParty,
    CaseSanction,
    DocumentKind,
    Finding,
    SanctionStatus,
)
from casework.services.decisions import latest_decision

TEMPLATE_DIR = (
    Path(__file__).resolve().parents[2] / "web" / "templates" / "cases" / "letters"
)
_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def appeal_terms(session: Session, party: CaseParty) -> str:
    """How long this respondent has to appeal, as the letter states it."""
    s = settings_of(session)
    is_student = party.person.kind is PersonKind.STUDENT
    days = s.student_appeal_days if is_student else s.appeal_days
    unit = "个工作日" if s.case_appeal_working_days else "日"
    return f"{days}{unit}"


@dataclass(frozen=True)
class LetterContext:
    """Everything a letter shows (and nothing about the reporter)."""

    values: dict[str, Any]


def _context(
    session: Session, case: Case, party: CaseParty, today: date
) -> dict[str, Any]:
    s = settings_of(session)
    decision = latest_decision(session, case.id)
    sanctions = [
        {
            "code": row.code,
            "name": sanction_name(row.code, row.level),
            "months": row.months,
            "starts_on": row.starts_on.isoformat() if row.starts_on else "",
            "ends_on": row.ends_on.isoformat() if row.ends_on else "",
        }
        for row in session.scalars(
            select(CaseSanction).where(
                CaseSanction.party_id == party.id,
                CaseSanction.status.in_(
                    [SanctionStatus.ACTIVE, SanctionStatus.DECIDED]
                ),
            )
        )
    ]
    person = party.person
    return {
        "university": s.case_university_name,
        "case_number": case.number,
        "decision_number": decision.number if decision else "",
        "decided_on": decision.decided_on.isoformat()
        if decision
        else today.isoformat(),
        "deciding_unit": decision.deciding_unit
        if decision
        else f"{s.case_university_name}学术委员会",
        "basis": decision.basis if decision else "",
        "issued_on": today.isoformat(),
        "name": person.name,
        "kind_label": person.kind_label,
        "unit": person.unit or "",
        "university_id": person.university_id or "",
        "misconduct_label": MISCONDUCT_LABELS[party.finding_type]
        if party.finding_type
        else "",
        "facts": party.finding_facts or "",
        "is_serious": party.is_serious,
        "sanctions": sanctions,
        "appeal_terms": appeal_terms(session, party),
        "verify_url": s.public_base_url.rstrip("/") + "/public/verify/letter",
    }


# No 0/O, 1/I/L: the code is typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_verify_code() -> str:
    """Ten characters printed on a letter; with its number they find it on the check page."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def render_letter_html(kind: DocumentKind, context: dict[str, Any]) -> str:
    """The letter as HTML (also the PDF's source)."""
    template = (
        "decision.html" if kind is DocumentKind.DECISION_LETTER else "clearance.html"
    )
    return _env.get_template(template).render(**context)


def render_pdf(html: str) -> bytes:
    """HTML to PDF with the CJK fonts installed on the system."""
    import weasyprint

    pdf: bytes = weasyprint.HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf()
    return pdf


def issue_letters(
    session: Session, *, case: Case, actor: User | None
) -> list[CaseDocument]:
    """One letter per respondent: a decision letter, or a clearance letter restoring the name."""
    today = clock.today()
    decision = latest_decision(session, case.id)
    out = []
    for party in case.parties:
        kind = (
            DocumentKind.DECISION_LETTER
            if party.finding is Finding.MISCONDUCT
            else DocumentKind.CLEARANCE_LETTER
        )
        code = new_verify_code()
        context = _context(session, case, party, today)
        context["verify_code"] = code
        context["verify_link"] = (
            f"{context['verify_url']}?number={quote(context['decision_number'])}&code={code}"
        )
        html = render_letter_html(kind, context)
        pdf = render_pdf(html)
        stored = store_bytes(
            session,
            pdf,
            filename=f"{case.number}-{party.id}-{kind.value}.pdf",
            media_type="application/pdf",
        )
        previous = session.scalars(
            select(CaseDocument)
            .where(CaseDocument.party_id == party.id, CaseDocument.kind == kind)
            .order_by(CaseDocument.id.desc())
        ).first()
        doc = CaseDocument(
            case_id=case.id,
            kind=kind,
            party_id=party.id,
            decision_id=decision.id if decision else None,
            title=f"{DOCUMENT_LABELS[kind]}（{party.person.name}）",
            stored_file_id=stored.id,
            created_by_id=actor.id if actor is not None else None,
            supersedes_id=previous.id if previous is not None else None,
            verify_code=code,
        )
        session.add(doc)
        out.append(doc)
    session.flush()
    return out


def list_documents(
    session: Session, case_id: int, *, party_id: int | None = None
) -> list[CaseDocument]:
    """Letters of the case (or of one respondent), oldest first."""
    query = (
        select(CaseDocument)
        .where(CaseDocument.case_id == case_id)
        .order_by(CaseDocument.id)
    )
    if party_id is not None:
        query = query.where(CaseDocument.party_id == party_id)
    return list(session.scalars(query))


@dataclass(frozen=True)
class LetterCheck:
    """What the public check page shows of a genuine letter (the person's name masked)."""

    title: str
    number: str
    decided_on: str
    deciding_unit: str
    subject: str
    unit: str
    conclusion: str
    measures: list[str]
    issued_on: str
    sha256: str
    is_current: bool


def verify_letter(session: Session, *, number: str, code: str) -> LetterCheck:
    """The letter with this number and check code, or `LetterNotFound` (one answer for both)."""
    number, code = (number or "").strip(), (code or "").strip().upper()
    doc = None
    if number and len(code) == 10:
        doc = session.scalars(
            select(CaseDocument).where(CaseDocument.verify_code == code)
        ).first()
    decision = latest_decision(session, doc.case_id) if doc is not None else None
    if doc is None or doc.party_id is None or decision is None:
        raise LetterNotFound("未找到该文书：请核对文号和核验码 (no such letter)")
    by_id = {d.id: d for d in list_documents(session, doc.case_id)}
    issued = session.get(CaseDecision, doc.decision_id) if doc.decision_id else None
    if (issued or decision).number != number:
        raise LetterNotFound("未找到该文书：请核对文号和核验码 (no such letter)")
    party = session.get(CaseParty, doc.party_id)
    assert party is not None
    sanctions = session.scalars(
        select(CaseSanction).where(
            CaseSanction.party_id == party.id,
            CaseSanction.status.not_in(
                [SanctionStatus.PROPOSED, SanctionStatus.WITHDRAWN]
            ),
        )
    )
    is_decision = doc.kind is DocumentKind.DECISION_LETTER
    return LetterCheck(
        title=DOCUMENT_LABELS[doc.kind],
        number=number,
        decided_on=(issued or decision).decided_on.isoformat(),
        deciding_unit=(issued or decision).deciding_unit,
        subject=mask_name(party.person.name),
        unit=party.person.unit or "",
        conclusion="构成学术不端行为" if is_decision else "不构成学术不端行为",
        measures=[sanction_name(s.code, s.level) for s in sanctions]
        if is_decision
        else [],
        issued_on=doc.created_at.date().isoformat(),
        sha256=doc.stored_file.sha256,
        is_current=not any(d.supersedes_id == doc.id for d in by_id.values()),
    )
