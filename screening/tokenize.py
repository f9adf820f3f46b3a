"""Tokens, sentences and n-grams for Chinese, English and mixed text.

One `jieba.Tokenizer` instance per `Tokenizer` (never jieba's global one), built lazily
and quietly, and dropped on pickling so worker processes re-create their own.  The
fingerprinting and alignment layers use `token_stream`, which is vectorised: each CJK
character is a token, each run of other letters/digits (an English word) is a token.
"""

from __future__ import annotations

import logging
import marshal
import re
import tempfile
import threading
import warnings
import zlib
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress
from pathlib import Path
from typing import Any

import numpy as np

from screening.normalize import is_cjk_array

__all__ = [
    "Tokenizer",
    "TokenStream",
    "get_tokenizer",
    "token_stream",
    "sentences",
    "ngram_hashes",
    "mix32",
]

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)


def mix32(values: np.ndarray) -> np.ndarray:
    """Avalanche uint64 values (splitmix64 finaliser) down to stable uint32 hashes."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) * _M1
        z = (z ^ (z >> np.uint64(30))) * _M2
        z = (z ^ (z >> np.uint64(27))) * _M3
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(32)).astype(np.uint32)


@lru_cache(maxsize=1)
def _word_char_table() -> np.ndarray:
    """Which code points belong to non-CJK words (letters, digits, marks)."""
    table = np.zeros(0x110000, dtype=bool)
    for cp in range(0x3000):
        ch = chr(cp)
        if ch.isalnum() or ch == "_":
            table[cp] = True
    table[0xFF10:0xFF1A] = True
    table[0xFF21:0xFF3B] = True
    table[0xFF41:0xFF5B] = True
    return table


@dataclass(frozen=True, slots=True, eq=False)
class TokenStream:
    """Tokens of a text: stable uint32 ids and half-open character spans."""

    ids: np.ndarray  # uint32
    starts: np.ndarray  # int32
    ends: np.ndarray  # int32
    is_cjk: np.ndarray  # bool: token is one CJK character

    def __len__(self) -> int:
        return len(self.ids)


def token_stream(text: str) -> TokenStream:
    """Split text into CJK-character and word tokens, punctuation and spaces dropped."""
    if not text:
        empty = np.zeros(0, dtype=np.int32)
        return TokenStream(empty.astype(np.uint32), empty, empty, empty.astype(bool))
    cps = np.frombuffer(
        text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32
    ).astype(np.int32)
    # CJK punctuation (U+3000-U+303F) is not a token; ideographs and kana are.
    cjk = is_cjk_array(cps) & ~((cps >= 0x3000) & (cps < 0x3040))
    word = _word_char_table()[cps] & ~cjk
    n = len(cps)
    prev_word = np.concatenate(([False], word[:-1]))
    next_word = np.concatenate((word[1:], [False]))
    w_starts = np.flatnonzero(word & ~prev_word)
    w_ends = np.flatnonzero(word & ~next_word) + 1
    c_pos = np.flatnonzero(cjk)
    w_ids = np.fromiter(
        (
            zlib.crc32(text[s:e].encode("utf-8")) | 0x80000000
            for s, e in zip(w_starts, w_ends, strict=True)
        ),
        dtype=np.uint32,
        count=len(w_starts),
    )
    starts = np.concatenate((c_pos, w_starts))
    ends = np.concatenate((c_pos + 1, w_ends))
    ids = np.concatenate((cps[c_pos].astype(np.uint32), w_ids))
    flags = np.concatenate(
        (np.ones(len(c_pos), dtype=bool), np.zeros(len(w_starts), dtype=bool))
    )
    if len(w_starts) and len(c_pos):
        order = np.argsort(starts, kind="stable")
        starts, ends, ids, flags = starts[order], ends[order], ids[order], flags[order]
    del n
    return TokenStream(ids, starts.astype(np.int32), ends.astype(np.int32), flags)


def ngram_hashes(ids: np.ndarray, n: int) -> np.ndarray:
    """Stable uint32 hash of every run of `n` consecutive token ids (len - n + 1)."""
    count = len(ids) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint32)
    acc = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(n):
            acc = (
                acc * np.uint64(0x100000001B3)
                + ids[j : j + count].astype(np.uint64)
                + np.uint64(j + 1)
            )
    return mix32(acc)


# A sentence ends at . ! ? ; (normalised forms), their CJK originals, or a line break.
# "." only counts when it is not between two digits/letters (3.14, e.g., U.S.).
_SENTENCE_END = re.compile(r"[!?;。！？；\n]+|\.(?![0-9a-z])")
_CLAUSE_BREAK = re.compile(r"[,:，：、]")


def sentences(
    text: str, *, max_chars: int = 150, min_chars: int = 8
) -> list[tuple[int, int]]:
    """Half-open sentence spans, long sentences cut at clause marks near max_chars."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if end > start:
            spans.append((start, end))
        start = end
    if start < n:
        spans.append((start, n))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if e - s > max_chars:
            out.extend(_split_long(text, s, e, max_chars))
        else:
            out.append((s, e))
    # Trim surrounding spaces; merge fragments too short to stand alone into neighbours.
    trimmed: list[tuple[int, int]] = []
    for s, e in out:
        while s < e and text[s] == " ":
            s += 1
        while e > s and text[e - 1] == " ":
            e -= 1
        if e <= s:
            continue
        if (
            trimmed
            and (e - s < min_chars)
            and trimmed[-1][1] - trimmed[-1][0] < max_chars
        ):
            trimmed[-1] = (trimmed[-1][0], e)
        else:
            trimmed.append((s, e))
    return trimmed


