"""A complete screening report: settings, figures, chapters, sources and every match."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from screening.report.citations import CitationGroup
from screening.report.flags import DisguiseFlags
from screening.report.labels import SCHEMA
from screening.report.model import (
    ChapterFigures,
    DocumentInfo,
    Figures,
    Indicator,
    Match,
    MeaningFigures,
    SourceShare,
)
from screening.report.options import ReportOptions
from screening.report.serialize import (
    chapter_from_dict,
    document_from_dict,
    document_to_dict,
    match_from_dict,
    match_to_dict,
    share_from_dict,
    share_to_dict,
)


@dataclass(frozen=True, slots=True)
class ScreeningReport:
    """A complete report: settings, figures, chapters, sources and every match."""

    report_number: str
    checked_at: datetime
    corpus: str
    cutoff_date: date
    document: DocumentInfo
    options: ReportOptions
    figures: Figures
    indicators: tuple[Indicator, ...]
    chapters: tuple[ChapterFigures, ...]
    sources: tuple[SourceShare, ...]
    matches: tuple[Match, ...]
    # Absent (None / empty) in reports stored before flags and groups were kept.
    flags: DisguiseFlags | None = None
    citation_groups: tuple[CitationGroup, ...] = ()
    meaning: MeaningFigures = MeaningFigures()

    def source(self, source_id: str) -> SourceShare:
        """The list entry of one source; raises KeyError for an unknown id."""
        for share in self.sources:
            if share.source_id == source_id:
                return share
        raise KeyError(source_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON form honouring the screening contract (top-level `matches`)."""
        return {
            "schema": SCHEMA,
            "report_number": self.report_number,
            "checked_at": self.checked_at.isoformat(),
            "corpus": self.corpus,
            "cutoff_date": self.cutoff_date.isoformat(),
            "document": document_to_dict(self.document),
            "options": self.options.to_dict(),
            "figures": asdict(self.figures),
            "indicators": [asdict(i) for i in self.indicators],
            "chapters": [asdict(c) for c in self.chapters],
            "sources": [share_to_dict(s) for s in self.sources],
            "matches": [match_to_dict(m) for m in self.matches],
            "flags": self.flags.to_dict() if self.flags is not None else None,
            "citation_groups": [g.to_dict() for g in self.citation_groups],
            "meaning_figures": asdict(self.meaning),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScreeningReport:
        """Read back `to_dict` output (for example a stored JSON report)."""
        schema = data.get("schema", SCHEMA)
        if schema != SCHEMA:
            raise ValueError(f"unsupported report schema {schema!r}")
        return cls(
            report_number=data["report_number"],
            checked_at=datetime.fromisoformat(data["checked_at"]),
            corpus=data["corpus"],
            cutoff_date=date.fromisoformat(data["cutoff_date"]),
            document=document_from_dict(data["document"]),
            options=ReportOptions.from_dict(data["options"]),
            figures=Figures(**data["figures"]),
            indicators=tuple(Indicator(**i) for i in data["indicators"]),
            chapters=tuple(chapter_from_dict(c) for c in data["chapters"]),
            sources=tuple(share_from_dict(s) for s in data["sources"]),
            matches=tuple(match_from_dict(m) for m in data["matches"]),
            flags=DisguiseFlags.from_dict(data["flags"]) if data.get("flags") else None,
            citation_groups=tuple(
                CitationGroup.from_dict(g) for g in data.get("citation_groups") or ()
            ),
            meaning=MeaningFigures(**data.get("meaning_figures", {})),
        )
