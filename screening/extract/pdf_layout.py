"""PDF layout: lines -> (running headers, footers and page numbers removed) -> paragraphs."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence

from screening.extract.pdf_lines import build_lines, is_wide
from screening.extract.pdf_model import Line, Page

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–~·•\s]*\d{1,4}[-—–~·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|[-—–\s]*[ivxlcIVXLC]{1,7}[-—–\s]*)$",
    re.IGNORECASE,
)


_SENTENCE_END = "。！？；：.!?;:"


_HYPHENS = "-\u2010\u00ad"


_TOC_LINE = re.compile(r"(?:[.．·…‥_]{4,}|…{2,})\s*(?:\d{1,4}|[ivxlcIVXLC]{1,7})$")


_HEADING = re.compile(
    r"^(?:第\s*[一二三四五六七八九十百\d]+\s*[章节]|\d{1,2}(?:\.\d{1,2}){0,3}\s+\S"
    r"|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|chapter\s+\d)",
    re.IGNORECASE,
)


#: Share of the page height at the top and bottom where headers and footers live.
_MARGIN_ZONE = 0.1


#: ... and where a bare page number set apart from the text may sit (LaTeX: ~17%).
_NUMBER_ZONE = 0.25


def _strip_margins(pages: list[list[Line]], geometry: list[Page]) -> int:
    """Drop page numbers and headers/footers repeated across pages; return lines removed."""

    def zone(line: Line, page: Page, share: float = _MARGIN_ZONE) -> str | None:
        base = line.chars[0].base - page.bottom
        if base >= page.height * (1 - share):
            return "top"
        if base <= page.height * share:
            return "bottom"
        return None

    def key(line: Line, where: str) -> tuple[str, str, int]:
        norm = re.sub(r"\d+", "#", line.text.replace(" ", ""))
        return (where, norm, round(line.chars[0].base / 3))

    seen: Counter[tuple[str, str, int]] = Counter()
    for lines, page in zip(pages, geometry, strict=True):
        keys = {key(ln, w) for ln in lines if (w := zone(ln, page))}
        seen.update(keys)
    removed = 0
    # A running header or footer repeats on most pages; two pages of two is enough.
    repeats = 3 if len(pages) > 3 else 2
    for index, (lines, page) in enumerate(zip(pages, geometry, strict=True)):
        if not lines:
            continue
        lowest = min(ln.chars[0].base for ln in lines)
        highest = max(ln.chars[0].base for ln in lines)
        keep: list[Line] = []
        for ln in lines:
            where = zone(ln, page)
            if where and seen[key(ln, where)] >= repeats:
                removed += 1
                continue
            # A bare page number only as the page's first or last line, in the margin,
            # or (LaTeX sets it well above the page's edge) set apart from the text.
            base = ln.chars[0].base
            if (
                base in (lowest, highest)
                and _PAGE_NUMBER.match(ln.text.replace(" ", ""))
                and (
                    zone(ln, page)
                    or (
                        zone(ln, page, _NUMBER_ZONE)
                        and all(
                            abs(other.chars[0].base - base) >= 2.5 * ln.size
                            for other in lines
                            if other is not ln
                        )
                    )
                )
            ):
                removed += 1
                continue
            keep.append(ln)
        pages[index] = keep
    return removed


def _column_edges(line: Line, lines: Sequence[Line], page: Page) -> tuple[float, float]:
    """Left and right edges of the text column a line sits in (lines it overlaps).

    On a sparse page of short lines only (a heading and a one-line paragraph) no line
    shows the right edge, so it is assumed to mirror the left margin.
    """
    left, right = line.x0, line.x1
    for other in lines:
        if other.x0 < line.x1 and other.x1 > line.x0:
            left = min(left, other.x0)
            right = max(right, other.x1)
    mirrored = page.left + page.width - (left - page.left)
    is_sparse = len(lines) < 10  # Not a two-column page, whose columns look short.
    if is_sparse and mirrored > left and right - left < 0.75 * (mirrored - left):
        right = mirrored
    return left, right


def _pitch(lines: Sequence[Line]) -> float:
    """Typical baseline distance between consecutive lines of a page."""
    steps = [
        a.chars[0].base - b.chars[0].base
        for a, b in zip(lines, lines[1:], strict=False)
        if 0 < a.chars[0].base - b.chars[0].base < 3 * max(a.size, b.size)
    ]
    return statistics.median(steps) if steps else 0.0


def _is_break(
    a: Line,
    b: Line,
    *,
    same_page: bool,
    a_edges: tuple[float, float],
    b_edges: tuple[float, float],
    pitch: float,
) -> bool:
    """Does a paragraph end between line `a` and the next line `b`?"""
    size = max(a.size, b.size)
    if abs(a.size - b.size) > 0.15 * size:
        return True
    if same_page:
        step = a.chars[0].base - b.chars[0].base
        if step <= 0.5 * size:  # Moved up or sideways: a new column or block.
            return True
        if pitch and step > 1.4 * pitch:
            return True
    if _TOC_LINE.search(a.text):
        return True  # A table-of-contents entry fills the line with its dot leader.
    is_a_short = a.x1 < a_edges[1] - 1.5 * a.size
    is_b_indented = b.x0 > b_edges[0] + 0.8 * b.size
    if is_a_short or is_b_indented:
        return True
    # Headings set in the body font with no spacing: only numbered ones ("第二章 方法",
    # "2.1 模型") can be told from a paragraph's short last line or a wrapped sentence.
    if _is_heading(b) and b.x1 < b_edges[1] - 1.5 * b.size:
        return True
    return _is_heading(a) and a.x1 < b.x1 - 2 * size


def _is_heading(line: Line) -> bool:
    return (
        len(line.text) <= 40
        and line.text[-1] not in _SENTENCE_END + "，,、"
        and bool(_HEADING.match(line.text))
    )


def layout(
    pages: list[Page], built: list[list[Line]] | None = None
) -> tuple[str, list[int], int]:
    """Lay the pages out as text: lines joined into paragraphs, one paragraph a line."""
    page_lines = built if built is not None else [build_lines(p) for p in pages]
    removed = _strip_margins(page_lines, pages)
    out: list[str] = []
    length = 0
    page_starts: list[int] = []
    prev: Line | None = None
    prev_edges = (0.0, 0.0)
    for lines, page in zip(page_lines, pages, strict=True):
        pitch = _pitch(lines)
        started = False
        for index, line in enumerate(lines):
            edges = _column_edges(line, lines, page)
            if prev is not None:
                if _is_break(
                    prev,
                    line,
                    same_page=index > 0,
                    a_edges=prev_edges,
                    b_edges=edges,
                    pitch=pitch,
                ):
                    joiner = "\n"
                elif is_wide(prev.text[-1]) or is_wide(line.text[0]):
                    joiner = (
                        ""  # A line break inside a Chinese sentence is not a space.
                    )
                elif prev.text[-1] in _HYPHENS and prev.text[-2:-1].isalpha():
                    joiner = ""
                    if line.text[0].islower():
                        # A word LaTeX or WeasyPrint hyphenated at the line's end.
                        out[-1] = out[-1][:-1]
                        length -= 1
                else:
                    joiner = " "
                out.append(joiner)
                length += len(joiner)
            if not started:
                page_starts.append(length)
                started = True
            out.append(line.text)
            length += len(line.text)
            prev, prev_edges = line, edges
        if not started:
            page_starts.append(length)
    return "".join(out), page_starts or [0], removed