def _split_long(text: str, s: int, e: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at clause marks (or hard) into pieces <= max_chars."""
    pieces: list[tuple[int, int]] = []
    cur = s
    breaks = [m.end() + s for m in _CLAUSE_BREAK.finditer(text[s:e])]
    last_break = cur
    for b in breaks:
        if b - cur > max_chars and last_break > cur:
            pieces.append((cur, last_break))
            cur = last_break
        last_break = b
    while e - cur > max_chars:
        cut = last_break if cur < last_break < cur + max_chars else cur + max_chars
        pieces.append((cur, cut))
        cur = cut
    pieces.append((cur, e))
    return pieces


class Tokenizer:
    """Owns one lazily built, quiet jieba.Tokenizer; picklable for worker processes."""

    def __init__(self, dictionary: str | None = None) -> None:
        self.dictionary = dictionary
        self._jieba: Any = None
        self._lock = threading.Lock()
        # Words of each piece (a jieba block, or the marks and blanks between blocks)
        # already cut: a thesis repeats its pieces, and every text its marks.
        self._pieces: dict[str, list[str]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"dictionary": self.dictionary}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["dictionary"])  # type: ignore[misc]

    def _get(self) -> Any:
        """Build the jieba tokenizer on first use, without its log chatter or warnings."""
        if self._jieba is None:
            with self._lock:
                if self._jieba is None:
                    with warnings.catch_warnings():
                        # jieba imports pkg_resources, deprecated in recent setuptools.
                        warnings.filterwarnings(
                            "ignore", category=UserWarning, message=".*pkg_resources.*"
                        )
                        warnings.filterwarnings("ignore", category=DeprecationWarning)
                        import jieba

                        logger = logging.getLogger("jieba")
                        level = logger.level
                        jieba_logger = getattr(jieba, "default_logger", logger)
                        jieba_level = jieba_logger.level
                        logger.setLevel(logging.WARNING)
                        jieba_logger.setLevel(logging.WARNING)
                        try:
                            tok = (
                                jieba.Tokenizer(self.dictionary)
                                if self.dictionary
                                else jieba.Tokenizer()
                            )
                            _initialize(tok, jieba.DEFAULT_DICT)
                        finally:
                            logger.setLevel(level)
                            jieba_logger.setLevel(jieba_level)
                    self._jieba = tok
        return self._jieba

    def _lcut(self, text: str) -> list[str]:
        """jieba's words of a text (blanks included), cut by rjieba where it is exact.

        jieba cuts block by block (runs of Han characters, letters and digits). A block
        of Han characters alone goes to rjieba (the same dictionary and HMM in Rust,
        about ten times faster, and the same words: tests/screening/test_tokenize.py);
        a block holding letters or digits goes to jieba itself, whose handling of those
        rjieba does not share. A custom dictionary is jieba's alone.
        """
        jb = self._get()
        fast = self._fast()
        if fast is None:
            return jb.lcut(text, HMM=True)
        pieces = self._pieces
        if len(pieces) > _PIECES_LIMIT:
            pieces.clear()
        get = pieces.get
        out: list[str] = []
        for piece in _JIEBA_BLOCK.split(text):
            words = get(piece)
            if words is None:
                words = pieces[piece] = _cut_piece(piece, jb, fast)
            out += words
        return out

    def _fast(self) -> Any:
        """rjieba's cut when this tokenizer uses jieba's own dictionary, else None."""
        if self.dictionary is not None:
            return None
        # rjieba is imported here, not at the top: its dictionary loads on import, and
        # a `chengxin screen` against an empty corpus never cuts words.
        import rjieba

        return rjieba.cut

    def words(self, text: str) -> list[tuple[str, int, int]]:
        """Words with half-open spans; spaces dropped, punctuation kept as its own token."""
        cut = self._lcut(text)
        # Built by itertools in C, each offset one int shared by the word ending there
        # and the word starting there: a thesis has some 30,000 words.
        offsets = list(accumulate(map(len, cut), initial=0))
        spans = zip(cut, offsets[:-1], offsets[1:], strict=True)
        return list(compress(spans, map(str.strip, cut)))

    def cut(self, text: str) -> list[str]:
        """Words only (spaces dropped), for callers that need no offsets."""
        cut = self._lcut(text)
        return list(compress(cut, map(str.strip, cut)))


# jieba's own block pattern (jieba.re_han_default) and a block of Han characters alone.
_JIEBA_BLOCK = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
_HAN_BLOCK = re.compile("[\u4e00-\u9fd5]+")
_HAN_RUNS = re.compile("([\u4e00-\u9fd5]+)")
_HMM_SKIP = re.compile("([a-zA-Z0-9]+(?:\\.\\d+)?%?)")  # jieba.finalseg.re_skip
_JIEBA_SKIP = re.compile(r"(\r\n|\s)")  # jieba.re_skip_default
_dictionary: tuple[re.Pattern[str], re.Pattern[str]] | None = None
# Pieces remembered per Tokenizer before starting afresh: a thesis has some 3,500
# distinct pieces, and 20,000 pieces with their words take about 17 MB.
_PIECES_LIMIT = 20_000


def _cut_piece(piece: str, jb: Any, fast: Any) -> list[str]:
    """jieba's words of one piece of a text: a block (of Han characters alone, or mixed
    with letters and digits) or the marks and blanks between two blocks."""
    if not piece:
        return []
    if _HAN_BLOCK.fullmatch(piece):
        return fast(piece, True)
    if _JIEBA_BLOCK.fullmatch(piece):
        return _cut_mixed(piece, jb, fast)
    return _cut_other(piece)


def _cut_other(piece: str) -> list[str]:
    """jieba's words of a piece holding no block character (marks and blanks): each
    blank and each other character alone, as `jieba.Tokenizer.cut` gives them without
    its dictionary (a thesis has thousands of such pieces, each a jieba call)."""
    out: list[str] = []
    for x in _JIEBA_SKIP.split(piece):
        if _JIEBA_SKIP.match(x):
            out.append(x)
        else:
            out.extend(x)
    return out


def _dictionary_words(jb: Any) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns of jieba's dictionary words mixing Han and other characters (B超) and
    of its words of two or more other characters (c++), built once."""
    global _dictionary
    if _dictionary is None:
        mixed, latin = [], []
        for w, f in jb.FREQ.items():
            if f and not _HAN_BLOCK.fullmatch(w):
                if _HAN_RUNS.search(w):
                    mixed.append(w)
                elif len(w) > 1:
                    latin.append(w)
        _dictionary = tuple(  # type: ignore[assignment]
            re.compile("|".join(map(re.escape, sorted(ws, key=len, reverse=True))))
            if ws
            else re.compile("(?!)")
            for ws in (mixed, latin)
        )
    assert _dictionary is not None
    return _dictionary


