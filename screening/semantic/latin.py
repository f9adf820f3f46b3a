"""Latin-script (English) text for the meaning layer: words, stems and sentences.

A rewritten English answer keeps the source's content words but not their inflections
("inherits" for "inheritance", "computed" for "computation"), so words are compared by
their Snowball stems (the `snowballstemmer` package, pure Python, nothing downloaded).
Stop words and stock academic phrasing ("in this paper", "it is important to note")
say nothing about reuse and are dropped. Sentences are split as English is written:
a full stop after an abbreviation ("e.g.", "et al.", "fig.") or inside a number
("3.14") does not end a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from screening.semantic.lexicon import ENGLISH_STOPWORDS

__all__ = [
    "LATIN_GIST_PARAMS",
    "LATIN_STOPWORDS",
    "LATIN_WINDOW_CHARS",
    "gist_sentences",
    "latin_gist",
    "latin_gist_holds",
    "latin_sentences",
    "latin_tokens",
    "stem",
]

# Function words and words every English answer uses whatever its source: beyond the
# shared list (which Chinese text also uses for its embedded terms).
LATIN_STOPWORDS = ENGLISH_STOPWORDS | frozenset(
    [
        "able",
        "above",
        "according",
        "across",
        "actually",
        "again",
        "against",
        "almost",
        "along",
        "already",
        "although",
        "always",
        "among",
        "amongst",
        "around",
        "because",
        "become",
        "becomes",
        "became",
        "below",
        "besides",
        "beyond",
        "cannot",
        "certain",
        "certainly",
        "close",
        "commonly",
        "considered",
        "consider",
        "could",
        "did",
        "different",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "else",
        "enough",
        "especially",
        "etc",
        "even",
        "ever",
        "every",
        "example",
        "examples",
        "far",
        "few",
        "first",
        "following",
        "further",
        "furthermore",
        "generally",
        "get",
        "gets",
        "getting",
        "given",
        "gives",
        "giving",
        "got",
        "hence",
        "here",
        "however",
        "indeed",
        "instead",
        "it's",
        "itself",
        "kind",
        "less",
        "let",
        "lets",
        "like",
        "likely",
        "made",
        "make",
        "makes",
        "making",
        "mean",
        "means",
        "meanwhile",
        "might",
        "moreover",
        "must",
        "near",
        "nearly",
        "need",
        "needs",
        "never",
        "nevertheless",
        "next",
        "none",
        "nothing",
        "now",
        "often",
        "once",
        "onto",
        "others",
        "otherwise",
        "ours",
        "out",
        "over",
        "perhaps",
        "quite",
        "rather",
        "really",
        "said",
        "say",
        "says",
        "second",
        "seen",
        "several",
        "simply",
        "since",
        "still",
        "sometimes",
        "something",
        "somewhat",
        "soon",
        "take",
        "takes",
        "taken",
        "thing",
        "things",
        "therefore",
        "thereby",
        "though",
        "through",
        "throughout",
        "thus",
        "together",
        "toward",
        "towards",
        "unless",
        "until",
        "usually",
        "used",
        "uses",
        "using",
        "various",
        "well",
        "what",
        "whatever",
        "whether",
        "whereas",
        "which",
        "while",
        "whole",
        "whose",
        "why",
        "within",
        "yet",
    ]
)

# Stock academic phrasing (after lower-casing): shared by unrelated texts.
_STOCK = re.compile(
    r"\b(?:in this (?:paper|study|article|essay|answer|report|thesis)"
    r"|in (?:other|my own|simple) words"
    r"|(?:the )?results? (?:show|shows|showed|indicate|indicates|suggest|suggests)"
    r"|it (?:is|can be) (?:important|worth|interesting) to (?:note|mention|say)"
    r"|it (?:is|was) (?:found|shown|observed) that"
    r"|plays? an? (?:important|key|significant|vital|crucial) role"
    r"|(?:is|are) of (?:great|particular) (?:importance|significance)"
    r"|for (?:example|instance)|such as|as well as|in (?:addition|general|practice)"
    r"|on the other hand|in (?:conclusion|summary)|to sum up|as a result"
    r"|in order to|a (?:number|lot|variety) of|in terms of|with respect to)\b"
)

# Retrieval windows over English text: an English word takes about three times the
# letters of a Chinese one, so windows this wide hold as many words as the 240
# characters of a Chinese window (a short answer's sentences are not each too small
# to retrieve by).
LATIN_WINDOW_CHARS = 600

# Document-level evidence for a heavily rewritten passage (`gist_sentences`).
GIST_REACH = 3
GIST_WINDOW = 8
GIST_SHARE = 0.12
GIST_MIN_PAIRS = 40
# A gist passage pairs at least this many source words found in few source sentences.
GIST_MIN_DISTINCTIVE = 5
GIST_RARE_MIN = 1
GIST_RARE_SHARE = 0.15
# The aligner's thresholds (`align.MeaningParams` fields) inside such a run: a heavy
# rewrite's sentences share fewer words one by one, the run as a whole vouches.
LATIN_GIST_PARAMS: dict[str, float | int] = {
    "seed_dice": 0.3,
    "seed_cos": 0.1,
    "prefilter_cos": 0.1,
    "min_shared": 3,
    "min_distinctive": 1,
    "passage_dice": 0.3,
    "single_seed_dice": 0.45,
    "min_passage_distinctive": 7,
    "gap": 3,
}

_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#\-./']*[a-z0-9+#]|[a-z0-9]")
_TERM = re.compile(r"[0-9+#]")  # numbers, c++, c#

# Abbreviations after which a full stop does not end a sentence (lower case).
_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "al",
        "cf",
        "vs",
        "fig",
        "figs",
        "eq",
        "eqs",
        "vol",
        "vols",
        "pp",
        "p",
        "ch",
        "sec",
        "approx",
        "ca",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "dept",
        "univ",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "ph.d",
        "m.sc",
        "b.sc",
    ]
)
_END = re.compile(r"[.!?;]+[\"')\]]*(?=\s|$)|\n+")
_CLAUSE = re.compile(r"[,:]\s")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a lower-case English word."""
    return _stemmer().stemWord(word)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    """The English Snowball stemmer, built once."""
    # Imported here, not at the top: `chengxin screen` starts without it, and a run
    # against an empty corpus or on Chinese text never stems.
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def latin_tokens(text: str) -> list[tuple[str, int, int, bool]]:
    """Content tokens of a lower-cased English text: (token, start, end, is_term).

    A token holding a digit or a sign ("0.85", "c++", "c#") is a term,
    strong evidence; stop words, one-letter words and stock phrasing are dropped.
    """
    masked = _STOCK.sub(lambda m: " " * len(m.group()), text)
    out: list[tuple[str, int, int, bool]] = []
    for m in _TOKEN.finditer(masked):
        token = m.group()
        start = m.start()
        stripped = token.rstrip(".-/'")
        if stripped.endswith("'s"):
            stripped = stripped[:-2]
        token = stripped
        if not token:
            continue
        end = start + len(token)
        if _TERM.search(token):
            out.append((token, start, end, True))
        elif len(token) >= 2 and token not in LATIN_STOPWORDS:
            out.append((token, start, end, False))
    return out


