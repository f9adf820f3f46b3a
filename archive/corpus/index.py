"""The stored corpus index: where it lives (files or Redis), its lock, changes after commit.

The passage index (`screening.index.CorpusIndex`) lives under `<data_dir>/index/`, or in
Redis when `CHENGXIN_INDEX_REDIS` is set (`archive.corpus.redis_storage`). The corpus
service schedules each addition and removal with `schedule_index_change`; they are
applied once the database transaction commits (a rolled-back addition never reaches the
index), under a lock so that the web process, jobs and the CLI do not write it at the
same time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from archive.corpus import redis_storage
from archive.kernel.db import settings_of
from archive.kernel.locks import folder_lock
from archive.kernel.settings import Settings
from screening.index import CorpusIndex

INDEX_DIRNAME = "index"
_PENDING_KEY = "pending_corpus_index_ops"


def index_dir(settings: Settings) -> Path:
    """Where the corpus index of these settings lives."""
    return settings.data_dir / INDEX_DIRNAME


@contextlib.contextmanager
def index_lock(settings: Settings) -> Iterator[None]:
    """One writer at a time across processes (web, jobs, CLI) sharing a data directory."""
    if settings.index_redis:  # the index lives in Redis: a Redis lock, across machines
        with redis_storage.index_lock(settings):
            yield
        return
    with folder_lock(index_dir(settings)):
        yield


def load_index(settings: Settings) -> CorpusIndex:
    """The index as saved (an empty one in a new data directory, or in Redis)."""
    if settings.index_redis:
        return CorpusIndex(storage=redis_storage.storage_for(settings))
    return CorpusIndex(index_dir(settings))


def _apply_index_ops(settings: Settings, ops: Sequence[tuple[str, str, str]]) -> None:
    """Apply ("add", id, text) / ("remove", id, "") in order, then save once."""
    with index_lock(settings):
        index = load_index(settings)
        for op, doc_id, text in ops:
            if op == "add":
                index.add(doc_id, text)
            elif doc_id in index:
                index.remove(doc_id)
        index.save()
        compact_if_fragmented(index)


def compact_if_fragmented(index: CorpusIndex) -> None:
    """Merge segments when many small ones (or many removals) have piled up."""
    removed = len(index._doc_ids) - len(index)
    if len(index._segments) > 24 or removed > max(64, len(index) // 4):
        index.compact()


def schedule_index_change(
    session: Session, op: str, doc_id: str, text: str = ""
) -> None:
    """Queue an index change until the session's transaction commits."""
    session.connection()  # begin now, so a rollback drops the change too
    session.info.setdefault(_PENDING_KEY, []).append((op, doc_id, text))


@event.listens_for(Session, "after_commit")
def _flush_index_ops(session: Session) -> None:
    """Write the committed transaction's corpus changes to the index."""
    # SQLAlchemy also fires after_commit when a SAVEPOINT is released; wait for the end.
    if session.in_nested_transaction():
        return
    ops = session.info.pop(_PENDING_KEY, None)
    if ops:
        _apply_index_ops(settings_of(session), ops)


@event.listens_for(Session, "after_soft_rollback")
def _drop_index_ops(session: Session, previous_transaction: Any) -> None:
    """A rolled-back transaction changes nothing in the index."""
    if not previous_transaction.nested:
        session.info.pop(_PENDING_KEY, None)
