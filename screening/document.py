"""Plain data that flows through screening: extracted text and its structure.

Every offset is a code-point index into `ExtractedDocument.text` (half-open spans), so a
figure or a match always points back at the text the user sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range [start, end) of code points in a document's extracted text."""

    start: int
    end: int

    @property
    def length(self) -> int:
        """Number of code points covered."""
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Chapter:
    """A chapter (or top-level heading) and the text it governs, for per-chapter figures."""

    title: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ExtractedDocument:
    """Text pulled out of a file, with where each page starts (PDF) and any warnings.

    `hidden` holds the spans a reader of the file cannot see (white, tiny or hidden
    text), where the format lets the reader tell; the report flags them.
    """

    name: str
    text: str
    media_type: str
    page_starts: tuple[int, ...] = (0,)
    warnings: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)
    hidden: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentStructure:
    """Where chapters, the reference list, quotations, citation marks and template text lie."""

    chapters: tuple[Chapter, ...] = ()
    references: tuple[Span, ...] = ()
    quotations: tuple[Span, ...] = ()
    citations: tuple[Span, ...] = ()
    templates: tuple[Span, ...] = ()
    has_toc: bool = False