def latin_sentences(text: str, *, max_chars: int = 200) -> list[tuple[int, int]]:
    """Half-open sentence spans of an English text; long ones cut at clause marks."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if m.group().startswith(".") and _abbreviation_before(text, m.start()):
            continue
        if m.end() > start:
            spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e - s < 2:
            continue
        out.extend(_cut_long(text, s, e, max_chars))
    return out


def _abbreviation_before(text: str, dot: int) -> bool:
    """Whether the full stop at `dot` closes an abbreviation or an initial."""
    m = re.search(r"([a-z][a-z.]*)$", text[max(0, dot - 12) : dot])
    if m is None:
        return False
    word = m.group(1)
    return word in _ABBREVIATIONS or len(word) == 1


def _cut_long(text: str, s: int, e: int, max_chars: int) -> list[tuple[int, int]]:
    """A sentence longer than `max_chars` cut after the clause marks nearest it."""
    out: list[tuple[int, int]] = []
    cur = s
    last = s
    for m in _CLAUSE.finditer(text, s, e):
        b = m.end()
        if b - cur > max_chars and last > cur:
            out.append((cur, last))
            cur = last
        last = b
    if e - cur > max_chars and last > cur:
        out.append((cur, last))
        cur = last
    out.append((cur, e))
    return [(a, b - (b > a and text[b - 1] == " ")) for a, b in out if b > a]


def word_pairs(keys: Sequence[str], reach: int = GIST_REACH) -> set[tuple[str, str]]:
    """Unordered pairs of distinct content words at most `reach` words apart."""
    out: set[tuple[str, str]] = set()
    for i, a in enumerate(keys):
        for b in keys[i + 1 : i + 1 + reach]:
            if a != b:
                out.add((a, b) if a < b else (b, a))
    return out


def gist_sentences(
    tgt: Sequence[Sequence[str]],
    src: Sequence[str],
    *,
    window: int = GIST_WINDOW,
    share: float = GIST_SHARE,
) -> set[int]:
    """Thesis sentences lying in a run of `window` sentences whose near word pairs
    are found near each other in the source for at least `share` of them.

    `tgt` is each thesis sentence's word keys in order and `src` the source's. A
    heavy rewrite reorders and rewords its sentences but keeps words that belong
    together ("interest rate", "directed links") near each other; an independent
    text on the same topic shares the topic's words, far fewer of their pairings.
    Runs of sentences keep one rewritten paragraph of a long thesis from being
    diluted by the rest of it.
    """
    known = word_pairs(src)
    out: set[int] = set()
    n = len(tgt)
    for lo in range(max(1, n - window + 1)):
        hi = min(n, lo + window)
        keys = [k for sent in tgt[lo:hi] for k in sent]
        pairs = word_pairs(keys)
        if len(pairs) >= GIST_MIN_PAIRS and len(pairs & known) >= share * len(pairs):
            out.update(range(lo, hi))
    return out


def latin_gist(groups: Sequence[Sequence[int]], tgt: Any, src: Any) -> set[int]:
    """`gist_sentences` of two English meaning sides (`align.MeaningSide`), their
    words keyed by stem (numbers and terms as they are); `groups` are the thesis's
    word indices per sentence."""
    if src.chinese:
        return set()
    tk = _gist_keys(tgt)
    return gist_sentences([[tk[i] for i in g] for g in groups], _gist_keys(src))


def _gist_key(word: Any) -> str:
    """A word's key for pairing: its stem, or a term as it is."""
    return "t:" + word.text if word.kind == "term" else stem(word.text)


