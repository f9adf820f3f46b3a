"""The state machine: one `transition` for every move of `casework.models.TRANSITIONS`.

Order of checks, so that a refused move changes nothing: the case is read fresh and its
version compared (`StaleCase`); the move must be in the table (`InvalidTransition`, naming
the current state); the actor must hold the role (`PermissionDenied`, `NotOnPanel`); written
reasons where the table wants them (`ReasonRequired`); then the step's preconditions
(`TransitionBlocked`). Only then is anything written: the state, the timeline event, the
deadlines, and the step's own effects (`effects.apply_effects`: decision, letters, appeal
records, hand-off to credit and archive).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from archive.kernel import clock
from archive.kernel.accounts import Permission, User
from archive.kernel.db import settings_of
from archive.kernel.errors import InvalidInput, PermissionDenied
from casework.errors import (
    CaseNotFound,
    InvalidTransition,
    NotOnPanel,
    ReasonRequired,
    StaleCase,
    TransitionBlocked,
)
from casework.models import (
    STATE_LABELS,
    TRANSITIONS,
    WHO_LABELS,
    WHO_PERMISSIONS,
    Case,
    CaseSanction,
    CaseState,
    Evidence,
    EvidenceKind,
    Finding,
    PanelMember,
    SanctionStatus,
    Transition,
    Who,
    allowed_targets,
)
from casework.services.common import (
    add_event,
    case_for_change,
    check_version,
    is_recused,
    is_staff,
    party_of_user,
    recused_case_ids,
    touch,
)
from casework.services.deadlines import current_deadline, on_state_change
from casework.services.effects import apply_effects
from casework.services.hearing import hearing_blocker, hearing_of

S = CaseState
P = Permission
# Moves the reporter sees on the tip page (without reasons, except acceptance/rejection).
REPORTER_MILESTONES = frozenset(
    {
        S.ACCEPTED,
        S.REJECTED,
        S.INVESTIGATING,
        S.DETERMINATION,
        S.FINAL,
        S.TERMINATED,
        S.TRANSFERRED,
    }
)


def lookup(source: CaseState, target: CaseState) -> Transition:
    """The table entry for a move, or `InvalidTransition` naming the current state."""
    t = TRANSITIONS.get((source, target))
    if t is None:
        allowed = (
            "、".join(STATE_LABELS[x.target] for x in allowed_targets(source)) or "无"
        )
        raise InvalidTransition(
            f"案件当前处于“{STATE_LABELS[source]}”，不能转为“{STATE_LABELS[target]}”"
            f"（可转入：{allowed}） (not allowed from the current state "
            f"{source.value} to {target.value})",
            current_state=source.value,
            target=target.value,
        )
    return t


def active_panel(session: Session, case_id: int) -> list[PanelMember]:
    """Current members of the case's investigation panel."""
    return list(
        session.scalars(
            select(PanelMember)
            .where(PanelMember.case_id == case_id, PanelMember.removed_at.is_(None))
            .order_by(PanelMember.id)
        )
    )


def is_panel_lead(session: Session, case: Case, user: User) -> bool:
    """True when `user` leads the case's panel."""
    return any(
        m.user_id == user.id and m.is_lead for m in active_panel(session, case.id)
    )


def check_actor(
    session: Session, case: Case, t: Transition, actor: User | None
) -> None:
    """Raise unless `actor` may make move `t` on `case`."""
    if actor is None or not actor.is_active:
        raise PermissionDenied("请先登录 (sign in required)")
    party = party_of_user(session, case, actor)
    who = t.who
    denied = PermissionDenied(
        f"“{t.label}”只能由{WHO_LABELS[who]}办理 (only {who.value} may do this)",
        who=who.value,
    )
    if who is Who.APPELLANT:
        if party is not None and actor.can(P.SELF_SERVICE):
            return
        if party is None and actor.can(P.CASE_INTAKE):
            return
        raise denied
    if party is not None:
        raise PermissionDenied(
            "本案当事人不能办理本案 (a respondent cannot act on their own case)"
        )
    if not any(actor.can(p) for p in WHO_PERMISSIONS[who]):
        raise denied
    if case.id in recused_case_ids(session, actor):
        raise PermissionDenied(
            "您已申报或被提出回避事由，不能办理本案 (you are recused from this case)"
        )
    if who is Who.PANEL_LEAD and not is_panel_lead(session, case, actor):
        raise NotOnPanel(
            f"“{t.label}”只能由本案调查组组长办理 (only the panel lead of this case)",
            who=who.value,
        )


