"""Anonymous tips: a public form that opens a case and gives the tipster a 16-digit receipt
code and a password, shown once; with them the tipster follows the case, answers questions
and sends messages, without an account.

Only a SHA-256 of the receipt code and a werkzeug hash of the password are stored (both
redacted from the audit chain). A wrong code and a wrong password fail the same way and take
the same time, so a guess never reveals whether a case exists.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from archive.kernel.accounts import Permission, User, require, spend_password_check
from archive.kernel.db import utcnow
from archive.kernel.errors import InvalidInput
from casework.errors import TipAccessDenied
from casework.models import (
    BOARD_COLUMNS,
    Case,
    CaseEvent,
    CaseMessage,
    CaseReporter,
    CaseSource,
    CaseState,
    PanelMember,
    Thread,
)
from casework.services.common import (
    add_event,
    can_see_reporter,
    case_for_change,
    require_case_view,
    touch,
)
from casework.services.evidence import store_tip_attachment
from casework.services.intake import ReporterInput, create_case

P = Permission
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _digest(code: str) -> str:
    return hashlib.sha256(("chengxin-tip:" + code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    """Digits only: people copy codes with spaces or dashes."""
    return "".join(ch for ch in (code or "") if ch.isdigit())


def new_receipt_code() -> str:
    """16 random digits (the first is never 0, so the code keeps its length when typed)."""
    return str(secrets.randbelow(9) + 1) + "".join(
        str(secrets.randbelow(10)) for _ in range(15)
    )


def format_code(code: str) -> str:
    """1234 5678 9012 3456: easier to copy by hand."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class TipReceipt:
    """What the tipster gets once: the case, the receipt code and the password."""

    case: Case
    receipt_code: str
    password: str


@dataclass(frozen=True)
class TipAttachment:
    """A file a tipster attaches to the tip."""

    filename: str
    stream: BinaryIO
    media_type: str


def submit_tip(
    session: Session,
    *,
    title: str,
    allegation: str,
    respondent_hint: str = "",
    contact: str = "",
    attachments: list[TipAttachment] | None = None,
) -> TipReceipt:
    """Open a case from an anonymous tip; the receipt code and password are returned once."""
    if len((allegation or "").strip()) < 10:
        raise InvalidInput(
            "请具体说明被举报的事实（至少 10 个字） (describe the facts, at least 10 characters)"
        )
    text = allegation.strip()
    if respondent_hint.strip():
        text = f"被举报人：{respondent_hint.strip()}\n\n{text}"
    case = create_case(
        session,
        actor=None,
        title=title,
        allegation=text,
        source=CaseSource.ANONYMOUS,
        reporter=ReporterInput(contact=contact or None, is_anonymous=True),
    )
    reporter = session.scalars(
        select(CaseReporter).where(CaseReporter.case_id == case.id)
    ).one()
    while True:
        code = new_receipt_code()
        if (
            session.scalars(
                select(CaseReporter.id).where(
                    CaseReporter.receipt_digest == _digest(code)
                )
            ).first()
            is None
        ):
            break
    password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))
    reporter.receipt_digest = _digest(code)
    reporter.password_hash = generate_password_hash(password)
    for attachment in attachments or []:
        store_tip_attachment(session, case=case, attachment=attachment)
    session.flush()
    return TipReceipt(case, code, password)


def open_tip(session: Session, *, receipt_code: str, password: str) -> Case:
    """The case behind a receipt code and password, or `TipAccessDenied` (no hint which failed)."""
    code = normalise_code(receipt_code)
    reporter = None
    if len(code) == 16:
        reporter = session.scalars(
            select(CaseReporter).where(CaseReporter.receipt_digest == _digest(code))
        ).first()
    if reporter is None or reporter.password_hash is None:
        spend_password_check(password or "")
        raise TipAccessDenied("受理编号或密码错误 (wrong receipt code or password)")
    if not check_password_hash(reporter.password_hash, password or ""):
        raise TipAccessDenied("受理编号或密码错误 (wrong receipt code or password)")
    reporter.last_seen_at = utcnow()
    case = session.get(Case, reporter.case_id)
    assert case is not None
    return case


