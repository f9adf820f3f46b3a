"""The PAN text-alignment format: pairs files, document folders and XML detections.

Lets the official PAN measures (and PAN corpora) judge the aligner: `run_pan` aligns
every (suspicious, source) pair listed and writes one `<susp>-<src>.xml` per pair.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from defusedxml import ElementTree

from screening.align import AlignParams, align
from screening.figures import another_study
from screening.normalize import NormalizedText, normalize
from screening.report.counting import merge_spans, mostly_inside
from screening.report.model import Match
from screening.semantic.align import MeaningSide, align_meaning, prepare
from screening.structure import analyse

__all__ = [
    "Detection",
    "read_pairs",
    "read_text",
    "read_detections",
    "write_detections",
    "detections_xml",
    "run_pan",
]


@dataclass(frozen=True, slots=True)
class Detection:
    """One PAN feature: a span of the suspicious document and the source span it reuses."""

    this_reference: str
    this_offset: int
    this_length: int
    source_reference: str
    source_offset: int
    source_length: int


def read_pairs(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """(suspicious file name, source file name) for every non-empty line of a pairs file."""
    pairs: list[tuple[str, str]] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            pairs.append((parts[0], parts[1]))
    return pairs


def read_text(path: str | os.PathLike[str]) -> str:
    """A PAN document's text, line ends untouched so offsets stay character-exact."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return fh.read()


