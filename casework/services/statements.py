"""Statements a respondent gives on paper (陈述申辩 or a written waiver of it), recorded by
the office or the panel: the signed statement is filed as evidence and the hearing
(`casework.services.hearing`) counts it as that respondent's comment or waiver."""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy.orm import Session

from archive.kernel.accounts import Permission, User
from archive.kernel.errors import InvalidInput, PermissionDenied
from casework.errors import TransitionBlocked
from casework.models import CaseMessage, CaseState, Evidence, EvidenceKind, Thread
from casework.services.common import (
    add_event,
    case_for_change,
    require_case_view,
    touch,
)
from casework.services.evidence import store_evidence_file
from casework.services.hearing import COMMENT, WAIVER

P = Permission
KIND_LABELS = {COMMENT: "陈述申辩意见", WAIVER: "放弃陈述申辩的书面声明"}


def record_statement(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    party_id: int,
    kind: str,
    body: str = "",
    filename: str | None = None,
    stream: BinaryIO | None = None,
) -> CaseMessage:
    """File a respondent's paper comment or written waiver (a waiver needs the signed file).

    Raises:
        TransitionBlocked: the case is not in the comment period.
        InvalidInput: unknown respondent or kind, nothing given, or a waiver without its file.
    """
    case = case_for_change(session, case_id, expected_version)
    require_case_view(session, actor, case)
    if not (actor.can(P.CASE_INTAKE) or actor.can(P.CASE_INVESTIGATE)):
        raise PermissionDenied(
            "只有受理或调查人员可以登记陈述申辩材料 (intake or investigators only)"
        )
    if case.state is not CaseState.RESPONDENT_COMMENT:
        raise TransitionBlocked(
            f"当前阶段（{case.state_label}）不在陈述申辩期 (not in the comment period)"
        )
    if kind not in KIND_LABELS:
        raise InvalidInput("请选择陈述申辩或书面放弃 (choose comment or waiver)")
    party = next((p for p in case.parties if p.id == party_id), None)
    if party is None:
        raise InvalidInput("该人员不是本案被举报人 (not a respondent of this case)")
    body = (body or "").strip()
    has_file = bool(filename) and stream is not None
    if kind == WAIVER and not has_file:
        raise InvalidInput(
            "书面放弃须上传被举报人签字的书面声明 (upload the signed waiver statement)"
        )
    if not body and not has_file:
        raise InvalidInput(
            "请填写陈述申辩要点或上传书面材料 (give the comment or upload it)"
        )
    label = f"{party.person.name}：{KIND_LABELS[kind]}"
    stored = None
    if has_file:
        assert filename is not None and stream is not None
        stored = store_evidence_file(session, filename=filename, stream=stream)
        session.add(
            Evidence(
                case_id=case.id,
                kind=EvidenceKind.RESPONDENT_STATEMENT,
                title=label,
                received_from=party.person.name,
                stored_file_id=stored.id,
                sha256=stored.sha256,
                note=body or None,
                added_by_id=actor.id,
                added_by_label=actor.display_name,
            )
        )
    message = CaseMessage(
        case_id=case.id,
        thread=Thread.RESPONDENT,
        from_outside=True,
        author_id=actor.id,
        author_label=f"{party.person.name}（{actor.display_name} 代为登记）",
        body=body or KIND_LABELS[kind],
        kind=kind,
        party_id=party.id,
        stored_file_id=stored.id if stored is not None else None,
    )
    session.add(message)
    add_event(session, case, actor=actor, kind="comment", summary=f"登记{label}")
    touch(case)
    session.flush()
    return message
