"""PDF glyphs into lines: glyphs on a shared baseline grouped, their text with typed spaces."""

from __future__ import annotations

import bisect
import re
import statistics
import unicodedata
from collections.abc import Sequence

from screening.extract.pdf_model import Char, Line, Page


def is_wide(ch: str) -> bool:
    """CJK ideographs, kana, hangul, CJK and full-width punctuation: scripts without spaces."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x3FFFF
        or ch in "“”‘’…—·"
    )


def _fix_char(ch: str) -> str:
    """Map Kangxi radicals and compatibility ideographs, which some Word fonts emit, to
    the ordinary ideographs users typed; drop control characters."""
    o = ord(ch)
    if 0x2F00 <= o <= 0x2FDF or 0xF900 <= o <= 0xFAFF or 0x2F800 <= o <= 0x2FA1F:
        return unicodedata.normalize("NFKC", ch)
    if o < 0x20 or 0x7F <= o < 0xA0 or o in (0xFEFF, 0xFFFE, 0xFFFF):
        return ""
    return ch


def _char_top(ch: Char) -> float:
    return ch.base + 0.8 * ch.size


def _char_bottom(ch: Char) -> float:
    return ch.base - 0.2 * ch.size


def build_lines(page: Page) -> list[Line]:
    """Group a page's glyphs, in content order, into lines on a shared baseline."""
    lines: list[Line] = []
    line: Line | None = None
    spaces: dict[int, list[float]] = {}
    for ch in page.chars:
        if ch.text.isspace():
            # Space glyphs are not placed in lines (some producers draw them out of
            # order); they only tell `_line_text` that a gap holds a typed space.
            spaces.setdefault(round(ch.base), []).append((ch.x0 + ch.x1) / 2)
            continue
        if ch.size <= 0:
            ch.size = max(ch.x1 - ch.x0, 1.0)
        if line is not None:
            last = line.chars[-1]
            if (
                ch.base == last.base
                and ch.size == last.size
                and ch.x0 - last.x0 >= 0.3 * ch.size
                and ch.x0 >= last.x1 - 0.5 * ch.size
            ):
                # The common case, kept cheap: the next glyph on the same baseline.
                line.chars.append(ch)
                if ch.x1 > line.x1:
                    line.x1 = ch.x1
                continue
            overlap = min(line.y1, _char_top(ch)) - max(line.y0, _char_bottom(ch))
            height = min(line.y1 - line.y0, ch.size)
            same_band = overlap >= 0.5 * height
            if (
                same_band
                and abs(ch.x0 - last.x0) < 0.01
                and abs(ch.x1 - last.x1) < 0.01
                and (ch.text != last.text or ch.x1 - ch.x0 > 1.5 * ch.size)
            ):
                # pdfium splits one glyph of several characters over its box: a
                # ligature ("fi"), or a two-em "——"/"……" HarfBuzz shaped as one.
                last.text += ch.text
                continue
            if (
                same_band
                and ch.text == last.text
                and abs(ch.x0 - last.x0) < 0.3 * ch.size
            ):
                continue  # Fake bold: the same glyph printed twice, slightly shifted.
            if same_band and ch.x0 >= last.x1 - 0.5 * max(ch.size, last.size):
                line.add(ch)
                continue
        line = Line([ch], ch.x0, _char_bottom(ch), ch.x1, _char_top(ch))
        lines.append(line)
    lines = _merge_runs(lines)
    for centres in spaces.values():
        centres.sort()
    for item in lines:
        item.size = statistics.median(c.size for c in item.chars)
        item.text = _line_text(item.chars, spaces)
    return [item for item in lines if item.text]


def _merge_runs(lines: list[Line]) -> list[Line]:
    """Put back runs drawn out of order (LibreOffice draws Western-font runs such as
    quotation marks and citation brackets after the CJK text of the same line)."""
    merged: list[Line] = []
    for line in lines:
        target = None
        for candidate in reversed(merged[-80:]):
            overlap = min(candidate.y1, line.y1) - max(candidate.y0, line.y0)
            height = min(candidate.y1 - candidate.y0, line.y1 - line.y0)
            size = min(candidate.chars[0].size, line.chars[0].size)
            distance = max(candidate.x0, line.x0) - min(candidate.x1, line.x1)
            if overlap >= 0.5 * height and distance < size:
                target = candidate
                break
        if target is None:
            merged.append(line)
            continue
        for ch in line.chars:
            target.add(ch)
        target.chars.sort(key=lambda c: c.x0)
    return merged


def _has_space_glyph(
    spaces: dict[int, list[float]], base: float, left: float, right: float
) -> bool:
    """Is a space glyph drawn on this baseline between `left` and `right`?"""
    for key in (round(base) - 1, round(base), round(base) + 1):
        centres = spaces.get(key)
        if centres:
            k = bisect.bisect_left(centres, left)
            if k < len(centres) and centres[k] <= right:
                return True
    return False


#: Each glyph text as `_fix_char` leaves it, worked out once per distinct text.
_fixed: dict[str, str] = {}


def _line_text(chars: Sequence[Char], spaces: dict[int, list[float]]) -> str:
    """A line's text, with a space where a space glyph or a wide gap says one was typed."""
    parts: list[str] = []
    prev: Char | None = None
    for ch in chars:
        text = _fixed.get(ch.text)
        if text is None:
            text = _fixed[ch.text] = "".join(_fix_char(c) for c in ch.text)
        if not text:
            continue
        if prev is not None and not text.isspace() and not parts[-1].endswith(" "):
            gap = ch.x0 - prev.x1
            size = max(ch.size, prev.size)
            wide = is_wide(parts[-1][-1]) or is_wide(text[0])
            # LibreOffice/Word put ~0.2 em between CJK and Latin text without a space
            # glyph; a typed space is ~0.3 em or more. Latin words need less.
            if gap > (0.28 if wide else 0.15) * size or (
                gap > 0.1 * size
                and _has_space_glyph(spaces, ch.base, prev.x1 - 1, ch.x0 + 1)
            ):
                parts.append(" ")
        parts.append(" " if text.isspace() else text)
        prev = ch
    return re.sub(r" {2,}", " ", "".join(parts)).strip()
