"""Findings per respondent, sanctions from the catalogue (§D(ii)), and the decision record.

In DETERMINATION the committee records a finding for each respondent and proposes sanctions
for those found responsible; the move to DECIDED or CLEARED (the vote in its reasons)
turns them into a numbered decision. Sanctions take effect when the decision is notified
and continue during an appeal (复核期间不停止执行, 40号令 Art 35).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import Permission, User, require
from archive.kernel.calendar import add_months_to_working_day
from archive.kernel.db import settings_of
from archive.kernel.errors import InvalidInput
from archive.kernel.people import PersonKind
from casework.catalogue import (
    MISCONDUCT_LABELS,
    SANCTION_LEVELS,
    SANCTIONS,
    Disclosure,
    MisconductType,
    SanctionKind,
    sanction_name,
)
from casework.errors import InvalidSanction, TransitionBlocked
from casework.models import (
    Case,
    CaseDecision,
    CaseParty,
    CaseSanction,
    CaseState,
    Finding,
    SanctionStatus,
    Transition,
)
from casework.services.common import add_event, case_for_change, touch

P = Permission
BASIS = {
    "default": "《高等学校预防与处理学术不端行为办法》（教育部令第40号）；《科研失信行为调查处理规则》（国科发监〔2022〕221号）",
}


def applies_code(kind: PersonKind) -> str:
    """T (teacher, staff, external), S (student) or U (unit): the catalogue's `applies_to`."""
    if kind is PersonKind.STUDENT:
        return "S"
    if kind is PersonKind.UNIT:
        return "U"
    return "T"


def sanctions_for(kind: PersonKind) -> list[SanctionKind]:
    """Catalogue entries that apply to this kind of respondent."""
    code = applies_code(kind)
    return [s for s in SANCTIONS.values() if code in s.applies_to]


def _party(case: Case, party_id: int) -> CaseParty:
    for party in case.parties:
        if party.id == party_id:
            return party
    raise InvalidInput("该当事人不属于本案 (not a respondent of this case)")


def _in_determination(case: Case) -> None:
    if case.state is not CaseState.DETERMINATION:
        raise TransitionBlocked(
            f"只有在“学术委员会认定”阶段才能记录认定（当前：{case.state_label}） "
            "(findings are recorded during determination)",
            current_state=case.state.value,
        )


def record_finding(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    party_id: int,
    finding: Finding | str,
    misconduct_type: MisconductType | str | None = None,
    facts: str = "",
    is_serious: bool = False,
) -> CaseParty:
    """The committee's finding for one respondent (misconduct needs a type and the facts)."""
    require(actor, P.CASE_DECIDE)
    case = case_for_change(session, case_id, expected_version)
    _in_determination(case)
    party = _party(case, party_id)
    finding = Finding(finding)
    facts = (facts or "").strip()
    if finding is Finding.MISCONDUCT:
        if not misconduct_type:
            raise InvalidInput("请选择学术不端行为类型 (choose the misconduct type)")
        if not facts:
            raise InvalidInput("请写明认定的事实 (state the facts found)")
        party.finding_type = MisconductType(misconduct_type)
        party.is_serious = bool(is_serious)
    else:
        party.finding_type = None
        party.is_serious = False
        for s in _proposed(session, party.id):
            s.status = SanctionStatus.WITHDRAWN
    party.finding = finding
    party.finding_facts = facts or None
    if finding is Finding.MISCONDUCT and case.misconduct_type is None:
        case.misconduct_type = party.finding_type
    label = "构成学术不端" if finding is Finding.MISCONDUCT else "不构成学术不端"
    add_event(
        session,
        case,
        actor=actor,
        kind="finding",
        summary=f"认定 {party.person.name}：{label}"
        + (
            f"（{MISCONDUCT_LABELS[party.finding_type]}）" if party.finding_type else ""
        ),
    )
    touch(case)
    session.flush()
    return party


