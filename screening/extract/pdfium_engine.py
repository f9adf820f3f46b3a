"""The pypdfium2 (PDFium) engine: each page's glyphs with their positions, read through the
raw text API.

pypdfium2 takes ~0.3 s to import, so it is imported inside the functions that use it:
`chengxin screen` starts without it and only a PDF pays for it.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any

from screening.extract.pdf_lines import build_lines
from screening.extract.pdf_model import Char, Page, PdfRead, broken, encrypted


def _open_pdfium(data: bytes, file_name: str):  # type: ignore[no-untyped-def]
    """The opened document, or the refusal of an encrypted or damaged PDF."""
    import pypdfium2 as pdfium  # heavy: see the module docstring
    import pypdfium2.raw as raw

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (
            raw.FPDF_ERR_PASSWORD,
            raw.FPDF_ERR_SECURITY,
        ):
            raise encrypted(file_name) from exc
        raise broken(file_name, exc) from exc


def pdfium_page_count(data: bytes) -> int | None:
    """The page count, cheaply; None when pdfium cannot say (pdfminer then decides)."""
    import pypdfium2 as pdfium  # heavy: see the module docstring

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    try:
        return len(pdf)
    finally:
        pdf.close()


def read_pdfium_lines(data: bytes, file_name: str, start: int, stop: int) -> PdfRead:
    """Pages [start, stop) read and grouped into lines, ready to send between processes.

    Only the first glyph of each line is kept (the layout needs its baseline and size);
    the rest would cost more to send than to read again.
    """
    read = read_pdfium_pages(data, file_name, start, stop)
    read.lines = []
    for page in read.pages:
        lines = build_lines(page)
        for line in lines:
            del line.chars[1:]
        page.chars = []
        read.lines.append(lines)
    return read


def read_pdfium_pages(
    data: bytes, file_name: str, start: int, stop: int | None
) -> PdfRead:
    """Characters and positions of pages [start, stop) through pypdfium2's raw text API."""
    pdf = _open_pdfium(data, file_name)
    metadata = _pdfium_metadata(pdf) if start == 0 else {}
    read = PdfRead(pages=[], metadata=metadata, engine="pdfium")
    probe = _Probe.new()
    try:
        if len(pdf) == 0:
            raise broken(file_name, "no pages")
        for index in range(start, len(pdf) if stop is None else min(stop, len(pdf))):
            read.pages.append(_read_page(pdf[index], read, probe))
    finally:
        pdf.close()
    return read


def _pdfium_metadata(pdf: Any) -> dict[str, str]:
    """Title and author from the PDF's Info dictionary, when pdfium can read them."""
    metadata: dict[str, str] = {}
    try:
        meta = pdf.get_metadata_dict(skip_empty=True)
        for key, label in (("Title", "title"), ("Author", "author")):
            if meta.get(key, "").strip():
                metadata[label] = meta[key].strip()
    except Exception:  # noqa: BLE001 - metadata is optional; never fail for it
        metadata = {}
    return metadata


@dataclass(slots=True)
class _Probe:
    """ctypes out-parameters for a glyph's box, origin and matrix, reused for every glyph."""

    origin_x: ctypes.c_double
    origin_y: ctypes.c_double
    rect: Any
    matrix: Any

    @classmethod
    def new(cls) -> _Probe:
        """Fresh out-parameters (pdfium's structures come with pypdfium2.raw)."""
        import pypdfium2.raw as raw  # heavy: see the module docstring

        return cls(
            ctypes.c_double(), ctypes.c_double(), raw.FS_RECTF(), raw.FS_MATRIX()
        )


def _read_page(page_obj: Any, read: PdfRead, probe: _Probe) -> Page:
    """One page's geometry and glyphs (counted in `read`); the page object is closed."""
    try:
        x0, y0, x1, y1 = page_obj.get_mediabox()
        page = Page(width=x1 - x0, height=y1 - y0, bottom=y0, left=x0)
        textpage = page_obj.get_textpage()
        _read_glyphs(textpage.raw, page, read, probe)
        textpage.close()
        page.has_images = _pdfium_has_images(page_obj)
        return page
    finally:
        page_obj.close()


def _read_glyphs(tp: Any, page: Page, read: PdfRead, probe: _Probe) -> None:
    """Append a text page's glyphs to `page`, counting unmapped ones in `read`."""
    import pypdfium2.raw as raw  # heavy: see the module docstring

    origin_x, origin_y, rect, matrix = (
        probe.origin_x,
        probe.origin_y,
        probe.rect,
        probe.matrix,
    )
    count = raw.FPDFText_CountChars(tp)
    # One call for all the text (a UTF-16 unit per char index), then only
    # the geometry per glyph: ctypes calls are the cost of this path.
    buffer = ctypes.create_string_buffer(count * 2 + 2)
    raw.FPDFText_GetText(
        tp, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
    )
    units = buffer.raw[: count * 2].decode("utf-16-le", "surrogatepass")
    i = 0
    while i < count:
        k, unit = i, units[i]
        i += 1
        if unit in " \u3000\xa0" and not raw.FPDFText_IsGenerated(tp, k):
            # A drawn space glyph: kept as evidence of a typed space.
            raw.FPDFText_GetLooseCharBox(tp, k, rect)
            raw.FPDFText_GetCharOrigin(tp, k, origin_x, origin_y)
            page.chars.append(Char(" ", rect.left, rect.right, origin_y.value, 0.0))
            continue
        if unit.isspace() or unit < " " or "\udc00" <= unit <= "\udfff":
            continue
        if "\ud800" <= unit <= "\udbff" and i < count:
            pair = unit + units[i]
            i += 1
            unit = pair.encode("utf-16-le", "surrogatepass").decode(
                "utf-16-le", "replace"
            )
        read.total += 1
        if unit == "\ufffd" or raw.FPDFText_HasUnicodeMapError(tp, k):
            read.unmapped += 1
            continue
        raw.FPDFText_GetLooseCharBox(tp, k, rect)
        raw.FPDFText_GetCharOrigin(tp, k, origin_x, origin_y)
        raw.FPDFText_GetMatrix(tp, k, matrix)
        # pdfium reports the Tf size; the text matrix may scale it (pdfminer
        # folds that in), so scale by the matrix's determinant.
        scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        size = raw.FPDFText_GetFontSize(tp, k) * (scale or 1.0)
        page.chars.append(Char(unit, rect.left, rect.right, origin_y.value, size))


def _pdfium_has_images(page_obj: object) -> bool:
    """Whether the page draws an image (then an empty text layer is probably a scan)."""
    import pypdfium2.raw as raw  # heavy: see the module docstring

    try:
        return any(True for _ in page_obj.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,)))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - only used to word the message
        return False
