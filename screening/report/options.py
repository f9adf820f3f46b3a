"""The user's settings for one view of a report: exclusions, filters, indicator thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from screening.report.labels import REASON_ALIASES, SOURCE_EXCLUSION_REASONS

# The switches of the report's filter panel (each part of the text in or out).
FILTER_NAMES = ("exclude_quotes", "exclude_references", "exclude_templates")


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """The user's settings for one view of a report; figures are recomputed when they change.

    Attributes:
        excluded_sources: source id -> reason ("own_work", "not_original",
            "collaboration", "other", or 本人作品/非原始来源/合作/其他, stored as the
            codes); an iterable of ids is taken as reason "other".
        min_match_chars: matches with fewer non-whitespace characters leave the figures
            (CNKI-like small-match filter; 0 turns it off).
        own_work_sources: sources by the same author, as the caller determined them.
        exclude_quotes: also leave quoted/cited matches out of 总文字复制比 (Turnitin's
            quote filter); by default they count there and leave only 去除引用.
        exclude_references: leave the reference list out of numerator and denominator.
        exclude_templates: leave cover, declaration and authorisation text out likewise.
        whole_plagiarism_share: one source above this share flags 疑似整体剽窃.
        excessive_quotation_share: quoted/cited share above this flags 过度引用.
        self_plagiarism_share: own-work share above this flags 疑似自我剽窃.
        wording_plagiarism_share: uncited, not-own share above this flags
            疑似剽窃文字表述.
    """

    excluded_sources: Mapping[str, str] = field(default_factory=dict)
    min_match_chars: int = 13
    own_work_sources: frozenset[str] = frozenset()
    exclude_quotes: bool = False
    exclude_references: bool = True
    exclude_templates: bool = True
    whole_plagiarism_share: float = 0.5
    excessive_quotation_share: float = 0.3
    self_plagiarism_share: float = 0.05
    wording_plagiarism_share: float = 0.05

    def __post_init__(self) -> None:
        """Freeze the mappings and reject reasons and limits a report could not explain."""
        raw = self.excluded_sources
        pairs = dict(raw) if isinstance(raw, Mapping) else dict.fromkeys(raw, "other")
        pairs = {k: REASON_ALIASES.get(v, v) for k, v in pairs.items()}
        for source, reason in pairs.items():
            if reason not in SOURCE_EXCLUSION_REASONS:
                raise ValueError(f"unknown exclusion reason {reason!r} for {source!r}")
        object.__setattr__(
            self, "excluded_sources", MappingProxyType(dict(sorted(pairs.items())))
        )
        object.__setattr__(self, "own_work_sources", frozenset(self.own_work_sources))
        if self.min_match_chars < 0:
            raise ValueError("min_match_chars must not be negative")

    def __hash__(self) -> int:
        """Hash by value, although the exclusion reasons are held in a mapping."""
        return hash(
            (
                tuple(self.excluded_sources.items()),
                self.min_match_chars,
                self.own_work_sources,
                self.exclude_quotes,
                self.exclude_references,
                self.exclude_templates,
                self.whole_plagiarism_share,
                self.excessive_quotation_share,
                self.self_plagiarism_share,
                self.wording_plagiarism_share,
            )
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON form, recorded in every report so a reader knows the active filters."""
        return {
            "excluded_sources": dict(self.excluded_sources),
            "min_match_chars": self.min_match_chars,
            "own_work_sources": sorted(self.own_work_sources),
            "exclude_quotes": self.exclude_quotes,
            "exclude_references": self.exclude_references,
            "exclude_templates": self.exclude_templates,
            "whole_plagiarism_share": self.whole_plagiarism_share,
            "excessive_quotation_share": self.excessive_quotation_share,
            "self_plagiarism_share": self.self_plagiarism_share,
            "wording_plagiarism_share": self.wording_plagiarism_share,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportOptions:
        """Read back `to_dict` output."""
        values = dict(data)
        values["own_work_sources"] = frozenset(values.get("own_work_sources", ()))
        return cls(**values)
