"""What the cover page says about the thesis: the unit (学院/院系) it names."""

from __future__ import annotations

import re

from screening.document import DocumentStructure

# "学院：教育学院", "培养单位  信息科学与技术学院", "院（系）：化学系".
_LABELLED = re.compile(
    r"(?:所在学院|学院名称|培养单位|院\s*[（(]?\s*系\s*[)）]?|学\s*院|学\s*部)"
    r"(?:[ \t\u3000]*[:：][ \t\u3000]*|[ \t\u3000]{2,})([^\s:：]{2,40})"
)
# A cover line that is only a unit: "教育学院", "数学系" (a title such as "中美关系"
# alone on a line is not one: a bare 系 must follow 学 or a discipline's last word).
_BARE = re.compile(
    r"^[ \t\u3000]*([^\s:：]{2,30}?(?:学院|学部|研究院|研究所|学系|工程系|科学系))"
    r"[ \t\u3000]*$",
    re.M,
)
_UNIT_ENDINGS = ("学院", "系", "学部", "研究院", "研究所", "中心")
# Without a marked cover, look this far into the text.
COVER_REACH = 1500


def cover_unit(text: str, structure: DocumentStructure) -> str:
    """The 学院/院系 the cover page names, or "" when it names none."""
    covers = [s for s in structure.templates if s.start < COVER_REACH]
    front = text[covers[0].start : covers[0].end] if covers else text[:COVER_REACH]
    labelled = _LABELLED.search(front)
    if labelled and labelled.group(1).endswith(_UNIT_ENDINGS):
        return labelled.group(1)
    bare = _BARE.search(front)
    if bare:
        return bare.group(1)
    return labelled.group(1) if labelled else ""
