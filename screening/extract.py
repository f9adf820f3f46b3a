"""Turn an uploaded file (PDF, DOCX, old DOC, TXT) into text whose offsets the report can trust.

Dispatch is by content (magic bytes) first and the file name's extension second, so a PDF
named `.txt` is still read as a PDF and a ZIP bomb named `.docx` is caught before it expands.

PDF engines: both only read the characters with their positions (no pdfminer layout
analysis) and feed one layout step of ours (lines, paragraphs, running headers/footers,
page numbers), so they give the same text; the tests hold them to it. `engine="auto"` uses
pypdfium2 (PDFium) for every PDF it can open: it is faster, and pdfminer.six loses the text
of fonts whose embedded CMap is not Identity-H (WeasyPrint writes one for a large Noto CJK
subset: 97 characters of a 148-page thesis's 209,567). A PDF pdfium cannot open goes to
pdfminer, whose error says why. PDFs of `PARALLEL_MIN_PAGES` pages or more are read by
several processes at once (a forkserver pool, one process fewer than the cores, this one
reading the first share). Whatever the engine, glyphs without a Unicode map are counted:
many raise `UnmappedFonts`, a few are dropped with a warning; "(cid:N)" text is never
returned.
"""

from __future__ import annotations

import atexit
import bisect
import io
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lxml import etree

from screening.document import ExtractedDocument
from screening.errors import (
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    NoTextLayer,
    ScreeningError,
    UnknownEncoding,
    UnmappedFonts,
    UnreadableDocument,
    UnsupportedDocument,
)

__all__ = ["PARALLEL_MIN_PAGES", "PdfEngine", "extract"]

PdfEngine = Literal["auto", "pdfminer", "pdfium"]

MEDIA_PDF = "application/pdf"
MEDIA_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_DOC = "application/msword"
MEDIA_TXT = "text/plain"

#: A ZIP member that expands more than this many times over is treated as a bomb.
MAX_ZIP_RATIO = 200
#: Seconds LibreOffice may take to turn an old .doc into .docx.
SOFFICE_TIMEOUT_SECONDS = 120

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
    max_bytes: int = 50 * 1024 * 1024,
    max_expanded_bytes: int = 200 * 1024 * 1024,
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
        engine: PDF engine: "pdfminer", "pdfium", or "auto" (see the module docstring).

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
        return _extract_pdf(data, file_name, engine=engine)
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _extract_docx(data, file_name, max_expanded_bytes=max_expanded_bytes)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _extract_doc(data, file_name, max_expanded_bytes=max_expanded_bytes)
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
    if not _has_bom(data):
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
    return _extract_text(data, file_name)


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
    if size > max_bytes:
        raise DocumentTooLarge(
            f"文件过大（{_mib(size)}），上限为 {_mib(max_bytes)} "
            f"(file too large: {size} bytes, limit {max_bytes})",
            file_name=file_name,
        )


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


# --------------------------------------------------------------------------------------
# Characters
# --------------------------------------------------------------------------------------


def _is_wide(ch: str) -> bool:
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


# --------------------------------------------------------------------------------------
# PDF: characters with positions, from either engine
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Char:
    """One glyph: its text, horizontal extent, baseline and effective font size."""

    text: str
    x0: float
    x1: float
    base: float
    size: float


@dataclass(slots=True)
class _Line:
    """Glyphs on one baseline, their extent, median size and (once built) text."""

    chars: list[_Char]
    x0: float
    y0: float
    x1: float
    y1: float
    size: float = 0.0
    text: str = ""

    def add(self, ch: _Char) -> None:
        self.chars.append(ch)
        self.x0 = min(self.x0, ch.x0)
        self.x1 = max(self.x1, ch.x1)
        self.y0 = min(self.y0, ch.base - 0.2 * ch.size)
        self.y1 = max(self.y1, ch.base + 0.8 * ch.size)


@dataclass(slots=True)
class _Page:
    """A page's geometry (PDF points) and its glyphs in content-stream order."""

    width: float
    height: float
    bottom: float
    left: float = 0.0
    chars: list[_Char] = field(default_factory=list)
    has_images: bool = False


@dataclass(slots=True)
class _PdfRead:
    pages: list[_Page]
    metadata: dict[str, str]
    unmapped: int = 0
    total: int = 0
    engine: str = "pdfminer"
    #: Each page's lines, when the reader built them already (the parallel reader).
    lines: list[list[_Line]] | None = None


