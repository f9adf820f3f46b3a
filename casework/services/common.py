"""What every casework service shares: loading a case for change (version check),
who may see it, the timeline, and the link between a signed-in user and a party."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from archive.kernel import audit
from archive.kernel.accounts import Permission, User
from archive.kernel.db import memo_until_change, utcnow
from archive.kernel.errors import PermissionDenied
from archive.kernel.people import find_person_for_user
from casework.errors import CaseNotFound, StaleCase
from casework.models import Case, CaseEvent, CaseParty, CaseState, ConflictDeclaration

P = Permission
STAFF_PERMISSIONS = (P.CASE_VIEW, P.CASE_INTAKE, P.CASE_INVESTIGATE, P.CASE_DECIDE)


def get_case(session: Session, case_id: int) -> Case:
    """The case with this id, or `CaseNotFound`."""
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound(f"案件不存在：{case_id} (no such case)", case_id=case_id)
    return case


def find_case_by_number(session: Session, number: str) -> Case | None:
    """The case with this number (CX-2026-0001), if any."""
    return session.scalars(select(Case).where(Case.number == number.strip())).first()


def case_for_change(
    session: Session, case_id: int, expected_version: int | None
) -> Case:
    """The case, freshly read (row-locked on PostgreSQL), checked against the form's version.

    Raises:
        CaseNotFound: no such case.
        StaleCase: someone changed the case since `expected_version` was read.
    """
    cached = session.identity_map.get(session.identity_key(Case, case_id))
    if cached is not None and not session.is_modified(cached):
        # Forget what this session read earlier: compare with the version stored now.
        session.expire(cached)
    try:
        case = session.get(Case, case_id, populate_existing=True, with_for_update=True)
    except StaleDataError as exc:
        raise StaleCase(
            "案件已被他人修改，请刷新后重试 (the case changed; reload and try again)",
            case_id=case_id,
        ) from exc
    if case is None:
        raise CaseNotFound(f"案件不存在：{case_id} (no such case)", case_id=case_id)
    check_version(case, expected_version)
    return case


def check_version(case: Case, expected_version: int | None) -> None:
    """Raise `StaleCase` unless the case is still at the version the caller read."""
    if expected_version is not None and case.version != expected_version:
        raise StaleCase(
            f"案件 {case.number} 在您打开页面后已被他人修改，请刷新后重试 (the case changed "
            "since you loaded it; reload and try again)",
            case_id=case.id,
            current_version=case.version,
            expected_version=expected_version,
        )


def in_words(message: str) -> str:
    """A refusal as pages show it: the Chinese sentence without its English gloss."""
    head, sep, _tail = message.rpartition(" (")
    return head if sep else message


def touch(case: Case) -> None:
    """Mark the case changed so its version moves on (child rows changed)."""
    case.updated_at = utcnow()


def actor_label(actor: User | None) -> str:
    """How an actor is named on the timeline."""
    if actor is None:
        return "系统"
    return actor.display_name or actor.username


def add_event(
    session: Session,
    case: Case,
    *,
    actor: User | None,
    kind: str,
    summary: str,
    reason: str | None = None,
    from_state: CaseState | None = None,
    to_state: CaseState | None = None,
    is_internal: bool = True,
    actor_name: str | None = None,
) -> CaseEvent:
    """Append one step to the case's timeline."""
    event = CaseEvent(
        case_id=case.id,
        actor_id=actor.id if actor is not None else None,
        actor_label=(actor_name or actor_label(actor))[:160],
        kind=kind,
        summary=summary[:255],
        reason=reason,
        from_state=from_state,
        to_state=to_state,
        is_internal=is_internal,
    )
    session.add(event)
    return event


def list_events(session: Session, case_id: int) -> list[CaseEvent]:
    """The case's timeline, oldest first (internal steps included: staff views only)."""
    return list(
        session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
    )


def party_of_user(session: Session, case: Case, user: User | None) -> CaseParty | None:
    """The respondent record of `case` that is this user, if they are a respondent."""
    if user is None:
        return None
    person = memo_until_change(
        session,
        ("person_of_user", user.id),
        lambda: find_person_for_user(session, user),
    )
    if person is None:
        return None
    for party in case.parties:
        if party.person_id == person.id:
            return party
    return None


def is_staff(user: User | None) -> bool:
    """True for users whose roles work on cases."""
    return user is not None and any(user.can(p) for p in STAFF_PERMISSIONS)


def is_recused(session: Session, case: Case, user: User | None) -> bool:
    """Whether a relation of `user` with a party of `case` was declared or flagged (回避)."""
    if user is None:
        return False
    found = session.scalar(
        select(ConflictDeclaration.id)
        .where(
            ConflictDeclaration.case_id == case.id,
            ConflictDeclaration.user_id == user.id,
        )
        .limit(1)
    )
    return found is not None


def recused_case_ids(session: Session, user: User | None) -> set[int]:
    """Cases for which a relation with a party was declared or flagged for `user`."""
    if user is None:
        return set()
    found = memo_until_change(
        session,
        ("recused_case_ids", user.id),
        lambda: frozenset(
            session.scalars(
                select(ConflictDeclaration.case_id).where(
                    ConflictDeclaration.user_id == user.id
                )
            )
        ),
    )
    return set(found)


def can_view_case(session: Session, user: User | None, case: Case) -> bool:
    """Staff see cases, except their own (as a respondent) and those they are recused from."""
    return (
        is_staff(user)
        and party_of_user(session, case, user) is None
        and case.id not in recused_case_ids(session, user)
    )


def require_case_view(session: Session, user: User | None, case: Case) -> None:
    """Raise unless `user` may open the staff view of `case` (respondents and recused
    staff get 404)."""
    if not is_staff(user):
        raise PermissionDenied("您无权查看案件 (permission denied)")
    if party_of_user(session, case, user) is not None:
        # A respondent with a staff role must not learn more than other respondents; the
        # attempt is logged (the page commits it before answering "not found").
        audit.record_event(
            session, action="view_refused", entity_type="cases", entity_id=case.id
        )
        raise CaseNotFound(f"案件不存在：{case.id} (no such case)", case_id=case.id)
    if case.id in recused_case_ids(session, user):
        # Whoever must recuse takes no further part: the case is closed to them.
        raise CaseNotFound(f"案件不存在：{case.id} (no such case)", case_id=case.id)


def can_see_reporter(session: Session, user: User | None, case: Case) -> bool:
    """Only CASE_VIEW_REPORTER holders who are not a respondent of the case."""
    return (
        user is not None
        and user.can(P.CASE_VIEW_REPORTER)
        and party_of_user(session, case, user) is None
    )
