"""DOCX: body paragraphs and tables, then footnotes and endnotes, each paragraph a line.

The archive is checked before it expands (declared sizes, compression ratios, a budget
for what is actually read) and each XML part is parsed without DTDs or entities.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from lxml import etree

from screening.document import ExtractedDocument
from screening.errors import (
    DocumentTooLarge,
    EmptyDocument,
    ScreeningError,
    UnreadableDocument,
    UnsupportedDocument,
)
from screening.extract.docx_hidden import (
    HIDDEN_END,
    HIDDEN_START,
    cut_hidden,
    is_hidden_run,
)
from screening.extract.docx_numbering import Numbering
from screening.extract.limits import MAX_ZIP_RATIO, mib
from screening.extract.ooxml import W, safe_xml

MEDIA_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP_TAGS = {
    W + "del",
    W + "delText",
    W + "instrText",
    W + "rPr",
    W + "pPr",
    _MC_FALLBACK,
}
#: The parts read, besides docProps/core.xml for the title and author.
_PARTS = (
    "word/document.xml",
    "word/footnotes.xml",
    "word/endnotes.xml",
    "word/numbering.xml",
    "word/styles.xml",
)


def extract_docx(
    data: bytes,
    file_name: str,
    *,
    max_expanded_bytes: int,
    media_type: str = MEDIA_DOCX,
) -> ExtractedDocument:
    """Body paragraphs and tables, then footnotes and endnotes, each paragraph a line."""
    archive, names = _open_archive(data, file_name, max_expanded_bytes)
    roots, core = _read_parts(archive, names, file_name, max_expanded_bytes)
    text = "\n".join(line.rstrip() for line in _lines(roots))
    text = re.sub(r"\n{2,}", "\n", text).strip("\n")
    text, hidden = cut_hidden(text)
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
        hidden=hidden,
    )


def _open_archive(
    data: bytes, file_name: str, max_expanded_bytes: int
) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    """Open the ZIP and refuse it, before expanding anything, when it is no DOCX or a bomb."""
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
            f"DOCX 解压后过大（{mib(declared)}），上限为 {mib(max_expanded_bytes)} "
            f"(DOCX expands to {declared} bytes, limit {max_expanded_bytes})",
            file_name=file_name,
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_ZIP_RATIO:
            raise _zip_bomb(file_name, f"{info.filename} compressed {ratio:.0f}:1")
    return archive, names


def _read_parts(
    archive: zipfile.ZipFile,
    names: dict[str, zipfile.ZipInfo],
    file_name: str,
    max_expanded_bytes: int,
) -> tuple[dict[str, etree._Element], bytes | None]:
    """The parsed text parts present, and docProps/core.xml's bytes (None without it)."""
    budget = [max_expanded_bytes]
    roots: dict[str, etree._Element] = {}
    try:
        for part in _PARTS:
            if part in names:
                roots[part] = safe_xml(
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
    return roots, core


def _lines(roots: dict[str, etree._Element]) -> list[str]:
    """Body paragraphs (with Word's numbering), then footnotes, then endnotes."""
    body = roots["word/document.xml"].find(W + "body")
    numbering = Numbering(roots.get("word/numbering.xml"), roots.get("word/styles.xml"))
    lines = list(_paragraphs(body, numbering)) if body is not None else []
    for part, kind in (
        ("word/footnotes.xml", "footnote"),
        ("word/endnotes.xml", "endnote"),
    ):
        if part in roots:
            lines.extend(_notes(roots[part], kind))
    return lines


def _zip_bomb(file_name: str, detail: str) -> UnreadableDocument:
    """The refusal of an archive that expands suspiciously."""
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


def _paragraphs(
    element: etree._Element, numbering: Numbering | None = None
) -> Iterator[str]:
    """Paragraph texts in document order; tables give one paragraph per cell paragraph,
    text boxes come after the paragraph that anchors them."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS:
            continue
        if tag == W + "p":
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


def _runs(
    element: etree._Element, parts: list[str], nested: list[etree._Element]
) -> None:
    """Collect a paragraph's run text into `parts`, its text boxes into `nested`."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS:
            continue
        if tag == W + "r" and is_hidden_run(child):
            parts.append(HIDDEN_START)
            _runs(child, parts, nested)
            parts.append(HIDDEN_END)
        elif tag == W + "t":
            parts.append(child.text or "")
        elif tag == W + "tab":
            parts.append("\t")
        elif tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        elif tag == W + "txbxContent":
            nested.append(child)
        else:
            _runs(child, parts, nested)


def _notes(root: etree._Element, kind: str) -> list[str]:
    """The text of each footnote or endnote, leaving out Word's separators."""
    out: list[str] = []
    for note in root.iter(W + kind):
        if note.get(W + "type") in (
            "separator",
            "continuationSeparator",
            "continuationNotice",
        ):
            continue
        text = "".join(_paragraphs(note)).strip()
        if text:
            out.append(text)
    return out


def _core_metadata(core: bytes, file_name: str) -> dict[str, str]:
    """Title and author from docProps/core.xml; nothing when it does not parse."""
    try:
        root = safe_xml(core, file_name, "docProps/core.xml")
    except UnreadableDocument:
        return {}
    out: dict[str, str] = {}
    for element in root:
        local = etree.QName(element).localname if isinstance(element.tag, str) else ""
        if local in ("title", "creator") and (element.text or "").strip():
            out["title" if local == "title" else "author"] = element.text.strip()
    return out