def _extract_pdf(
    data: bytes, file_name: str, *, engine: PdfEngine
) -> ExtractedDocument:
    """Read a PDF with the chosen engine, then lay its characters out as text."""
    try:
        pages = _pdfium_page_count(data) if engine != "pdfminer" else None
        if engine == "auto":
            engine = "pdfium" if pages else "pdfminer"
        if engine == "pdfium":
            read = _read_pdfium(data, file_name, pages or 0)
        else:
            read = _read_pdfminer(data, file_name)
    except (ScreeningError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged file must not crash the caller
        # pdfminer in particular raises almost anything on damaged files.
        raise _broken(file_name, f"{type(exc).__name__}: {exc}") from exc
    if read.unmapped and read.unmapped >= max(3, read.total * 0.02):
        raise UnmappedFonts(
            "PDF 字体缺少 Unicode 映射，提取出的只是字形编号而不是文字；"
            "请用原始 Word/WPS 文件重新导出 PDF，或直接提交 DOCX "
            f"(fonts without Unicode maps: {read.unmapped} of {read.total} glyphs "
            "cannot be turned into text)",
            file_name=file_name,
        )
    warnings: list[str] = []
    if read.unmapped:
        warnings.append(
            f"{read.unmapped} 个字形缺少 Unicode 映射，已略去 "
            f"({read.unmapped} glyphs without Unicode maps were dropped)"
        )
    text, page_starts, removed = _layout(read.pages, read.lines)
    if removed:
        warnings.append(
            f"已去除 {removed} 行页眉、页脚或页码 "
            f"({removed} header/footer/page-number lines removed)"
        )
    if not text.strip():
        if any(page.has_images for page in read.pages):
            detail = "可能是扫描图像", "the PDF holds only images, probably a scan"
        else:
            detail = "页面上没有可提取的文字", "no extractable text on any page"
        raise NoTextLayer(
            f"PDF 没有文字层（{detail[0]}），无法检测；请提交可复制文字的 PDF 或 DOCX "
            f"(no text layer: {detail[1]})",
            file_name=file_name,
        )
    metadata = dict(read.metadata)
    metadata["pdf_engine"] = read.engine
    metadata["pages"] = str(len(read.pages))
    return ExtractedDocument(
        name=file_name,
        text=text,
        media_type=MEDIA_PDF,
        page_starts=tuple(page_starts),
        warnings=tuple(warnings),
        metadata=metadata,
    )


def _encrypted(file_name: str) -> EncryptedDocument:
    return EncryptedDocument(
        "文件已加密，无法提取文字；请提交未加密的版本 (encrypted PDF: password required)",
        file_name=file_name,
    )


def _broken(file_name: str, detail: object) -> UnreadableDocument:
    return UnreadableDocument(
        f"PDF 文件已损坏或不完整，无法读取 (damaged or truncated PDF: {detail})",
        file_name=file_name,
    )


def _read_pdfminer(data: bytes, file_name: str) -> _PdfRead:
    """Characters and positions through pdfminer.six (no layout analysis: we do our own)."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer, LTImage, LTItem
    from pdfminer.pdfdocument import (
        PDFDocument,
        PDFEncryptionError,
        PDFPasswordIncorrect,
    )
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.psexceptions import PSException

    try:
        parser = PDFParser(io.BytesIO(data))
        document = PDFDocument(parser, password="")
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise _encrypted(file_name) from exc
    except (PDFException, PSException, ValueError, KeyError, TypeError) as exc:
        raise _broken(file_name, exc) from exc
    metadata = _pdfminer_metadata(document)
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    read = _PdfRead(pages=[], metadata=metadata, engine="pdfminer")
    try:
        for pdf_page in PDFPage.create_pages(document):
            interpreter.process_page(pdf_page)
            layout = device.get_result()
            x0, y0, x1, y1 = layout.bbox
            page = _Page(width=x1 - x0, height=y1 - y0, bottom=y0, left=x0)

            def walk(item: LTItem, page: _Page = page) -> None:
                if isinstance(item, LTChar):
                    text = item.get_text()
                    read.total += 1
                    if text.startswith("(cid:") and text.endswith(")"):
                        read.unmapped += 1
                        return
                    page.chars.append(
                        _Char(text, item.x0, item.x1, item.matrix[5], item.size)
                    )
                elif isinstance(item, LTImage):
                    page.has_images = True
                elif isinstance(item, LTContainer):
                    for child in item:
                        walk(child)

            walk(layout)
            read.pages.append(page)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise _encrypted(file_name) from exc
    except (PDFException, PSException, ValueError, KeyError, TypeError) as exc:
        raise _broken(file_name, exc) from exc
    if not read.pages:
        raise _broken(file_name, "no pages")
    return read


def _pdfminer_metadata(document: object) -> dict[str, str]:
    """Title and author from the PDF's Info dictionary, when they decode."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    out: dict[str, str] = {}
    for info in getattr(document, "info", []) or []:
        for key, label in ((b"Title", "title"), (b"Author", "author")):
            value = resolve1(info.get(key.decode())) if isinstance(info, dict) else None
            if isinstance(value, bytes):
                text = decode_text(value).strip()
                if text:
                    out[label] = text
            elif isinstance(value, str) and value.strip():
                out[label] = value.strip()
    return out


def _open_pdfium(data: bytes, file_name: str):  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (
            raw.FPDF_ERR_PASSWORD,
            raw.FPDF_ERR_SECURITY,
        ):
            raise _encrypted(file_name) from exc
        raise _broken(file_name, exc) from exc


def _pdfium_page_count(data: bytes) -> int | None:
    """The page count, cheaply; None when pdfium cannot say (pdfminer then decides)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    try:
        return len(pdf)
    finally:
        pdf.close()


def _read_pdfium(data: bytes, file_name: str, count: int) -> _PdfRead:
    """Characters and positions of a PDF of `count` pages through pypdfium2; long PDFs
    by several processes."""
    workers = _pdf_processes(count)
    if workers < 2:
        return _read_pdfium_pages(data, file_name, 0, None)
    from concurrent.futures.process import BrokenProcessPool

    bounds = [count * k // workers for k in range(workers + 1)]

    def submit() -> list[Any]:
        pool = _readers.get(workers - 1)
        return [
            pool.submit(_read_pdfium_lines, data, file_name, lo, hi)
            for lo, hi in zip(bounds[1:-1], bounds[2:], strict=True)
        ]

    try:
        try:
            futures = submit()
        except BrokenProcessPool:  # a reader died since the last PDF: a new pool
            _readers.close()
            futures = submit()
    except (OSError, RuntimeError):  # no processes to be had: read it all here
        return _read_pdfium_pages(data, file_name, 0, None)
    # The first share is read here while the pool reads the others.
    read = _read_pdfium_lines(data, file_name, 0, bounds[1])
    try:
        parts = [future.result() for future in futures]
    except BrokenProcessPool as exc:
        _readers.close()
        raise _broken(
            file_name, "PDF 解析进程意外退出 (the PDF reader crashed)"
        ) from exc
    assert read.lines is not None
    for part in parts:
        assert part.lines is not None
        read.pages += part.pages
        read.lines += part.lines
        read.unmapped += part.unmapped
        read.total += part.total
    return read


#: PDFs of at least this many pages are read by several processes at once.
PARALLEL_MIN_PAGES = 40
#: Pages each process should have at least, and the most processes one PDF gets.
_PAGES_PER_PROCESS = 20
_MAX_PDF_PROCESSES = 4


def _pdf_processes(pages: int) -> int:
    """How many processes read a PDF of this many pages (1: this one alone)."""
    if pages < PARALLEL_MIN_PAGES:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MAX_PDF_PROCESSES, pages // _PAGES_PER_PROCESS))


class _ReaderPool:
    """This process's PDF readers, started on first use (forkserver: a clean process to
    fork from, whatever threads the caller runs) and shut down when the process ends."""

    def __init__(self) -> None:
        self.pool: Any = None
        self.pid = 0
        self.size = 0
        atexit.register(self.close, wait=True)

    def get(self, size: int) -> Any:
        """A pool of at least `size` readers (a forked process starts its own)."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if self.pool is not None and self.pid == os.getpid() and self.size >= size:
            return self.pool
        self.close()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context(
            "forkserver" if "forkserver" in methods else "spawn"
        )
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(["screening.extract"])
        self.pool = ProcessPoolExecutor(max_workers=size, mp_context=context)
        self.pid, self.size = os.getpid(), size
        return self.pool

    def close(self, *, wait: bool = False) -> None:
        """Drop the pool (a reader crashed, or the process ends); a pool inherited
        through a fork belongs to the parent and is only forgotten."""
        pool, self.pool = self.pool, None
        if pool is not None and self.pid == os.getpid():
            pool.shutdown(wait=wait, cancel_futures=True)


