"""What every PDF engine returns (glyphs with positions, per page) and how it refuses a file."""

from __future__ import annotations

from dataclasses import dataclass, field

from screening.errors import EncryptedDocument, UnreadableDocument


@dataclass(slots=True)
class Char:
    """One glyph: its text, horizontal extent, baseline and effective font size."""

    text: str
    x0: float
    x1: float
    base: float
    size: float


@dataclass(slots=True)
class Line:
    """Glyphs on one baseline, their extent, median size and (once built) text."""

    chars: list[Char]
    x0: float
    y0: float
    x1: float
    y1: float
    size: float = 0.0
    text: str = ""

    def add(self, ch: Char) -> None:
        """Put a glyph on this line and widen the line's box to hold it."""
        self.chars.append(ch)
        self.x0 = min(self.x0, ch.x0)
        self.x1 = max(self.x1, ch.x1)
        self.y0 = min(self.y0, ch.base - 0.2 * ch.size)
        self.y1 = max(self.y1, ch.base + 0.8 * ch.size)


@dataclass(slots=True)
class Page:
    """A page's geometry (PDF points) and its glyphs in content-stream order."""

    width: float
    height: float
    bottom: float
    left: float = 0.0
    chars: list[Char] = field(default_factory=list)
    has_images: bool = False


@dataclass(slots=True)
class PdfRead:
    """An engine's reading of a PDF: pages, metadata, and glyphs it could not map."""

    pages: list[Page]
    metadata: dict[str, str]
    unmapped: int = 0
    total: int = 0
    engine: str = "pdfminer"
    #: Each page's lines, when the reader built them already (the parallel reader).
    lines: list[list[Line]] | None = None


def encrypted(file_name: str) -> EncryptedDocument:
    """The refusal of a PDF that needs a password to open."""
    return EncryptedDocument(
        "文件已加密，无法提取文字；请提交未加密的版本 (encrypted PDF: password required)",
        file_name=file_name,
    )


def broken(file_name: str, detail: object) -> UnreadableDocument:
    """The refusal of a damaged or truncated PDF, saying what the engine found."""
    return UnreadableDocument(
        f"PDF 文件已损坏或不完整，无法读取 (damaged or truncated PDF: {detail})",
        file_name=file_name,
    )
