"""Intake: opening a case from a named report, a screening report, the media or on the
university's own initiative; respondents; the reporter's identity (kept apart, redacted)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.kernel import audit, clock
from archive.kernel.accounts import Permission, User, require
from archive.kernel.errors import Conflict, DomainError, InvalidInput
from archive.kernel.files import store_bytes
from archive.kernel.people import (
    Person,
    PersonKind,
    ensure_person,
    find_person_by_university_id,
    find_person_for_user,
    get_person,
)
from archive.submissions import services as submissions
from casework.errors import ScreeningUnavailable
from casework.models import (
    SOURCE_LABELS,
    Case,
    CaseParty,
    CaseReporter,
    CaseSource,
    CaseState,
    ConflictDeclaration,
    Evidence,
    EvidenceKind,
)
from casework.services.common import (
    add_event,
    can_see_reporter,
    case_for_change,
    get_case,
    is_staff,
    recused_case_ids,
    require_case_view,
    touch,
)
from casework.services.deadlines import on_state_change
from screening.report.counting import counts_in_total

P = Permission


def _next_number(session: Session) -> str:
    """CX-<year>-<4-digit sequence within the year>."""
    year = clock.today().year
    prefix = f"CX-{year}-"
    last = session.scalar(
        select(func.max(Case.number)).where(Case.number.like(prefix + "%"))
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


@dataclass(frozen=True)
class ReporterInput:
    """Who reported, as given at intake (never shown to respondents)."""

    name: str | None = None
    contact: str | None = None
    unit: str | None = None
    person_id: int | None = None
    user_id: int | None = None
    is_anonymous: bool = False
    university_id: str | None = None


def create_case(
    session: Session,
    *,
    actor: User | str | None,
    title: str,
    allegation: str,
    source: CaseSource,
    summary: str = "",
    reporter: ReporterInput | None = None,
    owner_id: int | None = None,
) -> Case:
    """Insert a case in RECEIVED with its first deadline and timeline entry (no role check)."""
    title = (title or "").strip()
    allegation = (allegation or "").strip()
    if not title:
        raise InvalidInput("请填写案件标题（被举报事项） (a title is required)")
    if not allegation:
        raise InvalidInput("请填写举报内容 (the allegation is required)")
    today = clock.today()
    case = Case(
        number=_next_number(session),
        title=title[:255],
        allegation=allegation,
        summary=(summary or "").strip() or title[:255],
        source=CaseSource(source),
        state=CaseState.RECEIVED,
        state_entered_on=today,
        opened_on=today,
        owner_id=owner_id,
    )
    session.add(case)
    session.flush()
    rep = reporter or ReporterInput(is_anonymous=source is not CaseSource.NAMED)
    if rep.person_id is None and (rep.university_id or "").strip():
        known = find_person_by_university_id(session, rep.university_id.strip())  # type: ignore[union-attr]
        if known is not None:
            rep = ReporterInput(
                name=rep.name or known.name,
                contact=rep.contact,
                unit=rep.unit or known.unit,
                person_id=known.id,
                user_id=rep.user_id or known.user_id,
                is_anonymous=rep.is_anonymous,
            )
    session.add(
        CaseReporter(
            case_id=case.id,
            is_anonymous=rep.is_anonymous,
            name=(rep.name or "").strip() or None,
            contact=(rep.contact or "").strip() or None,
            unit=(rep.unit or "").strip() or None,
            person_id=rep.person_id,
            user_id=rep.user_id,
        )
    )
    on_state_change(session, case, CaseState.RECEIVED, CaseState.RECEIVED)
    user = actor if isinstance(actor, User) else None
    add_event(
        session,
        case,
        actor=user,
        actor_name=None if user is not None else "举报人（匿名）",
        kind="received",
        summary=RECEIVED_SUMMARIES.get(
            case.source, f"收到{SOURCE_LABELS[case.source]}"
        ),
        to_state=CaseState.RECEIVED,
        is_internal=False,
    )
    session.flush()
    return case


def open_case(
    session: Session,
    *,
    actor: User,
    title: str,
    allegation: str,
    source: CaseSource | str = CaseSource.NAMED,
    summary: str = "",
    reporter: ReporterInput | None = None,
) -> Case:
    """Register an allegation received by the office (named report, media, own initiative)."""
    require(actor, P.CASE_INTAKE)
    source = CaseSource(source)
    if source is CaseSource.NAMED and (
        reporter is None or not (reporter.name or "").strip()
    ):
        raise InvalidInput(
            "实名举报须填写举报人姓名 (a named report needs the reporter's name)"
        )
    return create_case(
        session,
        actor=actor,
        title=title,
        allegation=allegation,
        source=source,
        summary=summary,
        reporter=reporter,
        owner_id=actor.id,
    )


def add_respondent(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    kind: PersonKind | str,
    name: str,
    university_id: str | None = None,
    unit: str | None = None,
    person_id: int | None = None,
    role_note: str | None = None,
) -> CaseParty:
    """Add a respondent (teacher, student or unit), found by 工号/学号 or created."""
    require(actor, P.CASE_INTAKE)
    case = case_for_change(session, case_id, expected_version)
    require_case_view(session, actor, case)
    if case.is_closed:
        raise Conflict(
            f"案件已结案（{case.state_label}），不能再添加被举报人 (case closed)"
        )
    if person_id is not None:
        person = get_person(session, person_id)
    else:
        person = ensure_person(
            session,
            kind=PersonKind(kind),
            name=name,
            university_id=(university_id or "").strip() or None,
            unit=(unit or "").strip() or None,
        )
    if any(p.person_id == person.id for p in case.parties):
        raise Conflict(f"{person.name} 已是本案被举报人 (already a respondent)")
    party = CaseParty(case_id=case.id, person_id=person.id, role_note=role_note)
    session.add(party)
    case.parties.append(party)
    if not case.unit and person.unit:
        case.unit = person.unit
    if not case.unit and person.kind is PersonKind.UNIT:
        case.unit = person.name
    add_event(
        session,
        case,
        actor=actor,
        kind="party",
        summary=f"登记被举报人：{person.name}（{person.kind_label}）",
    )
    touch(case)
    session.flush()
    return party


def get_reporter(session: Session, case_id: int) -> CaseReporter | None:
    """The reporter row (callers must have checked `can_see_reporter`)."""
    return session.scalars(
        select(CaseReporter).where(CaseReporter.case_id == case_id)
    ).first()


def reporter_for_viewer(
    session: Session, *, actor: User, case: Case
) -> CaseReporter | None:
    """The reporter's identity for a viewer allowed to see it; the view is audited."""
    if not can_see_reporter(session, actor, case):
        return None
    reporter = get_reporter(session, case.id)
    if reporter is not None and not reporter.is_anonymous:
        audit.record_event(
            session,
            action="view_reporter",
            entity_type="cases",
            entity_id=case.id,
            detail={"case_number": case.number},
        )
    return reporter