def latin_gist_holds(cluster: Sequence[tuple[Any, ...]], tgt: Any, src: Any) -> bool:
    """Whether a passage aligned with the looser thresholds still holds on its own,
    whatever the length of the thesis around it.

    `cluster` holds the passage's seeds (thesis sentence, source sentence, score,
    aligned word pairs); `tgt` and `src` are the meaning sides. The passage's own
    sentences must keep the source's word pairings (`GIST_SHARE`, as a run must), and
    it must pair enough of the source's own words, those in few of its sentences: the
    aligner counts a word as distinctive by its frequency in both texts, which grows
    lax as a long thesis adds sentences, while the source does not change with it.
    """
    per_key: dict[str, set[int]] = {}
    for word, sent in zip(src.words, src.word_sent.tolist(), strict=True):
        per_key.setdefault(_gist_key(word), set()).add(sent)
    rare = max(GIST_RARE_MIN, GIST_RARE_SHARE * len(src.sents))
    keys = {_gist_key(src.words[j]) for seed in cluster for _, j in seed[3]}
    if sum(len(per_key[k]) <= rare for k in keys) < GIST_MIN_DISTINCTIVE:
        return False
    lo, hi = cluster[0][0], cluster[-1][0]
    own = [
        _gist_key(w)
        for w, s in zip(tgt.words, tgt.word_sent.tolist(), strict=True)
        if lo <= s <= hi
    ]
    pairs = word_pairs(own)
    return len(pairs & word_pairs(_gist_keys(src))) >= GIST_SHARE * len(pairs)


def _gist_keys(side: Any) -> list[str]:
    """A meaning side's words' pairing keys in text order."""
    return [_gist_key(w) for w in side.words]
