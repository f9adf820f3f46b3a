"""A meaning passage's ends cut back to the text the other side answers.

A passage is made of whole sentences, and a sentence may run past the reused text: a
paragraph ending without punctuation is joined to the next one when lines are
unwrapped, so the copied passage's first sentence carries the tail of the paragraph
before it (a thesis detection then took 64 characters the source does not have). At
each end of a passage, the side whose first (or last) paired word lies much further
into its sentence than the other side's is cut at the line end nearest its paired
words: the other side holds nothing for that stretch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from screening.semantic.align import MeaningSide

__all__ = ["answered_spans"]

# Unanswered characters at an end beyond what the other side has there: below this a
# sentence is left whole (a rewrite may open with a few words of its own).
MIN_EXCESS = 20
# ...or this much where the cut falls after a colon that ended a line (a lead-in such
# as "反应方程式如下:" standing before the copied text as its own paragraph).
MIN_EXCESS_LEAD_IN = 4


def answered_spans(
    tgt: MeaningSide,
    src: MeaningSide,
    sentences: tuple[int, int, int, int],
    pairs: Sequence[tuple[int, int]],
) -> tuple[tuple[int, int], tuple[int, int]]:
    """The (thesis, source) normalised spans of the sentences `q_lo..q_hi`, `s_lo..s_hi`,
    each end cut back where only one side's sentence runs on unanswered."""
    q_lo, q_hi, s_lo, s_hi = sentences
    t0, t1 = tgt.sents[q_lo][0], tgt.sents[q_hi][1]
    s0, s1 = src.sents[s_lo][0], src.sents[s_hi][1]
    q_sent, s_sent = tgt.word_sent, src.word_sent
    # Words paired across the two first (last) sentences, when these say each other
    # (not so in a reordered rewrite): a word of the text before may pair with one
    # further into the source by chance (存在).
    first = _across(pairs, q_sent, s_sent, q_lo, s_lo)
    t_first = [tgt.words[i].start for i, _ in first]
    s_first = [src.words[j].start for _, j in first]
    if t_first and s_first:
        lead_t, lead_s = min(t_first) - t0, min(s_first) - s0
        if lead_t - lead_s >= MIN_EXCESS_LEAD_IN:
            t0 = _start(tgt, t0, min(t_first) - lead_s, lead_t - lead_s)
        elif lead_s - lead_t >= MIN_EXCESS_LEAD_IN:
            s0 = _start(src, s0, min(s_first) - lead_t, lead_s - lead_t)
    last = _across(pairs, q_sent, s_sent, q_hi, s_hi)
    t_last = [tgt.words[i].end for i, _ in last]
    s_last = [src.words[j].end for _, j in last]
    if t_last and s_last:
        tail_t, tail_s = t1 - max(t_last), s1 - max(s_last)
        if tail_t - tail_s >= MIN_EXCESS:
            t1 = _end(tgt, t1, max(t_last) + tail_s)
        elif tail_s - tail_t >= MIN_EXCESS:
            s1 = _end(src, s1, max(s_last) + tail_t)
    return (t0, t1), (s0, s1)


def _across(
    pairs: Sequence[tuple[int, int]],
    q_sent: Sequence[int],
    s_sent: Sequence[int],
    q: int,
    s: int,
) -> list[tuple[int, int]]:
    """The pairs joining thesis sentence `q` to source sentence `s`, or none when
    most of either sentence's pairs lie elsewhere."""
    both = [(i, j) for i, j in pairs if q_sent[i] == q and s_sent[j] == s]
    of_q = sum(1 for i, _ in pairs if q_sent[i] == q)
    of_s = sum(1 for _, j in pairs if s_sent[j] == s)
    return both if 2 * len(both) > max(of_q, of_s) else []


def _line_end(side: MeaningSide, pos: int) -> bool:
    """Whether unwrapping dropped characters (a line end) just before `pos`: only
    there does a sentence run from one paragraph into the next (inside a paragraph
    the unanswered words are a rewrite's own, part of what it reuses)."""
    to_orig = side.norm.to_original
    return int(to_orig[pos]) - int(to_orig[pos - 1]) > 1


def _lead_in(side: MeaningSide, pos: int) -> bool:
    """Whether `pos` follows a colon ending a line (characters dropped after it)."""
    return side.norm.text[pos - 1] == ":" and _line_end(side, pos)


def _start(side: MeaningSide, start: int, limit: int, excess: int) -> int:
    """The last line start in (start, limit], else `start` (nothing safe to cut);
    below `MIN_EXCESS` only a lead-in line's end is cut at."""
    text = side.norm.text
    for pos in range(limit, start, -1):
        if _line_end(side, pos) and (excess >= MIN_EXCESS or _lead_in(side, pos)):
            while pos < limit and text[pos] == " ":
                pos += 1
            return pos
    return start


def _end(side: MeaningSide, end: int, limit: int) -> int:
    """The first line end in [limit, end), else `end`."""
    for pos in range(max(limit, 1), end):
        if _line_end(side, pos):
            return pos
    return end