def detections_xml(
    reference: str,
    detections: Iterable[Detection],
    feature: str = "detected-plagiarism",
) -> str:
    """The PAN XML document for one suspicious document's detections."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<document reference={quoteattr(reference)}>",
    ]
    for d in detections:
        lines.append(
            f'<feature name="{feature}" this_offset="{d.this_offset}" this_length="{d.this_length}"'
            f" source_reference={quoteattr(d.source_reference)}"
            f' source_offset="{d.source_offset}" source_length="{d.source_length}"/>'
        )
    lines.append("</document>")
    return "\n".join(lines) + "\n"


def write_detections(
    path: str | os.PathLike[str],
    reference: str,
    detections: Iterable[Detection],
    feature: str = "detected-plagiarism",
) -> None:
    """Write one PAN XML file (atomically, so a reader never sees half a file)."""
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(detections_xml(reference, detections, feature), encoding="utf-8")
    os.replace(tmp, target)


def read_detections(
    path: str | os.PathLike[str],
    features: tuple[str, ...] = ("detected-plagiarism", "plagiarism"),
) -> list[Detection]:
    """Detections (or truth cases) from one PAN XML file or every .xml in a folder."""
    p = Path(path)
    files = sorted(p.glob("*.xml")) if p.is_dir() else [p]
    out: list[Detection] = []
    for f in files:
        root = ElementTree.parse(f).getroot()
        ref = root.get("reference", "")
        for feat in root.iter("feature"):
            if feat.get("name") not in features or feat.get("this_offset") is None:
                continue
            out.append(
                Detection(
                    ref,
                    int(feat.get("this_offset", 0)),
                    int(feat.get("this_length", 0)),
                    feat.get("source_reference", ""),
                    int(feat.get("source_offset", 0)),
                    int(feat.get("source_length", 0)),
                )
            )
    return out


def template_spans(text: str) -> list[tuple[int, int]]:
    """Declaration pages, covers, contents and the reference list: the spans `screen`
    leaves out of the figures by default, so PAN runs leave them out too."""
    structure = analyse(text)
    return merge_spans(
        (s.start, s.end) for s in (*structure.templates, *structure.references)
    )


def outside_templates(
    detections: list[Detection], omitted: list[tuple[int, int]], min_chars: int = 40
) -> list[Detection]:
    """Detections with their template and reference-list parts cut away.

    A detection mostly inside omitted text is dropped; one that runs into it keeps its
    longest part outside (at least `min_chars`), the source span cut in proportion.
    """
    out: list[Detection] = []
    for d in detections:
        end = d.this_offset + d.this_length
        if mostly_inside(
            Match(d.source_reference, d.this_offset, d.this_length, 0, 0, 0.0), omitted
        ):
            continue
        pieces, cur = [], d.this_offset
        for start, stop in omitted:
            if stop <= cur or start >= end:
                continue
            if start > cur:
                pieces.append((cur, start))
            cur = max(cur, stop)
        if cur < end:
            pieces.append((cur, end))
        if not pieces:
            continue
        lo, hi = max(pieces, key=lambda p: p[1] - p[0])
        if (lo, hi) == (d.this_offset, end):
            out.append(d)
            continue
        if hi - lo < min_chars:
            continue
        scale = d.source_length / max(1, d.this_length)
        s_lo = d.source_offset + round((lo - d.this_offset) * scale)
        s_hi = d.source_offset + round((hi - d.this_offset) * scale)
        out.append(
            Detection(
                d.this_reference, lo, hi - lo, d.source_reference, s_lo, s_hi - s_lo
            )
        )
    return out


def run_pan(
    pairs_path: str | os.PathLike[str],
    src_dir: str | os.PathLike[str],
    susp_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    params: AlignParams | None = None,
    *,
    meaning: bool = True,
) -> int:
    """Align every listed pair and write `<susp>-<src>.xml` detections; returns the count.

    As in `screen`, matches in the suspicious document's templates (cover, declarations,
    contents) and reference list are not reported as reuse, and (with `meaning`) the
    meaning layer adds rewritten and translated passages the characters do not show.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    src_cache: dict[str, NormalizedText] = {}
    total = 0
    fuzzy = (params or AlignParams()).fuzzy_score  # `screening.figures`
    susp_cache: tuple[str, NormalizedText, list[tuple[int, int]]] | None = None
    susp_side: MeaningSide | None = None
    src_sides: dict[str, MeaningSide] = {}
    for susp_name, src_name in read_pairs(pairs_path):
        if susp_cache is None or susp_cache[0] != susp_name:
            susp_text = read_text(Path(susp_dir) / susp_name)
            susp_cache = (susp_name, normalize(susp_text), template_spans(susp_text))
            susp_side = None
        if src_name not in src_cache:
            if len(src_cache) > 256:
                src_cache.clear()
                src_sides.clear()
            src_cache[src_name] = normalize(read_text(Path(src_dir) / src_name))
        thesis, source = susp_cache[1].text, src_cache[src_name].text
        passages = [
            p
            for p in align(src_cache[src_name], susp_cache[1], params)
            if not another_study(
                p.score,
                thesis[slice(*p.tgt_span)],
                source[slice(*p.src_span)],
                below=fuzzy,
            )
        ]
        pairs = [(p.tgt_span, p.src_span) for p in passages]
        if meaning:
            if susp_side is None:
                susp_side = prepare(susp_cache[1])
            side_key = f"{src_name}\0{susp_side.chinese}"  # English read per thesis
            if side_key not in src_sides:
                src_sides[side_key] = prepare(
                    src_cache[src_name], latin=not susp_side.chinese
                )
            # Aligned over the copied sentences too, so that a passage partly copied
            # and partly reworded is one detection, not a copied one and a scrap.
            found = align_meaning(src_sides[side_key], susp_side)
            pairs = _joined(pairs, [(p.tgt_span, p.src_span) for p in found])
        dets = [
            Detection(susp_name, t0, t1 - t0, src_name, s0, s1 - s0)
            for (t0, t1), (s0, s1) in pairs
        ]
        dets = outside_templates(dets, susp_cache[2])
        total += len(dets)
        name = f"{Path(susp_name).stem}-{Path(src_name).stem}.xml"
        write_detections(out / name, susp_name, dets)
    return total


_Spans = tuple[tuple[int, int], tuple[int, int]]
_NEAR = 3  # characters between two spans that still touch (a line break, a space)


def _touch(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two half-open spans overlap or nearly meet."""
    return a[0] <= b[1] + _NEAR and b[0] <= a[1] + _NEAR


def _joined(copied: list[_Spans], meant: list[_Spans]) -> list[_Spans]:
    """Copied passages with the meaning passages; a meaning passage absorbs the copied
    ones it touches in both texts, and one lying mostly inside other copied text adds
    nothing."""
    out = list(copied)
    for tgt, src in meant:
        near = [c for c in out if _touch(c[0], tgt) and _touch(c[1], src)]
        inside = sum(max(0, min(c[0][1], tgt[1]) - max(c[0][0], tgt[0])) for c in out)
        if not near and 2 * inside > tgt[1] - tgt[0]:
            continue  # mostly text copied from elsewhere in the source
        out = [c for c in out if c not in near]
        spans = [*near, (tgt, src)]
        out.append(
            (
                (min(t[0] for t, _ in spans), max(t[1] for t, _ in spans)),
                (min(s[0] for _, s in spans), max(s[1] for _, s in spans)),
            )
        )
    return sorted(out)