# How the first timeline entry names the way a case came in (never a raw code).
RECEIVED_SUMMARIES = {
    CaseSource.SCREENING: "从查重报告立案",
    CaseSource.INITIATIVE: "主动调查立案",
}


def list_cases(
    session: Session, *, actor: User, include_archived: bool = False
) -> list[Case]:
    """Cases for staff, newest first (respondents do not see their own cases here, nor
    members the cases they are recused from)."""
    if not is_staff(actor):
        require(actor, P.CASE_VIEW)
    query = select(Case).order_by(Case.id.desc())
    if not include_archived:
        query = query.where(Case.state != CaseState.ARCHIVED)
    recused = set(
        session.scalars(
            select(ConflictDeclaration.case_id).where(
                ConflictDeclaration.user_id == actor.id
            )
        )
    )
    own = find_person_for_user(session, actor)
    recused = recused_case_ids(session, actor)
    cases = [c for c in session.scalars(query) if c.id not in recused]
    if own is None:
        return cases
    return [c for c in cases if all(p.person_id != own.id for p in c.parties)]


def list_all_cases(session: Session, *, include_archived: bool = False) -> list[Case]:
    """Every case in order of opening, for the shell (which already holds the database)."""
    query = select(Case).order_by(Case.id)
    if not include_archived:
        query = query.where(Case.state != CaseState.ARCHIVED)
    return list(session.scalars(query))


def view_case(session: Session, *, actor: User, case_id: int) -> Case:
    """A case for the staff view, after the access check."""
    case = get_case(session, case_id)
    require_case_view(session, actor, case)
    return case


