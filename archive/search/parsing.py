"""Query parsing: the user's text into index words and exact strings, never FTS syntax.

Words are cut the same way as the index (precise mode); each word matches itself or all of
its sub-words, all words must match. "Quoted" phrases must occur exactly (checked against
the normalised plain text with LIKE, after the index narrowed the candidates); a lone CJK
character (rare as an indexed word) is matched the same way. Whatever the user types, FTS
syntax never reaches the engine: each token is quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.search.segmentation import CJK, WORD, grams, normalize, segment

_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』|”([^“”]*)”')
_STOP_CHARS = frozenset("的了和与及在是对中为等之或而其以于并由从被将把也就都")


@dataclass(frozen=True)
class QueryWord:
    """One query word: the jieba token, and the grams that must all be in the record."""

    word: str
    grams: tuple[str, ...]

    @property
    def needs_check(self) -> bool:
        """True when the grams alone do not prove the word occurs (3+ characters)."""
        return len(self.grams) > 1 or self.grams != (self.word,)


@dataclass(frozen=True)
class ParsedQuery:
    """A user's query: words for the index, exact strings for LIKE, strings to highlight."""

    raw: str
    words: tuple[QueryWord, ...]
    exact: tuple[str, ...]  # phrases, lone CJK characters, words to confirm; normalised
    highlights: tuple[str, ...]
    phrases: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when nothing searchable is left (empty, or only punctuation)."""
        return not self.words and not self.exact


def parse_query(raw: str) -> ParsedQuery:
    """Split a query into index words and exact strings; syntax characters are just text.

    Each jieba word must occur in the record as a substring: found through its own token
    (ranked by field) or all of its bigrams, and confirmed with LIKE when it is longer
    than one bigram. Quoted phrases must occur exactly. No user text is FTS syntax.
    """
    raw = (raw or "")[:500]
    phrases: list[str] = []

    def take(match: re.Match[str]) -> str:
        phrase = next((g for g in match.groups() if g is not None), "")
        phrase = re.sub(r"\s+", " ", normalize(phrase)).strip()
        if WORD.search(phrase):
            phrases.append(phrase)
        return " "

    rest = _QUOTED.sub(take, raw).replace('"', " ")
    candidates = segment(rest, search_mode=False)
    for phrase in phrases:
        candidates.extend(segment(phrase, search_mode=False))
    multi = [w for w in candidates if not (len(w) == 1 and CJK.match(w))]
    words: list[QueryWord] = []
    exact: list[str] = list(phrases)
    seen: set[str] = set()
    for word in candidates:
        if word in seen:
            continue
        seen.add(word)
        if len(word) == 1 and CJK.match(word):
            if not (word in _STOP_CHARS and multi):
                exact.append(word)
            continue
        parts = tuple(g for g in grams(word) if not (len(g) == 1 and CJK.match(g)))
        if not parts:
            exact.append(word)
            continue
        item = QueryWord(word, parts)
        words.append(item)
        if item.needs_check and CJK.search(word):
            exact.append(word)
    highlights = set(exact) | {w.word for w in words}
    return ParsedQuery(
        raw=raw,
        words=tuple(words),
        exact=tuple(dict.fromkeys(exact)),
        highlights=tuple(sorted(highlights, key=len, reverse=True)),
        phrases=tuple(phrases),
    )


def fts5_query(parsed: ParsedQuery) -> str:
    """FTS5 MATCH text: every token double-quoted, so no user text is FTS syntax."""
    clauses = []
    for item in parsed.words:
        token = f'"{item.word}"'
        if item.grams == (item.word,):
            clauses.append(token)
        else:
            all_grams = " AND ".join(f'"{g}"' for g in item.grams)
            clauses.append(f"({token} OR ({all_grams}))")
    return " AND ".join(clauses)


def tsquery(parsed: ParsedQuery) -> str:
    """to_tsquery text: every lexeme single-quoted (tokens hold only word characters)."""
    clauses = []
    for item in parsed.words:
        token = f"'{item.word}'"
        if item.grams == (item.word,):
            clauses.append(token)
        else:
            all_grams = " & ".join(f"'{g}'" for g in item.grams)
            clauses.append(f"({token} | ({all_grams}))")
    return " & ".join(clauses)


def like_pattern(value: str) -> str:
    """A LIKE pattern matching `value` anywhere, with the wildcards escaped."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