def can_trigger(
    session: Session, case: Case, t: Transition, actor: User | None
) -> bool:
    """Whether the actor holds the role for `t` (for showing buttons)."""
    try:
        check_actor(session, case, t, actor)
    except PermissionDenied:
        return False
    return True


def available_transitions(
    session: Session, case: Case, actor: User | None
) -> list[Transition]:
    """The moves this actor may make now: the role holds and the step's conditions are met."""
    return [t for t, why in moves_for(session, case, actor) if why is None]


def moves_for(
    session: Session, case: Case, actor: User | None
) -> list[tuple[Transition, str | None]]:
    """Each move of the actor's role from the current state, with why it must wait (or None)."""
    out: list[tuple[Transition, str | None]] = []
    for t in allowed_targets(case.state):
        if not can_trigger(session, case, t, actor):
            continue
        try:
            _preconditions(session, case, t)
        except TransitionBlocked as exc:
            out.append((t, exc.message))
            continue
        out.append((t, None))
    return out


def _blocked(case: Case, t: Transition, message: str) -> TransitionBlocked:
    return TransitionBlocked(
        message, current_state=case.state.value, target=t.target.value
    )


def _require_respondent(session: Session, case: Case, t: Transition) -> None:
    if t.target is S.ACCEPTED and not case.parties:
        raise _blocked(
            case, t, "受理前须登记至少一名被举报人 (add a respondent before accepting)"
        )


def _require_panel(session: Session, case: Case, t: Transition) -> None:
    if t.target is S.INVESTIGATING and t.source is S.ACCEPTED:
        members = active_panel(session, case.id)
        need = settings_of(session).case_min_panel_size
        if len(members) < need or not any(m.is_lead for m in members):
            raise _blocked(
                case,
                t,
                f"调查组须至少 {need} 人并指定组长（现有 {len(members)} 人） "
                f"(the panel needs at least {need} members and a lead)",
            )


def _require_report_draft(session: Session, case: Case, t: Transition) -> None:
    if t.target is S.REPORT_DRAFT:
        draft = session.scalars(
            select(Evidence.id).where(
                Evidence.case_id == case.id, Evidence.kind == EvidenceKind.REPORT_DRAFT
            )
        ).first()
        if draft is None:
            raise _blocked(
                case, t, "须先上传调查报告草稿 (upload the report draft first)"
            )


def _require_findings(session: Session, case: Case, t: Transition) -> None:
    if t.target not in (S.DECIDED, S.CLEARED):
        return
    findings = [p.finding for p in case.parties]
    if not findings or any(f is None for f in findings):
        raise _blocked(
            case, t, "须对每名被举报人作出认定 (record a finding for every respondent)"
        )
    if t.target is S.CLEARED and any(f is Finding.MISCONDUCT for f in findings):
        raise _blocked(
            case,
            t,
            "有被举报人被认定构成学术不端，不能作出不构成结论 (a respondent was found responsible)",
        )
    if t.target is S.DECIDED:
        if not any(f is Finding.MISCONDUCT for f in findings):
            raise _blocked(
                case,
                t,
                "没有被认定构成学术不端的被举报人 (no respondent was found responsible)",
            )
        _require_proposed_sanctions(session, case, t)


def _require_proposed_sanctions(session: Session, case: Case, t: Transition) -> None:
    for party in case.parties:
        if party.finding is Finding.MISCONDUCT:
            n = session.scalars(
                select(CaseSanction.id).where(
                    CaseSanction.party_id == party.id,
                    CaseSanction.status == SanctionStatus.PROPOSED,
                )
            ).first()
            if n is None:
                raise _blocked(
                    case,
                    t,
                    f"须为 {party.person.name} 选择处理措施 (choose sanctions for every responsible respondent)",
                )


def _require_appeal_window(session: Session, case: Case, t: Transition) -> None:
    if t.source is not S.APPEAL_WINDOW or t.target not in (S.FINAL, S.APPEAL):
        return
    deadline = current_deadline(session, case.id)
    if deadline is None:
        return
    if t.target is S.FINAL and clock.today() <= deadline.due_on:
        raise _blocked(
            case,
            t,
            f"申诉期至 {deadline.due_on.isoformat()} 届满，届满前决定不生效 "
            "(the appeal window is still open)",
        )
    if t.target is S.APPEAL and clock.today() > deadline.due_on:
        raise _blocked(
            case,
            t,
            f"申诉期已于 {deadline.due_on.isoformat()} 届满 (the appeal window has closed)",
        )


