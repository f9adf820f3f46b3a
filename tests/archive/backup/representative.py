"""Representative records for backup, restore and upgrade tests: made through the services.

Users of every role, a case walked from a named report to 已归档 with evidence, findings,
a sanction handed to credit (credit file, sanction list) and its case file in the archive;
a screening batch with an uploaded file; audit entries for all of it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.kernel.accounts import Role
from archive.kernel.audit import AuditEntry
from archive.kernel.files import StoredFile, store_bytes
from archive.records.models import Record
from archive.submissions.models import Batch, Submission, SubmissionState
from casework.credit import models as credit_models
from casework.models import CaseSanction, CaseState, Evidence
from casework.services import evidence
from tests.casework.factories_casework import (
    PDF,
    make_cast,
    make_user,
    move,
    named_case,
    walk_to,
)

S = CaseState
THESIS = "第一章 绪论\n本文研究高校科研诚信治理的制度安排与实践路径。\n".encode()

#: Tables whose row counts the tests compare before and after.
COUNTED = (AuditEntry, StoredFile, Record, CaseSanction, Evidence, Batch, Submission)


@dataclass
class Seeded:
    """Ids of what `seed` made, for the tests to look up again."""

    case_id: int
    case_number: str
    evidence_sha256: str
    batch_id: int


def seed(session: Session) -> Seeded:
    """Make the representative records in one session (the caller commits)."""
    cast = make_cast(session)
    make_user(session, Role.RESEARCH_OFFICE, display_name="科研处")
    make_user(session, Role.AUDITOR, display_name="审计员")
    case = named_case(session, cast)
    added = evidence.add_evidence_file(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        title="被举报论文原文",
        filename="原文.pdf",
        stream=io.BytesIO(PDF),
    )
    case = walk_to(session, cast, case, S.FINAL)
    case = move(session, cast.office, case, S.SANCTIONS_ACTIVE)
    case = move(session, cast.office, case, S.ARCHIVED)
    batch = Batch(name="2026届硕士论文", created_by_id=cast.office.id)
    session.add(batch)
    stored = store_bytes(session, THESIS, filename="论文.txt", media_type="text/plain")
    session.add(
        Submission(
            batch=batch,
            file_name="论文.txt",
            stored_file=stored,
            file_size=stored.size,
            state=SubmissionState.QUEUED,
        )
    )
    session.flush()
    return Seeded(case.id, case.number, added.sha256, batch.id)


def counts(session: Session) -> dict[str, int]:
    """Rows of each counted table, and of the credit tables."""
    out = {
        cls.__tablename__: session.scalar(select(func.count()).select_from(cls)) or 0
        for cls in COUNTED
    }
    for cls in (credit_models.CreditRecord, credit_models.CreditRecordEvent):
        out[cls.__tablename__] = (
            session.scalar(select(func.count()).select_from(cls)) or 0
        )
    return out
