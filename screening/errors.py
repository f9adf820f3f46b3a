"""Errors the screening library raises: each names the file and a machine-readable reason.

`screening` is a pure library and may not import `archive`, so these do not subclass the
kernel's `DomainError`; `archive` maps every `ScreeningError` to `InvalidInput`.
"""

from __future__ import annotations


class ScreeningError(Exception):
    """Base of every screening failure; carries the file name and a reason code."""

    reason: str = "screening_error"

    def __init__(self, message: str, *, file_name: str | None = None) -> None:
        self.message = message
        self.file_name = file_name
        super().__init__(f"{file_name}: {message}" if file_name else message)


class UnsupportedDocument(ScreeningError):
    """The file type is not one we screen (or an old .doc without LibreOffice)."""

    reason = "unsupported_type"


class UnreadableDocument(ScreeningError):
    """The file is damaged, truncated, encrypted or a disguised archive bomb."""

    reason = "unreadable"


class EncryptedDocument(UnreadableDocument):
    """The PDF is encrypted with a password we do not have."""

    reason = "encrypted"


class NoTextLayer(ScreeningError):
    """The file has no usable text: image-only scans, or fonts without Unicode maps."""

    reason = "no_text_layer"


class UnmappedFonts(NoTextLayer):
    """pdfminer yields (cid:N) glyph codes: the fonts carry no ToUnicode map."""

    reason = "cid_fonts"


class DocumentTooLarge(ScreeningError):
    """The file, or what it expands to, exceeds the configured limit."""

    reason = "too_large"


class UnknownEncoding(ScreeningError):
    """A text file whose encoding cannot be determined with confidence, or is not text."""

    reason = "unknown_encoding"


class EmptyDocument(ScreeningError):
    """The file holds no text at all (0 bytes, or only whitespace)."""

    reason = "empty"


class NoChineseText(ScreeningError):
    """Raised only where a caller demands Chinese text; English-only theses screen fine."""

    reason = "no_chinese"