def _level(code: str, level: str | None) -> tuple[str | None, int | None]:
    """The specific measure of a grouped entry and its usual months; (None, None) if ungrouped."""
    levels = SANCTION_LEVELS.get(code)
    if not levels:
        return None, None
    chosen = (level or "").strip()
    for name, months in levels:
        if name == chosen:
            return name, months
    names = "、".join(n for n, _m in levels)
    raise InvalidSanction(
        f"“{SANCTIONS[code].name_zh}”须写明具体处分：{names} (name the specific measure)",
        code=code,
    )


def _proposed(session: Session, party_id: int) -> list[CaseSanction]:
    return list(
        session.scalars(
            select(CaseSanction).where(
                CaseSanction.party_id == party_id,
                CaseSanction.status == SanctionStatus.PROPOSED,
            )
        )
    )


def propose_sanction(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    party_id: int,
    code: str,
    months: int | None = None,
    note: str | None = None,
    level: str | None = None,
) -> CaseSanction:
    """Choose a catalogue sanction for a respondent found responsible, with its duration;
    a grouped entry (S10, S11, S12) needs the specific measure (`level`), which the letter names.

    Raises:
        InvalidSanction: unknown code, not applicable to this kind of respondent, or the
            respondent was not found responsible.
    """
    require(actor, P.CASE_DECIDE)
    case = case_for_change(session, case_id, expected_version)
    _in_determination(case)
    party = _party(case, party_id)
    kind = SANCTIONS.get((code or "").strip().upper())
    if kind is None:
        raise InvalidSanction(
            f"处理措施代码无效：{code} (unknown sanction code)", code=code
        )
    if party.finding is not Finding.MISCONDUCT:
        raise InvalidSanction(
            f"{party.person.name} 未被认定构成学术不端，不能给予处理 (no misconduct finding)"
        )
    if applies_code(party.person.kind) not in kind.applies_to:
        raise InvalidSanction(
            f"“{kind.name_zh}”不适用于{party.person.kind_label} (not applicable to this respondent)",
            code=kind.code,
        )
    level, level_months = _level(kind.code, level)
    if months is None and level_months is not None:
        months = level_months
    if kind.is_permanent or kind.default_months is None:
        months = None
    else:
        months = kind.default_months if months is None else int(months)
        if months <= 0 or months > 1200:
            raise InvalidSanction(
                "期限须为 1–1200 个月 (duration must be 1–1200 months)"
            )
    public = kind.public is Disclosure.YES or (
        kind.public is Disclosure.CONDITIONAL and party.is_serious
    )
    province = kind.province is Disclosure.YES or (
        kind.province is Disclosure.CONDITIONAL and party.is_serious
    )
    row = CaseSanction(
        case_id=case.id,
        party_id=party.id,
        code=kind.code,
        level=level,
        months=months,
        is_public=public,
        report_to_province=province,
        credit_class=kind.credit_class,
        note=(note or "").strip() or None,
        status=SanctionStatus.PROPOSED,
    )
    session.add(row)
    add_event(
        session,
        case,
        actor=actor,
        kind="sanction",
        summary=f"拟处理 {party.person.name}：{kind.code} {sanction_name(kind.code, level)}"
        + (f"（{months} 个月）" if months else ""),
    )
    touch(case)
    session.flush()
    return row


def withdraw_proposal(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    sanction_id: int,
) -> None:
    """Drop a proposed sanction before the decision."""
    require(actor, P.CASE_DECIDE)
    case = case_for_change(session, case_id, expected_version)
    _in_determination(case)
    row = session.get(CaseSanction, sanction_id)
    if (
        row is None
        or row.case_id != case.id
        or row.status is not SanctionStatus.PROPOSED
    ):
        raise InvalidInput("没有这项拟处理措施 (no such proposed sanction)")
    row.status = SanctionStatus.WITHDRAWN
    add_event(
        session,
        case,
        actor=actor,
        kind="sanction",
        summary=f"撤回拟处理措施 {row.code}",
    )
    touch(case)
    session.flush()