def _cut_mixed(block: str, jb: Any, fast: Any) -> list[str]:
    """jieba's words of a block mixing Han characters with letters, digits or marks
    (in normalised text sentences end in "." and join into such blocks).

    jieba cuts a block by its best dictionary route, then hands each run of single
    characters to its HMM, which splits that run again into Han and other parts. So
    the block's Han runs are cut alone (by rjieba, `_han_edges`) and its other runs
    as jieba's HMM splits them, and the words are the same unless a dictionary word
    spans a Han edge (B超, 卡拉OK), or lies in another run (c++) whose edge holds two
    single characters: then jieba cuts the whole block.
    """
    mixed, latin = _dictionary_words(jb)
    if mixed.search(block):
        return jb.lcut(block, HMM=True)
    parts = _HAN_RUNS.split(block)  # other, Han, other, ..., other (ends may be "")
    last = len(parts) - 1
    out: list[str] = []
    for i, part in enumerate(parts):
        if len(part) < 2:  # a lone character is its own word (a sentence's ".")
            if part:
                out.append(part)
            continue
        if i % 2:
            words = fast(part, True)
            # Single characters at an edge with a run beyond it: see `_han_edges`.
            if _edge_singles(words, bool(parts[i - 1]), bool(parts[i + 1])):
                found = _han_edges(part, words, jb, fast, parts[i - 1], parts[i + 1])
                if found is None:
                    return jb.lcut(block, HMM=True)
                words = found
        elif latin.search(part):
            words = jb.lcut(part, HMM=True)
            if _edge_singles(words, i > 0, i < last):
                return jb.lcut(block, HMM=True)
        else:  # no dictionary word: one run of single characters for jieba's HMM
            words = list(filter(None, _HMM_SKIP.split(part)))
        out += words
    return out


