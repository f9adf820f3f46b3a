"""Plain text: UTF-8 returned unchanged, GB18030, UTF-16/32 and Western single-byte
(Windows-1252/Latin-1, as Word saves curly quotes) decoded, anything else refused."""

from __future__ import annotations

from screening.document import ExtractedDocument
from screening.errors import EmptyDocument, UnknownEncoding

MEDIA_TXT = "text/plain"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def has_bom(data: bytes) -> bool:
    """Whether the bytes start with a Unicode byte-order mark (then they are text)."""
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


# Single-byte Western code pages charset-normalizer may name for Latin-script prose.
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_15", "windows_1252", "iso8859_1"})


def _decode_western(data: bytes) -> tuple[str, str] | None:
    """Windows-1252/Latin-1 prose, as charset-normalizer detects it; None otherwise."""
    # charset-normalizer costs ~0.1 s to import: only files that are not UTF-8,
    # GB18030 or UTF-16 pay for it.
    from charset_normalizer import from_bytes

    results = list(from_bytes(data[:200_000]))
    if not results:
        return None
    # Western code pages read plain Latin prose alike (cp1250 or cp1257 equally well):
    # take Windows-1252 when it reads the bytes about as cleanly as the best reading.
    best_chaos = min(r.chaos for r in results)
    western = [
        r for r in results if r.encoding in _WESTERN and r.chaos <= best_chaos + 0.1
    ]
    if not western:
        return None
    encoding = "latin-1" if western[0].encoding == "latin_1" else "cp1252"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    letters = [ch for ch in text[:200_000] if ch.isalpha()]
    ascii_share = sum(1 for ch in letters if ch < "\x80") / max(1, len(letters))
    # Western prose is mostly ASCII letters; a CJK file read as cp1252 is not.
    if ascii_share < 0.8 or _plausibility(text) < 0.97:
        return None
    return text, encoding


def extract_text(data: bytes, file_name: str) -> ExtractedDocument:
    """Decode a text file; a UTF-8 file's text is returned unchanged (a BOM is dropped)."""
    decoded = _decode(data)
    if decoded is None and b"\x00" not in data and not has_bom(data):
        decoded = _decode_western(data)
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