_readers = _ReaderPool()


def _read_pdfium_lines(data: bytes, file_name: str, start: int, stop: int) -> _PdfRead:
    """Pages [start, stop) read and grouped into lines, ready to send between processes.

    Only the first glyph of each line is kept (the layout needs its baseline and size);
    the rest would cost more to send than to read again.
    """
    read = _read_pdfium_pages(data, file_name, start, stop)
    read.lines = []
    for page in read.pages:
        lines = _build_lines(page)
        for line in lines:
            del line.chars[1:]
        page.chars = []
        read.lines.append(lines)
    return read


def _read_pdfium_pages(
    data: bytes, file_name: str, start: int, stop: int | None
) -> _PdfRead:
    """Characters and positions of pages [start, stop) through pypdfium2's raw text API."""
    import ctypes

    import pypdfium2.raw as raw

    pdf = _open_pdfium(data, file_name)
    metadata: dict[str, str] = {}
    if start == 0:
        try:
            meta = pdf.get_metadata_dict(skip_empty=True)
            for key, label in (("Title", "title"), ("Author", "author")):
                if meta.get(key, "").strip():
                    metadata[label] = meta[key].strip()
        except Exception:  # noqa: BLE001 - metadata is optional; never fail for it
            metadata = {}
    read = _PdfRead(pages=[], metadata=metadata, engine="pdfium")
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    rect = raw.FS_RECTF()
    matrix = raw.FS_MATRIX()
    try:
        if len(pdf) == 0:
            raise _broken(file_name, "no pages")
        for index in range(start, len(pdf) if stop is None else min(stop, len(pdf))):
            page_obj = pdf[index]
            try:
                x0, y0, x1, y1 = page_obj.get_mediabox()
                page = _Page(width=x1 - x0, height=y1 - y0, bottom=y0, left=x0)
                textpage = page_obj.get_textpage()
                tp = textpage.raw
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
                        page.chars.append(
                            _Char(" ", rect.left, rect.right, origin_y.value, 0.0)
                        )
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
                    page.chars.append(
                        _Char(unit, rect.left, rect.right, origin_y.value, size)
                    )
                textpage.close()
                page.has_images = _pdfium_has_images(page_obj)
                read.pages.append(page)
            finally:
                page_obj.close()
    finally:
        pdf.close()
    return read