def _decision_number(session: Session, case: Case, today: date) -> str:
    n = session.scalar(
        select(func.count())
        .select_from(CaseDecision)
        .where(CaseDecision.case_id == case.id)
    )
    suffix = f"-{n + 1}" if n else ""
    return f"诚信决字〔{today.year}〕{case.number.rsplit('-', 1)[1]}号{suffix}"


def record_decision(
    session: Session, *, case: Case, actor: User, reasons: str, kind_of: Transition
) -> CaseDecision:
    """Turn the findings and proposals into a numbered decision (the workflow calls this)."""
    today = clock.today()
    is_review = (
        session.scalar(
            select(func.count())
            .select_from(CaseDecision)
            .where(CaseDecision.case_id == case.id)
        )
        or 0
    ) > 0
    decision = CaseDecision(
        case_id=case.id,
        number=_decision_number(session, case, today),
        kind="review" if is_review else "original",
        is_misconduct=kind_of.target is CaseState.DECIDED,
        decided_on=today,
        basis=BASIS["default"],
        vote=reasons[:255] if reasons else None,
        reasons=reasons,
        decided_by_id=actor.id,
        deciding_unit=f"{settings_of(session).case_university_name}学术委员会",
    )
    session.add(decision)
    session.flush()
    # A new decision replaces the sanctions of an earlier one (after review).
    for old in session.scalars(
        select(CaseSanction).where(
            CaseSanction.case_id == case.id,
            CaseSanction.status.in_([SanctionStatus.DECIDED, SanctionStatus.ACTIVE]),
        )
    ):
        old.status = SanctionStatus.WITHDRAWN
    for row in session.scalars(
        select(CaseSanction).where(
            CaseSanction.case_id == case.id,
            CaseSanction.status == SanctionStatus.PROPOSED,
        )
    ):
        row.decision_id = decision.id
        row.status = SanctionStatus.DECIDED
    return decision


def start_sanctions(session: Session, *, case: Case, today: date) -> None:
    """Sanctions take effect on notification and run during an appeal."""
    for row in session.scalars(
        select(CaseSanction).where(
            CaseSanction.case_id == case.id,
            CaseSanction.status == SanctionStatus.DECIDED,
        )
    ):
        row.starts_on = today
        row.ends_on = (
            add_months_to_working_day(session, today, row.months)
            if row.months is not None
            else None
        )
        row.status = SanctionStatus.ACTIVE


def latest_decision(session: Session, case_id: int) -> CaseDecision | None:
    """The newest decision of the case."""
    return session.scalars(
        select(CaseDecision)
        .where(CaseDecision.case_id == case_id)
        .order_by(CaseDecision.id.desc())
    ).first()


def list_decisions(session: Session, case_id: int) -> list[CaseDecision]:
    """Decisions of the case, oldest first."""
    return list(
        session.scalars(
            select(CaseDecision)
            .where(CaseDecision.case_id == case_id)
            .order_by(CaseDecision.id)
        )
    )


def list_sanctions(
    session: Session, case_id: int, *, include_withdrawn: bool = False
) -> list[CaseSanction]:
    """Sanctions of the case (proposed, decided, active, handed off)."""
    query = (
        select(CaseSanction)
        .where(CaseSanction.case_id == case_id)
        .order_by(CaseSanction.id)
    )
    if not include_withdrawn:
        query = query.where(CaseSanction.status != SanctionStatus.WITHDRAWN)
    return list(session.scalars(query))


def sanction_label(row: CaseSanction) -> str:
    """S06 取消申报/晋升资格（36 个月）; S12 记过（10 个月）: the specific measure."""
    return f"{row.code} {sanction_name(row.code, row.level)}" + (
        f"（{row.months} 个月）" if row.months else ""
    )