# --- from a screening report ---------------------------------------------------------------


def _submission_report(
    session: Session, submission_id: int, actor: User
) -> tuple[Any, dict[str, Any], list[dict[str, Any]]]:
    """The submission, its report as JSON, and the counting matches with their text."""
    try:
        sub, report, text = submissions.get_report(
            session, submission_id=submission_id, actor=actor
        )
    except DomainError as exc:
        raise ScreeningUnavailable(exc.message, submission_id=submission_id) from exc
    data = report.to_dict()
    passages = []
    # The passages the report counts (quoted, cited and own-work ones included), so the
    # case and the report's "计入复制比 N 处" say the same number.
    counting = counts_in_total(report.options)
    for m in report.matches:
        if m.excluded not in counting:
            continue
        passages.append(
            {
                "source": m.source,
                "offset": m.offset,
                "length": m.length,
                "score": round(float(m.score), 3),
                "text": text[m.offset : m.offset + m.length][:2000],
            }
        )
    return sub, data, passages


def open_case_from_screening(
    session: Session,
    *,
    actor: User,
    submission_id: int,
    respondent_person_id: int | None,
    summary: str,
) -> Case:
    """Open a case from a screening report: the report and its matched passages become evidence.

    Raises:
        ScreeningUnavailable: there is no report to open a case from.
    """
    require(actor, P.CASE_INTAKE)
    submission, report, passages = _submission_report(session, submission_id, actor)
    name = getattr(submission, "title", "") or getattr(submission, "file_name", "")
    title = "查重报告疑似抄袭：" + (name or f"检测记录 {submission_id}")
    case = create_case(
        session,
        actor=actor,
        title=title,
        allegation=(summary or "").strip() or title,
        source=CaseSource.SCREENING,
        summary=summary,
        reporter=ReporterInput(
            name=actor.display_name, user_id=actor.id, is_anonymous=False
        ),
        owner_id=actor.id,
    )
    case.screening_submission_id = submission_id
    _attach_screening_report(
        session,
        case=case,
        actor=actor,
        submission_id=submission_id,
        report=report,
        passages=passages,
    )
    person = _screening_respondent(session, submission, respondent_person_id)
    if person is not None:
        session.flush()
        add_respondent(
            session,
            actor=actor,
            case_id=case.id,
            expected_version=None,
            kind=person.kind,
            name=person.name,
            person_id=person.id,
        )
    submissions.link_case(
        session, submission_id=submission_id, case_id=case.id, actor=actor
    )
    session.flush()
    return case


def _attach_screening_report(
    session: Session,
    *,
    case: Case,
    actor: User,
    submission_id: int,
    report: dict[str, Any],
    passages: list[dict[str, Any]],
) -> Evidence:
    """The report (stored as JSON) and its matched passages as the case's first evidence."""
    blob = json.dumps(report, ensure_ascii=False, sort_keys=True, default=str).encode()
    stored = store_bytes(
        session,
        blob,
        filename=f"screening-report-{submission_id}.json",
        media_type="application/json",
    )
    item = Evidence(
        case_id=case.id,
        kind=EvidenceKind.SCREENING_REPORT,
        title=f"查重检测报告（检测记录 {submission_id}）",
        note=f"计入复制比的相似片段 {len(passages)} 处",
        received_from="查重系统",
        stored_file_id=stored.id,
        sha256=stored.sha256,
        data={
            "submission_id": submission_id,
            "report_number": report.get("report_number"),
            "passages": passages[:500],
        },
        added_by_id=actor.id,
        added_by_label=actor.display_name,
    )
    session.add(item)
    return item


def _screening_respondent(
    session: Session, submission: Any, respondent_person_id: int | None
) -> Person | None:
    """The respondent chosen at intake, else the thesis's author as the upload named them."""
    if respondent_person_id is not None:
        return get_person(session, respondent_person_id)
    if getattr(submission, "author", ""):
        # The thesis's author, as the screening upload named them (学号_姓名_专业_题目).
        return ensure_person(
            session,
            kind=PersonKind.STUDENT,
            name=submission.author,
            university_id=getattr(submission, "university_id", None) or None,
            unit=getattr(submission, "unit", None) or None,
        )
    return None