def _pdfium_has_images(page_obj: object) -> bool:
    import pypdfium2.raw as raw

    try:
        return any(True for _ in page_obj.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,)))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - only used to word the message
        return False


# --------------------------------------------------------------------------------------
# PDF layout: characters -> lines -> (headers/footers removed) -> paragraphs
# --------------------------------------------------------------------------------------

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


def _char_top(ch: _Char) -> float:
    return ch.base + 0.8 * ch.size


def _char_bottom(ch: _Char) -> float:
    return ch.base - 0.2 * ch.size


def _build_lines(page: _Page) -> list[_Line]:
    """Group a page's glyphs, in content order, into lines on a shared baseline."""
    lines: list[_Line] = []
    line: _Line | None = None
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
        line = _Line([ch], ch.x0, _char_bottom(ch), ch.x1, _char_top(ch))
        lines.append(line)
    lines = _merge_runs(lines)
    for centres in spaces.values():
        centres.sort()
    for item in lines:
        item.size = statistics.median(c.size for c in item.chars)
        item.text = _line_text(item.chars, spaces)
    return [item for item in lines if item.text]


def _merge_runs(lines: list[_Line]) -> list[_Line]:
    """Put back runs drawn out of order (LibreOffice draws Western-font runs such as
    quotation marks and citation brackets after the CJK text of the same line)."""
    merged: list[_Line] = []
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


_fixed: dict[str, str] = {}


def _line_text(chars: Sequence[_Char], spaces: dict[int, list[float]]) -> str:
    """A line's text, with a space where a space glyph or a wide gap says one was typed."""
    parts: list[str] = []
    prev: _Char | None = None
    for ch in chars:
        text = _fixed.get(ch.text)
        if text is None:
            text = _fixed[ch.text] = "".join(_fix_char(c) for c in ch.text)
        if not text:
            continue
        if prev is not None and not text.isspace() and not parts[-1].endswith(" "):
            gap = ch.x0 - prev.x1
            size = max(ch.size, prev.size)
            wide = _is_wide(parts[-1][-1]) or _is_wide(text[0])
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


