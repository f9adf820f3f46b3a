"""Word's automatic numbering: the "第一章" or "1.1" Word shows but document.xml leaves out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from screening.extract.ooxml import W, to_int, val

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
    """1 -> I, 4 -> IV, 1990 -> MCMXC."""
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
    """One level of a list definition (w:lvl): start, format, text, style."""

    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    style: str = ""
    is_legal: bool = False


class Numbering:
    """Word's automatic numbering (numbering.xml + styles.xml): the "第一章" or "1.1" that
    Word shows but document.xml does not hold, so DOCX text matches the PDF Word prints."""

    def __init__(
        self, numbering: etree._Element | None, styles: etree._Element | None
    ) -> None:
        """Read the list definitions and which paragraph styles are numbered."""
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_num: dict[str, tuple[str, int | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            self._read_lists(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _read_lists(self, numbering: etree._Element) -> None:
        """Abstract list definitions (levels) and the numbered lists that use them."""
        for abstract in numbering.iter(W + "abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(W + "lvl"):
                levels[to_int(lvl.get(W + "ilvl"), 0)] = _Level(
                    start=to_int(val(lvl, "start"), 1),
                    fmt=val(lvl, "numFmt") or "decimal",
                    text=val(lvl, "lvlText") or "",
                    style=val(lvl, "pStyle") or "",
                    is_legal=lvl.find(W + "isLgl") is not None,
                )
            self.abstract[abstract.get(W + "abstractNumId", "")] = levels
        for num in numbering.iter(W + "num"):
            overrides = {
                to_int(o.get(W + "ilvl"), 0): to_int(val(o, "startOverride"), 1)
                for o in num.iter(W + "lvlOverride")
                if val(o, "startOverride") is not None
            }
            self.nums[num.get(W + "numId", "")] = (
                val(num, "abstractNumId") or "",
                overrides,
            )

    def _read_styles(self, styles: etree._Element) -> None:
        """Paragraph styles that number their paragraphs, directly or by inheritance."""
        based: dict[str, str] = {}
        for style in styles.iter(W + "style"):
            sid = style.get(W + "styleId", "")
            if (parent := val(style, "basedOn")) is not None:
                based[sid] = parent
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None and (num_id := val(num_pr, "numId")) is not None:
                ilvl = val(num_pr, "ilvl")
                self.style_num[sid] = (
                    num_id,
                    None if ilvl is None else to_int(ilvl, 0),
                )
        for sid, parent in based.items():
            seen = {sid}
            while sid not in self.style_num and parent in based and parent not in seen:
                seen.add(parent)
                parent = based[parent]
            if sid not in self.style_num and parent in self.style_num:
                self.style_num[sid] = self.style_num[parent]

    def label(self, paragraph: etree._Element) -> str:
        """The number Word shows before this paragraph ("" for none or a bullet)."""
        ppr = paragraph.find(W + "pPr")
        if ppr is None:
            return ""
        style = val(ppr, "pStyle") or ""
        num_pr = ppr.find(W + "numPr")
        num_id: str | None = None
        ilvl: int | None = None
        if num_pr is not None:
            num_id = val(num_pr, "numId")
            ilvl_text = val(num_pr, "ilvl")
            ilvl = None if ilvl_text is None else to_int(ilvl_text, 0)
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