def public_stage(case: Case) -> str:
    """The coarse stage a reporter is told (受理初核 / 调查 / … / 结案)."""
    if case.state is CaseState.ARCHIVED:
        return "结案"
    for label, states in BOARD_COLUMNS:
        if case.state in states:
            if case.state is CaseState.REJECTED:
                return "不予受理"
            return label
    return "受理初核"


def reporter_view_events(session: Session, case: Case) -> list[CaseEvent]:
    """Timeline entries a reporter may read (receipt, acceptance or rejection with reasons)."""
    return list(
        session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.is_internal.is_(False))
            .order_by(CaseEvent.id)
        )
    )


def list_messages(session: Session, case_id: int, thread: Thread) -> list[CaseMessage]:
    """The messages of one thread, oldest first."""
    return list(
        session.scalars(
            select(CaseMessage)
            .where(CaseMessage.case_id == case_id, CaseMessage.thread == thread)
            .order_by(CaseMessage.id)
        )
    )


def reporter_message(session: Session, *, case: Case, body: str) -> CaseMessage:
    """A message or answer from the tipster (after `open_tip`)."""
    body = (body or "").strip()
    if not body:
        raise InvalidInput("消息不能为空 (message is empty)")
    message = CaseMessage(
        case_id=case.id,
        thread=Thread.REPORTER,
        from_outside=True,
        author_label="举报人",
        body=body[:10000],
    )
    session.add(message)
    touch(case)
    session.flush()
    return message


def staff_message(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    thread: Thread | str,
    body: str,
    is_question: bool = False,
) -> CaseMessage:
    """A question to the reporter, or an internal note (staff who may act on the case)."""
    try:
        thread = Thread(thread)
    except ValueError as exc:
        raise InvalidInput(
            f"消息线索无效：{str(thread)[:20]} (unknown thread)"
        ) from exc
    body = (body or "").strip()
    if not body:
        raise InvalidInput("内容不能为空 (message is empty)")
    case = case_for_change(session, case_id, expected_version)
    require_case_view(session, actor, case)
    if thread is Thread.REPORTER and not (
        actor.can(P.CASE_INTAKE) or actor.can(P.CASE_INVESTIGATE)
    ):
        require(actor, P.CASE_INVESTIGATE)
    message = CaseMessage(
        case_id=case.id,
        thread=thread,
        from_outside=False,
        author_id=actor.id,
        author_label=actor.display_name,
        body=body[:10000],
        is_question=is_question and thread is Thread.REPORTER,
    )
    session.add(message)
    if thread is Thread.REPORTER:
        if case.owner_id is None and actor.can(P.CASE_INTAKE):
            case.owner_id = actor.id  # whoever first talks to the reporter follows up
        add_event(
            session,
            case,
            actor=actor,
            kind="message",
            summary="向举报人提问" if is_question else "回复举报人",
        )
    touch(case)
    session.flush()
    return message


def awaiting_reply(session: Session, *, user: User) -> list[tuple[Case, CaseMessage]]:
    """Cases the user owns or investigates whose reporter wrote last (and may see it)."""
    if not user.can(P.CASE_VIEW_REPORTER):
        return []
    panel_ids = select(PanelMember.case_id).where(
        PanelMember.user_id == user.id, PanelMember.removed_at.is_(None)
    )
    cases = session.scalars(
        select(Case).where(
            Case.state != CaseState.ARCHIVED,
            (Case.owner_id == user.id) | Case.id.in_(panel_ids),
        )
    )
    out = []
    for case in cases:
        last = session.scalars(
            select(CaseMessage)
            .where(
                CaseMessage.case_id == case.id, CaseMessage.thread == Thread.REPORTER
            )
            .order_by(CaseMessage.id.desc())
        ).first()
        if (
            last is not None
            and last.from_outside
            and can_see_reporter(session, user, case)
        ):
            out.append((case, last))
    return out
