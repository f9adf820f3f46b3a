"""Turn an uploaded file (PDF, DOCX, old DOC, TXT) into text whose offsets the report can trust.

The package's public face is `extract` and what it names; the readers live in modules
by format and concern:

- `dispatch`: which reader a file goes to (magic bytes first, then the name), size limits;
- `pdf`: the PDF reader (engine choice, refusals, warnings); `pdfium_engine` and
  `pdfminer_engine` read glyphs with positions, `pdf_pool` reads long PDFs in several
  processes, `pdf_lines` groups glyphs into lines and `pdf_layout` lines into paragraphs,
  over the shared glyph types of `pdf_model`;
- `docx` (with `docx_numbering` and the safe XML parsing of `ooxml`), `doc` (LibreOffice
  conversion of old .doc files) and `text` (UTF-8, GB18030 and UTF-16/32 decoding);
- `limits`: sizes every reader shares.
"""

from __future__ import annotations

from screening.extract.dispatch import extract
from screening.extract.doc import MEDIA_DOC
from screening.extract.docx import MEDIA_DOCX
from screening.extract.limits import (
    MAX_BYTES,
    MAX_EXPANDED_BYTES,
    MAX_ZIP_RATIO,
    SOFFICE_TIMEOUT_SECONDS,
)
from screening.extract.pdf import MEDIA_PDF, PdfEngine
from screening.extract.pdf_pool import PARALLEL_MIN_PAGES
from screening.extract.text import MEDIA_TXT

__all__ = [
    "MAX_BYTES",
    "MAX_EXPANDED_BYTES",
    "MAX_ZIP_RATIO",
    "MEDIA_DOC",
    "MEDIA_DOCX",
    "MEDIA_PDF",
    "MEDIA_TXT",
    "PARALLEL_MIN_PAGES",
    "SOFFICE_TIMEOUT_SECONDS",
    "PdfEngine",
    "extract",
]
