"""Which reader a file goes to: its content (magic bytes) first, its name second.

A PDF named `.txt` is still read as a PDF and a ZIP bomb named `.docx` is caught before it
expands; images, archives and executables are refused by their magic bytes, and only a
text name (.txt, .text, .md, or none) is read as text.
"""

from __future__ import annotations

import os
from pathlib import Path

from screening.document import ExtractedDocument
from screening.errors import (
    DocumentTooLarge,
    EmptyDocument,
    UnreadableDocument,
    UnsupportedDocument,
)
from screening.extract.doc import extract_doc
from screening.extract.docx import extract_docx
from screening.extract.limits import MAX_BYTES, MAX_EXPANDED_BYTES, mib
from screening.extract.pdf import PdfEngine, extract_pdf
from screening.extract.text import extract_text, has_bom

#: Names that may hold plain text; "" is a name without extension (and bytes by default).
_TEXT_EXTENSIONS = {".txt", ".text", ".md", ""}
_BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"BM", "bitmap image"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
    (b"{\\rtf", "RTF document"),
    (b"AT&TFORM", "DjVu document"),
)


def extract(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_expanded_bytes: int = MAX_EXPANDED_BYTES,
    engine: PdfEngine = "auto",
) -> ExtractedDocument:
    """Extract the text of a PDF, DOCX, DOC or TXT file so every later offset points into it.

    Args:
        source: A path, or the file's bytes.
        name: The name to report; defaults to the path's base name, or "document" for
            bytes. Content decides PDF, DOCX and DOC; anything else is read as text
            only under a text name (.txt, .text, .md, or no extension).
        max_bytes: Largest file accepted, checked before reading a path.
        max_expanded_bytes: Largest total a DOCX (ZIP) may expand to.
        engine: PDF engine: "pdfminer", "pdfium", or "auto" (see `screening.extract.pdf`).

    Returns:
        The extracted document; `page_starts` holds each PDF page's offset in `text`.

    Raises:
        ScreeningError: a subclass naming the file and the reason (see screening.errors).
    """
    data, file_name = _read(source, name=name, max_bytes=max_bytes)
    ext = os.path.splitext(file_name)[1].lower()
    if not data.strip():
        raise EmptyDocument("文件为空，没有任何文字 (empty file)", file_name=file_name)
    head = data[:1024]
    # Readers accept a PDF header anywhere in the first KB; a text file may mention it.
    if data.startswith(b"%PDF-") or (b"%PDF-" in head and ext not in _TEXT_EXTENSIONS):
        return extract_pdf(data, file_name, engine=engine)
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return extract_docx(data, file_name, max_expanded_bytes=max_expanded_bytes)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return extract_doc(data, file_name, max_expanded_bytes=max_expanded_bytes)
    if ext == ".pdf":
        raise UnreadableDocument(
            "PDF 文件已损坏，找不到文件头 (not a PDF: missing %PDF header)",
            file_name=file_name,
        )
    if ext in {".docx", ".docm", ".dotx"}:
        raise UnreadableDocument(
            "DOCX 文件已损坏，不是有效的压缩包 (damaged DOCX: not a ZIP archive)",
            file_name=file_name,
        )
    if not has_bom(data):
        for magic, what in _BINARY_MAGICS:
            # Short magics ("BM", "MZ", "BZh") also start English words: need a NUL.
            is_weak = len(magic) < 4
            if data.startswith(magic) and (not is_weak or b"\x00" in head):
                raise UnsupportedDocument(
                    f"不支持的文件类型（{what}），请提交 PDF、DOCX 或 TXT "
                    f"(unsupported file type: {what}; submit PDF, DOCX or TXT)",
                    file_name=file_name,
                )
    if ext not in _TEXT_EXTENSIONS:
        # An .html saved as .doc, a .json or .xlsx-like file: text perhaps, not a thesis.
        raise UnsupportedDocument(
            f"不支持的文件类型（{ext}）；请提交 PDF、DOCX 或 TXT "
            f"(unsupported file type {ext}: submit PDF, DOCX or TXT)",
            file_name=file_name,
        )
    return extract_text(data, file_name)


def _read(
    source: str | os.PathLike[str] | bytes, *, name: str | None, max_bytes: int
) -> tuple[bytes, str]:
    """Read the bytes, refusing an oversized file before reading it."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        file_name = name or "document"
        _check_size(len(data), max_bytes, file_name)
        return data, file_name
    path = Path(source)
    file_name = name or path.name
    try:
        size = path.stat().st_size
        _check_size(size, max_bytes, file_name)
        with path.open("rb") as handle:
            # Read one byte past the limit: a file that grew after stat() is still caught.
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise UnreadableDocument(
            f"无法读取文件：{exc.strerror or exc} (cannot read file)",
            file_name=file_name,
        ) from exc
    _check_size(len(data), max_bytes, file_name)
    return data, file_name


def _check_size(size: int, max_bytes: int, file_name: str) -> None:
    """Refuse a file over the limit, naming both sizes."""
    if size > max_bytes:
        raise DocumentTooLarge(
            f"文件过大（{mib(size)}），上限为 {mib(max_bytes)} "
            f"(file too large: {size} bytes, limit {max_bytes})",
            file_name=file_name,
        )
