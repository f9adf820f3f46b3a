"""The report page's rendered body, kept per process so a view does not redo it.

The body (figures, passages, side by side) is most of a report page's cost and the same
for every reader with the same rights: it is keyed by the submission, everything that
changes when the report is rescreened or its options, hidden text or links change, the
corpus row of the source shown beside the thesis, the page's filters (source, group), the language and the reader's
switches (may edit, may archive, may open a case). Nothing else about the reader goes in:
the CSRF token is a slot filled on every request, and the menu, name and access check
and the audit entry of the view stay outside, done each time as before.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.corpus.models import CorpusDocument
from archive.submissions.models import Submission

# A full thesis lit on both sides is some hundred kilobytes: a few dozen per process.
MAX_ENTRIES = 48
# Rendered in place of the CSRF token; random per process so no page text can forge it.
CSRF_SLOT = "csrf-slot-" + secrets.token_hex(16)

_bodies: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()


def corpus_state(session: Session, source_id: str | None) -> int | None:
    """The corpus row of the source the right-hand pane shows (None: not in the corpus,
    or a peer): removed or replaced, the pane changes, and so does the key."""
    if source_id is None:
        return None
    return session.scalar(
        select(CorpusDocument.id).where(CorpusDocument.doc_id == source_id)
    )


def body_key(
    sub: Submission,
    *,
    source: str | None,
    group: str | None,
    language: str,
    switches: tuple[bool, ...],
    corpus: Hashable,
) -> str:
    """A digest of everything the body shows, so a changed report is a different key."""
    parts = (
        sub.id,
        sub.report_number,
        sub.attempts,
        str(sub.finished_at),
        sub.text_sha256,
        repr(sorted((sub.options or {}).items())),
        repr(sub.hidden_spans),
        repr(sub.warnings),
        sub.copy_ratio,
        sub.copy_ratio_without_quotes,
        sub.copy_ratio_without_own,
        sub.max_source_id,
        sub.file_name,
        sub.batch_id,
        sub.batch.name,
        sub.case_id,
        sub.record_id,
        source,
        group,
        language,
        switches,
        corpus,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_body(key: str, render: Callable[[], str]) -> Markup:
    """The body for `key`, rendered by `render` (with `CSRF_SLOT` for the token) when
    not kept yet; the slot is filled with this request's token."""
    with _lock:
        body = _bodies.get(key)
        if body is not None:
            _bodies.move_to_end(key)
    if body is None:
        body = render()
        with _lock:
            _bodies[key] = body
            while len(_bodies) > MAX_ENTRIES:
                _bodies.popitem(last=False)
    if CSRF_SLOT in body:
        body = body.replace(CSRF_SLOT, generate_csrf())
    # The body is our template's autoescaped output, not user data.
    return Markup(body)  # noqa: S704


def clear() -> None:
    """Forget every kept body (tests; a process that changed templates)."""
    with _lock:
        _bodies.clear()
