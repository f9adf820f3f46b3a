"""The investigation panel and recusal (教育部令第40号 Art 19).

Before anyone joins a panel the system checks them against every respondent (and the
reporter): a declared or flagged relation (co-author, relative, supervisor, colleague, other),
the same unit as a respondent, or being a party themselves blocks the assignment. Every
check is recorded, clear or not.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel.accounts import Permission, User, get_user, list_users, require
from archive.kernel.db import utcnow
from archive.kernel.errors import Conflict, InvalidInput
from archive.kernel.people import find_person_for_user
from casework.errors import ReasonRequired, RecusalRequired
from casework.models import (
    RELATION_LABELS,
    Case,
    CaseReporter,
    ConflictDeclaration,
    PanelMember,
    RecusalCheck,
    Relation,
)
from casework.services.common import (
    add_event,
    case_for_change,
    require_case_view,
    touch,
)
from casework.services.workflow import active_panel

P = Permission


@dataclass(frozen=True)
class ConflictFinding:
    """One reason a user may not sit on the panel."""

    relation: Relation
    person_name: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        """JSON for the check record (no reporter names: the reporter is named 举报人)."""
        return {
            "relation": self.relation.value,
            "person": self.person_name,
            "detail": self.detail,
        }


def _norm(unit: str | None) -> str:
    return (unit or "").strip().lower()


def find_conflicts(session: Session, case: Case, user: User) -> list[ConflictFinding]:
    """Every conflict between `user` and the parties of `case` (declared, flagged or derived)."""
    found: list[ConflictFinding] = []
    own = find_person_for_user(session, user)
    user_unit = _norm(user.unit) or _norm(own.unit if own is not None else None)
    for party in case.parties:
        person = party.person
        if own is not None and own.id == person.id:
            found.append(ConflictFinding(Relation.PARTY, person.name, "本人为被举报人"))
            continue
        party_unit = _norm(person.name if person.kind.value == "unit" else person.unit)
        if user_unit and party_unit and user_unit == party_unit:
            found.append(
                ConflictFinding(
                    Relation.SAME_UNIT,
                    person.name,
                    f"同属 {person.unit or person.name}",
                )
            )
    reporter = session.scalars(
        select(CaseReporter).where(CaseReporter.case_id == case.id)
    ).first()
    if reporter is not None and (
        reporter.user_id == user.id
        or (own is not None and reporter.person_id == own.id)
    ):
        found.append(ConflictFinding(Relation.PARTY, "举报人", "本人为举报人"))
    declarations = session.scalars(
        select(ConflictDeclaration).where(
            ConflictDeclaration.case_id == case.id,
            ConflictDeclaration.user_id == user.id,
        )
    )
    names = {p.person_id: p.person.name for p in case.parties}
    for d in declarations:
        how = "本人申报" if d.is_self_declared else "他人提出"
        found.append(
            ConflictFinding(
                d.relation,
                names.get(d.person_id, "当事人") if d.person_id else "当事人",
                f"{RELATION_LABELS[d.relation]}（{how}）{('：' + d.note) if d.note else ''}",
            )
        )
    return found


def declare_conflict(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    user_id: int,
    relation: Relation | str,
    person_id: int | None = None,
    note: str | None = None,
) -> ConflictDeclaration:
    """A user declares (or the office flags) a relation with a party; an active member leaves."""
    case = case_for_change(session, case_id, expected_version)
    require_case_view(session, actor, case)
    is_self = actor.id == user_id
    if not is_self:
        require(actor, P.CASE_INTAKE)
    if person_id is not None and all(p.person_id != person_id for p in case.parties):
        raise InvalidInput("该人员不是本案被举报人 (not a respondent of this case)")
    row = ConflictDeclaration(
        case_id=case.id,
        user_id=user_id,
        person_id=person_id,
        relation=Relation(relation),
        note=(note or "").strip() or None,
        is_self_declared=is_self,
        recorded_by_id=actor.id,
    )
    session.add(row)
    target = get_user(session, user_id)
    add_event(
        session,
        case,
        actor=actor,
        kind="recusal",
        summary=f"{'申报' if is_self else '提出'}回避事由：{target.display_name}（{RELATION_LABELS[row.relation]}）",
        reason=row.note,
    )
    for member in active_panel(session, case.id):
        if member.user_id == user_id:
            member.removed_at = utcnow()
            member.removed_reason = f"回避：{RELATION_LABELS[row.relation]}"
    touch(case)
    session.flush()
    return row


def check_member(
    session: Session, *, actor: User, case: Case, user: User
) -> RecusalCheck:
    """Check one user against the case and record the check."""
    conflicts = find_conflicts(session, case, user)
    check = RecusalCheck(
        case_id=case.id,
        user_id=user.id,
        checked_by_id=actor.id,
        is_clear=not conflicts,
        findings=[c.as_dict() for c in conflicts],
    )
    session.add(check)
    session.flush()
    return check


def assign_member(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    user_id: int,
    is_lead: bool = False,
) -> PanelMember:
    """Put an investigator on the panel after a recorded recusal check.

    Raises:
        RecusalRequired: the check found a conflict (the check itself is kept).
    """
    require(actor, P.CASE_INTAKE)
    case = case_for_change(session, case_id, expected_version)
    require_case_view(session, actor, case)
    if case.is_closed:
        raise Conflict(f"案件已结案（{case.state_label}） (the case is closed)")
    user = get_user(session, user_id)
    if not user.can(P.CASE_INVESTIGATE):
        raise InvalidInput(
            f"{user.display_name} 不是调查人员，不能加入调查组 (only investigators can join a panel)"
        )
    members = active_panel(session, case.id)
    if any(m.user_id == user.id for m in members):
        raise Conflict(f"{user.display_name} 已在调查组中 (already on the panel)")
    check = check_member(session, actor=actor, case=case, user=user)
    if not check.is_clear:
        reasons = "；".join(f["detail"] for f in check.findings)
        add_event(
            session,
            case,
            actor=actor,
            kind="recusal",
            summary=f"回避审查未通过：{user.display_name}",
            reason=reasons,
        )
        touch(case)
        session.flush()
        # The check and the event must survive the refusal: the caller commits before raising.
        raise RecusalRequired(
            f"{user.display_name} 须回避，不能加入调查组：{reasons} (recusal required)",
            user_id=user.id,
            check_id=check.id,
        )
    if is_lead:
        for m in members:
            if m.is_lead:
                m.is_lead = False
    member = PanelMember(
        case_id=case.id,
        user_id=user.id,
        is_lead=is_lead or not any(m.is_lead for m in members),
        assigned_by_id=actor.id,
    )
    session.add(member)
    add_event(
        session,
        case,
        actor=actor,
        kind="panel",
        summary=f"{user.display_name} 加入调查组{'（组长）' if member.is_lead else ''}，回避审查通过",
    )
    if case.owner_id is None:
        case.owner_id = actor.id
    touch(case)
    session.flush()
    return member


def remove_member(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    user_id: int,
    reason: str,
) -> None:
    """Take a member off the panel, with a reason."""
    require(actor, P.CASE_INTAKE)
    case = case_for_change(session, case_id, expected_version)
    require_case_view(session, actor, case)
    if not (reason or "").strip():
        raise ReasonRequired("请说明调整理由 (a reason is required)")
    for member in active_panel(session, case.id):
        if member.user_id == user_id:
            member.removed_at = utcnow()
            member.removed_reason = reason.strip()
            add_event(
                session,
                case,
                actor=actor,
                kind="panel",
                summary=f"{member.user.display_name} 退出调查组",
                reason=reason.strip(),
            )
            touch(case)
            session.flush()
            return
    raise InvalidInput("此人不在调查组中 (not on the panel)")


def list_checks(session: Session, case_id: int) -> list[RecusalCheck]:
    """Recorded recusal checks of the case, oldest first."""
    return list(
        session.scalars(
            select(RecusalCheck)
            .where(RecusalCheck.case_id == case_id)
            .order_by(RecusalCheck.id)
        )
    )


def list_conflicts(session: Session, case_id: int) -> list[ConflictDeclaration]:
    """Declared or flagged relations, oldest first."""
    return list(
        session.scalars(
            select(ConflictDeclaration)
            .where(ConflictDeclaration.case_id == case_id)
            .order_by(ConflictDeclaration.id)
        )
    )


def list_investigators(session: Session) -> list[User]:
    """Active users who may sit on a panel (CASE_INVESTIGATE)."""
    return [u for u in list_users(session) if u.is_active and u.can(P.CASE_INVESTIGATE)]
