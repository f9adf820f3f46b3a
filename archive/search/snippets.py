"""Snippets and highlights: computed here, the same on both databases, escaped HTML."""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence

from archive.records.models import Record
from archive.search.parsing import ParsedQuery

#: How far into each text a snippet looks for the query (the start of a thesis).
SNIPPET_SCAN_CHARS = 20_000


def snippet_sources(record: Record, texts: dict[int, str]) -> list[str]:
    """Where a snippet may come from, best first."""
    sources = [record.description or ""]
    sources.append("；".join(record.keywords))
    sources.append(
        "；".join(f"{p.name}（{p.role}）" if p.role else p.name for p in record.people)
    )
    for f in record.files:
        sources.append(texts.get(f.stored_file_id, ""))
    return [s for s in sources if s]


def _normalized_with_map(value: str) -> tuple[str, list[int]]:
    """The normalised text, and for each of its characters the original's index."""
    whole = unicodedata.normalize("NFKC", value).lower()
    if len(whole) == len(value):
        # Nearly always (full-width forms, case): one character for one character.
        return whole, list(range(len(value)))
    out: list[str] = []
    back: list[int] = []
    for i, ch in enumerate(value):
        n = unicodedata.normalize("NFKC", ch).lower()
        out.append(n)
        back.extend([i] * len(n))
    return "".join(out), back


def _spans(value: str, needles: Sequence[str]) -> list[tuple[int, int]]:
    """Non-overlapping spans (in `value`'s own offsets) of the needles, longest first."""
    norm, back = _normalized_with_map(value)
    taken = [False] * len(norm)
    spans: list[tuple[int, int]] = []
    for needle in needles:
        if not needle:
            continue
        start = norm.find(needle)
        while start >= 0:
            end = start + len(needle)
            if not any(taken[start:end]):
                for k in range(start, end):
                    taken[k] = True
                spans.append((back[start], back[end - 1] + 1))
            start = norm.find(needle, end)
    return sorted(spans)


def highlight(value: str, needles: Sequence[str]) -> str:
    """`value` as escaped HTML with the needles wrapped in <mark>."""
    merged: list[tuple[int, int]] = []
    for start, end in _spans(value, needles):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out: list[str] = []
    pos = 0
    for start, end in merged:
        if start < pos:
            continue
        out.append(html.escape(value[pos:start]))
        out.append(f"<mark>{html.escape(value[start:end])}</mark>")
        pos = end
    out.append(html.escape(value[pos:]))
    return "".join(out)


def make_snippet(sources: Sequence[str], parsed: ParsedQuery, width: int = 140) -> str:
    """A window of about `width` characters around the densest hits, highlighted."""
    needles = parsed.highlights
    best: tuple[int, str, int] | None = None
    for source in sources:
        if not needles:
            break
        spans = _spans(source[:SNIPPET_SCAN_CHARS], needles)
        if not spans:
            continue
        # The window starting a little before the span that has most spans after it.
        for i, (start, _end) in enumerate(spans[:200]):
            covered = sum(1 for s, _e in spans[i:] if s < start + width)
            if best is None or covered > best[0]:
                best = (covered, source, start)
    if best is None:
        source = sources[0] if sources else ""
        clip = source[:width]
        return html.escape(clip) + ("…" if len(source) > width else "")
    _n, source, start = best
    begin = max(0, start - width // 4)
    end = min(len(source), begin + width)
    clip = source[begin:end].replace("\n", " ")
    return (
        ("…" if begin > 0 else "")
        + highlight(clip, needles)
        + ("…" if end < len(source) else "")
    )
