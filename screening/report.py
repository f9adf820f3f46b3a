"""Results of screening: matched passages and (later) the CNKI-style figures built on them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Match:
    """One reused passage: a span of the screened text and the span of the source it copies.

    Offsets and lengths are code points into each document's extracted text (for a UTF-8
    `.txt` file that is the file's text unchanged). `excluded` is None when the match counts
    in the figures, else the reason it does not (for example "template", "references",
    "quotation", "excluded_source", "below_minimum", "own_work").
    """

    source: str
    offset: int
    length: int
    source_offset: int
    source_length: int
    score: float
    excluded: str | None = None

    @property
    def end(self) -> int:
        """One past the last code point of the matched span in the screened text."""
        return self.offset + self.length
