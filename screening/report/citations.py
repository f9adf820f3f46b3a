"""Citation as the thesis itself declares it: which sources its 参考文献 list names, and
each match's group (cited and quoted / cited not quoted / quoted not cited / neither)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from screening.document import DocumentStructure
from screening.normalize import normalize
from screening.report.model import Match, SourceInfo

CITED_QUOTED = "cited_quoted"
CITED_NOT_QUOTED = "cited_not_quoted"
QUOTED_NOT_CITED = "quoted_not_cited"
NEITHER = "neither"
CITATION_GROUPS = (CITED_QUOTED, CITED_NOT_QUOTED, QUOTED_NOT_CITED, NEITHER)

# A title shorter than this (normalised) names too little to be found in a list safely.
MIN_TITLE_CHARS = 4
_NOT_WORD = re.compile(r"[\W_]+")


def _squeeze(text: str) -> str:
    """Normalised text without spaces and punctuation, so a listed title is found as typed."""
    return _NOT_WORD.sub("", normalize(text).text)


def listed_sources(
    text: str, structure: DocumentStructure, infos: Mapping[str, SourceInfo]
) -> frozenset[str]:
    """Sources whose title appears in the thesis's reference list (its 参考文献)."""
    listed_text = _squeeze(
        "\n".join(text[s.start : s.end] for s in structure.references)
    )
    if not listed_text:
        return frozenset()
    found = set()
    for source_id, info in infos.items():
        title = _squeeze(info.title)
        if len(title) >= MIN_TITLE_CHARS and title in listed_text:
            found.add(source_id)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class CitationGroup:
    """The counting matches of one citation group: how many, their characters, which."""

    code: str
    match_count: int
    chars: int
    matches: tuple[int, ...]  # indexes into `ScreeningReport.matches`

    def to_dict(self) -> dict[str, Any]:
        """JSON form, stored with the report."""
        return {
            "code": self.code,
            "match_count": self.match_count,
            "chars": self.chars,
            "matches": list(self.matches),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CitationGroup:
        """Read back `to_dict` output."""
        return cls(
            code=data["code"],
            match_count=int(data["match_count"]),
            chars=int(data["chars"]),
            matches=tuple(int(i) for i in data["matches"]),
        )


def group_of(*, is_cited: bool, is_quoted: bool) -> str:
    """The citation group of a match that is (or is not) cited and quoted."""
    if is_cited:
        return CITED_QUOTED if is_quoted else CITED_NOT_QUOTED
    return QUOTED_NOT_CITED if is_quoted else NEITHER


def citation_groups(
    marked: Sequence[Match],
    codes: Sequence[str | None],
    union_chars: Callable[[list[tuple[int, int]]], int],
) -> tuple[CitationGroup, ...]:
    """The four groups over the marked matches (`codes[i]` is None for a non-counting
    one); `union_chars` sizes a group's spans in counted characters."""
    out = []
    for code in CITATION_GROUPS:
        indexes = tuple(i for i, c in enumerate(codes) if c == code)
        out.append(
            CitationGroup(
                code=code,
                match_count=len(indexes),
                chars=union_chars([(marked[i].offset, marked[i].end) for i in indexes]),
                matches=indexes,
            )
        )
    return tuple(out)
