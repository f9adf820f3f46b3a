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

from archive.kernel import audit
from archive.kernel.accounts import Permission, User, require, spend_password_check
from archive.kernel.db import utcnow
from archive.kernel.errors import InvalidInput, NotFound
from archive.kernel.files import StoredFile
from casework.errors import TipAccessDenied
from casework.models import (
    Case,
    CaseEvent,
    CaseMessage,
    CaseReporter,
    CaseSource,
    CaseState,
    Outcome,
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
from casework.services.evidence import store_evidence_file, store_tip_attachment
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


S = CaseState
# The stage a reporter is told, in plain words (never "复核" before anyone has appealed).
REPORTER_STAGES: dict[CaseState, str] = {
    S.RECEIVED: "已收到举报，等待初步核查",
    S.SCREENING: "正在初步核查，决定是否受理",
    S.REJECTED: "不予受理",
    S.ACCEPTED: "已受理，正在准备调查",
    S.INVESTIGATING: "正在调查",
    S.SUSPENDED: "调查暂时中止",
    S.REPORT_DRAFT: "正在调查",
    S.RESPONDENT_COMMENT: "正在调查",
    S.DETERMINATION: "调查已完成，等待学术委员会认定",
    S.DECIDED: "已作出认定，正在送达",
    S.CLEARED: "已作出认定，正在送达",
    S.NOTIFIED: "已作出认定，正在送达",
    S.APPEAL_WINDOW: "已作出认定，等待决定生效",
    S.APPEAL: "当事人提出申诉，正在复核",
    S.REVIEW: "当事人提出申诉，正在复核",
    S.FINAL: "办理完毕",
    S.SANCTIONS_ACTIVE: "办理完毕",
    S.TERMINATED: "办理完毕",
    S.TRANSFERRED: "办理完毕",
    S.ARCHIVED: "办理完毕",
}
# What a reporter is told at the end (40号令: the conclusion, not the respondent's file).
REPORTER_OUTCOMES: dict[Outcome, str] = {
    Outcome.REJECTED: "举报不予受理，理由见办理记录。",
    Outcome.MISCONDUCT: "经调查，学术委员会认定被举报人构成学术不端行为，学校已依规作出处理决定。",
    Outcome.CLEARED: "经调查，学术委员会认定举报事项不构成学术不端行为。",
    Outcome.TERMINATED: "调查已依规终止。",
    Outcome.TRANSFERRED: "本案已移送有管辖权的机关处理。",
}
REPORTER_CLOSED = frozenset(
    {S.REJECTED, S.FINAL, S.SANCTIONS_ACTIVE, S.TERMINATED, S.TRANSFERRED, S.ARCHIVED}
)


def public_stage(case: Case) -> str:
    """The stage a reporter is told, in plain words."""
    return REPORTER_STAGES.get(case.state, "正在办理")


def reporter_outcome(case: Case) -> str | None:
    """The outcome a reporter may know, once the case is closed (None before)."""
    if case.state not in REPORTER_CLOSED or case.outcome is None:
        return None
    return REPORTER_OUTCOMES.get(case.outcome)


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


def reporter_message(
    session: Session,
    *,
    case: Case,
    body: str,
    attachment: TipAttachment | None = None,
) -> CaseMessage:
    """A message or answer from the tipster (after `open_tip`), with a file if given: the
    file is checked like every upload and filed as a tip attachment."""
    body = (body or "").strip()
    if not body and attachment is None:
        raise InvalidInput("消息不能为空 (message is empty)")
    stored_id = None
    if attachment is not None:
        stored_id = store_tip_attachment(
            session, case=case, attachment=attachment
        ).stored_file_id
    message = CaseMessage(
        case_id=case.id,
        thread=Thread.REPORTER,
        from_outside=True,
        author_label="举报人",
        body=body[:10000] or "（附件）",
        stored_file_id=stored_id,
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
    attachment: TipAttachment | None = None,
) -> CaseMessage:
    """A question to the reporter, or an internal note (staff who may act on the case); a
    file sent to the reporter is checked like every upload."""
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
    stored = None
    if attachment is not None:
        stored = store_evidence_file(
            session,
            filename=attachment.filename,
            stream=attachment.stream,
            media_type=attachment.media_type,
        )
    message = CaseMessage(
        case_id=case.id,
        thread=thread,
        from_outside=False,
        author_id=actor.id,
        author_label=actor.display_name,
        body=body[:10000],
        is_question=is_question and thread is Thread.REPORTER,
        stored_file_id=stored.id if stored is not None else None,
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


def tip_file(session: Session, *, case: Case, message_id: int) -> StoredFile:
    """A file of the tipster's own thread (the tipster is signed in to `case`)."""
    message = session.get(CaseMessage, message_id)
    if (
        message is None
        or message.case_id != case.id
        or message.thread is not Thread.REPORTER
        or message.stored_file is None
    ):
        raise NotFound("附件不存在 (no such file)")
    return message.stored_file


def message_file(session: Session, *, actor: User, message_id: int) -> StoredFile:
    """A file of a case thread for staff of the case (the reporter's thread: only those who
    may see the reporter); the download is audited."""
    message = session.get(CaseMessage, message_id)
    if message is None or message.stored_file is None:
        raise NotFound("附件不存在 (no such file)")
    case = session.get(Case, message.case_id)
    assert case is not None
    require_case_view(session, actor, case)
    if message.thread is Thread.REPORTER and not can_see_reporter(session, actor, case):
        raise NotFound("附件不存在 (no such file)")
    audit.record_event(
        session,
        action="download_message_file",
        entity_type="case_messages",
        entity_id=message.id,
        detail={"case_id": case.id, "sha256": message.stored_file.sha256},
    )
    return message.stored_file
