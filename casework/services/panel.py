"""The investigation panel and recusal (教育部令第40号 Art 19).

A panel may hold investigators, committee members and outside experts (people with no
account, from `casework.services.experts`). Before anyone joins a panel the system checks
them against every respondent (and the reporter): a declared or flagged relation (co-author, relative, supervisor, colleague, other),
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
from archive.kernel.people import Person, find_person_for_user
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
from casework.services.experts import get_expert
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


@dataclass(frozen=True)
class Candidate:
    """Someone who may sit on a panel: an account holder or an outside expert (no account)."""

    user: User | None = None
    expert: Person | None = None

    @property
    def name(self) -> str:
        """The candidate's name."""
        if self.user is not None:
            return self.user.display_name
        return self.expert.name if self.expert is not None else ""

    def own_person(self, session: Session) -> Person | None:
        """The person record of the candidate (for the party and reporter checks)."""
        if self.user is not None:
            return find_person_for_user(session, self.user)
        return self.expert

    def unit(self, own: Person | None) -> str:
        """The candidate's unit, normalised for comparison."""
        if self.user is not None and self.user.unit:
            return _norm(self.user.unit)
        return _norm(own.unit if own is not None else None)


def _norm(unit: str | None) -> str:
    return (unit or "").strip().lower()


def find_conflicts(
    session: Session,
    case: Case,
    user: User | None = None,
    *,
    expert: Person | None = None,
) -> list[ConflictFinding]:
    """Every conflict between a candidate (user or expert) and the parties of `case`."""
    who = Candidate(user=user, expert=expert)
    found: list[ConflictFinding] = []
    own = who.own_person(session)
    user_unit = who.unit(own)
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
        (user is not None and reporter.user_id == user.id)
        or (own is not None and reporter.person_id == own.id)
    ):
        found.append(ConflictFinding(Relation.PARTY, "举报人", "本人为举报人"))
    names = {p.person_id: p.person.name for p in case.parties}
    for d in _declarations(session, case.id, who):
        how = "本人申报" if d.is_self_declared else "他人提出"
        found.append(
            ConflictFinding(
                d.relation,
                names.get(d.person_id, "当事人") if d.person_id else "当事人",
                f"{RELATION_LABELS[d.relation]}（{how}）{('：' + d.note) if d.note else ''}",
            )
        )
    return found


def _declarations(
    session: Session, case_id: int, who: Candidate
) -> list[ConflictDeclaration]:
    query = select(ConflictDeclaration).where(ConflictDeclaration.case_id == case_id)
    if who.user is not None:
        query = query.where(ConflictDeclaration.user_id == who.user.id)
    elif who.expert is not None:
        query = query.where(ConflictDeclaration.expert_id == who.expert.id)
    else:
        return []
    return list(session.scalars(query))


def is_recused(session: Session, case_id: int, user: User | None) -> bool:
    """True when a relation with a party of the case was declared or flagged for `user`."""
    if user is None:
        return False
    return bool(_declarations(session, case_id, Candidate(user=user)))


def declare_conflict(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    relation: Relation | str,
    user_id: int | None = None,
    expert_id: int | None = None,
    person_id: int | None = None,
    note: str | None = None,
) -> ConflictDeclaration:
    """A user declares (or the office flags, also for an expert) a relation with a party;
    an active member who must recuse leaves the panel."""
    case = case_for_change(session, case_id, expected_version)
    require_case_view(session, actor, case)
    if expert_id is None and user_id is None:
        user_id = actor.id
    is_self = expert_id is None and actor.id == user_id
    if not is_self:
        require(actor, P.CASE_INTAKE)
    if person_id is not None and all(p.person_id != person_id for p in case.parties):
        raise InvalidInput("该人员不是本案被举报人 (not a respondent of this case)")
    if expert_id is not None:
        name = get_expert(session, expert_id).name
        user_id = None
    else:
        assert user_id is not None
        name = get_user(session, user_id).display_name
    row = ConflictDeclaration(
        case_id=case.id,
        user_id=user_id,
        expert_id=expert_id,
        person_id=person_id,
        relation=Relation(relation),
        note=(note or "").strip() or None,
        is_self_declared=is_self,
        recorded_by_id=actor.id,
    )
    session.add(row)
    add_event(
        session,
        case,
        actor=actor,
        kind="recusal",
        summary=f"{'申报' if is_self else '提出'}回避事由：{name}（{RELATION_LABELS[row.relation]}）",
        reason=row.note,
    )
    for member in active_panel(session, case.id):
        if (user_id is not None and member.user_id == user_id) or (
            expert_id is not None and member.expert_id == expert_id
        ):
            member.removed_at = utcnow()
            member.removed_reason = f"回避：{RELATION_LABELS[row.relation]}"
    touch(case)
    session.flush()
    return row