def _strip_margins(pages: list[list[_Line]], geometry: list[_Page]) -> int:
    """Drop page numbers and headers/footers repeated across pages; return lines removed."""

    def zone(line: _Line, page: _Page, share: float = _MARGIN_ZONE) -> str | None:
        base = line.chars[0].base - page.bottom
        if base >= page.height * (1 - share):
            return "top"
        if base <= page.height * share:
            return "bottom"
        return None

    def key(line: _Line, where: str) -> tuple[str, str, int]:
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
        keep: list[_Line] = []
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


def _column_edges(
    line: _Line, lines: Sequence[_Line], page: _Page
) -> tuple[float, float]:
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


def _pitch(lines: Sequence[_Line]) -> float:
    """Typical baseline distance between consecutive lines of a page."""
    steps = [
        a.chars[0].base - b.chars[0].base
        for a, b in zip(lines, lines[1:], strict=False)
        if 0 < a.chars[0].base - b.chars[0].base < 3 * max(a.size, b.size)
    ]
    return statistics.median(steps) if steps else 0.0


def _is_break(
    a: _Line,
    b: _Line,
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


def _is_heading(line: _Line) -> bool:
    return (
        len(line.text) <= 40
        and line.text[-1] not in _SENTENCE_END + "，,、"
        and bool(_HEADING.match(line.text))
    )


def _layout(
    pages: list[_Page], built: list[list[_Line]] | None = None
) -> tuple[str, list[int], int]:
    """Lay the pages out as text: lines joined into paragraphs, one paragraph a line."""
    page_lines = built if built is not None else [_build_lines(p) for p in pages]
    removed = _strip_margins(page_lines, pages)
    out: list[str] = []
    length = 0
    page_starts: list[int] = []
    prev: _Line | None = None
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
                elif _is_wide(prev.text[-1]) or _is_wide(line.text[0]):
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


# --------------------------------------------------------------------------------------
# DOCX (and old DOC through LibreOffice)
# --------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP_TAGS = {
    _W + "del",
    _W + "delText",
    _W + "instrText",
    _W + "rPr",
    _W + "pPr",
    _MC_FALLBACK,
}


def _zip_bomb(file_name: str, detail: str) -> UnreadableDocument:
    return UnreadableDocument(
        f"压缩包异常（疑似压缩炸弹），拒绝解压 (suspicious archive, possible ZIP bomb: {detail})",
        file_name=file_name,
    )


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_name: str, budget: list[int]
) -> bytes:
    """Read one member in chunks, never past its declared size or the expansion budget."""
    out = bytearray()
    with archive.open(info) as member:
        while chunk := member.read(1024 * 1024):
            out += chunk
            budget[0] -= len(chunk)
            if len(out) > info.file_size:
                raise _zip_bomb(
                    file_name, f"{info.filename} expands past its declared size"
                )
            if budget[0] < 0:
                raise DocumentTooLarge(
                    "DOCX 解压后过大 (DOCX expands beyond the size limit)",
                    file_name=file_name,
                )
    return bytes(out)


def _safe_xml(data: bytes, file_name: str, part: str) -> etree._Element:
    """Parse an OOXML part without DTDs, entities or network access (XXE, billion laughs)."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise UnreadableDocument(
            f"DOCX 内容已损坏（{part}），无法解析 (damaged DOCX part {part}: {exc})",
            file_name=file_name,
        ) from exc
    if root.getroottree().docinfo.doctype:
        raise UnreadableDocument(
            f"DOCX 含有不允许的 DTD 声明（{part}） (DOCX part {part} declares a DTD)",
            file_name=file_name,
        )
    return root


def _paragraphs(
    element: etree._Element, numbering: _Numbering | None = None
) -> Iterator[str]:
    """Paragraph texts in document order; tables give one paragraph per cell paragraph,
    text boxes come after the paragraph that anchors them."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS:
            continue
        if tag == _W + "p":
            parts: list[str] = []
            nested: list[etree._Element] = []
            _runs(child, parts, nested)
            label = numbering.label(child) if numbering is not None else ""
            text = "".join(parts)
            yield f"{label} {text}" if label and text.strip() else text
            for box in nested:
                yield from _paragraphs(box, numbering)
        else:
            yield from _paragraphs(child, numbering)


_CN_NUMERALS = "〇一二三四五六七八九"


