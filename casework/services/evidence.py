"""Evidence: files and notes attached to a case, interview records, the report draft.

Every file goes through `archive.kernel.files.store_stream` (stored once by SHA-256); the evidence
row keeps the hash, who added it and when. Nothing attached is changed or removed: a
correction is a new row that `supersedes` the old one (the flush guard in models refuses
updates and deletes).

Accepted file types are the extensions of `settings.case_evidence_types` (default: pdf,
docx, doc, txt, jpg/jpeg, png, tif/tiff, mp3, m4a, wav, zip — documents, scans, photos,
audio of interviews, and zip for a journal's bundle). The size limit is `max_upload_mb`.
"""

from __future__ import annotations

import mimetypes
import os
from datetime import date
from typing import TYPE_CHECKING, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import audit
from archive.kernel.accounts import Permission, User, get_user, require
from archive.kernel.db import settings_of
from archive.kernel.errors import InvalidInput, NotFound, PermissionDenied
from archive.kernel.files import (
    FileTooLarge,
    StoredFile,
    store_stream,
    verify_stored_file,
)
from casework.errors import EvidenceRefused, NotOnPanel
from casework.models import (
    Case,
    CaseState,
    Evidence,
    EvidenceKind,
    Interview,
)
from casework.services.common import (
    add_event,
    case_for_change,
    get_case,
    require_case_view,
    touch,
)
from casework.services.workflow import is_panel_lead

if TYPE_CHECKING:
    from casework.services.tips import TipAttachment

P = Permission
# Magic bytes of the accepted types that have one; text and old .doc are checked loosely.
_MAGIC = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "png": (b"\x89PNG",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "wav": (b"RIFF",),
}


def accepted_types(session: Session) -> list[str]:
    """The accepted file extensions (lower case, no dot)."""
    raw = settings_of(session).case_evidence_types
    return [t.strip().lower().lstrip(".") for t in raw.split(",") if t.strip()]


def _check_type(session: Session, filename: str, stream: BinaryIO) -> str:
    """The extension if accepted and the content looks like it; `EvidenceRefused` otherwise."""
    name = os.path.basename(filename or "").strip()
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    allowed = accepted_types(session)
    if not name or ext not in allowed:
        raise EvidenceRefused(
            f"不接受此类文件：{name or '（无文件名）'}。可接受：{', '.join(allowed)} "
            f"(file type not accepted)",
            filename=name,
        )
    head = stream.read(8)
    stream.seek(0)
    if not head:
        raise EvidenceRefused(f"文件为空：{name} (empty file)", filename=name)
    magic = _MAGIC.get(ext)
    if magic and not any(head.startswith(m) for m in magic):
        raise EvidenceRefused(
            f"文件内容与扩展名 .{ext} 不符：{name} (content does not match the extension)",
            filename=name,
        )
    return ext


def store_evidence_file(
    session: Session, *, filename: str, stream: BinaryIO, media_type: str | None = None
) -> StoredFile:
    """Check type and size, then store once by SHA-256."""
    _check_type(session, filename, stream)
    media = (
        media_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    )
    try:
        return store_stream(session, stream, filename=filename, media_type=media)
    except FileTooLarge as exc:
        raise EvidenceRefused(exc.message, **exc.details) from exc


def _require_worker(session: Session, actor: User, case: Case) -> None:
    require_case_view(session, actor, case)
    if not (actor.can(P.CASE_INTAKE) or actor.can(P.CASE_INVESTIGATE)):
        raise PermissionDenied(
            "只有受理或调查人员可以添加证据 (intake or investigators only)"
        )
    if case.state is CaseState.ARCHIVED:
        raise InvalidInput("案件已归档，不能再添加材料 (the case is archived)")


def _check_supersedes(session: Session, case: Case, supersedes_id: int | None) -> None:
    if supersedes_id is None:
        return
    old = session.get(Evidence, supersedes_id)
    if old is None or old.case_id != case.id:
        raise InvalidInput("被替代的材料不属于本案 (superseded item not in this case)")


