"""The pdfminer.six engine: each page's glyphs with their positions, no layout analysis.

pdfminer.six takes ~0.4 s to import, so it is imported inside the functions that use it:
`chengxin screen` starts without it and only a PDF pdfium cannot open pays for it.
"""

from __future__ import annotations

import io

from screening.extract.pdf_model import Char, Page, PdfRead, broken, encrypted


def read_pdfminer(data: bytes, file_name: str) -> PdfRead:
    """Characters and positions through pdfminer.six (no layout analysis: we do our own)."""
    # Heavy (see the module docstring): imported on the first PDF this engine reads.
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
        raise encrypted(file_name) from exc
    except (PDFException, PSException, ValueError, KeyError, TypeError) as exc:
        raise broken(file_name, exc) from exc
    metadata = _pdfminer_metadata(document)
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    read = PdfRead(pages=[], metadata=metadata, engine="pdfminer")
    try:
        for pdf_page in PDFPage.create_pages(document):
            interpreter.process_page(pdf_page)
            layout = device.get_result()
            x0, y0, x1, y1 = layout.bbox
            page = Page(width=x1 - x0, height=y1 - y0, bottom=y0, left=x0)

            def walk(item: LTItem, page: Page = page) -> None:
                if isinstance(item, LTChar):
                    text = item.get_text()
                    read.total += 1
                    if text.startswith("(cid:") and text.endswith(")"):
                        read.unmapped += 1
                        return
                    page.chars.append(
                        Char(text, item.x0, item.x1, item.matrix[5], item.size)
                    )
                elif isinstance(item, LTImage):
                    page.has_images = True
                elif isinstance(item, LTContainer):
                    for child in item:
                        walk(child)

            walk(layout)
            read.pages.append(page)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise encrypted(file_name) from exc
    except (PDFException, PSException, ValueError, KeyError, TypeError) as exc:
        raise broken(file_name, exc) from exc
    if not read.pages:
        raise broken(file_name, "no pages")
    return read


def _pdfminer_metadata(document: object) -> dict[str, str]:
    """Title and author from the PDF's Info dictionary, when they decode."""
    # Heavy (see the module docstring).
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
