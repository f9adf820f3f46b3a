"""Disguise flags (Turnitin's "flags"): characters normalisation undid, where they lie, and
whether they cluster in the matched passages (evasion suspected)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from screening.normalize import DISGUISE_KINDS, disguise_runs
from screening.report.model import Match

# Text the file hides from its reader (white, tiny, formatted hidden), where the
# extractor can tell (`ExtractedDocument.hidden`).
HIDDEN = "hidden"
FLAG_KINDS = (*DISGUISE_KINDS, HIDDEN)

# Evasion is suspected when at least this many flagged characters lie in counting
# matches and they are at least this share of all flagged characters: a thesis written
# in 繁體 throughout flags everywhere, a disguised copy flags where it copied.
EVASION_MIN_CHARS = 5
EVASION_MIN_SHARE = 0.5
# Runs kept for "where they are"; a 繁體 thesis has thousands, the counts stay exact.
MAX_RUNS = 2000


@dataclass(frozen=True, slots=True)
class FlagRun:
    """Consecutive characters of one disguise kind, as code points of the screened text."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DisguiseFlags:
    """How many characters of each kind were disguised, where, and how many in matches."""

    chars: tuple[tuple[str, int], ...]  # kind -> flagged characters, every kind listed
    in_matches: tuple[tuple[str, int], ...]  # the same, inside counting matches
    runs: tuple[FlagRun, ...]  # the first MAX_RUNS runs, in text order
    run_count: int
    evasion_suspected: bool

    @property
    def total(self) -> int:
        """Flagged characters of every kind."""
        return sum(n for _, n in self.chars)

    @property
    def total_in_matches(self) -> int:
        """Flagged characters inside counting matches."""
        return sum(n for _, n in self.in_matches)

    def to_dict(self) -> dict[str, Any]:
        """JSON form, stored with the report."""
        return {
            "chars": dict(self.chars),
            "in_matches": dict(self.in_matches),
            "runs": [[r.kind, r.start, r.end] for r in self.runs],
            "run_count": self.run_count,
            "evasion_suspected": self.evasion_suspected,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DisguiseFlags:
        """Read back `to_dict` output."""
        return cls(
            chars=tuple((k, int(data["chars"].get(k, 0))) for k in FLAG_KINDS),
            in_matches=tuple(
                (k, int(data["in_matches"].get(k, 0))) for k in FLAG_KINDS
            ),
            runs=tuple(FlagRun(k, int(s), int(e)) for k, s, e in data["runs"]),
            run_count=int(data["run_count"]),
            evasion_suspected=bool(data["evasion_suspected"]),
        )


def disguise_flags(
    text: str,
    counted: Sequence[Match],
    hidden: Iterable[tuple[int, int]] = (),
) -> DisguiseFlags:
    """Count the disguised and hidden characters of `text`, and those inside the
    counting matches; a disguise inside hidden text is listed as hidden text."""
    cover = _union(hidden)
    runs = sorted(
        [(HIDDEN, start, end) for start, end in cover]
        + [r for r in disguise_runs(text) if not _overlaps(r[1], r[2], cover)],
        key=lambda r: r[1],
    )
    matched = _union((m.offset, m.end) for m in counted)
    chars = dict.fromkeys(FLAG_KINDS, 0)
    inside = dict.fromkeys(FLAG_KINDS, 0)
    i = 0
    for kind, start, end in runs:
        chars[kind] += end - start
        while i < len(matched) and matched[i][1] <= start:
            i += 1
        j = i
        while j < len(matched) and matched[j][0] < end:
            inside[kind] += min(end, matched[j][1]) - max(start, matched[j][0])
            j += 1
    total, total_inside = sum(chars.values()), sum(inside.values())
    return DisguiseFlags(
        chars=tuple(chars.items()),
        in_matches=tuple(inside.items()),
        runs=_kept(runs),
        run_count=len(runs),
        evasion_suspected=total_inside >= EVASION_MIN_CHARS
        and total_inside >= EVASION_MIN_SHARE * total,
    )


def _kept(runs: list[tuple[str, int, int]]) -> tuple[FlagRun, ...]:
    """Every hidden run (a recompute needs them) and the first other runs, in text order."""
    hidden = [r for r in runs if r[0] == HIDDEN]
    others = [r for r in runs if r[0] != HIDDEN][: max(0, MAX_RUNS - len(hidden))]
    return tuple(
        FlagRun(k, s, e) for k, s, e in sorted(hidden + others, key=lambda r: r[1])
    )


def hidden_spans(flags: DisguiseFlags | None) -> list[tuple[int, int]]:
    """The hidden-text spans a report's flags hold (kept so a recompute keeps them)."""
    if flags is None:
        return []
    return [(r.start, r.end) for r in flags.runs if r.kind == HIDDEN]


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether [start, end) meets any of the sorted disjoint spans."""
    i = bisect_right(spans, (start, end))
    return any(s < end and e > start for s, e in spans[max(0, i - 1) : i + 1])


def _union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted disjoint union of spans (counting's `merge_spans` imports the report)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        elif end > start:
            out.append((start, end))
    return out
