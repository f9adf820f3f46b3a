"""A fuzzy character match whose two passages report different figures is another
study told in the field's words, not reuse.

The character layer reports a passage that shares many character pairs with a source
even when the two differ a good deal (a score below `AlignParams.fuzzy_score`). Some
fields write a study's results alike: "WHONET5.4软件进行统计分析.结果 全年共分离3 107株
细菌.革兰阴性菌占60.93%…" is every hospital's resistance survey, each with its own
counts and shares. Figures are a study's own facts, and a rewrite or an edited copy
keeps them; when each side of a fuzzy match reports several figures the other does not
and they share fewer than that, the words they share are the field's. A close copy
(score at or above the bar) is kept whatever its figures: copied text with the numbers
changed is still copied.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from screening.normalize import NormalizedText
from screening.report.model import Match

__all__ = ["another_study", "drop_other_figures", "figures", "other_figures"]

# A figure: a number of two digits or more (a count, a share, a year, a measurement);
# single digits ("1-12月", "3组") say little.
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
# Each side reports at least this many figures the other does not.
OWN_FIGURES = 3


def figures(text: str) -> set[str]:
    """The figures a (normalised) text reports, as written."""
    return {f for f in _FIGURE.findall(text) if sum(c.isdigit() for c in f) >= 2}


def another_study(score: float, passage: str, source: str, *, below: float) -> bool:
    """Whether a character match scoring `score` (under the fuzzy bar `below`) pairs
    two passages that report other figures: the field's words, not reuse."""
    return score < below and other_figures(passage, source)


def drop_other_figures(
    matches: list[Match],
    norm: NormalizedText,
    sources: Mapping[str, NormalizedText],
    *,
    below: float,
) -> list[Match]:
    """The character matches, less those that are `another_study`."""
    return [
        m
        for m in matches
        if m.source not in sources
        or not another_study(m.score, *_texts(norm, sources[m.source], m), below=below)
    ]


def _texts(
    norm: NormalizedText, source: NormalizedText, match: Match
) -> tuple[str, str]:
    """The match's passage and source passage, normalised."""
    t0, t1 = norm.from_original(match.offset, match.end)
    s0, s1 = source.from_original(
        match.source_offset, match.source_offset + match.source_length
    )
    return norm.text[t0:t1], source.text[s0:s1]


def other_figures(passage: str, source: str) -> bool:
    """Whether two passages each report `OWN_FIGURES` figures the other does not,
    more than the figures they share."""
    mine, theirs = figures(passage), figures(source)
    own = min(len(mine - theirs), len(theirs - mine))
    return own >= OWN_FIGURES and own > len(mine & theirs)
