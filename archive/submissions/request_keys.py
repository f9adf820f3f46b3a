"""Idempotent uploads: a request repeated with its `Idempotency-Key` creates nothing new.

The API answers 503 when a batch was saved but Redis could not take its jobs; a client
retrying that request (or one whose connection dropped) sends the same key, and gets the
batch and submissions the first attempt made. Their jobs are queued again if they are
still waiting (queueing is deduplicated by job id), so the retry is also how a client
learns that Redis is back.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel.accounts import User
from archive.kernel.errors import InvalidInput
from archive.submissions.jobs import queue_screening
from archive.submissions.models import Batch, RequestKey, Submission, SubmissionState

#: Longest key accepted (a UUID is 36 characters).
MAX_KEY_LENGTH = 128


def checked_key(raw: str | None) -> str | None:
    """The key a client sent, stripped; None when it sent none; refused when malformed."""
    key = (raw or "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(
            f"Idempotency-Key 须为不超过 {MAX_KEY_LENGTH} 个可打印字符"
            f" (Idempotency-Key must be at most {MAX_KEY_LENGTH} printable characters)"
        )
    return key


def replay(
    session: Session, *, actor: User, key: str
) -> tuple[Batch, list[Submission]] | None:
    """What this user's earlier request with this key created, its waiting jobs queued
    again; None when the key is new."""
    row = session.scalar(
        select(RequestKey).where(RequestKey.user_id == actor.id, RequestKey.key == key)
    )
    if row is None:
        return None
    batch = session.get(Batch, row.batch_id)
    assert batch is not None  # batches are never deleted
    ids = [int(i) for i in row.submission_ids]
    subs = list(
        session.scalars(
            select(Submission).where(Submission.id.in_(ids)).order_by(Submission.id)
        )
    )
    for sub in subs:
        if sub.state == SubmissionState.QUEUED and sub.stored_file_id is not None:
            queue_screening(session, sub.id)
    return batch, subs


def remember(
    session: Session,
    *,
    actor: User,
    key: str,
    batch: Batch,
    submissions: Sequence[Submission],
) -> None:
    """Keep what a request with this key created, in the request's own transaction."""
    session.add(
        RequestKey(
            user_id=actor.id,
            key=key,
            batch_id=batch.id,
            submission_ids=[s.id for s in submissions],
        )
    )
    session.flush()
