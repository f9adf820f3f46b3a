"""Office Open XML parts, parsed safely, and the WordprocessingML attribute helpers."""

from __future__ import annotations

from lxml import etree

from screening.errors import UnreadableDocument

#: The WordprocessingML namespace, as lxml spells a tag ("{...}p").
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def safe_xml(data: bytes, file_name: str, part: str) -> etree._Element:
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


def val(element: etree._Element, name: str) -> str | None:
    """The `w:val` of the child `w:name`, as Word keeps most settings; None without it."""
    child = element.find(W + name)
    return None if child is None else child.get(W + "val")


def to_int(value: str | None, default: int) -> int:
    """An attribute read as a number, `default` when it is missing or not a number."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