def _edge_singles(words: list[str], first: bool, last: bool) -> bool:
    """Whether the words of a run start (`first`) or end (`last`) with two single
    characters: only such a run may be cut differently alone and inside its block."""
    return len(words) > 1 and (
        (first and len(words[0]) == 1 == len(words[1]))
        or (last and len(words[-1]) == 1 == len(words[-2]))
    )


def _han_edges(
    run: str, words: list[str], jb: Any, fast: Any, before: str, after: str
) -> list[str] | None:
    """jieba's words of a Han run inside a block, given rjieba's `words` of the run
    alone, between other runs `before` and `after` (either may be ""); None when
    only jieba's cut of the whole block will do.

    jieba gathers the single characters of a block's route and cuts them with its HMM
    unless they make a dictionary word; then it keeps them single. At a run's edge
    inside a block they are gathered with the single letters or digits beyond the
    edge, never a dictionary word (no such word is in the block), so only when the
    edge's singles alone make a word are they cut differently alone (kept single) and
    in the block (by the HMM, 总重1100). Beside a run holding a dictionary word (c++)
    the letters beyond the edge may not be single, and jieba decides.
    """
    route = fast(run, False)  # a Han run's words without the HMM: jieba's route
    lead = _leading_singles(route) if before else ""
    trail = _leading_singles(route[::-1])[::-1] if after else ""
    lead, trail = (e if len(e) > 1 and jb.FREQ.get(e) else "" for e in (lead, trail))
    if not (lead or trail):
        return words
    _, latin = _dictionary_words(jb)
    if latin.search(before) or latin.search(after):
        return None
    from jieba import finalseg  # loaded with jieba itself, which cut this run's block

    if len(lead) == len(run) or len(trail) == len(run):  # single characters alone
        return list(finalseg.cut(run))
    head = list(finalseg.cut(lead)) if lead else []
    tail = list(finalseg.cut(trail)) if trail else []
    return head + words[len(lead) : len(words) - len(trail)] + tail


def _leading_singles(route: list[str]) -> str:
    """The single characters a route starts with, joined."""
    n = 0
    while n < len(route) and len(route[n]) == 1:
        n += 1
    return "".join(route[:n])


def _initialize(tok: Any, default_dict: Any) -> None:
    """Give a jieba tokenizer its prefix dictionary from jieba's own cache, in one read.

    jieba's `initialize` unmarshals its 9 MB cache straight from the file object, about
    0.7 s of CPU per process; reading the bytes first and unmarshalling them takes about
    0.25 s. Only the default dictionary's cache is read here; any other case, and a
    missing or unreadable cache, goes through jieba's `initialize` (which builds and
    writes the cache).
    """
    if tok.dictionary != default_dict or tok.cache_file or tok.tmp_dir:
        tok.initialize()
        return
    try:
        data = (Path(tempfile.gettempdir()) / "jieba.cache").read_bytes()
        tok.FREQ, tok.total = marshal.loads(data)
    except (OSError, EOFError, ValueError, TypeError):
        tok.initialize()
        return
    tok.initialized = True


_default: Tokenizer | None = None


def get_tokenizer() -> Tokenizer:
    """Process-wide shared Tokenizer (its jieba instance is built on first use)."""
    global _default
    if _default is None:
        _default = Tokenizer()
    return _default
