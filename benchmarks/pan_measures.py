"""The official PAN text-alignment measures (Potthast et al., COLING 2010).

Character-level macro precision and recall, granularity, and
plagdet = F1 / log2(1 + granularity).  A detection detects a case when both lie in the
same (suspicious, source) document pair and they overlap in the suspicious text and in
the source text; characters are counted on both sides, as in PAN's perfmeasures.py.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class Feature(Protocol):
    """Anything shaped like a PAN feature (screening.pan.Detection fits)."""

    @property
    def this_reference(self) -> str: ...
    @property
    def this_offset(self) -> int: ...
    @property
    def this_length(self) -> int: ...
    @property
    def source_reference(self) -> str: ...
    @property
    def source_offset(self) -> int: ...
    @property
    def source_length(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Scores:
    """The four PAN figures (plus counts for context)."""

    plagdet: float
    precision: float
    recall: float
    granularity: float
    cases: int
    detections: int


def _overlap(a0: int, a1: int, b0: int, b1: int) -> tuple[int, int] | None:
    lo, hi = max(a0, b0), min(a1, b1)
    return (lo, hi) if hi > lo else None


def _union_length(intervals: list[tuple[int, int]]) -> int:
    total = 0
    end = -1
    start = -1
    for s, e in sorted(intervals):
        if s > end:
            if end > start:
                total += end - start
            start, end = s, e
        else:
            end = max(end, e)
    if end > start:
        total += end - start
    return total


def _detects(s: Feature, r: Feature) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The susp and src intersections if r detects s (overlap on both sides), else None."""
    if s.this_reference != r.this_reference or s.source_reference != r.source_reference:
        return None
    this = _overlap(
        s.this_offset,
        s.this_offset + s.this_length,
        r.this_offset,
        r.this_offset + r.this_length,
    )
    src = _overlap(
        s.source_offset,
        s.source_offset + s.source_length,
        r.source_offset,
        r.source_offset + r.source_length,
    )
    if this is None or src is None:
        return None
    return this, src


def _macro(
    base: Sequence[Feature], other: Sequence[Feature]
) -> tuple[float, list[int]]:
    """Mean over `base` of the share of its characters covered by detecting `other`s."""
    by_pair: dict[tuple[str, str], list[Feature]] = defaultdict(list)
    for o in other:
        by_pair[(o.this_reference, o.source_reference)].append(o)
    total = 0.0
    counts: list[int] = []
    for b in base:
        this_parts: list[tuple[int, int]] = []
        src_parts: list[tuple[int, int]] = []
        n = 0
        for o in by_pair.get((b.this_reference, b.source_reference), []):
            hit = _detects(b, o)
            if hit is not None:
                this_parts.append(hit[0])
                src_parts.append(hit[1])
                n += 1
        size = b.this_length + b.source_length
        if size > 0:
            total += (_union_length(this_parts) + _union_length(src_parts)) / size
        counts.append(n)
    return (total / len(base) if base else 0.0), counts


def pan_scores(cases: Sequence[Feature], detections: Sequence[Feature]) -> Scores:
    """plagdet, macro precision, macro recall and granularity of detections against cases."""
    recall, detected_by = _macro(cases, detections)
    precision, _ = _macro(detections, cases)
    if not cases:
        recall = 1.0
    if not detections:
        precision = 1.0 if not cases else 0.0
    detected = [c for c in detected_by if c > 0]
    granularity = sum(detected) / len(detected) if detected else 1.0
    f1 = (
        2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    )
    plagdet = f1 / math.log2(1 + granularity)
    return Scores(plagdet, precision, recall, granularity, len(cases), len(detections))
