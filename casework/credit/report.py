"""Credit reports (信用报告): what a subject's report contains at a date, for whom, and
how a printed report is verified (number + code, checked by the public page).

The web layer renders the data to HTML and PDF; this module decides the content, in a
fixed order of sections, with what the asker's role may see (whole ID numbers only for
roles that need them; a subject's own report is the 'self' scope).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import audit, clock
from archive.kernel.accounts import Permission, User
from archive.kernel.audit import to_jsonable
from archive.kernel.people import Person, id_number_for, mask_in_text, mask_name
from casework.catalogue import CREDIT_CLASS_LABELS
from casework.credit.errors import ReportNotFound
from casework.credit.evaluation import (
    GRADE_LABELS,
    compute,
    current_rule_set,
    kind_for,
)
from casework.credit.files import get_subject, require_file_access
from casework.credit.models import EVALUATION_LABELS, OCCASION_LABELS, CreditReport
from casework.credit.overview import CreditFile, credit_file
from casework.credit.repair import eligibility
from casework.credit.sanction_list import validity_text

SECTION_ORDER = (
    ("grades", "信用评价"),
    ("dishonesty", "失信记录"),
    ("repairs", "信用修复记录"),
    ("honours", "守信荣誉"),
    ("commitments", "信用承诺"),
    ("clearances", "澄清记录"),
)


@dataclass
class ReportData:
    """Everything printed on a report, already as text, in section order."""

    number: str
    verification_code: str
    as_of: date
    issued_at: Any
    issuer: str
    scope: str
    subject: dict[str, str]
    overview: dict[str, int]
    sections: list[tuple[str, str, list[dict[str, str]]]] = field(default_factory=list)

    def digest(self) -> str:
        """SHA-256 of the report's content (number and code excluded)."""
        payload = {
            "as_of": self.as_of,
            "subject": self.subject,
            "overview": self.overview,
            "sections": self.sections,
            "scope": self.scope,
        }
        raw = json.dumps(to_jsonable(payload), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()


def build_report(
    session: Session, *, actor: User, person_id: int, on: date | None = None
) -> ReportData:
    """The content of a report on `on` (today) as `actor` may see it (not yet issued)."""
    on = on or clock.today()
    person = get_subject(session, person_id)
    require_file_access(session, actor, person)
    scope = "full" if actor.can(Permission.CREDIT_VIEW) else "self"
    cf = credit_file(session, actor=actor, person_id=person_id, on=on)
    dishonesty = _dishonesty_rows(cf, on)
    sections: dict[str, list[dict[str, str]]] = {
        "grades": _grade_rows(session, cf, on),
        "dishonesty": dishonesty,
        "repairs": [
            {
                "记录": a.record.title,
                "申请日期": a.applied_on.isoformat(),
                "状态": a.status_label,
                "理由": a.decision_reason or "",
            }
            for a in cf.repairs
            if a.applied_on <= on
        ],
        "honours": [
            {
                "名称": e.record.title,
                "日期": e.record.decided_on.isoformat(),
                "授予单位": e.record.deciding_unit or "",
            }
            for e in cf.honours
            if e.record.decided_on <= on
        ],
        "commitments": _commitment_rows(cf, on),
        "clearances": [
            {
                "内容": e.record.title,
                "决定文号": e.record.decision_number or "",
                "日期": e.record.decided_on.isoformat(),
            }
            for e in cf.clearances
        ],
    }
    overview = {
        "失信记录": len(dishonesty),
        "其中执行中": len(cf.active_sanctions),
        "公示中": sum(1 for e in cf.dishonesty if e.state.is_disclosed),
        "已修复": sum(1 for e in cf.dishonesty if e.state.is_repaired),
        "守信荣誉": len(sections["honours"]),
        "信用承诺": len(sections["commitments"]),
    }
    return ReportData(
        number="",
        verification_code="",
        as_of=on,
        issued_at=None,
        issuer="",
        scope=scope,
        subject=_subject_fields(actor, cf.person),
        overview=overview,
        sections=[(key, title, sections[key]) for key, title in SECTION_ORDER],
    )


def _subject_fields(actor: User, person: Person) -> dict[str, str]:
    return {
        "名称": person.name,
        "类别": person.kind_label,
        "工号/学号": person.university_id or "",
        "所在单位": person.unit or "",
        "证件号码": id_number_for(actor, person),
        "统一社会信用代码": person.credit_code or "",
    }


def _grade_rows(session: Session, cf: CreditFile, on: date) -> list[dict[str, str]]:
    """The grade as of the report's date, by the rules in force now."""
    kind = kind_for(cf.person)
    rule_set = current_rule_set(session, kind)
    all_records = [e.record for e in cf.dishonesty + cf.honours + cf.clearances]
    score, letter, lines = compute(all_records, rule_set.rules, on)
    return [
        {
            "评价类别": EVALUATION_LABELS[kind],
            "信用等级": f"{letter}（{GRADE_LABELS[letter]}）",
            "分值": str(score),
            "规则版本": f"第 {rule_set.version} 版",
            "评价依据": "；".join(
                f"{x['title']} {x['delta']:+g}（{x['note']}）" for x in lines
            )
            or "无失信记录，基础分",
        }
    ]


def _dishonesty_rows(cf: CreditFile, on: date) -> list[dict[str, str]]:
    rows = []
    for e in cf.dishonesty:
        r = e.record
        if r.decided_on > on:
            continue
        elig = eligibility(r, on)
        rows.append(
            {
                "措施": f"{r.sanction_code or ''} {r.title}".strip(),
                "失信等级": CREDIT_CLASS_LABELS[r.credit_class]
                if r.credit_class
                else "",
                "决定文号": r.decision_number or "",
                "事由": r.reason,
                "依据": r.basis,
                "决定日期": r.decided_on.isoformat(),
                "有效期": validity_text(r),
                "公示截止期": r.disclosure_until.isoformat()
                if r.disclosure_until
                else "不公示",
                "决定单位": r.deciding_unit or "",
                "状态": e.state.label,
                "可申请修复日期": elig.possible_on.isoformat()
                if elig.possible_on and not e.state.is_repaired
                else (
                    "不可修复"
                    if not elig.is_repairable and not e.state.is_repaired
                    else ""
                ),
            }
        )
    return rows


def _commitment_rows(cf: CreditFile, on: date) -> list[dict[str, str]]:
    return [
        {
            "承诺书": s.version.title,
            "事项": OCCASION_LABELS[s.version.template.occasion],
            "版本": f"第 {s.version.number} 版",
            "签署时间": clock_text(s.signed_at),
        }
        for s in cf.signatures
        if (s.signed_at + timedelta(hours=8)).date() <= on
    ]


def clock_text(value: Any) -> str:
    """A UTC datetime as China time text, 'YYYY-MM-DD HH:MM'."""
    return (value + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")


def issue_report(
    session: Session,
    *,
    actor: User,
    person_id: int,
    on: date | None = None,
    issuer: str = "",
) -> ReportData:
    """Build a report and register it (number, verification code, digest)."""
    data = build_report(session, actor=actor, person_id=person_id, on=on)
    number = f"XY{clock.today():%Y%m%d}{secrets.randbelow(10**6):06d}"
    code = secrets.token_hex(5).upper()
    row = CreditReport(
        number=number,
        verification_code=code,
        person_id=person_id,
        as_of=data.as_of,
        scope=data.scope,
        summary={
            "grade": data.sections[0][2][0]["信用等级"] if data.sections[0][2] else "",
            **data.overview,
        },
        content_sha256=data.digest(),
        issued_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    data.number, data.verification_code = number, code
    data.issued_at = row.issued_at
    data.issuer = issuer
    audit.record_event(
        session,
        action="credit_report_issued",
        entity_type="credit_reports",
        entity_id=row.id,
        detail={"person_id": person_id, "number": number, "scope": data.scope},
    )
    return data


@dataclass(frozen=True)
class Verification:
    """What the public verification page shows of a genuine report."""

    number: str
    subject: str
    as_of: date
    issued_at: Any
    summary: dict[str, Any]
    content_sha256: str


def verify_report(session: Session, *, number: str, code: str) -> Verification:
    """A report matching number and code (case-insensitive), or `ReportNotFound`."""
    row = session.scalars(
        select(CreditReport).where(CreditReport.number == number.strip().upper())
    ).first()
    if row is None or not secrets.compare_digest(
        row.verification_code, code.strip().upper()
    ):
        raise ReportNotFound(
            "未找到该信用报告，请核对报告编号和验证码 (no such report)"
        )
    return Verification(
        number=row.number,
        subject=mask_name(row.person.name),
        as_of=row.as_of,
        issued_at=row.issued_at,
        summary={
            k: mask_in_text(v, row.person) if isinstance(v, str) else v
            for k, v in dict(row.summary).items()
        },
        content_sha256=row.content_sha256,
    )
