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
from screening.normalize import normalize

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


def run_pan(
    pairs_path: str | os.PathLike[str],
    src_dir: str | os.PathLike[str],
    susp_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    params: AlignParams | None = None,
) -> int:
    """Align every listed pair and write `<susp>-<src>.xml` detections; returns the count."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    src_cache: dict[str, object] = {}
    total = 0
    susp_cache: tuple[str, object] | None = None
    for susp_name, src_name in read_pairs(pairs_path):
        if susp_cache is None or susp_cache[0] != susp_name:
            susp_cache = (susp_name, normalize(read_text(Path(susp_dir) / susp_name)))
        if src_name not in src_cache:
            if len(src_cache) > 256:
                src_cache.clear()
            src_cache[src_name] = normalize(read_text(Path(src_dir) / src_name))
        passages = align(src_cache[src_name], susp_cache[1], params)  # type: ignore[arg-type]
        dets = [
            Detection(
                susp_name,
                p.tgt_span[0],
                p.tgt_span[1] - p.tgt_span[0],
                src_name,
                p.src_span[0],
                p.src_span[1] - p.src_span[0],
            )
            for p in passages
        ]
        total += len(dets)
        name = f"{Path(susp_name).stem}-{Path(src_name).stem}.xml"
        write_detections(out / name, susp_name, dets)
    return total
