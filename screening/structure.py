"""Find the parts of a thesis that reports treat apart: chapters, the table of contents, the
reference list, quotations, citation marks, and template text (cover, declarations).

Works on the extracted text alone (one paragraph a line), so it serves PDF, DOCX and TXT
alike. Every span is a code-point range into that text. Chapters tile the whole text: text
before the first heading becomes a "前置部分" (front matter) chapter, so per-chapter figures
always add up to the document's. A text without any heading has no chapters (the report
then cuts fixed segments, as CNKI does without a table of contents).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from screening.document import Chapter, DocumentStructure, Span

__all__ = ["FRONT_MATTER", "analyse"]

#: Title of the chapter that holds text before the first heading.
FRONT_MATTER = "前置部分"

_CN_DIGITS = "一二三四五六七八九十百零〇两"
_EN_NUMBERS = (
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)
_MAX_HEADING = 60
_SPACES = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int
    text: str  # stripped
    compact: str  # without any whitespace

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    position = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            start = position + lead
            out.append(
                _Line(start, start + len(stripped), stripped, _SPACES.sub("", stripped))
            )
        position += len(raw)
    return out


# --- headings ---------------------------------------------------------------------------

_SPECIAL: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("abstract", r"(?:中文|英文)?(?:摘要|内容摘要|内容提要|提要)|abstract"),
        ("toc", r"目录|目次|contents|tableofcontents"),
        (
            "references",
            r"(?:主要)?参考文献|references|bibliography|workscited|literaturecited",
        ),
        ("back", r"致谢(?:辞)?|谢辞|后记|acknowledge?ments?"),
        ("back", r"附录.{0,20}|appendix.{0,30}|appendices"),
        (
            "back",
            r"攻读.{0,20}(?:成果|论文|情况|目录|项目)|在学期间.{0,30}|作者简介|个人简历|作者简历",
        ),
        (
            "body",
            r"结论|结束语|总结|总结与展望|结论与展望|引言|绪论|前言|导论|introduction|conclusions?",
        ),
    )
)
_NUMBER_PREFIX = re.compile(
    rf"^(?:第[{_CN_DIGITS}\d]+章|chapter\d+|\d{{1,2}}[.．、]?|[{_CN_DIGITS}]+、)",
    re.IGNORECASE,
)
_INLINE_ABSTRACT = re.compile(r"^(?:摘\s*要|abstract)\s*[:：]", re.IGNORECASE)

_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "cn_chapter",
        re.compile(rf"^第\s*([{_CN_DIGITS}]+|\d{{1,3}})\s*章(?:$|[\s:：、.．]|\S)"),
    ),
    (
        "en_chapter",
        re.compile(
            r"^chapter\s+(\d{1,3}|[ivxlc]{1,7}|" + "|".join(_EN_NUMBERS) + r")\b",
            re.IGNORECASE,
        ),
    ),
    ("number", re.compile(r"^(\d{1,2})(?:[.．、]\s*|\s+)(?![\d.．])(\S.*)$")),
    ("cn_enum", re.compile(rf"^([{_CN_DIGITS}]+)\s*[、.．]\s*\S")),
)
_SENTENCE_END = tuple("。，,；;！？!?.")
_TOC_ENTRY = re.compile(
    r"^(?P<title>.{1,100}?)\s*(?:[.．·•…‥_\-—]{2,}|\s)\s*(?P<page>\d{1,3}|[ivxlcIVXLC]{1,6})$"
)
_TOC_LEADERS = re.compile(r"[.．·…‥_]{3,}|…{2,}")

# --- template text -------------------------------------------------------------------------

_DECLARATION = re.compile(
    r"原创性声明|独创性声明|原创性说明|独创性说明|学术诚信声明|诚信声明|"
    r"版权使用授权书|使用授权书|授权声明|授权使用说明|使用授权说明|使用授权声明|论文使用授权|"
    r"关于学位论文使用授权|学位论文原创性"
)
# English headings must be the whole line: "Authorization" may be a chapter of a CS thesis.
_DECLARATION_EN = re.compile(
    r"(?:authors?'?s?)?declaration(?:oforiginality|ofauthorship)?|statementoforiginality|"
    r"copyright(?:statement|declaration|notice)|declarationandcopyright\w{0,30}",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"签名|签字|签章|日期|年\s*月\s*日|signature|signed|date", re.IGNORECASE
)
_COVER_WORDS = re.compile(
    r"学号|学\s*号|指导教师|导\s*师|学位论文|专业|学科|研究方向|申请人|作者姓名|培养单位|"
    r"答辩日期|密级|分类号|UDC|学院|硕士|博士|年级|学位类别|论文题目|"
    r"supervisor|student\s*id|thesis\s+submitted|dissertation|degree\s+of",
    re.IGNORECASE,
)

# --- quotations and citations --------------------------------------------------------------

_QUOTES = (
    re.compile(r"“[^“”\n]{2,1000}”"),
    re.compile(r"「[^「」\n]{2,1000}」"),
    re.compile(r"『[^『』\n]{2,1000}』"),
    re.compile(r'"[^"\n]{2,1000}"'),
)
_YEAR = r"(?:1[89]|20)\d{2}[a-z]?"
_PAGES = r"(?:\s*[,，:：]\s*(?:pp?\.\s*)?\d+(?:\s*[-–]\s*\d+)?)?"
# One bounded class (和, 与, 等 are ideographs too): nested repeats here backtrack for ever.
_NAME_CN = r"[\u4e00-\u9fff·、]{2,20}"
_NAME_EN = (
    r"[A-Z][A-Za-z'’\-]+(?:,?\s+(?:and|&)\s+[A-Z][A-Za-z'’\-]+)?(?:\s+et\s+al\.?)?"
)
_ONE = rf"(?:{_NAME_CN}|{_NAME_EN})\s*[,，]?\s*{_YEAR}{_PAGES}"
_CITATIONS = (
    re.compile(r"[\[［]\s*\d{1,4}(?:\s*[-–—~～,，、]\s*\d{1,4})*\s*[\]］]"),
    re.compile(rf"[（(]\s*{_ONE}(?:\s*[;；]\s*{_ONE})*\s*[）)]"),
    re.compile(rf"\b{_NAME_EN}\s*\(\s*{_YEAR}(?:\s*[,;]\s*{_YEAR})*\s*\)"),
)


def analyse(text: str) -> DocumentStructure:
    """Locate chapters, TOC, references, quotations, citations and template text."""
    lines = _lines(text)
    if not lines:
        return DocumentStructure()
    toc = _find_toc(lines)
    in_toc = _membership(lines, [toc])
    specials = {
        i: kind
        for i, line in enumerate(lines)
        if not in_toc[i] and (kind := _special_kind(line)) is not None
    }
    declarations = _find_declarations(lines, specials, in_toc)
    in_declaration = _membership(lines, declarations)
    first_numbered = _numbered_headings(lines, in_toc)[:1]
    cover = _find_cover(lines, specials, in_toc, in_declaration, first_numbered)
    templates_lines = declarations + ([cover] if cover else []) + ([toc] if toc else [])
    in_template = _membership(lines, templates_lines)
    numbered = _numbered_headings(
        lines, [in_toc[i] or in_template[i] for i in range(len(lines))]
    )
    references = _find_references(lines, specials, numbered, in_template)
    in_references = _membership(lines, references)
    numbered = [i for i in numbered if not in_references[i] or i in specials]

    starts = sorted(
        {i for i in specials if not in_template[i] or specials[i] == "toc"}
        | set(numbered)
        | {first for first, _ in declarations}
        | ({toc[0]} if toc else set())
    )
    chapters = _tile(text, lines, starts)

    reference_spans = _spans(lines, references)
    quotations = _merge(
        Span(m.start(), m.end()) for pattern in _QUOTES for m in pattern.finditer(text)
    )
    citations = _merge(
        Span(m.start(), m.end())
        for pattern in _CITATIONS
        for m in pattern.finditer(text)
    )
    quotations = tuple(q for q in quotations if not _inside(q, reference_spans))
    citations = tuple(c for c in citations if not _inside(c, reference_spans))
    return DocumentStructure(
        chapters=chapters,
        references=reference_spans,
        quotations=quotations,
        citations=citations,
        templates=_merge(_spans(lines, templates_lines)),
        has_toc=toc is not None,
    )


def _special_kind(line: _Line) -> str | None:
    """The kind of an unnumbered section heading (摘要, 参考文献, 致谢 ...), if it is one."""
    if _INLINE_ABSTRACT.match(line.text):
        return "abstract"
    if len(line.compact) > 40 or line.text.endswith(_SENTENCE_END):
        return None
    compact = line.compact.strip(":：[]【】")
    bare = _NUMBER_PREFIX.sub("", compact, count=1).strip(":：")
    for candidate in (compact, bare):
        for kind, pattern in _SPECIAL:
            if pattern.fullmatch(candidate):
                return kind
    return None


def _find_toc(lines: Sequence[_Line]) -> tuple[int, int] | None:
    """Line range [first, last] of the table of contents (title line plus entries)."""

    def is_entry(line: _Line) -> bool:
        match = _TOC_ENTRY.match(line.text) if len(line.text) <= 120 else None
        if not match:
            return False
        title = match.group("title").strip()
        return bool(_TOC_LEADERS.search(line.text)) or _heading_like(title)

    for i, line in enumerate(lines):
        titled = re.fullmatch(
            r"目录|目次|contents|tableofcontents", line.compact, re.IGNORECASE
        )
        first = i + 1 if titled else i
        if not titled and not (is_entry(line) and _TOC_LEADERS.search(line.text)):
            continue
        last, entries, misses = i, 0, 0
        j = first
        while j < len(lines) and misses <= 2:
            if is_entry(lines[j]):
                last, entries, misses = j, entries + 1, 0
            else:
                misses += 1
            j += 1
        if entries >= (3 if titled else 5):
            return (i, last)
    return None


def _heading_like(title: str) -> bool:
    compact = _SPACES.sub("", title)
    if any(pattern.match(title) for _, pattern in _STYLES):
        return True
    if re.match(r"^\d+(?:\.\d+)+\s*\S", title):
        return True
    return any(pattern.fullmatch(compact) for _, pattern in _SPECIAL)


def _numbered_headings(lines: Sequence[_Line], skip: Sequence[bool]) -> list[int]:
    """Top-level numbered headings of the style the document uses (第一章 > Chapter 1 >
    1 引言 > 一、), keeping only a rising number sequence so that lists do not count."""
    found: dict[str, list[tuple[int, int]]] = {name: [] for name, _ in _STYLES}
    for i, line in enumerate(lines):
        if (
            skip[i]
            or len(line.text) > _MAX_HEADING
            or line.text.endswith(_SENTENCE_END)
        ):
            continue
        if _TOC_ENTRY.match(line.text) and _TOC_LEADERS.search(line.text):
            continue
        for name, pattern in _STYLES:
            match = pattern.match(line.text)
            if match:
                found[name].append((i, _number(match.group(1))))
                break
    for name, minimum in (
        ("cn_chapter", 1),
        ("en_chapter", 1),
        ("number", 2),
        ("cn_enum", 2),
    ):
        rising = _rising(found[name])
        if len(rising) >= minimum:
            return rising
    return []


def _rising(candidates: Iterable[tuple[int, int]]) -> list[int]:
    out: list[int] = []
    last = None
    for index, number in candidates:
        if number < 0:
            continue
        if (last is None and number <= 2) or (last is not None and number == last + 1):
            out.append(index)
            last = number
    return out


def _number(token: str) -> int:
    """1, 12, 一, 十二, 二十三, iv -> int; -1 when it does not read as a number."""
    if token.isdigit():
        return int(token)
    if token.lower() in _EN_NUMBERS:
        return _EN_NUMBERS.index(token.lower()) + 1
    roman = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    if all(ch in roman for ch in token.lower()):
        total = 0
        values = [roman[ch] for ch in token.lower()]
        for k, value in enumerate(values):
            total += -value if k + 1 < len(values) and values[k + 1] > value else value
        return total
    digits = {ch: n for n, ch in enumerate("零一二三四五六七八九")}
    digits.update({"〇": 0, "两": 2})
    total, current = 0, 0
    for ch in token:
        if ch in digits:
            current = digits[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return -1
    return total + current


def _find_references(
    lines: Sequence[_Line],
    specials: dict[int, str],
    numbered: Sequence[int],
    in_template: Sequence[bool],
) -> list[tuple[int, int]]:
    """Each reference list: its heading to the next section (附录, 致谢 ...) or the end."""
    boundaries = sorted(set(specials) | set(numbered))
    out: list[tuple[int, int]] = []
    for i, kind in sorted(specials.items()):
        if kind != "references" or in_template[i]:
            continue
        following = [b for b in boundaries if b > i and specials.get(b) != "references"]
        end = following[0] - 1 if following else len(lines) - 1
        while end > i and in_template[end]:
            end -= 1
        out.append((i, end))
    return out


def _find_declarations(
    lines: Sequence[_Line], specials: dict[int, str], in_toc: Sequence[bool]
) -> list[tuple[int, int]]:
    """Declaration pages (原创性声明, 授权书 ...): the heading to the last signature/date
    line before the next section."""
    heads = [
        i
        for i, line in enumerate(lines)
        if not in_toc[i]
        and len(line.compact) <= 40
        and not line.text.endswith(_SENTENCE_END)
        and (
            _DECLARATION.search(line.compact)
            or _DECLARATION_EN.fullmatch(line.compact.strip(":："))
        )
    ]
    out: list[tuple[int, int]] = []
    for n, i in enumerate(heads):
        limit = min(len(lines), i + 30)
        nxt = [h for h in heads[n + 1 :] if h < limit]
        nxt += [s for s in specials if i < s < limit]
        stop = min(nxt) if nxt else limit
        chars = 0
        end = i
        for j in range(i + 1, stop):
            chars += len(lines[j].text)
            if chars > 3000:
                break
            if _SIGNATURE.search(lines[j].text):
                end = j
        if end == i:
            end = stop - 1 if stop - i <= 12 else i
        out.append((i, end))
    return out


def _find_cover(
    lines: Sequence[_Line],
    specials: dict[int, str],
    in_toc: Sequence[bool],
    in_declaration: Sequence[bool],
    first_numbered: Sequence[int],
) -> tuple[int, int] | None:
    """The cover: lines before the abstract, declarations, TOC or first chapter, when they
    carry cover words (学号, 指导教师, 学位论文 ...)."""
    stop = first_numbered[0] if first_numbered else len(lines)
    for i, line in enumerate(lines[:stop]):
        if (
            in_toc[i]
            or in_declaration[i]
            or i in specials
            or _STYLES[0][1].match(line.text)
            or _STYLES[1][1].match(line.text)
        ):
            stop = i
            break
    if stop == 0 or stop == len(lines):
        return None
    front = lines[:stop]
    if sum(len(line.text) for line in front) > 3000:
        return None
    hits = {
        m.group(0).replace(" ", "").lower()
        for ln in front
        for m in _COVER_WORDS.finditer(ln.text)
    }
    return (0, stop - 1) if len(hits) >= 2 else None


def _tile(
    text: str, lines: Sequence[_Line], starts: Sequence[int]
) -> tuple[Chapter, ...]:
    """Chapters from heading lines, each running to the next one's start; front matter and
    trailing whitespace included, so the chapters cover the whole text."""
    if not starts:
        return ()  # No headings: the report cuts fixed segments, as CNKI does.
    chapters: list[Chapter] = []
    first = lines[starts[0]].start
    if text[:first].strip():
        chapters.append(Chapter(FRONT_MATTER, 0, first))
    else:
        first = 0
    for n, i in enumerate(starts):
        begin = first if n == 0 else lines[i].start
        end = lines[starts[n + 1]].start if n + 1 < len(starts) else len(text)
        chapters.append(Chapter(_title(lines[i]), begin, end))
    return tuple(chapters)


def _title(line: _Line) -> str:
    """A heading line as a chapter title; "摘要：本文……" gives just "摘要"."""
    inline = _INLINE_ABSTRACT.match(line.text)
    if inline:
        return inline.group(0).rstrip(":： ")
    return line.text[:80]


def _membership(
    lines: Sequence[_Line], ranges: Iterable[tuple[int, int] | None]
) -> list[bool]:
    flags = [False] * len(lines)
    for item in ranges:
        if item is None:
            continue
        for i in range(item[0], item[1] + 1):
            flags[i] = True
    return flags


def _spans(
    lines: Sequence[_Line], ranges: Iterable[tuple[int, int]]
) -> tuple[Span, ...]:
    return tuple(Span(lines[a].start, lines[b].end) for a, b in ranges)


def _merge(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Sorted, with overlapping or nested spans merged into one."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and span.start < out[-1].end:
            if span.end > out[-1].end:
                out[-1] = Span(out[-1].start, span.end)
            continue
        out.append(span)
    return tuple(out)


def _inside(span: Span, containers: Sequence[Span]) -> bool:
    return any(c.start <= span.start and span.end <= c.end for c in containers)
