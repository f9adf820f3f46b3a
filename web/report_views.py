"""View models of the screening pages: the batch histogram, text cut into lit pieces, the
side-by-side panes and the full text with every match and flag marked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from archive.submissions import services as submissions
from archive.submissions.models import Submission
from screening.report import KIND_EXCLUDED, Match, ScreeningReport, match_kind
from screening.report.excerpts import copied_spans


def histogram(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Counts of finished files per 10% band of 总文字复制比."""
    bins = [0] * 10
    for row in rows:
        if row["copy_ratio"] is not None:
            bins[min(9, int(row["copy_ratio"] * 10))] += 1
    top = max(bins) or 1
    return [
        {
            "label": f"{i * 10}–{i * 10 + 10}%",
            "count": n,
            "height": round(100 * n / top),
        }
        for i, n in enumerate(bins)
    ]


@dataclass
class Piece:
    """A stretch of text with one highlight kind, its match ids, the source numbers
    starting there and the disguise flag lying on it, if any."""

    text: str
    kind: str | None
    ids: tuple[int, ...]
    numbers: tuple[int, ...] = ()
    flag: str | None = None


# Copied text outranks reuse of meaning where they overlap.
_PRIORITY = {
    "copied": 5,
    "cited": 4,
    "own": 3,
    "rewrite": 2,
    "translated": 1,
    KIND_EXCLUDED: 0,
}


def highlight(
    text: str,
    spans: list[tuple[int, int, str, int, int | None]],
    flags: list[tuple[str, int, int]] | None = None,
) -> list[Piece]:
    """Cut `text` at span edges: (start, end, kind, match id, source number) per span,
    and at the edges of disguise flags (kind, start, end), which never overlap."""
    flag_runs = sorted(flags or (), key=lambda f: f[1])
    cuts = sorted(
        {
            0,
            len(text),
            *(p for s in spans for p in s[:2]),
            *(p for f in flag_runs for p in f[1:]),
        }
    )
    starts: dict[int, list[int]] = {}
    for s in spans:
        if s[4] is not None:
            starts.setdefault(s[0], []).append(s[4])
    pieces: list[Piece] = []
    ordered = sorted(spans)
    active: list[tuple[int, int, str, int, int | None]] = []
    i = f = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        while i < len(ordered) and ordered[i][0] <= a:
            active.append(ordered[i])
            i += 1
        active = [s for s in active if s[1] > a]
        covering = [s for s in active if s[0] < b]
        if covering:
            kind = max((s[2] for s in covering), key=lambda k: _PRIORITY.get(k, 0))
            ids = tuple(s[3] for s in covering)
        else:
            kind, ids = None, ()
        numbers = tuple(sorted(set(starts.get(a, ())))) if covering else ()
        while f < len(flag_runs) and flag_runs[f][2] <= a:
            f += 1
        flag = flag_runs[f][0] if f < len(flag_runs) and flag_runs[f][1] <= a else None
        pieces.append(Piece(text[a:b], kind, ids, numbers, flag))
    return pieces


def source_numbers(report: ScreeningReport) -> dict[str, int]:
    """Each source's number in the list (1-based), as the superscripts in the text show it."""
    return {s.source_id: i for i, s in enumerate(report.sources, 1)}


@dataclass
class SideBySide:
    """The thesis (left) and one source (right) cut into lit and plain pieces."""

    selected: str | None
    left: list[Piece]
    right: list[Piece] | None
    source_available: bool
    indexed: list[tuple[int, Match]]


def shown_source(rep: ScreeningReport, selected: str | None) -> str | None:
    """The source the right-hand pane shows: the chosen one, else the largest, else the first."""
    selected = selected or rep.figures.max_source_id
    if selected is None and rep.sources:
        selected = rep.sources[0].source_id
    return selected


def side_by_side(
    db: Session,
    sub: Submission,
    rep: ScreeningReport,
    text: str,
    selected: str | None,
    only: frozenset[int] | None = None,
) -> SideBySide:
    """Light the matches (or the `only` ones) in the thesis and the selected source."""
    numbers = source_numbers(rep)
    indexed = list(enumerate(rep.matches))
    left = highlight(
        text,
        [
            (m.offset, m.end, match_kind(m), i, numbers.get(m.source))
            for i, m in indexed
            if m.length > 0 and (only is None or i in only)
        ],
        flag_runs(rep),
    )
    selected = shown_source(rep, selected)
    right: list[Piece] | None = None
    source_available = True
    if selected is not None:
        try:
            src_text = submissions.source_text(db, submission=sub, source_id=selected)
        except KeyError:
            source_available = False
        else:
            right = highlight(
                src_text,
                [
                    (start, end, match_kind(m), i, None)
                    for i, m in indexed
                    if m.source == selected and m.source_length > 0
                    for start, end in copied_spans(text, src_text, m)
                ],
            )
    return SideBySide(selected, left, right, source_available, indexed)


def full_text(
    rep: ScreeningReport, text: str, *, only: frozenset[int] | None = None
) -> list[Piece]:
    """The whole text with every match (or the `only` ones) and every flag marked."""
    numbers = source_numbers(rep)
    flags = flag_runs(rep)
    return highlight(
        text,
        [
            (m.offset, m.end, match_kind(m), i, numbers.get(m.source))
            for i, m in enumerate(rep.matches)
            if m.length > 0 and (only is None or i in only)
        ],
        flags,
    )


def flag_runs(rep: ScreeningReport) -> list[tuple[str, int, int]]:
    """The report's flagged runs as (kind, start, end), for `highlight`."""
    return [(r.kind, r.start, r.end) for r in rep.flags.runs] if rep.flags else []


def group_matches(rep: ScreeningReport, code: str | None) -> frozenset[int] | None:
    """The match indexes of one citation group, or None for all matches."""
    for group in rep.citation_groups:
        if group.code == code:
            return frozenset(group.matches)
    return None


def verdict_lines(thresholds: tuple[float, ...]) -> list[dict[str, Any]]:
    """The university's thresholds as lines across the 0–100% histogram."""
    return [{"ratio": t, "left": round(100 * t, 2)} for t in thresholds]