def add_evidence_file(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    title: str,
    filename: str,
    stream: BinaryIO,
    media_type: str | None = None,
    received_from: str | None = None,
    note: str | None = None,
    supersedes_id: int | None = None,
    kind: EvidenceKind = EvidenceKind.FILE,
) -> Evidence:
    """Attach a file (stored once by its SHA-256)."""
    case = case_for_change(session, case_id, expected_version)
    _require_worker(session, actor, case)
    _check_supersedes(session, case, supersedes_id)
    stored = store_evidence_file(
        session, filename=filename, stream=stream, media_type=media_type
    )
    item = Evidence(
        case_id=case.id,
        kind=kind,
        title=(title or "").strip() or stored.original_name,
        note=(note or "").strip() or None,
        received_from=(received_from or "").strip() or None,
        stored_file_id=stored.id,
        sha256=stored.sha256,
        added_by_id=actor.id,
        added_by_label=actor.display_name,
        supersedes_id=supersedes_id,
    )
    session.add(item)
    add_event(
        session,
        case,
        actor=actor,
        kind="evidence",
        summary=f"添加材料：{item.title}（SHA-256 {stored.sha256[:12]}…）",
    )
    touch(case)
    session.flush()
    return item


def add_note(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    title: str,
    note: str,
    supersedes_id: int | None = None,
) -> Evidence:
    """Attach a written note as evidence (e.g. a record of a phone call)."""
    case = case_for_change(session, case_id, expected_version)
    _require_worker(session, actor, case)
    _check_supersedes(session, case, supersedes_id)
    if not (note or "").strip():
        raise InvalidInput("说明不能为空 (note is empty)")
    item = Evidence(
        case_id=case.id,
        kind=EvidenceKind.NOTE,
        title=(title or "").strip() or "说明",
        note=note.strip(),
        added_by_id=actor.id,
        added_by_label=actor.display_name,
        supersedes_id=supersedes_id,
    )
    session.add(item)
    add_event(
        session, case, actor=actor, kind="evidence", summary=f"添加说明：{item.title}"
    )
    touch(case)
    session.flush()
    return item


def add_report_draft(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    filename: str,
    stream: BinaryIO,
    title: str = "调查报告（草稿）",
) -> Evidence:
    """The panel's report draft (the respondent reads and comments on it)."""
    case = case_for_change(session, case_id, expected_version)
    if not is_panel_lead(session, case, actor):
        raise NotOnPanel(
            "调查报告草稿由调查组组长上传 (the panel lead uploads the draft)"
        )
    previous = latest_report_draft(session, case.id)
    return add_evidence_file(
        session,
        actor=actor,
        case_id=case_id,
        expected_version=None,
        title=title,
        filename=filename,
        stream=stream,
        kind=EvidenceKind.REPORT_DRAFT,
        received_from="调查组",
        supersedes_id=previous.id if previous is not None else None,
    )


def latest_report_draft(session: Session, case_id: int) -> Evidence | None:
    """The newest report draft of the case."""
    return session.scalars(
        select(Evidence)
        .where(Evidence.case_id == case_id, Evidence.kind == EvidenceKind.REPORT_DRAFT)
        .order_by(Evidence.id.desc())
    ).first()


def store_tip_attachment(
    session: Session, *, case: Case, attachment: TipAttachment
) -> Evidence:
    """A file sent with an anonymous tip."""
    stored = store_evidence_file(
        session,
        filename=attachment.filename,
        stream=attachment.stream,
        media_type=attachment.media_type,
    )
    item = Evidence(
        case_id=case.id,
        kind=EvidenceKind.TIP_ATTACHMENT,
        # The name the tipster gave: identical bytes are stored once under the first name.
        title=os.path.basename(attachment.filename)[:255] or stored.original_name,
        received_from="举报人",
        stored_file_id=stored.id,
        sha256=stored.sha256,
        added_by_label="举报人",
    )
    session.add(item)
    session.flush()
    return item


