"""The JSON form of a report's parts, and reading it back (the screening contract's shape)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from screening.document import Chapter, DocumentStructure, Span
from screening.report.model import (
    ChapterFigures,
    ChapterSource,
    DocumentInfo,
    Match,
    SourceInfo,
    SourceShare,
)


def match_to_dict(m: Match) -> dict[str, Any]:
    """The contract's match object."""
    return {
        "source": m.source,
        "offset": m.offset,
        "length": m.length,
        "source_offset": m.source_offset,
        "source_length": m.source_length,
        "score": m.score,
        "excluded": m.excluded,
        **(
            {
                "kind": m.kind,
                "pairs": [list(p) for p in m.pairs],
                "terms": list(m.terms),
            }
            if m.is_meaning
            else {}
        ),
    }


def match_from_dict(d: Mapping[str, Any]) -> Match:
    """A match read back from the contract's JSON (pairs as lists there)."""
    fields = dict(d)
    fields["pairs"] = tuple(tuple(p) for p in fields.get("pairs", ()))
    fields["terms"] = tuple(fields.get("terms", ()))
    return Match(**fields)


def share_to_dict(s: SourceShare) -> dict[str, Any]:
    """A flat source-list entry."""
    return {
        "source_id": s.info.source_id,
        "title": s.info.title,
        "author": s.info.author,
        "venue": s.info.venue,
        "published_on": s.info.published_on.isoformat()
        if s.info.published_on
        else None,
        "copied_chars": s.copied_chars,
        "ratio": s.ratio,
        "is_cited": s.is_cited,
        "is_own_work": s.is_own_work,
        "excluded": s.excluded,
        "match_count": s.match_count,
        "counted_match_count": s.counted_match_count,
    }


def share_from_dict(d: Mapping[str, Any]) -> SourceShare:
    """Inverse of `share_to_dict`."""
    published = d.get("published_on")
    return SourceShare(
        info=SourceInfo(
            source_id=d["source_id"],
            title=d.get("title", ""),
            author=d.get("author", ""),
            venue=d.get("venue", ""),
            published_on=date.fromisoformat(published) if published else None,
        ),
        copied_chars=d["copied_chars"],
        ratio=d["ratio"],
        is_cited=d["is_cited"],
        is_own_work=d["is_own_work"],
        excluded=d["excluded"],
        match_count=d["match_count"],
        counted_match_count=d["counted_match_count"],
    )


def chapter_from_dict(d: Mapping[str, Any]) -> ChapterFigures:
    """Inverse of `asdict(ChapterFigures)`."""
    values = dict(d)
    values["sources"] = tuple(ChapterSource(**s) for s in d.get("sources", ()))
    return ChapterFigures(**values)


def _spans_to_list(spans: Iterable[Span]) -> list[dict[str, int]]:
    """Spans as JSON objects."""
    return [{"start": s.start, "end": s.end} for s in spans]


def _spans_from_list(items: Iterable[Mapping[str, int]]) -> tuple[Span, ...]:
    """Inverse of `_spans_to_list`."""
    return tuple(Span(i["start"], i["end"]) for i in items)


def document_to_dict(d: DocumentInfo) -> dict[str, Any]:
    """The screened document and its structure, so a report can be recomputed."""
    s = d.structure
    return {
        "name": d.name,
        "title": d.title,
        "author": d.author,
        "unit": d.unit,
        "length": d.length,
        "text_sha256": d.text_sha256,
        "structure": {
            "chapters": [
                {"title": c.title, "start": c.start, "end": c.end} for c in s.chapters
            ],
            "references": _spans_to_list(s.references),
            "quotations": _spans_to_list(s.quotations),
            "citations": _spans_to_list(s.citations),
            "templates": _spans_to_list(s.templates),
            "has_toc": s.has_toc,
        },
    }


def document_from_dict(d: Mapping[str, Any]) -> DocumentInfo:
    """Inverse of `document_to_dict`."""
    s = d["structure"]
    return DocumentInfo(
        name=d["name"],
        title=d["title"],
        author=d["author"],
        unit=d["unit"],
        length=d["length"],
        text_sha256=d["text_sha256"],
        structure=DocumentStructure(
            chapters=tuple(
                Chapter(c["title"], c["start"], c["end"]) for c in s["chapters"]
            ),
            references=_spans_from_list(s["references"]),
            quotations=_spans_from_list(s["quotations"]),
            citations=_spans_from_list(s["citations"]),
            templates=_spans_from_list(s["templates"]),
            has_toc=s["has_toc"],
        ),
    )