def check_member(
    session: Session,
    *,
    actor: User,
    case: Case,
    user: User | None = None,
    expert: Person | None = None,
) -> RecusalCheck:
    """Check one candidate (user or outside expert) against the case and record the check."""
    conflicts = find_conflicts(session, case, user, expert=expert)
    check = RecusalCheck(
        case_id=case.id,
        user_id=user.id if user is not None else None,
        expert_id=expert.id if expert is not None else None,
        checked_by_id=actor.id,
        is_clear=not conflicts,
        findings=[c.as_dict() for c in conflicts],
    )
    session.add(check)
    session.flush()
    return check


def is_eligible(user: User) -> bool:
    """Investigators and committee members (active accounts) may sit on a panel."""
    return user.is_active and (user.can(P.CASE_INVESTIGATE) or user.can(P.CASE_DECIDE))


def _candidate(
    session: Session, user_id: int | None, expert_id: int | None
) -> Candidate:
    if expert_id is not None:
        return Candidate(expert=get_expert(session, expert_id))
    user = get_user(session, user_id or 0)
    if not is_eligible(user):
        raise InvalidInput(
            f"{user.display_name} 不是调查人员或学术委员会委员，不能加入调查组 "
            "(only investigators, committee members and outside experts can join a panel)"
        )
    return Candidate(user=user)


def assign_member(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    user_id: int | None = None,
    expert_id: int | None = None,
    is_lead: bool = False,
) -> PanelMember:
    """Put an investigator, a committee member or an outside expert on the panel after a
    recorded recusal check; the lead must hold an account (the lead moves the case).

    Raises:
        RecusalRequired: the check found a conflict (the check itself is kept).
    """
    require(actor, P.CASE_INTAKE)
    case = case_for_change(session, case_id, expected_version)
    require_case_view(session, actor, case)
    if case.is_closed:
        raise Conflict(f"案件已结案（{case.state_label}） (the case is closed)")
    who = _candidate(session, user_id, expert_id)
    if is_lead and who.user is None:
        raise InvalidInput(
            f"校外专家 {who.name} 没有系统账号，不能担任组长 (the lead needs an account)"
        )
    members = active_panel(session, case.id)
    if any(
        (who.user is not None and m.user_id == who.user.id)
        or (who.expert is not None and m.expert_id == who.expert.id)
        for m in members
    ):
        raise Conflict(f"{who.name} 已在调查组中 (already on the panel)")
    check = check_member(
        session, actor=actor, case=case, user=who.user, expert=who.expert
    )
    if not check.is_clear:
        reasons = "；".join(f["detail"] for f in check.findings)
        add_event(
            session,
            case,
            actor=actor,
            kind="recusal",
            summary=f"回避审查未通过：{who.name}",
            reason=reasons,
        )
        touch(case)
        session.flush()
        # The check and the event must survive the refusal: the caller commits before raising.
        raise RecusalRequired(
            f"{who.name} 须回避，不能加入调查组：{reasons} (recusal required)",
            user_id=who.user.id if who.user is not None else None,
            check_id=check.id,
        )
    becomes_lead = who.user is not None and (
        is_lead or not any(m.is_lead for m in members)
    )
    if becomes_lead:
        for m in members:
            m.is_lead = False
    member = PanelMember(
        case_id=case.id,
        user_id=who.user.id if who.user is not None else None,
        expert_id=who.expert.id if who.expert is not None else None,
        is_lead=becomes_lead,
        assigned_by_id=actor.id,
    )
    session.add(member)
    add_event(
        session,
        case,
        actor=actor,
        kind="panel",
        summary=f"{who.name} 加入调查组{'（组长）' if member.is_lead else ''}，回避审查通过",
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
    reason: str,
    user_id: int | None = None,
    member_id: int | None = None,
) -> None:
    """Take a member off the panel (by account or by panel row), with a reason."""
    require(actor, P.CASE_INTAKE)
    case = case_for_change(session, case_id, expected_version)
    require_case_view(session, actor, case)
    if not (reason or "").strip():
        raise ReasonRequired("请说明调整理由 (a reason is required)")
    for member in active_panel(session, case.id):
        if (member_id is not None and member.id == member_id) or (
            member_id is None and user_id is not None and member.user_id == user_id
        ):
            member.removed_at = utcnow()
            member.removed_reason = reason.strip()
            add_event(
                session,
                case,
                actor=actor,
                kind="panel",
                summary=f"{member.name} 退出调查组",
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
    """Active users who may sit on a panel: investigators, then committee members."""
    users = [u for u in list_users(session) if is_eligible(u)]
    return sorted(users, key=lambda u: (not u.can(P.CASE_INVESTIGATE), u.display_name))
