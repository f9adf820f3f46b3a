"""Text a Word reader cannot see: runs formatted hidden (w:vanish), white, or tiny.

Writers hide padding this way to dilute a copied passage; the report flags such text
(Turnitin's "hidden text") instead of reading it silently. Only direct run formatting
is read (a style that hides text is not followed).
"""

from __future__ import annotations

from lxml import etree

from screening.document import Span
from screening.extract.ooxml import W

# Marks around a hidden run while the paragraphs are joined; noncharacters, which a
# document never holds, so they cannot collide with its text.
HIDDEN_START = "\ufdd0"
HIDDEN_END = "\ufdd1"
# Text at or below this size (half-points: 4 = 2 pt) cannot be read on a page.
TINY_HALF_POINTS = 4
_WHITE = {"ffffff", "fefefe", "fdfdfd"}
_OFF = {"0", "false", "off"}


def is_hidden_run(run: etree._Element) -> bool:
    """Whether a w:r's own properties hide it: vanish, white without a background, tiny."""
    props = run.find(W + "rPr")
    if props is None:
        return False
    vanish = props.find(W + "vanish")
    if vanish is not None and vanish.get(W + "val", "true").lower() not in _OFF:
        return True
    color = props.find(W + "color")
    is_white = color is not None and (color.get(W + "val") or "").lower() in _WHITE
    has_background = any(
        props.find(W + tag) is not None for tag in ("highlight", "shd")
    )
    if is_white and not has_background:
        return True
    size = props.find(W + "sz")
    if size is not None:
        try:
            return int(size.get(W + "val") or "") <= TINY_HALF_POINTS
        except ValueError:
            return False
    return False


def cut_hidden(text: str) -> tuple[str, tuple[Span, ...]]:
    """Drop the marks from the text and return where the hidden runs lie in what is left."""
    if HIDDEN_START not in text:
        return text.replace(HIDDEN_END, ""), ()
    out: list[str] = []
    spans: list[Span] = []
    length = 0
    start: int | None = None
    for piece_index, piece in enumerate(text.split(HIDDEN_START)):
        if piece_index > 0:
            start = length
        if HIDDEN_END in piece:
            inside, _, rest = piece.partition(HIDDEN_END)
            out.append(inside)
            length += len(inside)
            if start is not None and length > start:
                spans.append(Span(start, length))
            start = None
            rest = rest.replace(HIDDEN_END, "")
            out.append(rest)
            length += len(rest)
        else:
            out.append(piece)
            length += len(piece)
    if start is not None and length > start:
        spans.append(Span(start, length))
    merged: list[Span] = []
    for span in spans:
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return "".join(out), tuple(merged)