def _require_sanctions_handed_over(session: Session, case: Case, t: Transition) -> None:
    if t.source is not S.FINAL or t.target not in (S.SANCTIONS_ACTIVE, S.ARCHIVED):
        return
    has_sanctions = (
        session.scalars(
            select(CaseSanction.id).where(
                CaseSanction.case_id == case.id,
                CaseSanction.status.in_(
                    [
                        SanctionStatus.ACTIVE,
                        SanctionStatus.DECIDED,
                        SanctionStatus.HANDED_OFF,
                    ]
                ),
            )
        ).first()
        is not None
    )
    if t.target is S.SANCTIONS_ACTIVE and not has_sanctions:
        raise _blocked(case, t, "本案没有处理措施 (the case has no sanctions)")
    if t.target is S.ARCHIVED and has_sanctions:
        raise _blocked(
            case,
            t,
            "有处理措施的案件须先交付执行再归档 (hand the sanctions over before archiving)",
        )


def _require_hearing(session: Session, case: Case, t: Transition) -> None:
    if t.source is S.RESPONDENT_COMMENT and t.target is S.DETERMINATION:
        why = hearing_blocker(session, case)
        if why is not None:
            raise _blocked(case, t, why)


# Per-step checks that need more than the table, in the order they are made.
_PRECONDITIONS = (
    _require_respondent,
    _require_panel,
    _require_report_draft,
    _require_hearing,
    _require_findings,
    _require_appeal_window,
    _require_sanctions_handed_over,
)


def _preconditions(session: Session, case: Case, t: Transition) -> None:
    """Raise `TransitionBlocked` unless the step's own conditions hold."""
    for check in _PRECONDITIONS:
        check(session, case, t)


def _is_internal(source: CaseState, target: CaseState) -> bool:
    """The reporter follows the milestones; only the reasons of acceptance and rejection
    are told to them (40号令 Art 15): the tip page shows no other reasons."""
    if target is S.INVESTIGATING:
        return source is not S.ACCEPTED
    return target not in REPORTER_MILESTONES


def _check_may_move(
    session: Session, case: Case, actor: User | None, target: CaseState
) -> None:
    """Before the version and the table are consulted (their refusals name the state):
    outsiders and recused staff learn nothing, and a respondent may only appeal."""
    party = party_of_user(session, case, actor)
    if party is None and (not is_staff(actor) or is_recused(session, case, actor)):
        raise CaseNotFound(f"案件不存在：{case.id} (no such case)", case_id=case.id)
    if party is not None and target is not S.APPEAL:
        raise PermissionDenied(
            "本案当事人不能办理本案 (a respondent cannot act on their own case)"
        )


def transition(
    session: Session,
    *,
    actor: User | None,
    case_id: int,
    to: CaseState | str,
    expected_version: int | None,
    reason: str | None = None,
) -> Case:
    """Move a case to `to` if the table, the role and the step's preconditions allow it.

    Args:
        actor: the acting user (checked against the table's `who`).
        case_id: the case.
        to: the target state.
        expected_version: the version the caller's form showed (None skips the check:
            jobs and the CLI only).
        reason: written reasons; required where the table says so.

    Returns:
        The case, in its new state.

    Raises:
        StaleCase, InvalidTransition, PermissionDenied, NotOnPanel, ReasonRequired,
        TransitionBlocked.
    """
    try:
        target = CaseState(to)
    except ValueError as exc:
        raise InvalidInput(
            f"未知的案件状态：{str(to)[:40]} (unknown state)", to=str(to)[:40]
        ) from exc
    case = case_for_change(session, case_id, None)
    _check_may_move(session, case, actor, target)
    check_version(case, expected_version)
    t = lookup(case.state, target)
    check_actor(session, case, t, actor)
    assert actor is not None
    reason = (reason or "").strip() or None
    if t.reason_required and not reason:
        raise ReasonRequired(
            f"“{t.label}”须填写书面理由 (written reasons are required for this step)",
            target=target.value,
        )
    _preconditions(session, case, t)
    source = case.state
    met_how = (
        hearing_of(session, case).met_how if source is S.RESPONDENT_COMMENT else None
    )
    case.state = target
    case.state_entered_on = clock.today()
    on_state_change(session, case, source, target, met_how=met_how)
    add_event(
        session,
        case,
        actor=actor,
        kind="transition",
        summary=f"{STATE_LABELS[source]} → {STATE_LABELS[target]}：{t.label}",
        reason=reason,
        from_state=source,
        to_state=target,
        is_internal=_is_internal(source, target),
    )
    apply_effects(session, case=case, transition=t, actor=actor, reason=reason)
    touch(case)
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleCase(
            f"案件 {case.number} 已被他人同时修改，请刷新后重试 (changed concurrently; reload)",
            case_id=case_id,
        ) from exc
    return case
