"""Which characters of a matched source span were really copied, for highlighting."""

from __future__ import annotations

from difflib import SequenceMatcher

from screening.normalize import normalize
from screening.report.model import Match

# Common stretches shorter than this are chance (a shared 的 or 是), not copying.
MIN_COMMON = 2
# Longer matched spans are lit whole: comparing them character by character costs too much.
MAX_DIFF_CHARS = 6000


def copied_spans(text: str, source: str, m: Match) -> list[tuple[int, int]]:
    """The parts of a match's source span that the screened text really repeats.

    The aligner's span runs from the first to the last shared character, so a clause the
    writer left out lies inside it; lighting only the common stretches (compared after
    normalisation, so 繁體 or full-width disguises still count as copied) shows exactly
    what was taken.
    """
    s0 = max(0, min(m.source_offset, len(source)))
    s1 = max(s0, min(m.source_offset + m.source_length, len(source)))
    if s1 - s0 > MAX_DIFF_CHARS or m.length > MAX_DIFF_CHARS:
        return [(s0, s1)] if s1 > s0 else []
    src = normalize(source[s0:s1])
    mine = normalize(text[m.offset : m.end])
    matcher = SequenceMatcher(None, src.text, mine.text, autojunk=False)
    spans: list[tuple[int, int]] = []
    for block in matcher.get_matching_blocks():
        if block.size < MIN_COMMON:
            continue
        start, end = src.span_to_original(block.a, block.a + block.size)
        if spans and spans[-1][1] >= s0 + start:
            spans[-1] = (spans[-1][0], s0 + end)
        else:
            spans.append((s0 + start, s0 + end))
    return spans