def list_evidence(session: Session, case_id: int) -> list[Evidence]:
    """All evidence of a case, oldest first (superseded items included, marked by the view)."""
    return list(
        session.scalars(
            select(Evidence).where(Evidence.case_id == case_id).order_by(Evidence.id)
        )
    )


def superseded_ids(items: list[Evidence]) -> set[int]:
    """Ids of items that a later item supersedes."""
    return {i.supersedes_id for i in items if i.supersedes_id is not None}


def get_evidence(session: Session, *, actor: User, evidence_id: int) -> Evidence:
    """One evidence item for a viewer allowed to see the case (downloads are audited)."""
    item = session.get(Evidence, evidence_id)
    if item is None:
        raise NotFound("材料不存在 (no such evidence)")
    require_case_view(session, actor, get_case(session, item.case_id))
    audit.record_event(
        session,
        action="download_evidence",
        entity_type="case_evidence",
        entity_id=item.id,
        detail={"case_id": item.case_id, "sha256": item.sha256},
    )
    return item


def add_interview(
    session: Session,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    interviewee: str,
    held_on: date,
    interviewer1_id: int,
    interviewer2_id: int,
    summary: str,
    signed_scan_name: str,
    signed_scan: BinaryIO,
    place: str | None = None,
    supersedes_id: int | None = None,
) -> Interview:
    """An interview held by two staff, with the signed record scanned (40号令: ≥2 staff)."""
    case = case_for_change(session, case_id, expected_version)
    _require_worker(session, actor, case)
    require(actor, P.CASE_INVESTIGATE)
    if interviewer1_id == interviewer2_id:
        raise InvalidInput(
            "谈话须由两名不同的调查人员进行 (two different interviewers are required)"
        )
    for uid in (interviewer1_id, interviewer2_id):
        if not get_user(session, uid).can(P.CASE_INVESTIGATE):
            raise InvalidInput(
                "谈话人须为调查人员 (interviewers must be investigators)"
            )
    if not (interviewee or "").strip() or not (summary or "").strip():
        raise InvalidInput(
            "请填写谈话对象和谈话要点 (interviewee and summary are required)"
        )
    stored = store_evidence_file(session, filename=signed_scan_name, stream=signed_scan)
    if supersedes_id is not None:
        old = session.get(Interview, supersedes_id)
        if old is None or old.case_id != case.id:
            raise InvalidInput(
                "被替代的笔录不属于本案 (superseded record not in this case)"
            )
    row = Interview(
        case_id=case.id,
        interviewee=interviewee.strip(),
        held_on=held_on,
        place=(place or "").strip() or None,
        interviewer1_id=interviewer1_id,
        interviewer2_id=interviewer2_id,
        summary=summary.strip(),
        signed_scan_id=stored.id,
        added_by_id=actor.id,
        supersedes_id=supersedes_id,
    )
    session.add(row)
    add_event(
        session,
        case,
        actor=actor,
        kind="interview",
        summary=f"谈话笔录：{row.interviewee}（{held_on.isoformat()}）",
    )
    touch(case)
    session.flush()
    return row


def list_interviews(session: Session, case_id: int) -> list[Interview]:
    """Interview records of the case, oldest first."""
    return list(
        session.scalars(
            select(Interview).where(Interview.case_id == case_id).order_by(Interview.id)
        )
    )


def verify_evidence(session: Session, *, actor: User, evidence_id: int) -> bool:
    """Re-hash an evidence file, record the result on the file and the timeline."""
    item = get_evidence(session, actor=actor, evidence_id=evidence_id)
    if item.stored_file is None:
        raise InvalidInput("这是一条书面说明，没有文件可校验 (a note has no file)")
    ok = verify_stored_file(session, item.stored_file)
    add_event(
        session,
        get_case(session, item.case_id),
        actor=actor,
        kind="fixity",
        summary=f"校验材料 #{item.id}：{'一致' if ok else '不一致，文件已被改动或丢失'}",
    )
    session.flush()
    return ok
