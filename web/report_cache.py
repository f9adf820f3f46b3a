"""The report page's rendered body and its parsed report, kept per process so a view
does not redo them.

The body (figures, passages, side by side) is most of a report page's cost and the same
for every reader with the same rights: it is keyed by the submission, everything that
changes when the report is rescreened or its options, hidden text or links change, the
corpus row of the source shown beside the thesis, the page's filters (source, group), the language and the reader's
switches (may edit, may archive, may open a case). Nothing else about the reader goes in:
the CSRF token is a slot filled on every request, and the menu, name and access check
and the audit entry of the view stay outside, done each time as before.

The parsed report and its text (`kept_report`) are kept beside the bodies, keyed by the
report's state alone (the same fields as the body's key, without the page and the
reader): reading and parsing them is most of what a view whose body is kept still did.
They are handed out only after the view's access check, and are immutable (frozen
dataclasses and a string), so no reader can change what another one gets.
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
from screening.report import ScreeningReport

# A full thesis lit on both sides is some hundred kilobytes: a few dozen per process.
MAX_ENTRIES = 48
# Rendered in place of the CSRF token; random per process so no page text can forge it.
CSRF_SLOT = "csrf-slot-" + secrets.token_hex(16)

# Parsed reports: at most this many, and at most this much text (characters; the parsed
# matches are counted at a few hundred characters each), whichever comes first.
MAX_REPORTS = 24
MAX_REPORT_WEIGHT = 6_000_000
MATCH_WEIGHT = 300

_bodies: OrderedDict[str, str] = OrderedDict()
_reports: OrderedDict[str, tuple[ScreeningReport, str, int]] = OrderedDict()
_lock = threading.Lock()


def corpus_state(session: Session, source_id: str | None) -> int | None:
    """The corpus row of the source the right-hand pane shows (None: not in the corpus,
    or a peer): removed or replaced, the pane changes, and so does the key."""
    if source_id is None:
        return None
    return session.scalar(
        select(CorpusDocument.id).where(CorpusDocument.doc_id == source_id)
    )


def _report_state(sub: Submission) -> tuple[Hashable, ...]:
    """What changes whenever the stored report or its text does: a rescreen (attempts,
    finish time, text digest), a change of options or hidden text, the figures."""
    return (
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
    )


def report_key(sub: Submission) -> str:
    """A digest of the report's state (`_report_state`)."""
    return hashlib.sha256(repr(_report_state(sub)).encode()).hexdigest()


def kept_report(
    sub: Submission, load: Callable[[], tuple[ScreeningReport, str]]
) -> tuple[ScreeningReport, str]:
    """The parsed report and text of `sub` (a `ReportKeeper`): kept ones when this state
    of the report was read before in this process, else `load()`ed and kept."""
    if sub.report_number is None or sub.finished_at is None:
        return load()  # not finished: nothing stable to key by (load says why)
    key = report_key(sub)
    with _lock:
        found = _reports.get(key)
        if found is not None:
            _reports.move_to_end(key)
            return found[0], found[1]
    report, text = load()
    weight = len(text) + MATCH_WEIGHT * len(report.matches)
    with _lock:
        _reports[key] = (report, text, weight)
        total = sum(w for _r, _t, w in _reports.values())
        while len(_reports) > 1 and (
            len(_reports) > MAX_REPORTS or total > MAX_REPORT_WEIGHT
        ):
            _k, (_r, _t, dropped) = _reports.popitem(last=False)
            total -= dropped
    return report, text


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
        *_report_state(sub),
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
    """Forget every kept body and report (tests; a process that changed templates)."""
    with _lock:
        _bodies.clear()
        _reports.clear()
