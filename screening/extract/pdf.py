"""PDF: read the glyphs with one engine, refuse what cannot be text, lay the rest out.

Both engines only read the characters with their positions (no pdfminer layout analysis)
and feed one layout step of ours (lines, paragraphs, running headers/footers, page
numbers), so they give the same text; the tests hold them to it. `engine="auto"` uses
pypdfium2 (PDFium) for every PDF it can open: it is faster, and pdfminer.six loses the text
of fonts whose embedded CMap is not Identity-H (WeasyPrint writes one for a large Noto CJK
subset: 97 characters of a 148-page thesis's 209,567). A PDF pdfium cannot open goes to
pdfminer, whose error says why. Long PDFs are read by several processes (`pdf_pool`).
Whatever the engine, glyphs without a Unicode map are counted: many raise
`UnmappedFonts`, a few are dropped with a warning; "(cid:N)" text is never returned.
"""

from __future__ import annotations

from typing import Literal

from screening.document import ExtractedDocument
from screening.errors import NoTextLayer, ScreeningError, UnmappedFonts
from screening.extract.pdf_layout import layout
from screening.extract.pdf_model import broken
from screening.extract.pdf_pool import read_pdfium
from screening.extract.pdfium_engine import pdfium_page_count
from screening.extract.pdfminer_engine import read_pdfminer

MEDIA_PDF = "application/pdf"

PdfEngine = Literal["auto", "pdfminer", "pdfium"]


def extract_pdf(data: bytes, file_name: str, *, engine: PdfEngine) -> ExtractedDocument:
    """Read a PDF with the chosen engine, then lay its characters out as text."""
    try:
        pages = pdfium_page_count(data) if engine != "pdfminer" else None
        if engine == "auto":
            engine = "pdfium" if pages else "pdfminer"
        if engine == "pdfium":
            read = read_pdfium(data, file_name, pages or 0)
        else:
            read = read_pdfminer(data, file_name)
    except (ScreeningError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged file must not crash the caller
        # pdfminer in particular raises almost anything on damaged files.
        raise broken(file_name, f"{type(exc).__name__}: {exc}") from exc
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
    text, page_starts, removed = layout(read.pages, read.lines)
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