def _chinese_count(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (Word's chineseCounting)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_NUMERALS[n]
    if n < 20:
        return "十" + (_CN_NUMERALS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_NUMERALS[n // 10] + "十" + (_CN_NUMERALS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" if rest < 10 else "") + _chinese_count(rest)
    if 10 <= rest < 20:
        tail = "一" + tail
    return _CN_NUMERALS[n // 100 % 10] + "百" + tail


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out += letters
            n -= value
    return out


def _format_number(n: int, fmt: str) -> str:
    """A list number in one of Word's numbering formats (w:numFmt)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand"):  # fmt: skip
        return _chinese_count(n)
    if fmt in ("ideographDigital", "taiwaneseDigital"):
        return "".join(_CN_NUMERALS[int(d)] for d in str(n))
    if fmt == "chineseLegalSimplified":
        return "".join("零壹贰叁肆伍陆柒捌玖"[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) - ord("0") + 0xFF10) for d in str(n))
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    style: str = ""
    is_legal: bool = False


class _Numbering:
    """Word's automatic numbering (numbering.xml + styles.xml): the "第一章" or "1.1" that
    Word shows but document.xml does not hold, so DOCX text matches the PDF Word prints."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_num: dict[str, tuple[str, int | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            for abstract in numbering.iter(_W + "abstractNum"):
                levels: dict[int, _Level] = {}
                for lvl in abstract.iter(_W + "lvl"):
                    levels[_int(lvl.get(_W + "ilvl"), 0)] = _Level(
                        start=_int(_val(lvl, "start"), 1),
                        fmt=_val(lvl, "numFmt") or "decimal",
                        text=_val(lvl, "lvlText") or "",
                        style=_val(lvl, "pStyle") or "",
                        is_legal=lvl.find(_W + "isLgl") is not None,
                    )
                self.abstract[abstract.get(_W + "abstractNumId", "")] = levels
            for num in numbering.iter(_W + "num"):
                overrides = {
                    _int(o.get(_W + "ilvl"), 0): _int(_val(o, "startOverride"), 1)
                    for o in num.iter(_W + "lvlOverride")
                    if _val(o, "startOverride") is not None
                }
                self.nums[num.get(_W + "numId", "")] = (
                    _val(num, "abstractNumId") or "",
                    overrides,
                )
        if styles is not None:
            based: dict[str, str] = {}
            for style in styles.iter(_W + "style"):
                sid = style.get(_W + "styleId", "")
                if (parent := _val(style, "basedOn")) is not None:
                    based[sid] = parent
                num_pr = style.find(f"{_W}pPr/{_W}numPr")
                if num_pr is not None and (num_id := _val(num_pr, "numId")) is not None:
                    ilvl = _val(num_pr, "ilvl")
                    self.style_num[sid] = (
                        num_id,
                        None if ilvl is None else _int(ilvl, 0),
                    )
            for sid, parent in based.items():
                seen = {sid}
                while (
                    sid not in self.style_num and parent in based and parent not in seen
                ):
                    seen.add(parent)
                    parent = based[parent]
                if sid not in self.style_num and parent in self.style_num:
                    self.style_num[sid] = self.style_num[parent]

    def label(self, paragraph: etree._Element) -> str:
        """The number Word shows before this paragraph ("" for none or a bullet)."""
        ppr = paragraph.find(_W + "pPr")
        if ppr is None:
            return ""
        style = _val(ppr, "pStyle") or ""
        num_pr = ppr.find(_W + "numPr")
        num_id: str | None = None
        ilvl: int | None = None
        if num_pr is not None:
            num_id = _val(num_pr, "numId")
            ilvl_text = _val(num_pr, "ilvl")
            ilvl = None if ilvl_text is None else _int(ilvl_text, 0)
        if num_id is None and style in self.style_num:
            num_id, ilvl = self.style_num[style]
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if ilvl is None:
            ilvl = next((k for k, v in levels.items() if v.style == style and style), 0)
        level = levels.get(ilvl)
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, overrides.get(ilvl, level.start) - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            lvl = levels.get(k, _Level())
            value = counters.get(k, overrides.get(k, lvl.start))
            # Legal numbering (w:isLgl) prints "1.2" under a chapter numbered "第一章".
            return _format_number(value, "decimal" if level.is_legal else lvl.fmt)

        return re.sub(r"%([1-9])", number, level.text).strip()


def _val(element: etree._Element, name: str) -> str | None:
    child = element.find(_W + name)
    return None if child is None else child.get(_W + "val")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _runs(
    element: etree._Element, parts: list[str], nested: list[etree._Element]
) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS:
            continue
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag == _W + "txbxContent":
            nested.append(child)
        else:
            _runs(child, parts, nested)


def _notes(root: etree._Element, kind: str) -> list[str]:
    out: list[str] = []
    for note in root.iter(_W + kind):
        if note.get(_W + "type") in (
            "separator",
            "continuationSeparator",
            "continuationNotice",
        ):
            continue
        text = "".join(_paragraphs(note)).strip()
        if text:
            out.append(text)
    return out


def _extract_docx(
    data: bytes,
    file_name: str,
    *,
    max_expanded_bytes: int,
    media_type: str = MEDIA_DOCX,
) -> ExtractedDocument:
    """Body paragraphs and tables, then footnotes and endnotes, each paragraph a line."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # noqa: BLE001 - BadZipFile, NotImplementedError, ...
        raise UnreadableDocument(
            f"压缩包已损坏，无法读取 (damaged ZIP/DOCX: {exc})", file_name=file_name
        ) from exc
    names = {info.filename: info for info in infos}
    if "word/document.xml" not in names:
        raise UnsupportedDocument(
            "这是一个压缩包而不是 Word 文档；请提交 PDF、DOCX 或 TXT "
            "(a ZIP archive that is not a DOCX)",
            file_name=file_name,
        )
    declared = sum(info.file_size for info in infos)
    if declared > max_expanded_bytes:
        raise DocumentTooLarge(
            f"DOCX 解压后过大（{_mib(declared)}），上限为 {_mib(max_expanded_bytes)} "
            f"(DOCX expands to {declared} bytes, limit {max_expanded_bytes})",
            file_name=file_name,
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_ZIP_RATIO:
            raise _zip_bomb(file_name, f"{info.filename} compressed {ratio:.0f}:1")
    budget = [max_expanded_bytes]
    parts = [
        "word/document.xml",
        "word/footnotes.xml",
        "word/endnotes.xml",
        "word/numbering.xml",
        "word/styles.xml",
    ]
    roots: dict[str, etree._Element] = {}
    try:
        for part in parts:
            if part in names:
                roots[part] = _safe_xml(
                    _read_member(archive, names[part], file_name, budget),
                    file_name,
                    part,
                )
        core = (
            _read_member(archive, names["docProps/core.xml"], file_name, budget)
            if "docProps/core.xml" in names
            else None
        )
    except (ScreeningError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - zlib, struct, CRC errors: all "damaged"
        raise UnreadableDocument(
            f"DOCX 已损坏，无法解压 (damaged DOCX: {exc})", file_name=file_name
        ) from exc
    body = roots["word/document.xml"].find(_W + "body")
    numbering = _Numbering(
        roots.get("word/numbering.xml"), roots.get("word/styles.xml")
    )
    lines = list(_paragraphs(body, numbering)) if body is not None else []
    for part, kind in (
        ("word/footnotes.xml", "footnote"),
        ("word/endnotes.xml", "endnote"),
    ):
        if part in roots:
            lines.extend(_notes(roots[part], kind))
    text = "\n".join(line.rstrip() for line in lines)
    text = re.sub(r"\n{2,}", "\n", text).strip("\n")
    if not text.strip():
        raise EmptyDocument(
            "Word 文档中没有文字 (the DOCX holds no text)", file_name=file_name
        )
    return ExtractedDocument(
        name=file_name,
        text=text,
        media_type=media_type,
        page_starts=(0,),
        metadata=_core_metadata(core, file_name) if core else {},
    )


def _core_metadata(core: bytes, file_name: str) -> dict[str, str]:
    try:
        root = _safe_xml(core, file_name, "docProps/core.xml")
    except UnreadableDocument:
        return {}
    out: dict[str, str] = {}
    for element in root:
        local = etree.QName(element).localname if isinstance(element.tag, str) else ""
        if local in ("title", "creator") and (element.text or "").strip():
            out["title" if local == "title" else "author"] = element.text.strip()
    return out


def _extract_doc(
    data: bytes, file_name: str, *, max_expanded_bytes: int
) -> ExtractedDocument:
    """Old binary .doc: convert to DOCX with LibreOffice when it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise UnsupportedDocument(
            "不支持旧版 Word（.doc）文件；请另存为 DOCX 或 PDF 后再提交 "
            "(old .doc files are not supported here: save as DOCX or PDF)",
            file_name=file_name,
        )
    with tempfile.TemporaryDirectory(prefix="chengxin-doc-") as tmp:
        work = Path(tmp)
        source = work / "input.doc"
        source.write_bytes(data)
        profile = work / "profile"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            subprocess.run(
                command,
                check=True,
                capture_output=True,
                timeout=SOFFICE_TIMEOUT_SECONDS,
                env={**os.environ, "HOME": tmp},
            )
        except subprocess.TimeoutExpired as exc:
            raise UnreadableDocument(
                f"转换 .doc 文件超时（{SOFFICE_TIMEOUT_SECONDS} 秒） "
                "(timed out converting .doc with LibreOffice)",
                file_name=file_name,
            ) from exc
        except (subprocess.CalledProcessError, OSError) as exc:
            raise UnreadableDocument(
                f"无法转换 .doc 文件 (LibreOffice could not convert the .doc: {exc})",
                file_name=file_name,
            ) from exc
        converted = work / "out" / "input.docx"
        if not converted.exists():
            raise UnsupportedDocument(
                "无法识别的 Office 文件；请另存为 DOCX 或 PDF 后再提交 "
                "(an OLE file LibreOffice could not turn into DOCX)",
                file_name=file_name,
            )
        return _extract_docx(
            converted.read_bytes(),
            file_name,
            max_expanded_bytes=max_expanded_bytes,
            media_type=MEDIA_DOC,
        )


# --------------------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _has_bom(data: bytes) -> bool:
    return any(data.startswith(bom) for bom, _ in _BOMS)


def _is_common(ch: str) -> bool:
    """Characters ordinary Chinese or English prose is made of."""
    o = ord(ch)
    if o < 0x80:
        return ch.isprintable() or ch in "\t\n\r\f"
    if 0x4E00 <= o <= 0x9FFF:
        # Only GB2312's 6,763 everyday characters count: wrong decodings land elsewhere.
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            return False
        return True
    return (
        0x3000 <= o <= 0x303F
        or 0xFF01 <= o <= 0xFF5E
        or 0x2010 <= o <= 0x2027
        or 0x00A0 <= o <= 0x017F
        or 0x2150 <= o <= 0x218F
        or 0x25A0 <= o <= 0x25FF
        or 0x0391 <= o <= 0x03C9
    )


def _plausibility(text: str) -> float:
    """Share of characters that are common Chinese, ASCII or punctuation."""
    if not text:
        return 0.0
    sample = text[:200_000]
    return sum(1 for ch in sample if _is_common(ch)) / len(sample)


def _decode(data: bytes) -> tuple[str, str] | None:
    """(text, encoding), or None when no encoding can be chosen with confidence."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    has_nul = b"\x00" in data
    if not has_nul:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f")
            return (text, "utf-8") if controls <= max(2, len(text) // 1000) else None
    # NULs rule out UTF-8 and GB18030 text; UTF-16 without a BOM has them only in ASCII
    # characters, so Chinese UTF-16 may have none at all: every reading gets scored.
    candidates = (
        ("utf-16-le", "utf-16-be") if has_nul else ("gb18030", "utf-16-le", "utf-16-be")
    )
    scored: list[tuple[float, str, str]] = []
    for encoding in candidates:
        if encoding.startswith("utf-16") and len(data) % 2:
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        scored.append((_plausibility(text), encoding, text))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < 0.9:
        return None
    if len(scored) > 1 and scored[1][0] > scored[0][0] - 0.2:
        return None  # Two readings both look like text: refuse rather than guess.
    return scored[0][2], scored[0][1]


def _extract_text(data: bytes, file_name: str) -> ExtractedDocument:
    """Decode a text file; a UTF-8 file's text is returned unchanged (a BOM is dropped)."""
    decoded = _decode(data)
    if decoded is None:
        raise UnknownEncoding(
            "无法识别文本编码（或不是文本文件）；请另存为 UTF-8 编码的 TXT "
            "(unknown text encoding or not a text file: save as UTF-8)",
            file_name=file_name,
        )
    text, encoding = decoded
    if not text.replace("\ufeff", "").strip():
        raise EmptyDocument(
            "文件中只有空白，没有文字 (only whitespace)", file_name=file_name
        )
    return ExtractedDocument(
        name=file_name,
        text=text,
        media_type=MEDIA_TXT,
        page_starts=(0,),
        metadata={"encoding": encoding},
    )
